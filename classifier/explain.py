"""Evidence + decision -> an explanation of at most two sentences that quotes the note.

The first sentence names the code, the defining parameter or intent (the display name of the
cue family that contributed most to the decision) and quotes the matching evidence verbatim.
A second sentence appears when the call is close or flagged: it says what argues against the
runner-up, or what the runner-up would have needed.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from .cues import CORE_FAMILIES, OTHER_SERVICE_FAMILIES
from .decision import Decision
from .evidence import Cue, Parsed
from .model import LinearModel
from .resources import load_json

MAX_QUOTES = 3
QUOTE_CHARS = 60
_CODE_FAMILIES = {
    code: [f for f, c in CORE_FAMILIES.items() if c == code] for code in ("97110", "97112", "97530")
}


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    conf = load_json("data", "explain.json")
    return conf["names"], conf["codes"]


def name_of(cue_id_or_family: str) -> str:
    names, _ = _names()
    if cue_id_or_family in names:
        return names[cue_id_or_family]
    return names.get(cue_id_or_family.split(".", 1)[0], cue_id_or_family.replace("_", " "))


def _quote(parsed: Parsed, cue: Cue) -> str:
    text = parsed.text[cue.char_start : cue.char_end]
    text = " ".join(text.split())
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 3].rstrip() + "..."
    return f'"{text}"'


def _quotes(parsed: Parsed, cues: list[Cue]) -> str:
    seen: list[str] = []
    for c in cues:
        q = _quote(parsed, c)
        if q not in seen:
            seen.append(q)
        if len(seen) == MAX_QUOTES:
            break
    return ", ".join(seen)


def _family_scores(parsed: Parsed, decision: Decision, model: LinearModel | None, vec: tuple | None) -> dict[str, float]:
    """How much each cue family (or cue id) pushed the decision, from the model's named
    features when the model decided, else from evidence counts."""
    if model is not None and vec is not None and decision.decided_by == "model":
        ci = model.classes.index(decision.code)
        ri = model.classes.index(decision.runner_up) if decision.runner_up in model.classes else None
        return model.family_scores(vec[0], vec[1], ci, ri)
    scores: dict[str, float] = defaultdict(float)
    for c in parsed.cues:
        if c.context == "performed":
            scores[c.cue_id] += 1.0
    return scores


def _supporting(parsed: Parsed, code: str, scores: dict[str, float]) -> tuple[str | None, list[Cue]]:
    """The best-scoring family/cue id for ``code`` and the performed cues that belong to it."""
    families = _CODE_FAMILIES.get(code, [])
    cues = [c for c in parsed.cues if c.context == "performed" and c.family in families]
    if not cues:
        return None, []

    def score(c: Cue) -> float:
        return scores.get(c.cue_id, 0.0) + scores.get(c.family, 0.0)

    ranked = sorted(cues, key=lambda c: (-score(c), c.start))
    lead = ranked[0].cue_id
    lead_family = ranked[0].family
    lead_name_key = lead if lead in _names()[0] else lead_family
    chosen = [c for c in ranked if c.family == lead_family] + [c for c in ranked if c.family != lead_family]
    return lead_name_key, chosen


def code_name(code: str) -> str:
    """The plain name of a code, e.g. therapeutic exercise for 97110 (data/explain.json)."""
    return _names()[1].get(code, code)


def explain(parsed: Parsed, decision: Decision, other_service: str | None,
            model: LinearModel | None = None, vec: tuple | None = None) -> str:
    """``vec`` is the model's ``(indices, values)`` for this text, when the model decided."""
    _, code_names = _names()
    code = decision.code
    scores = _family_scores(parsed, decision, model, vec)
    if code == "none":
        first = _explain_none(parsed, other_service)
    else:
        key, cues = _supporting(parsed, code, scores)
        if key is None:
            first = f"{code} ({code_names[code]}): the text names no specific cue for it, so the suggestion rests on weak wording"
        else:
            label = name_of(key)
            dosing = [c for c in parsed.cues if c.family == "dosing" and c.context == "performed"]
            extra = " with dosing" if code == "97110" and dosing and not key.startswith("dosing") else ""
            intent = [c for c in parsed.cues if c.family == "intent" and c.context == "performed"]
            quotes = _quotes(parsed, sorted(cues[:MAX_QUOTES], key=lambda c: c.start))  # in the note's order
            first = f"{code} ({code_names[code]}): {label}{extra}: {quotes}"
            if code == "97530" and intent and "intent" not in key:
                first += f" for a stated purpose ({_quote(parsed, intent[0])})"
    sentences = [first.rstrip(".") + "."]
    second = _against_runner_up(parsed, decision)
    if second:
        sentences.append(second)
    return " ".join(sentences)


def _explain_none(parsed: Parsed, other_service: str | None) -> str:
    performed_core = [c for c in parsed.cues if c.family in CORE_FAMILIES and c.context == "performed"]
    not_performed = [c for c in parsed.cues if c.family in CORE_FAMILIES and c.context != "performed"]
    stopped = [c for c in parsed.cues if c.family == "not_performed"]
    other = [c for c in parsed.cues if c.family in OTHER_SERVICE_FAMILIES and c.context == "performed" and c.family not in ("not_performed", "education")]
    if other_service and other:
        from .cues import load_lexicon

        code_of = load_lexicon().code_of
        other = [c for c in other if code_of.get(c.cue_id) == other_service] or other  # name the service coded
        fam_counts: dict[str, int] = defaultdict(int)
        for c in other:
            fam_counts[c.cue_id] += 1
        lead = max(fam_counts, key=lambda k: (fam_counts[k], k))
        cues = [c for c in other if c.cue_id == lead] + [c for c in other if c.cue_id != lead]
        return f"none: the text documents {name_of(lead)} ({other_service}), not 97110/97112/97530: {_quotes(parsed, cues)}"
    if stopped and not performed_core:
        return f"none: the session or intervention was not performed: {_quotes(parsed, stopped)}"
    if not_performed and not performed_core:
        ctx = sorted({c.context for c in not_performed})
        return f"none: therapeutic procedures are only {' or '.join(ctx)}, not performed: {_quotes(parsed, not_performed)}"
    education = [c for c in parsed.cues if c.family == "education" and c.context == "performed"]
    if education and not performed_core:
        return f"none: education only, no skilled procedure of the three: {_quotes(parsed, education)}"
    if not parsed.cues:
        return "none: no intervention the lexicon recognises is described"
    return "none: the documented content does not support 97110, 97112 or 97530"


def _against_runner_up(parsed: Parsed, decision: Decision) -> str | None:
    runner = decision.runner_up
    if runner is None or not (decision.needs_review or decision.probs.get(runner, 0.0) >= 0.2):
        return None
    p = decision.probs.get(runner, 0.0)
    if runner == "none":
        return f"Not none ({p:.0%}): performed therapeutic content is documented."
    families = _CODE_FAMILIES[runner]
    runner_cues = [c for c in parsed.cues if c.family in families and c.context == "performed"]
    if not runner_cues:
        need = {
            "97110": "a single capacity (strength, range of motion, flexibility, endurance) with dosing",
            "97112": "a balance, proprioceptive, coordination or postural target",
            "97530": "a named functional task or functional purpose",
        }[runner]
        return f"Runner-up {runner} ({p:.0%}) would need {need}, which the text does not document."
    top = sorted(runner_cues, key=lambda c: c.start)[:2]
    return f"Runner-up {runner} ({p:.0%}) rests on {_quotes(parsed, top)}, which the evidence above outweighs; a coder should confirm."
