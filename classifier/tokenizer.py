"""The clinical tokenizer and the lexeme norm used for matching.

spaCy's English tokenizer is extended for therapy shorthand: ``3x10`` -> ``3 x 10``,
``2#`` -> ``2 #``, ``10min`` -> ``10 min``, ``x12'`` -> ``x 12 '``, ``sit<>stand`` ->
``sit <> stand``, while ``w/``, ``s/p``, ``B/L`` and the other special cases in
``data/tokenizer.json`` stay whole.

The lexeme NORM is the lowercase lemma from a lookup table (WordNet-derived, from
``spacy-lookups-data``) with domain overrides. spaCy computes it once per vocabulary entry, so
phrase patterns written in base form ("heel slide") match inflections ("heel slides") at no
per-token cost.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc
from spacy.util import registry

from .resources import load_json


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    table: dict[str, str] = {}
    try:
        data = resources.files("spacy_lookups_data").joinpath("data", "en_lemma_lookup.json.gz")
        with gzip.open(data.open("rb"), "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        table = {k: v.lower() for k, v in raw.items() if k.islower()}
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        table = {}
    table.update(load_json("data", "tokenizer.json")["lemma_overrides"])
    return table


NUMBER_NORM = "<num>"
MMT_NORM = "<mmt>"
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*(?:/\d+)?$")
_MMT = re.compile(r"^[0-5][+-]?/5$")
_CARDINALS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred".split()
)


def make_lemmatize() -> Callable[[str], str]:
    """Return ``word -> lemma``: lowercase, looked up, with a guarded plural fallback.

    Numbers (digits or cardinal words) share one norm, ``<num>``, and manual-muscle-test grades
    ("4/5", "3+/5") share ``<mmt>``: number-shaped cues are then plain phrase patterns written
    with any number ("9 x 9", "9 lb") and matched by the PhraseMatcher.
    """
    table = _lemma_table()

    def lemmatize(word: str) -> str:
        low = word.lower()
        if _MMT.match(low):
            return MMT_NORM
        if _NUMBER.match(low) or low in _CARDINALS:
            return NUMBER_NORM
        hit = table.get(low)
        if hit is not None:
            return hit
        if (
            len(low) > 4
            and low.endswith("s")
            and low[-2] not in "su'"
            and low[:-1].isalpha()
            and not low.endswith("is")
        ):
            stem = low[:-1]
            return table.get(stem, stem)
        return low

    return lemmatize


def build_tokenizer(nlp):  # noqa: ANN001, ANN201 - spaCy Language -> TextKeepingTokenizer
    """The clinical tokenizer: English rules plus clinical prefixes, suffixes, infixes and
    special cases, built in one pass (setting them one by one on an existing tokenizer
    recompiles every special case each time), with the lemma norm installed first so every
    lexeme, including those of the special cases, carries it."""
    from spacy.attrs import NORM, ORTH
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    conf = load_json("data", "tokenizer.json")
    lemmatize = make_lemmatize()
    nlp.vocab.lex_attr_getters[NORM] = lemmatize
    for lex in list(nlp.vocab):  # lexemes created before the getter was installed
        lex.norm_ = lemmatize(lex.orth_)
    units = sorted(conf["unit_suffixes"], key=len, reverse=True)
    unit_alt = "|".join(_escape(u) for u in units)
    defaults = nlp.Defaults
    prefixes = [r"[xX](?=[0-9])", r"@", r"~"] + list(defaults.prefixes)
    suffixes = [rf"(?<=[0-9])(?:{unit_alt})"] + list(defaults.suffixes)
    infixes = list(defaults.infixes) + [
        r"(?<=[0-9])[xX](?=[0-9])",
        r"(?<=[A-Za-z])(?:<->|<>|->|<-|=>)(?=[A-Za-z])",
    ]
    rules = dict(defaults.tokenizer_exceptions)
    for case in conf["special_cases"]:
        rules[case] = [{ORTH: case, NORM: lemmatize(case)}]
    tok = Tokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=re.compile("^(?:" + "|".join(conf["whole_tokens"]) + ")$").match,
        url_match=defaults.url_match,
    )
    return TextKeepingTokenizer(tok)


@registry.tokenizers("ptcode.clinical_tokenizer.v1")
def create_clinical_tokenizer():  # noqa: ANN201 - registered factory for spacy.blank(config=...)
    return build_tokenizer


def _escape(unit: str) -> str:
    return re.escape(unit)


TEXT_KEY = "ptcode_text"


class TextKeepingTokenizer:
    """Wraps the tokenizer and keeps the input string in ``doc.user_data``: components read
    it from there, because ``Doc.text`` is rebuilt token by token on every access."""

    def __init__(self, tokenizer) -> None:  # noqa: ANN001
        self.inner = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.inner(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):  # noqa: ANN001, ANN201
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):  # noqa: ANN204 - delegate everything else
        return getattr(self.inner, name)


def doc_text(doc: Doc) -> str:
    """The text of ``doc`` without rebuilding it from the tokens when the tokenizer kept it."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text
