"""Text -> parsed document -> evidence with offsets into the ORIGINAL text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, NORM
from spacy.tokens import Doc

from .context import CUE_CONTEXTS
from .cues import CUE_MATCHES
from .normalise import Normalised, normalise
from .pipeline import get_nlp
from .types import Evidence

#: families reported as evidence (purpose markers only link other cues to a purpose)
HIDDEN_FAMILIES = frozenset({"purpose"})


@dataclass(frozen=True, slots=True)
class Cue:
    """A matched cue in token and original-character coordinates."""

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
    words: tuple[str, ...] = ()  # lemmas of the word tokens ("<num>" for numbers), for n-grams

    @property
    def text(self) -> str:
        return self.source.source

    def evidence(self) -> tuple[Evidence, ...]:
        src = self.source.source
        return tuple(
            Evidence(src[c.char_start : c.char_end], c.char_start, c.char_end, c.cue_id, c.family, c.context)
            for c in self.cues
            if c.family not in HIDDEN_FAMILIES
        )


_ATTRS = [IDX, LENGTH, NORM, IS_PUNCT, IS_SPACE, LIKE_NUM]


def _parsed(doc: Doc, norm: Normalised) -> Parsed:
    """Collect cues (with offsets into the original text) and the n-gram words, reading the
    token attributes once as an array rather than token by token."""
    rows = doc.to_array(_ATTRS).tolist() if len(doc) else []
    strings = doc.vocab.strings
    matches = doc.user_data.get(CUE_MATCHES) or []
    contexts = doc.user_data.get(CUE_CONTEXTS) or ["performed"] * len(matches)
    cues = []
    for (s, e, family, cue_id), ctx in zip(matches, contexts):
        a, b = norm.span(rows[s][0], rows[e - 1][0] + rows[e - 1][1])
        cues.append(Cue(s, e, family, cue_id, ctx, " ".join(strings[r[2]] for r in rows[s:e]), a, b))
    words = tuple("<num>" if r[5] else strings[r[2]] for r in rows if not (r[3] or r[4]))
    return Parsed(norm, doc, tuple(cues), words)


def parse(text: str) -> Parsed:
    """Normalise, run the pipeline, collect cues with original offsets."""
    norm = normalise(text)
    return _parsed(get_nlp()(norm.text), norm)


def parse_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[Parsed]:
    """Stream ``Parsed`` results in input order, using ``nlp.pipe`` for throughput."""
    nlp = get_nlp()
    pending: list[Normalised] = []

    def flush() -> Iterator[Parsed]:
        for n, doc in zip(pending, nlp.pipe((p.text for p in pending), batch_size=batch_size)):
            yield _parsed(doc, n)
        pending.clear()

    for text in texts:
        pending.append(normalise(text))
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
