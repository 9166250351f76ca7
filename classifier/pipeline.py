"""Builds the spaCy pipeline once per process.

``spacy.blank("en")`` with the clinical tokenizer, a lookup lemmatizer, sentence and section
boundaries, the cue matcher and the context component. No statistical spaCy model is used, so
nothing is downloaded and everything runs offline.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import spacy
from spacy.attrs import LEMMA, NORM
from spacy.language import Language
from spacy.tokens import Doc

from . import context as _context  # noqa: F401  (registers the component factories)
from . import cues as _cues  # noqa: F401
from . import sections as _sections  # noqa: F401
from .sections import record_sections
from . import tokenizer as _tokenizer  # noqa: F401  (registers the clinical tokenizer)

PIPE_NAMES = ("ptcode_lemmatizer", "ptcode_sections", "ptcode_cues", "ptcode_context")
#: what ptcode's own scoring runs in place of a component (None: nothing). The cues read the
#: lexeme NORM, not the token lemmas, and the context reads the sentence starts kept in
#: ``doc.user_data``, not the tokens' SENT_START flags; the public pipeline still sets both
#: for other spaCy code.
_SCORING_STEP: dict[str, Callable[[Doc], Doc] | None] = {
    "ptcode_lemmatizer": None,
    "ptcode_sections": record_sections,
}


@Language.component("ptcode_lemmatizer")
def lookup_lemmatizer(doc: Doc) -> Doc:
    """Lookup lemmatizer: the lexeme NORM already holds the looked-up lowercase lemma, so the
    lemmas are copied across as one array."""
    if len(doc):
        doc.from_array([LEMMA], doc.to_array([NORM]).reshape(-1, 1))
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline (built on first use, then cached)."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "ptcode.clinical_tokenizer.v1"}}})
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp


def scoring_steps(nlp: Language) -> list[Callable[[Doc], Doc]]:
    """The steps that turn a tokenized doc into what ptcode reads, in pipeline order: each
    component, or its lean version when ptcode reads only part of what it sets."""
    steps = []
    for name, proc in nlp.pipeline:
        step = _SCORING_STEP.get(name, proc)
        if step is not None:
            steps.append(step)
    return steps
