"""Text -> parsed document -> evidence with offsets into the ORIGINAL text."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc

from .context import CUE_CONTEXTS
from .cues import CUE_MATCHES
from .normalise import Normalised, normalise
from .pipeline import get_nlp, scoring_steps
from .tokenizer import NUMBER_NORM
from .types import Evidence

#: families reported as evidence (purpose markers only link other cues to a purpose)
HIDDEN_FAMILIES = frozenset({"purpose"})
#: spaCy's vocabulary keeps every new string it sees; in a long run over unique text (names,
#: dates, typos) the pipeline is rebuilt after this many texts, so memory stays bounded
RECYCLE_AFTER = 100_000
_seen_since_build = [0]


class Cue(NamedTuple):
    """A matched cue in token and original-character coordinates (a named tuple: a text has
    several and building them is on every text's path)."""

    start: int  # token index
    end: int
    family: str
    cue_id: str
    context: str
    norm: str  # normalised lemma form, e.g. "single leg stance"
    char_start: int  # into the original text
    char_end: int


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything the decision steps need about one text."""

    source: Normalised
    doc: Doc
    cues: tuple[Cue, ...]
    word_ids: tuple[int, ...] = ()  # string hashes of the word tokens' lemmas (NUM_ID for numbers)

    @property
    def text(self) -> str:
        return self.source.source

    @property
    def words(self) -> tuple[str, ...]:
        """Lemmas of the word tokens ("<num>" for numbers), for n-grams."""
        strings = self.doc.vocab.strings
        return tuple(NUMBER_NORM if h == NUM_ID else strings[h] for h in self.word_ids)

    def evidence(self) -> tuple[Evidence, ...]:
        src = self.source.source
        return tuple(
            Evidence(src[c.char_start : c.char_end], c.char_start, c.char_end, c.cue_id, c.family, c.context)
            for c in self.cues
            if c.family not in HIDDEN_FAMILIES
        )


_ATTRS = [IDX, LENGTH, NORM, IS_PUNCT, IS_SPACE, LIKE_NUM]
NUM_ID = get_string_id(NUMBER_NORM)


def _parsed(doc: Doc, norm: Normalised) -> Parsed:
    """Collect cues (with offsets into the original text) and the n-gram words, reading the
    token attributes once as an array rather than token by token."""
    if not len(doc):
        return Parsed(norm, doc, (), ())
    idx, length, norms, punct, space, num = doc.to_array(_ATTRS).T.tolist()
    text_of = _string_cache(doc.vocab.strings)
    matches = doc.user_data.get(CUE_MATCHES) or []
    contexts = doc.user_data.get(CUE_CONTEXTS) or ["performed"] * len(matches)
    span = norm.span
    cues = tuple(
        Cue(s, e, family, cue_id, ctx, text_of(norms[s]) if e - s == 1 else " ".join(map(text_of, norms[s:e])), *span(idx[s], idx[e - 1] + length[e - 1]))
        for (s, e, family, cue_id), ctx in zip(matches, contexts)
    )
    words = tuple([NUM_ID if n else h for h, p, sp, n in zip(norms, punct, space, num) if not (p or sp)])
    return Parsed(norm, doc, cues, words)


_STRING_CACHES: dict[int, object] = {}


def _string_cache(strings):  # noqa: ANN001, ANN202 - StringStore -> (hash -> str)
    """A memoised hash -> string lookup for one vocabulary's string store."""
    cached = _STRING_CACHES.get(id(strings))
    if cached is None:
        table: dict[int, str] = {}

        def text_of(h: int) -> str:
            s = table.get(h)
            if s is None:
                s = table[h] = strings[h]
                if len(table) > 200_000:
                    table.clear()
            return s

        cached = _STRING_CACHES[id(strings)] = text_of
    return cached  # type: ignore[return-value]


def _count(n: int) -> None:
    """Count texts processed by the current pipeline; when the count is reached, the pipeline
    is rebuilt before the next text (a run that ends there pays nothing for it)."""
    _seen_since_build[0] += n
    if _seen_since_build[0] >= RECYCLE_AFTER:
        _seen_since_build[0] = 0
        _recycle_due[0] = True


_recycle_due = [False]


def _recycle_if_due() -> None:
    """Rebuild the pipeline if the count of texts was reached since it was built."""
    if not _recycle_due[0]:
        return
    _recycle_due[0] = False
    frozen = gc.get_freeze_count() > 0  # a batch process froze the old pipeline's objects
    if frozen:
        gc.unfreeze()
    get_nlp.cache_clear()
    _STRING_CACHES.clear()
    gc.collect()
    if frozen:
        get_nlp()
        gc.collect()
        gc.freeze()


def _annotate(text: str, tokenizer, steps: list) -> Doc:  # noqa: ANN001 - spaCy tokenizer
    """Tokenize and run the scoring steps. The steps are called directly: ``Language.pipe``'s
    generator plumbing cost more per short text than some of the components themselves."""
    doc = tokenizer(text)
    for step in steps:
        doc = step(doc)
    return doc


def parse(text: str) -> Parsed:
    """Normalise, run the pipeline's scoring steps, collect cues with original offsets."""
    norm = normalise(text)
    _recycle_if_due()
    nlp = get_nlp()
    parsed = _parsed(_annotate(norm.text, nlp.tokenizer, scoring_steps(nlp)), norm)
    _count(1)
    return parsed


def parse_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[Parsed]:
    """Stream ``Parsed`` results in input order, normalising and parsing in batches."""
    pending: list[Normalised] = []

    def flush() -> Iterator[Parsed]:
        if not pending:
            return
        _recycle_if_due()
        nlp = get_nlp()
        tokenizer = nlp.tokenizer
        steps = scoring_steps(nlp)
        # step by step over the whole batch, as Language.pipe does: each step's code and data
        # stay in the CPU cache for the batch, instead of every step evicting the previous one
        docs = [tokenizer(n.text) for n in pending]
        for step in steps:
            docs = [step(doc) for doc in docs]
        done = [_parsed(doc, n) for doc, n in zip(docs, pending)]
        _count(len(pending))
        pending.clear()
        yield from done

    for text in texts:
        pending.append(normalise(text))
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
