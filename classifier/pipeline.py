"""Builds the spaCy pipeline once per process.

``spacy.blank("en")`` with the clinical tokenizer, a lookup lemmatizer, sentence and section
boundaries, the cue matcher and the context component. No statistical spaCy model is used, so
nothing is downloaded and everything runs offline.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import context as _context  # noqa: F401  (registers the component factories)
from . import cues as _cues  # noqa: F401
from . import sections as _sections  # noqa: F401
from .tokenizer import TextKeepingTokenizer, customise_tokenizer

PIPE_NAMES = ("ptcode_lemmatizer", "ptcode_sections", "ptcode_cues", "ptcode_context")
@Language.component("ptcode_lemmatizer")
def lookup_lemmatizer(doc: Doc) -> Doc:
    """Lookup lemmatizer: the lexeme NORM already holds the looked-up lowercase lemma."""
    for token in doc:
        token.lemma = token.norm
    return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline (built on first use, then cached)."""
    nlp = spacy.blank("en")
    customise_tokenizer(nlp)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    return nlp
