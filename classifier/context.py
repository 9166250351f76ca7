"""Context for every cue: performed, negated, planned or historical.

A data-driven component in the spirit of NegEx / ConText. Triggers live in
``data/context_rules.jsonl`` with a category (NEGATED, PLANNED, HISTORICAL, PSEUDO,
TERMINATE), a direction (FORWARD: the trigger precedes the cue; BACKWARD: it follows it;
BIDIRECTIONAL), a maximum scope in tokens and, optionally, the cue families it spares ("set-up
only" negates a NuStep left running but is an assist level on a self-care task). A trigger
applies only within its sentence and stops at a terminator ("but", "instead", ";" ...). Pseudo-triggers ("no pain", "without
difficulty", "no LOB") match first and open no scope. Triggers are matched on the exact
lowercase form, so "progressed" is not "progress" and "held" is not "hold".

Without a trigger, the cue takes its section's context: Plan, Goals and HEP make it planned;
Subjective and Assessment make it historical (a report about the patient, not a record of what
was done); everything else is performed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .cues import CUE_MATCHES
from .errors import ResourceError
from .resources import check_keys, iter_jsonl
from .sections import SENT_STARTS, doc_sections

CONTEXTS = ("performed", "negated", "planned", "historical")
_CATEGORY_CONTEXT = {"NEGATED": "negated", "PLANNED": "planned", "HISTORICAL": "historical"}
_SECTION_CONTEXT = {"performed": "performed", "planned": "planned", "historical": "historical", "assessment": "historical"}
_PRIORITY = {"negated": 0, "planned": 1, "historical": 2}
_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "PSEUDO", "TERMINATE"}
_CATEGORIES = {"NEGATED", "PLANNED", "HISTORICAL", "PSEUDO", "TERMINATE"}
DEFAULT_SCOPE = 6

CUE_CONTEXTS = "ptcode_cue_contexts"  # doc.user_data: the context of each cue, in cue order


def _span_context(span: Span) -> str:
    """``span._.context`` for a cue span: read from the list the component stored."""
    doc = span.doc
    matches = doc.user_data.get(CUE_MATCHES) or []
    contexts = doc.user_data.get(CUE_CONTEXTS) or []
    for (s, e, fam, cid), ctx in zip(matches, contexts):
        if s == span.start and e == span.end and fam == span.label_ and cid == span.id_:
            return ctx
    return "performed"


if not Span.has_extension("context"):
    Span.set_extension("context", getter=_span_context)


@dataclass(frozen=True, slots=True)
class Trigger:
    category: str
    direction: str
    max_scope: int
    spares: frozenset[str] = frozenset()  # cue families the trigger leaves alone


@lru_cache(maxsize=1)
def load_rules() -> tuple[tuple[str, Trigger, str], ...]:
    rules: list[tuple[str, Trigger, str]] = []
    for lineno, row in iter_jsonl("data", "context_rules.jsonl"):
        where = f"data/context_rules.jsonl line {lineno}"
        check_keys(row, where, {"literal", "category", "direction"}, {"max_scope", "attr", "spares"})
        if row.get("attr", "LOWER") not in ("LOWER", "NORM"):
            raise ResourceError(f"attr LOWER or NORM at {where}", repr(row["attr"]), "Fix the rule.")
        if row["category"] not in _CATEGORIES or row["direction"] not in _DIRECTIONS:
            raise ResourceError(
                f"category in {sorted(_CATEGORIES)} and direction in {sorted(_DIRECTIONS)} at {where}",
                f"{row['category']!r}/{row['direction']!r}",
                "Fix the rule.",
            )
        trig = Trigger(row["category"], row["direction"], int(row.get("max_scope", DEFAULT_SCOPE)), frozenset(row.get("spares", ())))
        rules.append((row["literal"].lower(), trig, row.get("attr", "LOWER")))
    return tuple(rules)


class ContextComponent:
    """Computes the context of every cue the cue matcher found (readable as ``span._.context``)."""

    def __init__(self, nlp: Language, name: str = "ptcode_context") -> None:
        self.name = name
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "NORM")}
        self._trigger: dict[int, Trigger] = {}
        groups: dict[tuple[str, str], list] = {}
        for literal, trig, attr in load_rules():
            key = f"{trig.category}|{trig.direction}|{trig.max_scope}|{','.join(sorted(trig.spares))}"
            self._trigger[nlp.vocab.strings.add(key)] = trig
            groups.setdefault((attr, key), []).append(nlp.make_doc(literal))
        for (attr, key), docs in groups.items():
            self.matchers[attr].add(key, docs)

    def triggers(self, doc: Doc) -> list[tuple[int, int, Trigger]]:
        """Triggers after longest-match filtering; pseudo-triggers are removed at the end."""
        found = [(s, e, self._trigger[m]) for matcher in self.matchers.values() for m, s, e in matcher(doc)]
        raw = sorted(found, key=lambda x: (x[0] - x[1], x[0]))
        kept: list[tuple[int, int, Trigger]] = []
        for s, e, trig in raw:
            # a literal may carry several rules (a long backward and a short forward scope)
            if all(e <= ks or ke <= s or (ks == s and ke == e) for ks, ke, _ in kept):
                kept.append((s, e, trig))
        return sorted((k for k in kept if k[2].category != "PSEUDO"), key=lambda x: x[0])

    def contexts(self, doc: Doc, cues: list[tuple[int, int]], families: list[str] | None = None) -> list[str]:
        """Compute the context of each ``(start, end)`` cue span, of the cue ``families`` when
        given (pure; writes nothing)."""
        if not cues:
            return []
        triggers = self.triggers(doc)
        sections = doc_sections(doc)
        sec_starts = [x[0] for x in sections]
        starts = doc.user_data.get(SENT_STARTS) or [0]

        def sent_of(i: int) -> int:
            return bisect_right(starts, i)

        terminators = [s for s, _e, t in triggers if t.category == "TERMINATE"]
        scoped = [(s, e, t) for s, e, t in triggers if t.category != "TERMINATE"]
        out = []
        for k, (cs, ce) in enumerate(cues):
            family = families[k] if families is not None else None
            best: tuple[int, int, str] | None = None  # (distance, priority, context)
            for ts, te, trig in scoped:
                if sent_of(ts) != sent_of(cs) or (ts < ce and cs < te) or family in trig.spares:
                    continue
                if te <= cs and trig.direction in ("FORWARD", "BIDIRECTIONAL"):
                    gap_from, gap_to, dist = te, cs, cs - te
                elif ts >= ce and trig.direction in ("BACKWARD", "BIDIRECTIONAL"):
                    gap_from, gap_to, dist = ce, ts, ts - ce
                else:
                    continue
                if dist > trig.max_scope or any(gap_from <= x < gap_to for x in terminators):
                    continue
                ctx = _CATEGORY_CONTEXT[trig.category]
                cand = (dist, _PRIORITY[ctx], ctx)
                if best is None or cand < best:
                    best = cand
            if best:
                out.append(best[2])
            else:
                pos = bisect_right(sec_starts, cs) - 1
                out.append(_SECTION_CONTEXT[sections[pos][2]] if pos >= 0 else "performed")
        return out

    def __call__(self, doc: Doc) -> Doc:
        matches = doc.user_data.get(CUE_MATCHES) or []
        doc.user_data[CUE_CONTEXTS] = self.contexts(doc, [(s, e) for s, e, _f, _c in matches], [f for _s, _e, f, _c in matches])
        return doc


@Language.factory("ptcode_context")
def make_context(nlp: Language, name: str) -> ContextComponent:
    return ContextComponent(nlp, name)
