"""Text -> parsed document -> evidence with offsets into the ORIGINAL text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from .cues import CUE_KEY
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


def _cues(doc: Doc, norm: Normalised) -> tuple[Cue, ...]:
    out = []
    for sp in doc.spans.get(CUE_KEY, []):
        a, b = norm.span(sp.start_char, sp.end_char)
        out.append(Cue(sp.start, sp.end, sp.label_, sp.id_, sp._.context, " ".join(t.norm_ for t in sp), a, b))
    return tuple(out)


def parse(text: str) -> Parsed:
    """Normalise, run the pipeline, collect cues with original offsets."""
    norm = normalise(text)
    doc = get_nlp()(norm.text)
    return Parsed(norm, doc, _cues(doc, norm))


def parse_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[Parsed]:
    """Stream ``Parsed`` results in input order, using ``nlp.pipe`` for throughput."""
    nlp = get_nlp()
    pending: list[Normalised] = []

    def flush() -> Iterator[Parsed]:
        for n, doc in zip(pending, nlp.pipe((p.text for p in pending), batch_size=batch_size)):
            yield Parsed(n, doc, _cues(doc, n))
        pending.clear()

    for text in texts:
        pending.append(normalise(text))
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
