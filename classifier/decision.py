"""Combining the model and the fallback rules into one decision (pure, shared by the API,
training and evaluation so all three decide the same way)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Thresholds
from .rules import RuleResult
from .types import LABELS

NO_RULE_CONFIDENCE = 0.4  # no model and no rule fired: "none", flagged for review
CLOSE_MARGIN = 0.25


@dataclass(frozen=True, slots=True)
class Decision:
    code: str
    confidence: float
    probs: dict[str, float]  # over LABELS, sums to 1
    decided_by: str  # "model" | "rules"
    needs_review: bool
    conflict: bool
    runner_up: str | None


def _spread(code: str, conf: float, weights: dict[str, float]) -> dict[str, float]:
    """Put ``conf`` on ``code`` and share the rest by ``weights`` over the other labels."""
    others = [c for c in LABELS if c != code]
    total = sum(weights.get(c, 0.0) for c in others)
    probs = {code: conf}
    for c in others:
        share = weights.get(c, 0.0) / total if total > 0 else 1.0 / len(others)
        probs[c] = (1.0 - conf) * share
    return probs


def decide(
    model_probs: Sequence[float] | None,
    classes: tuple[str, ...] | None,
    rule: RuleResult,
    thresholds: Thresholds,
    rule_accuracy: dict[str, float],
    evidence: str,
) -> Decision:
    """Combine the model's probabilities and the fallback rules.

    ``evidence`` says what the text holds: ``"core"`` (a performed cue of 97110/97112/97530),
    ``"other"`` (only other cues) or ``"none"`` (no cue at all). The rules decide when there is
    no model, when the model's confidence is under ``thresholds.rules_below``, or when the
    model names one of the three codes although no performed evidence for any of them exists.
    """
    rule_conf = None
    if rule.rule is not None:
        rule_conf = rule_accuracy.get(rule.rule.id, rule.rule.confidence)
    if model_probs is None or classes is None:
        if rule.label is None:
            probs = _spread("none", NO_RULE_CONFIDENCE, {})
            return Decision("none", NO_RULE_CONFIDENCE, probs, "rules", True, False, _second(probs))
        weights = {r.label: 2.0 for r in rule.fired if r.label != rule.label}
        probs = _spread(rule.label, float(rule_conf), {c: weights.get(c, 1.0) for c in LABELS})
        conf = probs[rule.label]
        return Decision(rule.label, conf, probs, "rules", conf < thresholds.review_below or rule.conflicts > 0, rule.conflicts > 0, _second(probs))

    mp = {c: float(p) for c, p in zip(classes, model_probs)}
    top = max(mp, key=mp.get)
    p_top = mp[top]
    unsupported = top != "none" and evidence != "core"
    use_rules = rule.label is not None and (p_top < thresholds.rules_below or evidence == "none" or unsupported)
    if use_rules:
        probs = _spread(rule.label, max(float(rule_conf), mp[rule.label]), mp)
        code, by = rule.label, "rules"
    elif unsupported and evidence == "none":
        probs = _spread("none", NO_RULE_CONFIDENCE, mp)
        code, by = "none", "rules"
    else:
        probs, code, by = mp, top, "model"
    conf = probs[code]
    runner = _second(probs)
    close = runner is not None and conf - probs[runner] < CLOSE_MARGIN
    conflict = rule.label is not None and rule.label != code and close
    needs_review = conf < thresholds.review_below or conflict or (unsupported and by == "model")
    return Decision(code, conf, probs, by, needs_review, conflict, runner)


def _second(probs: dict[str, float]) -> str | None:
    ranked = sorted(probs, key=lambda c: (-probs[c], c))
    return ranked[1] if len(ranked) > 1 else None
