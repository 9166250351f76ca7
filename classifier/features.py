"""Parsed text -> named features (a pure function; the decision is a separate step).

Feature names are stable strings so every weight of the model stays tied to something a coder
can read:

* ``fam=balance|performed`` - log count of cues of a family in a context
* ``cue=balance.surface|performed`` - the same per cue id
* ``lex=foam|performed`` - the same per lexicon phrase (performed context only)
* ``purpose>strength`` - a purpose phrase ("for", "to improve", "focus on") followed closely
  by a cue of that family ("for quad strength", "to challenge balance")
* ``header=97530`` - a header, checkbox or code number naming a code (weak: notes mislabel)
* ``code=97112|performed`` - performed evidence summed over the families of one code
* ``only_context=planned`` ... - the three codes' cues exist but none was performed
* ``gait&97112`` ... - a neighbouring service and one code's evidence performed together
  ("gait training with weight shift cues", "aquatic squats", "balance class with foam
  stations"), so the model can learn when the neighbouring service defines the session
* ``ng=...`` - lemma unigrams and bigrams (optional; see ``FeatureConfig``)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .cues import CORE_FAMILIES, OTHER_SERVICE_FAMILIES
from .evidence import Parsed

PURPOSE_WINDOW = 4  # tokens between a purpose phrase and the cue it introduces


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Which feature groups to build. Stored in the model manifest."""

    ngrams: bool = False
    lexicon_phrases: bool = True

    def to_dict(self) -> dict[str, bool]:
        return {"ngrams": self.ngrams, "lexicon_phrases": self.lexicon_phrases}


def _log(n: int | float) -> float:
    return round(math.log1p(n), 6)


def extract(parsed: Parsed, config: FeatureConfig = FeatureConfig()) -> dict[str, float]:
    """Named features of one parsed text."""
    cues = parsed.cues
    fam: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    lex: Counter[str] = Counter()
    code_perf: Counter[str] = Counter()
    core_contexts: Counter[str] = Counter()
    other_perf = 0
    other_fams: set[str] = set()
    headers: set[str] = set()
    for c in cues:
        if c.family == "purpose":
            continue
        fam[f"fam={c.family}|{c.context}"] += 1
        cue[f"cue={c.cue_id}|{c.context}"] += 1
        if config.lexicon_phrases and c.context == "performed":
            lex[f"lex={c.norm}"] += 1
        if c.family in CORE_FAMILIES:
            core_contexts[c.context] += 1
            if c.context == "performed":
                code_perf[CORE_FAMILIES[c.family]] += 1
        elif c.family in OTHER_SERVICE_FAMILIES and c.context == "performed":
            other_perf += 1
            other_fams.add(c.cue_id if c.family == "other_code" else c.family)
        elif c.family == "header" and c.context == "performed":
            headers.add(c.cue_id.split(".", 1)[1])

    feats: dict[str, float] = {}
    for counter in (fam, cue, lex):
        for k, v in counter.items():
            feats[k] = _log(v)
    for code, v in code_perf.items():
        feats[f"code={code}|performed"] = _log(v)
    for h in headers:
        feats[f"header={h}"] = 1.0
    if code_perf:
        top = max(code_perf.values())
        leaders = sorted(k for k, v in code_perf.items() if v == top)
        for k in leaders:
            feats[f"leader={k}"] = 1.0 / len(leaders)
        feats["n_codes_performed"] = float(len(code_perf))
    elif core_contexts:
        for ctx in core_contexts:
            feats[f"only_context={ctx}"] = 1.0
    if other_perf and not code_perf:
        feats["other_service_only"] = 1.0
    for other in other_fams:
        for code in code_perf:
            feats[f"{other}&{code}"] = 1.0
    if not cues:
        feats["no_cues"] = 1.0
    feats.update(_purpose_links(parsed))
    if config.ngrams:
        feats.update(_ngrams(parsed))
    feats["bias_len"] = _log(len(parsed.doc)) / 5.0
    return feats


def _purpose_links(parsed: Parsed) -> dict[str, float]:
    out: dict[str, float] = {}
    cues = parsed.cues
    for i, p in enumerate(cues):
        if p.family != "purpose" or p.context != "performed":
            continue
        for c in cues[i + 1 :]:
            if c.start - p.end > PURPOSE_WINDOW:
                break
            if c.family in CORE_FAMILIES or c.family in OTHER_SERVICE_FAMILIES:
                out[f"purpose>{c.family}"] = 1.0
                break
    return out


def _ngrams(parsed: Parsed) -> dict[str, float]:
    words = []
    for t in parsed.doc:
        if t.is_space or t.is_punct:
            continue
        words.append("<num>" if t.like_num else t.lemma_)
    grams: Counter[str] = Counter(f"ng={w}" for w in words)
    grams.update(f"ng={a}_{b}" for a, b in zip(words, words[1:]))
    return {k: _log(v) for k, v in grams.items()}
