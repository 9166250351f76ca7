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
* ``ng=...`` - lemma unigrams and bigrams (optional; see ``FeatureConfig``)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.strings import get_string_id

from .cues import CORE_FAMILIES, OTHER_SERVICE_FAMILIES
from .evidence import Parsed

if TYPE_CHECKING:
    from .model import LinearModel

PURPOSE_WINDOW = 4  # tokens between a purpose phrase and the cue it introduces


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Which feature groups to build. Stored in the model manifest."""

    ngrams: bool = False
    lexicon_phrases: bool = True

    def to_dict(self) -> dict[str, bool]:
        return {"ngrams": self.ngrams, "lexicon_phrases": self.lexicon_phrases}


_LOG = [math.log1p(n) for n in range(64)]


def _log(n: int) -> float:
    return _LOG[n] if n < 64 else math.log1p(n)


def extract(parsed: Parsed, config: FeatureConfig = FeatureConfig()) -> dict[str, float]:
    """Named features of one parsed text."""
    cues = parsed.cues
    counts: dict[str, int] = {}
    code_perf: dict[str, int] = {}
    core_contexts: set[str] = set()
    other_perf = 0
    headers: set[str] = set()
    lexicon = config.lexicon_phrases
    for c in cues:
        family, ctx = c.family, c.context
        if family == "purpose":
            continue
        for key in _keys(family, c.cue_id, ctx):
            counts[key] = counts.get(key, 0) + 1
        performed = ctx == "performed"
        if performed and lexicon:
            key = "lex=" + c.norm
            counts[key] = counts.get(key, 0) + 1
        code = CORE_FAMILIES.get(family)
        if code is not None:
            core_contexts.add(ctx)
            if performed:
                code_perf[code] = code_perf.get(code, 0) + 1
        elif performed and family in OTHER_SERVICE_FAMILIES:
            other_perf += 1
        elif performed and family == "header":
            headers.add(c.cue_id.split(".", 1)[1])

    feats: dict[str, float] = {k: _LOG[v] if v < 64 else math.log1p(v) for k, v in counts.items()}
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
    else:
        for ctx in core_contexts:
            feats[f"only_context={ctx}"] = 1.0
    if other_perf and not code_perf:
        feats["other_service_only"] = 1.0
    if not cues:
        feats["no_cues"] = 1.0
    feats.update(_purpose_links(parsed))
    if config.ngrams:
        feats.update(_ngrams(parsed))
    feats["bias_len"] = _log(len(parsed.doc)) / 5.0
    return feats


@lru_cache(maxsize=4096)
def _keys(family: str, cue_id: str, ctx: str) -> tuple[str, str]:
    return f"fam={family}|{ctx}", f"cue={cue_id}|{ctx}"


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
    words = parsed.words
    grams: dict[str, int] = {}
    for w in words:
        k = "ng=" + w
        grams[k] = grams.get(k, 0) + 1
    for a, b in zip(words, words[1:]):
        k = "ng=" + a + "_" + b
        grams[k] = grams.get(k, 0) + 1
    return {k: _log(v) for k, v in grams.items()}


NGRAM_PREFIX = "ng="
#: texts a process scores through n-gram strings before it builds the hashed n-gram index
INDEX_AFTER = 200


@dataclass(frozen=True, slots=True)
class NgramIndex:
    """The model's n-gram columns keyed by string hashes, so scoring never builds n-gram strings.

    ``ng=a_b`` is ambiguous when a lemma holds ``_``: every reading (the unigram ``a_b`` and each
    split into a bigram) is registered, and counts that land on one column are summed before
    the log, exactly as ``extract`` sums them under one key."""

    unigrams: dict[int, int]
    bigrams: dict[tuple[int, int], int]

    @classmethod
    def build(cls, features: tuple[str, ...]) -> NgramIndex:
        uni: dict[int, int] = {}
        bi: dict[tuple[int, int], int] = {}
        for col, name in enumerate(features):
            if not name.startswith(NGRAM_PREFIX):
                continue
            body = name[len(NGRAM_PREFIX) :]
            uni[get_string_id(body)] = col
            at = body.find("_")
            while at != -1:
                bi[(get_string_id(body[:at]), get_string_id(body[at + 1 :]))] = col
                at = body.find("_", at + 1)
        return cls(uni, bi)


def encode(parsed: Parsed, model: LinearModel) -> tuple[list[int], list[float]]:
    """Column indices and values of ``parsed`` for ``model``: the same vector as
    ``model.vector(extract(parsed, model.config))``, built from token hashes instead of n-gram
    strings (``bench/verify_inference.py`` checks the two agree). Plain lists: the scoring
    steps after it convert once, or not at all."""
    config = model.config
    feats = extract(parsed, _without_ngrams(config))
    index = model.ngram_index(after=INDEX_AFTER) if config.ngrams else None
    if config.ngrams and index is None:  # the first texts of a process: the n-gram strings, as in training
        feats.update(_ngrams(parsed))
    get = model.index.get
    cols: list[int] = []
    vals: list[float] = []
    for k, v in feats.items():
        c = get(k)
        if c is not None:
            cols.append(c)
            vals.append(v)
    if index is not None:
        ids = parsed.word_ids
        grams = [c for c in map(index.unigrams.get, ids) if c is not None]
        grams += [c for c in map(index.bigrams.get, zip(ids, ids[1:])) if c is not None]
        if len(set(grams)) == len(grams):  # the usual case, every n-gram once: a set is cheaper than a Counter
            cols += grams
            vals += [_LOG[1]] * len(grams)
        else:
            counts = Counter(grams)
            cols += counts
            vals += [_LOG[n] if n < 64 else math.log1p(n) for n in counts.values()]
    return cols, vals


@lru_cache(maxsize=8)
def _without_ngrams(config: FeatureConfig) -> FeatureConfig:
    return replace(config, ngrams=False)
