"""The cue matcher: lexicon patterns (one JSONL file per family) matched into ``doc.spans``.

Each pattern file line is a plain dict in the style of spaCy's span ruler::

    {"label": "balance", "pattern": "single leg stance", "id": "balance.stance"}
    {"label": "gait", "pattern": "rolling walker", "id": "gait.device", "code": "97116"}
    {"label": "dosing", "pattern": "9 x 9", "id": "dosing.sets_reps"}

Patterns are phrases matched with spaCy's ``PhraseMatcher`` on the lexeme NORM: the lowercase
lemma, with every number folded to one norm (see ``tokenizer``), so "heel slide" also matches
"Heel slides" and "9 x 9" matches "3x10" and "three x 12". ``"attr": "LOWER"`` matches the
exact lowercase form instead ("held" must not match "hold"), ``"attr": "ORTH"`` the exact
case ("US" for ultrasound, not "us"). ``code`` names the billing code an other-service cue
points at. When cues overlap, the longest wins ("foam roller" is a flexibility cue, not the
balance cue "foam"); identical spans from different families are all kept.

(Number-shaped cues were first written for spaCy's token ``Matcher``; its ``IN`` predicates run
in Python for every token and cost more than the rest of the pipeline together, and regular
expressions over the text were not much cheaper. Folding numbers into the norm makes them
ordinary phrases.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .errors import ResourceError
from .resources import check_keys, iter_jsonl, list_files
from .tokenizer import doc_text

CUE_KEY = "ptcode_cues"
CUE_MATCHES = "ptcode_cue_matches"  # doc.user_data: [(start, end, family, cue_id)], in order
PATTERN_DIR = "patterns"

#: families whose cues argue for one of the three codes, and which code
CORE_FAMILIES: dict[str, str] = {
    "strength": "97110",
    "rom": "97110",
    "flexibility": "97110",
    "endurance": "97110",
    "dosing": "97110",
    "balance": "97112",
    "proprioception": "97112",
    "coordination": "97112",
    "posture": "97112",
    "vestibular": "97112",
    "motor_control": "97112",
    "functional_task": "97530",
    "intent": "97530",
    "body_mechanics": "97530",
}
#: families that document a service outside the three
OTHER_SERVICE_FAMILIES = frozenset(
    {
        "gait",
        "manual",
        "modality",
        "self_care",
        "group",
        "evaluation",
        "performance_test",
        "education",
        "not_performed",
        "wheelchair",
        "orthotic",
        "other_code",
    }
)
#: families that only qualify others (not evidence on their own); a decoy holds another
#: family's cue word in a phrase that means something else ("HA up 3 pts" is a score's points,
#: "adductor group" a set of muscles: neither is group therapy)
SUPPORT_FAMILIES = frozenset({"purpose", "assist", "neuro_dx", "header", "decoy"})
FAMILIES = frozenset(CORE_FAMILIES) | OTHER_SERVICE_FAMILIES | SUPPORT_FAMILIES

_PATTERN_KEYS = {"label", "id", "pattern"}
_PATTERN_OPTIONAL = {"code", "attr"}
_ATTRS = ("NORM", "LOWER", "ORTH")


@dataclass(frozen=True, slots=True)
class Lexicon:
    patterns: tuple[dict, ...]
    code_of: dict[str, str]  # cue id -> billing code (other services, headers)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read and validate every ``patterns/*.jsonl`` file."""
    patterns: list[dict] = []
    code_of: dict[str, str] = {}
    for name in list_files(PATTERN_DIR, ".jsonl"):
        family = name.removesuffix(".jsonl")
        if family not in FAMILIES:
            raise ResourceError(
                f"a pattern file named after a known family ({', '.join(sorted(FAMILIES))})",
                f"patterns/{name}",
                "Rename the file or register the family in classifier/cues.py.",
            )
        for lineno, row in iter_jsonl(PATTERN_DIR, name):
            where = f"patterns/{name} line {lineno}"
            check_keys(row, where, _PATTERN_KEYS, _PATTERN_OPTIONAL)
            if row["label"] != family:
                raise ResourceError(f"label {family!r} at {where}", f"label {row['label']!r}", "Move the pattern to its family's file.")
            if not isinstance(row["pattern"], str) or not row["pattern"].strip():
                raise ResourceError(f"a non-empty phrase string at {where}", "an empty or wrong-typed pattern", "Fix the pattern.")
            if not str(row["id"]).startswith(family + "."):
                raise ResourceError(f"an id starting with '{family}.' at {where}", f"id {row['id']!r}", "Rename the id.")
            if row.get("attr", "NORM") not in _ATTRS:
                raise ResourceError(f"attr in {_ATTRS} at {where}", f"attr {row['attr']!r}", "Fix the attr.")
            if "code" in row:
                prev = code_of.setdefault(row["id"], row["code"])
                if prev != row["code"]:
                    raise ResourceError(f"one code per cue id at {where}", f"{prev} and {row['code']}", "Split the id.")
            patterns.append(row)
    return Lexicon(tuple(patterns), code_of)


class CueMatcher:
    """Finds lexicon cues and stores them as ``(start, end, family, cue_id)`` tuples in
    ``doc.user_data``; with ``spans=True`` it also writes ``doc.spans["ptcode_cues"]`` (span
    label = family, span id = cue id) for use in other spaCy pipelines. ``cue_spans(doc)``
    builds the same spans on demand; ptcode's own path never needs the Span objects."""

    def __init__(self, nlp: Language, name: str = "ptcode_cues", spans: bool = False) -> None:
        self.name = name
        self.write_spans = spans
        lex = load_lexicon()
        self.code_of = lex.code_of
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in _ATTRS}
        strings = nlp.vocab.strings
        self._meta: dict[int, tuple[str, str]] = {}
        groups: dict[str, dict[str, list[str]]] = {attr: {} for attr in _ATTRS}
        for row in lex.patterns:
            key = f"{row['label']}|{row['id']}"
            self._meta[strings.add(key)] = (row["label"], row["id"])
            groups[row.get("attr", "NORM")].setdefault(key, []).append(row["pattern"])
        for attr, by_key in groups.items():
            for key, phrases in by_key.items():
                self.matchers[attr].add(key, list(nlp.tokenizer.pipe(phrases)))
        self._active = [m for attr, m in self.matchers.items() if groups[attr] and attr != "ORTH"]
        # exact-case patterns are few ("US"): their matcher runs only on a text holding one of
        # their first words, which a substring test answers faster than a matcher call
        orth = groups["ORTH"]
        self._orth = self.matchers["ORTH"] if orth else None
        self._orth_firsts = tuple({p.split()[0] for phrases in orth.values() for p in phrases})

    def match(self, doc: Doc) -> list[tuple[int, int, str, str]]:
        """Return ``(start, end, family, cue_id)`` after longest-match filtering: longest
        first, a match overlapping a longer one is dropped, and matches on one same span (two
        cue ids for one phrase) are all kept."""
        meta = self._meta
        raw = [(s, e, meta[m]) for matcher in self._active for m, s, e in matcher(doc)]
        if self._orth is not None:
            text = doc_text(doc)
            if any(w in text for w in self._orth_firsts):
                raw += [(s, e, meta[m]) for m, s, e in self._orth(doc)]
        if not raw:
            return []
        if len(raw) == 1:
            s, e, (family, cue_id) = raw[0]
            return [(s, e, family, cue_id)]
        ordered = sorted(set(raw), key=lambda x: (x[0] - x[1], x[0]))  # longest first
        spans: set[tuple[int, int]] = set()  # the spans kept
        covered: set[int] = set()  # their tokens
        kept: list[tuple[int, int, str, str]] = []
        for s, e, (family, cue_id) in ordered:
            if (s, e) not in spans:
                if not covered.isdisjoint(range(s, e)):
                    continue  # overlaps a longer (or earlier, as long) kept match
                spans.add((s, e))
                covered.update(range(s, e))
            kept.append((s, e, family, cue_id))
        kept.sort()
        return kept

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, str, str]]) -> None:
        doc.user_data[CUE_MATCHES] = matches
        if self.write_spans:
            doc.spans[CUE_KEY] = cue_spans(doc)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


def cue_spans(doc: Doc) -> list[Span]:
    """The cues of a processed doc as spans (label = family, id = cue id; ``span._.context``)."""
    return [Span(doc, s, e, label=fam, span_id=cid) for s, e, fam, cid in doc.user_data.get(CUE_MATCHES) or []]


@Language.factory("ptcode_cues", default_config={"spans": False})
def make_cue_matcher(nlp: Language, name: str, spans: bool) -> CueMatcher:
    return CueMatcher(nlp, name, spans)
