"""Fallback rules: data-driven, each with a stable id, each able to abstain.

Rules read only the cue families and their contexts. They decide when no model is available,
when the model is unsure, or when the text holds no known evidence; they are also a usable
classifier on their own (``ptcode evaluate`` reports them separately, with per-rule coverage,
accuracy and conflicts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .cues import load_lexicon
from .errors import ResourceError
from .evidence import Parsed
from .resources import check_keys, load_json
from .types import LABELS

_REQUIRED = {"id", "name", "label", "priority", "reason", "confidence", "other_service"}
_CONDITIONS = {"any_of", "all_of", "none_of", "mentioned_not_performed", "no_cues"}
#: families whose code names the neighbouring service; the family with most performed cues
#: wins, ties go to the earlier family here
_OTHER_PRIORITY = ("group", "other_code", "performance_test", "evaluation", "manual", "gait", "self_care", "wheelchair", "orthotic", "modality")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    label: str
    priority: int
    reason: str
    confidence: float
    other_service: str | None
    any_of: frozenset[str] = frozenset()
    all_of: frozenset[str] = frozenset()
    none_of: frozenset[str] = frozenset()
    mentioned_not_performed: frozenset[str] = frozenset()
    no_cues: bool = False

    def fires(self, performed: set[str], mentioned: set[str], has_cues: bool) -> bool:
        if self.no_cues and has_cues:
            return False
        if self.any_of and not (self.any_of & performed):
            return False
        if self.all_of and not self.all_of <= performed:
            return False
        if self.none_of & performed:
            return False
        if self.mentioned_not_performed:
            hit = self.mentioned_not_performed & mentioned
            if not hit or hit & performed:
                return False
        return True


@dataclass(frozen=True, slots=True)
class RuleResult:
    label: str | None  # None: every rule abstained
    rule: Rule | None
    fired: tuple[Rule, ...]
    conflicts: int  # firing rules whose label differs from the decision
    other_service: str | None


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    conf = load_json("data", "rules.json")
    rules = []
    seen = set()
    for i, row in enumerate(conf["rules"]):
        where = f"data/rules.json rule {i}"
        check_keys(row, where, _REQUIRED, _CONDITIONS)
        if row["label"] not in LABELS:
            raise ResourceError(f"a label in {LABELS} at {where}", repr(row["label"]), "Fix the label.")
        if row["id"] in seen:
            raise ResourceError(f"unique rule ids at {where}", f"a second {row['id']}", "Renumber the rule.")
        seen.add(row["id"])
        rules.append(
            Rule(
                id=row["id"], name=row["name"], label=row["label"], priority=int(row["priority"]), reason=row["reason"],
                confidence=float(row["confidence"]), other_service=row["other_service"],
                any_of=frozenset(row.get("any_of", ())), all_of=frozenset(row.get("all_of", ())),
                none_of=frozenset(row.get("none_of", ())),
                mentioned_not_performed=frozenset(row.get("mentioned_not_performed", ())),
                no_cues=bool(row.get("no_cues", False)),
            )
        )
    return tuple(sorted(rules, key=lambda r: -r.priority))


def other_service_code(parsed: Parsed, skip: frozenset[str] = frozenset()) -> str | None:
    """The code of the strongest performed other-service cue, if any (cue families in ``skip``
    left out).

    Group therapy, a separately coded service, a formal test or an evaluation decide; otherwise
    the service mentioned first wins. Within a family the most frequent code wins, and a
    specific code ("97164") beats a range.
    """
    code_of = load_lexicon().code_of
    performed = [
        c for c in parsed.cues if c.context == "performed" and c.cue_id in code_of and c.family in _OTHER_PRIORITY and c.family not in skip
    ]
    if not performed:
        return None
    per_family = Counter(c.family for c in performed)
    first = {}
    for c in performed:
        first.setdefault(c.family, c.start)
    # group, a named other service, a test or an evaluation decide whatever else is mentioned;
    # otherwise the service named first (notes lead with it: "Gait: ...", "NMES to quad ...")
    decisive = [f for f in _OTHER_PRIORITY[:4] if per_family[f]]
    fam = decisive[0] if decisive else min(per_family, key=lambda f: (first[f], -per_family[f], _OTHER_PRIORITY.index(f)))
    hits = Counter(code_of[c.cue_id] for c in performed if c.family == fam)
    return max(hits, key=lambda code: ("-" not in code, hits[code], code))


def apply(parsed: Parsed, rules: tuple[Rule, ...] | None = None) -> RuleResult:
    """Run every rule; the highest-priority firing rule decides."""
    rules = load_rules() if rules is None else rules
    performed = {x for c in parsed.cues if c.context == "performed" for x in (c.family, c.cue_id)}
    mentioned = {x for c in parsed.cues if c.context != "performed" for x in (c.family, c.cue_id)}
    fired = tuple(r for r in rules if r.fires(performed, mentioned, bool(parsed.cues)))
    if not fired:
        return RuleResult(None, None, (), 0, None)
    top = fired[0]
    conflicts = sum(1 for r in fired if r.label != top.label)
    other = None
    if top.label == "none":
        other = other_service_code(parsed) if top.other_service == "from_evidence" else top.other_service
    return RuleResult(top.label, top, fired, conflicts, other)
