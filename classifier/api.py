"""The public API: ``suggest``, ``suggest_many`` and ``analyze_note``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from .decision import Decision, decide
from .errors import InputError, PtcodeError, describe
from .evidence import Parsed, parse, parse_many
from .explain import explain
from .features import encode, encode_many
from .model import LinearModel, Thresholds, cached_model
from .rules import RuleResult, apply
from .types import LABELS, NoteAnalysis, Suggestion

Mode = Literal["combined", "model", "rules"]
MAX_CHARS = 200_000
_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def check_text(text: object, max_chars: int = MAX_CHARS) -> str:
    """Validate one input text; raise ``InputError`` (never quoting the text)."""
    if not isinstance(text, str):
        raise InputError("text as a string", describe(text), "Pass the note text as str.")
    if not _VISIBLE.search(text):
        raise InputError("non-empty text", "empty or whitespace-only text", "Pass the intervention description.")
    if len(text) > max_chars:
        raise InputError(
            f"at most {max_chars:,} characters",
            f"{len(text):,} characters",
            "Split the document, or raise the limit with max_chars.",
        )
    return text


def resolve_model(model: str | Path | LinearModel | None) -> LinearModel | None:
    """``None``: the shipped model (or None when no model is shipped); a path: that model."""
    if isinstance(model, LinearModel):
        return model
    if model is None:
        return cached_model(None)
    return cached_model(str(Path(model).resolve()))


def suggest_parsed(parsed: Parsed, model: LinearModel | None, mode: Mode = "combined") -> Suggestion:
    """Decide and explain for an already parsed text (used by batch and evaluation too)."""
    return _decided(parsed, apply(parsed), *_model_scores(parsed, model, mode), model, mode)


def suggest_parsed_many(parsed: list[Parsed], model: LinearModel | None, mode: Mode = "combined") -> list[Suggestion]:
    """``suggest_parsed`` for a batch, one step at a time over the whole batch (rules, then
    the model, then decision and explanation): each step's code and data stay in the CPU
    cache, instead of every step evicting the previous one."""
    rules = [apply(p) for p in parsed]
    if model is None or mode == "rules":
        scores: list[tuple[tuple | None, list[float] | None]] = [(None, None)] * len(parsed)
    else:
        vectors = encode_many(parsed, model)
        scores = list(zip(vectors, model.proba_many(vectors)))
    return [_decided(p, rule, vec, probs, model, mode) for p, rule, (vec, probs) in zip(parsed, rules, scores)]


def _model_scores(parsed: Parsed, model: LinearModel | None, mode: Mode) -> tuple[tuple | None, list[float] | None]:
    """The model's encoded vector and class probabilities (None when the rules decide alone)."""
    if model is None or mode == "rules":
        return None, None
    vec = encode(parsed, model)
    return vec, model.proba_from(*vec)


def _decided(parsed: Parsed, rule: RuleResult, vec: tuple | None, probs: list[float] | None, model: LinearModel | None, mode: Mode) -> Suggestion:
    """Combine rules and model into a decision and explain it."""
    thresholds = model.thresholds if model is not None else Thresholds()
    racc = model.rule_accuracy if model is not None else {}
    evidence = evidence_kind(parsed)
    if mode == "model" and probs is not None:
        decision = decide(probs, model.classes, _abstain(rule), thresholds, racc, "core")
    elif mode == "rules" or probs is None:
        decision = decide(None, None, rule, thresholds, racc, evidence)
    else:
        decision = decide(probs, model.classes, rule, thresholds, racc, evidence)
    other = None
    if decision.code == "none":
        from .rules import other_service_code

        other = other_service_code(parsed)
    return _suggestion(parsed, decision, rule, other, model if decision.decided_by == "model" else None, vec)


def evidence_kind(parsed: Parsed) -> str:
    """``"core"``: a performed cue of one of the three codes; ``"other"``: only other cues;
    ``"none"``: nothing the lexicon knows."""
    from .cues import CORE_FAMILIES

    if any(c.context == "performed" and c.family in CORE_FAMILIES for c in parsed.cues):
        return "core"
    return "other" if parsed.cues else "none"


def _abstain(rule):  # noqa: ANN001, ANN202 - a RuleResult with no decision
    from .rules import RuleResult

    return RuleResult(None, None, rule.fired, 0, None)


def _suggestion(parsed: Parsed, decision: Decision, rule, other: str | None, model: LinearModel | None, vec) -> Suggestion:  # noqa: ANN001
    alternatives = tuple(
        (c, float(decision.probs[c])) for c in sorted(LABELS, key=lambda c: (-decision.probs[c], c)) if c != decision.code
    )
    return Suggestion(
        code=decision.code,
        confidence=float(decision.confidence),
        needs_review=bool(decision.needs_review),
        explanation=explain(parsed, decision, other, model, vec),
        evidence=parsed.evidence(),
        alternatives=alternatives,
        decided_by="rules" if decision.decided_by == "rules" else "model",
        other_service=other,
        rule_id=rule.rule.id if decision.decided_by == "rules" and rule.rule is not None else None,
    )


def suggest(text: str, *, model: str | Path | LinearModel | None = None, mode: Mode = "combined", max_chars: int = MAX_CHARS) -> Suggestion:
    """Suggest the code one intervention description supports.

    Parameters
    ----------
    text:
        The intervention text (a flowsheet row, a bullet, a few sentences).
    model:
        ``None`` for the shipped model, or a directory written by ``ptcode train``. Without a
        shipped model the fallback rules decide.
    mode:
        ``"combined"`` (model with rule fallback), ``"model"`` or ``"rules"``.
    """
    check_text(text, max_chars)
    lm = resolve_model(model)
    return suggest_parsed(parse(text), lm, mode)


def suggest_many(
    texts: Iterable[str],
    *,
    batch_size: int = 256,
    n_process: int = 1,
    model: str | Path | LinearModel | None = None,
    mode: Mode = "combined",
    max_chars: int = MAX_CHARS,
    errors: Literal["raise", "return"] = "raise",
) -> Iterator[Suggestion | PtcodeError]:
    """Stream suggestions for many texts, in input order.

    With ``errors="return"`` an invalid text yields its ``PtcodeError`` in place of a
    suggestion instead of stopping the stream.
    """
    if n_process > 1:
        from .parallel import suggest_parallel

        yield from suggest_parallel(texts, batch_size=batch_size, n_process=n_process, model=model, mode=mode, max_chars=max_chars, errors=errors)
        return
    lm = resolve_model(model)
    pending: list[tuple[int, str | PtcodeError]] = []

    def flush() -> Iterator[Suggestion | PtcodeError]:
        good = [t for _, t in pending if isinstance(t, str)]
        decided = iter(suggest_parsed_many(list(parse_many(good, batch_size=batch_size)), lm, mode))
        for _, t in pending:
            yield t if isinstance(t, PtcodeError) else next(decided)
        pending.clear()

    for i, text in enumerate(texts):
        try:
            pending.append((i, check_text(text, max_chars)))
        except PtcodeError as exc:
            if errors == "raise":
                raise
            pending.append((i, exc))
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def analyze_note(text: str, *, rule: Literal["cms", "ama"] = "cms", model: str | Path | LinearModel | None = None, max_chars: int = MAX_CHARS) -> NoteAnalysis:
    """Analyse a whole daily note: line items, minutes, units and warnings."""
    from .notes import analyze

    check_text(text, max_chars)
    return analyze(text, rule=rule, model=resolve_model(model))


def audit_note(
    text: str,
    billed: str | dict[str, int],
    *,
    rule: Literal["cms", "ama"] = "cms",
    model: str | Path | LinearModel | None = None,
    max_chars: int = MAX_CHARS,
):  # noqa: ANN201 - returns classifier.audit.AuditResult
    """Compare billed codes and units (``"97110x2;97530x1"``) with what the note documents."""
    from .audit import audit, parse_billed

    billed_units = parse_billed(billed)
    return audit(analyze_note(text, rule=rule, model=model, max_chars=max_chars), billed_units, rule)
