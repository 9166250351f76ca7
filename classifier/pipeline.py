"""Builds the spaCy pipeline once per process.

``spacy.blank("en")`` with the clinical tokenizer, a lookup lemmatizer, sentence and section
boundaries, the cue matcher and the context component. No statistical spaCy model is used, so
nothing is downloaded and everything runs offline.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import LEMMA, NORM
from spacy.language import Language
from spacy.tokens import Doc

from . import context as _context  # noqa: F401  (registers the component factories)
from . import cues as _cues  # noqa: F401
from . import sections as _sections  # noqa: F401
from . import tokenizer as _tokenizer  # noqa: F401  (registers the clinical tokenizer)

PIPE_NAMES = ("ptcode_lemmatizer", "ptcode_sections", "ptcode_cues", "ptcode_context")
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
