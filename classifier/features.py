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

import numpy as np
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


#: multiplier that folds a bigram's two 64-bit word hashes into one 64-bit key (wrapping)
_PAIR = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class NgramIndex:
    """The model's n-gram columns keyed by string hashes, so scoring never builds n-gram strings.

    ``ng=a_b`` is ambiguous when a lemma holds ``_``: every reading (the unigram ``a_b`` and each
    split into a bigram) is registered, and counts that land on one column are summed before
    the log, exactly as ``extract`` sums them under one key.

    The same keys also sit in sorted numpy arrays (a bigram folded into one 64-bit key), so a
    batch looks up the n-grams of all its texts in a few array operations (``encode_many``).
    ``pair_keys`` is None when two registered bigrams fold onto one key; the batch path then
    falls back to the dictionaries."""

    unigrams: dict[int, int]
    bigrams: dict[tuple[int, int], int]
    uni_keys: np.ndarray
    uni_cols: np.ndarray
    pair_keys: np.ndarray | None
    pair_cols: np.ndarray | None

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
        uni_keys, uni_cols = _sorted_arrays(np.array(list(uni), dtype=np.uint64), list(uni.values()))
        pairs = np.array(list(bi), dtype=np.uint64).reshape(-1, 2)
        pair_keys, pair_cols = _sorted_arrays(_fold(pairs[:, 0], pairs[:, 1]), list(bi.values()))
        if len(np.unique(pair_keys)) != len(pair_keys):
            pair_keys = pair_cols = None
        return cls(uni, bi, uni_keys, uni_cols, pair_keys, pair_cols)


def _sorted_arrays(keys: np.ndarray, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return keys[order], np.asarray(cols, dtype=np.int64)[order]


def _fold(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One 64-bit key per (first, second) pair of word hashes (uint64 arithmetic wraps)."""
    return first * _PAIR + second


def _lookup(keys: np.ndarray, cols: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``wanted`` found in the sorted ``keys``, and their columns."""
    if not len(keys) or not len(wanted):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64)
    pos = np.searchsorted(keys, wanted)
    pos[pos == len(keys)] = 0
    hit = np.flatnonzero(keys[pos] == wanted)
    return hit, cols[pos[hit]]


def encode(parsed: Parsed, model: LinearModel) -> tuple[list[int], list[float]]:
    """Column indices and values of ``parsed`` for ``model``: the same vector as
    ``model.vector(extract(parsed, model.config))``, built from token hashes instead of n-gram
    strings (``bench/verify_inference.py`` checks the two agree). Plain lists: the scoring
    steps after it convert once, or not at all."""
    config = model.config
    index = model.ngram_index(after=INDEX_AFTER) if config.ngrams else None
    cols, vals = _named(parsed, model, with_ngram_strings=config.ngrams and index is None)
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


def encode_many(parsed: list[Parsed], model: LinearModel) -> list[tuple[list[int], list[float]]]:
    """``encode`` for a batch: the named features text by text, the n-grams of all texts at
    once with array lookups (``NgramIndex``), which costs a fraction of one dictionary lookup
    per n-gram. The columns of each text are the same as ``encode``'s; only their order
    differs (named first, then n-grams by column)."""
    config = model.config
    index = model.ngram_index(after=INDEX_AFTER) if config.ngrams else None
    if index is None or index.pair_keys is None or len(parsed) < 2:
        return [encode(p, model) for p in parsed]
    out = [_named(p, model, with_ngram_strings=False) for p in parsed]
    lengths = [len(p.word_ids) for p in parsed]
    words: list[int] = []
    for p in parsed:
        words += p.word_ids
    if not words:
        return out
    ids = np.array(words, dtype=np.uint64)
    text_of = np.repeat(np.arange(len(parsed), dtype=np.int64), lengths)
    uni_at, uni_cols = _lookup(index.uni_keys, index.uni_cols, ids)
    same_text = np.flatnonzero(text_of[:-1] == text_of[1:])  # bigrams never span two texts
    pair_at, pair_cols = _lookup(index.pair_keys, index.pair_cols, _fold(ids[same_text], ids[same_text + 1]))
    ncols = np.int64(len(model.features))
    keys = np.concatenate([text_of[uni_at] * ncols + uni_cols, text_of[same_text[pair_at]] * ncols + pair_cols])
    keys, counts = np.unique(keys, return_counts=True)  # an n-gram seen twice in a text: one column, count 2
    bounds = np.searchsorted(keys, np.arange(len(parsed) + 1, dtype=np.int64) * ncols).tolist()
    cols = (keys % ncols).tolist()
    values = [_LOG[n] if n < 64 else math.log1p(n) for n in counts.tolist()]
    for (named_cols, named_vals), start, end in zip(out, bounds, bounds[1:]):
        if end > start:
            named_cols += cols[start:end]
            named_vals += values[start:end]
    return out


def _named(parsed: Parsed, model: LinearModel, with_ngram_strings: bool) -> tuple[list[int], list[float]]:
    """The columns of the named features (and of the n-grams built as strings, when asked)."""
    feats = extract(parsed, _without_ngrams(model.config))
    if with_ngram_strings:  # the first texts of a process: the n-gram strings, as in training
        feats.update(_ngrams(parsed))
    get = model.index.get
    cols: list[int] = []
    vals: list[float] = []
    for k, v in feats.items():
        c = get(k)
        if c is not None:
            cols.append(c)
            vals.append(v)
    return cols, vals


@lru_cache(maxsize=8)
def _without_ngrams(config: FeatureConfig) -> FeatureConfig:
    return replace(config, ngrams=False)
