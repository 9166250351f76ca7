"""The cue matcher: lexicon patterns (one JSONL file per family) matched into ``doc.spans``.

Each pattern file line is a spaCy-style pattern dict::

    {"label": "balance", "pattern": "single leg stance", "id": "balance.stance"}
    {"label": "dosing", "pattern": [{"LIKE_NUM": true}, {"NORM": "x"}, {"LIKE_NUM": true}],
     "id": "dosing.sets_reps"}
    {"label": "gait", "pattern": "rolling walker", "id": "gait.device", "code": "97116"}

String patterns are matched on the lexeme NORM (lowercase lemma, see ``tokenizer``) unless
``"attr": "LOWER"`` asks for the exact lowercase form. ``code`` names the billing code an
other-service cue points at. When cues overlap, the longest wins ("foam roller" is a
flexibility cue, not the balance cue "foam"); identical spans from different families are
all kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .errors import ResourceError
from .resources import check_keys, iter_jsonl, list_files

CUE_KEY = "ptcode_cues"
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
#: families that only qualify others (not evidence on their own)
SUPPORT_FAMILIES = frozenset({"purpose", "assist", "neuro_dx", "header"})
FAMILIES = frozenset(CORE_FAMILIES) | OTHER_SERVICE_FAMILIES | SUPPORT_FAMILIES

_PATTERN_KEYS = {"label", "pattern", "id"}
_PATTERN_OPTIONAL = {"code", "attr"}


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
            if not isinstance(row["pattern"], (str, list)) or not row["pattern"]:
                raise ResourceError(f"a phrase or a token-pattern list at {where}", "an empty or wrong-typed pattern", "Fix the pattern.")
            if not str(row["id"]).startswith(family + "."):
                raise ResourceError(f"an id starting with '{family}.' at {where}", f"id {row['id']!r}", "Rename the id.")
            if row.get("attr", "NORM") not in ("NORM", "LOWER"):
                raise ResourceError(f"attr NORM or LOWER at {where}", f"attr {row['attr']!r}", "Fix the attr.")
            if "code" in row:
                prev = code_of.setdefault(row["id"], row["code"])
                if prev != row["code"]:
                    raise ResourceError(f"one code per cue id at {where}", f"{prev} and {row['code']}", "Split the id.")
            patterns.append(row)
    return Lexicon(tuple(patterns), code_of)


class CueMatcher:
    """Finds lexicon cues and writes them to ``doc.spans["ptcode_cues"]``."""

    def __init__(self, nlp: Language, name: str = "ptcode_cues") -> None:
        self.name = name
        lex = load_lexicon()
        self.code_of = lex.code_of
        self.phrase_norm = PhraseMatcher(nlp.vocab, attr="NORM")
        self.phrase_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher = Matcher(nlp.vocab)
        strings = nlp.vocab.strings
        self._meta: dict[int, tuple[str, str]] = {}
        norm_groups: dict[str, list[Doc]] = {}
        lower_groups: dict[str, list[Doc]] = {}
        token_groups: dict[str, list[list[dict]]] = {}
        for row in lex.patterns:
            key = f"{row['label']}|{row['id']}"
            self._meta[strings.add(key)] = (row["label"], row["id"])
            pat = row["pattern"]
            if isinstance(pat, str):
                target = lower_groups if row.get("attr") == "LOWER" else norm_groups
                target.setdefault(key, []).append(nlp.make_doc(pat))
            else:
                token_groups.setdefault(key, []).append(pat)
        for key, docs in norm_groups.items():
            self.phrase_norm.add(key, docs)
        for key, docs in lower_groups.items():
            self.phrase_lower.add(key, docs)
        for key, pats in token_groups.items():
            self.matcher.add(key, pats)

    def match(self, doc: Doc) -> list[tuple[int, int, str, str]]:
        """Return ``(start, end, family, cue_id)`` after longest-match filtering."""
        raw = self.phrase_norm(doc) + self.phrase_lower(doc) + self.matcher(doc)
        if not raw:
            return []
        found = {(s, e, self._meta[m]) for m, s, e in raw}
        ordered = sorted(found, key=lambda x: (x[0] - x[1], x[0]))  # longest first
        taken: list[tuple[int, int]] = []
        kept: list[tuple[int, int, str, str]] = []
        for s, e, (family, cue_id) in ordered:
            clash = False
            for ts, te in taken:
                if s < te and ts < e and not (s == ts and e == te):
                    clash = True
                    break
            if not clash:
                taken.append((s, e))
                kept.append((s, e, family, cue_id))
        kept.sort()
        return kept

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, str, str]]) -> None:
        doc.spans[CUE_KEY] = [Span(doc, s, e, label=fam, span_id=cid) for s, e, fam, cid in matches]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc


@Language.factory("ptcode_cues")
def make_cue_matcher(nlp: Language, name: str) -> CueMatcher:
    return CueMatcher(nlp, name)
