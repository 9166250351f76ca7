"""Sentence and SOAP-section boundaries.

Sentences end at line breaks and at ``.``, ``!`` or ``?``; a section header
("S:", "Plan:", "Assessment -", "HEP:") also starts a sentence. Each sentence belongs to the
section most recently opened, whose context ("planned" for Plan/Goals/HEP, "historical" for
Subjective, "assessment" for Assessment) the context component applies to every cue in it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .tokenizer import doc_text
from .resources import check_keys, load_json

SECTION_CONTEXTS = ("performed", "historical", "assessment", "planned")
SENT_STARTS = "ptcode_sentence_starts"  # doc.user_data key: sorted token indices that start a sentence
SECTIONS = "ptcode_sections"  # doc.user_data key: (first token, section name, context) in order


@dataclass(frozen=True, slots=True)
class SectionTable:
    regex: re.Pattern[str]
    context_of: dict[str, str]  # header (lowercase) -> context
    name_of: dict[str, str]  # header (lowercase) -> section name
    one_line: frozenset[str] = frozenset()  # fields that end with their line when text follows them


@lru_cache(maxsize=1)
def section_table() -> SectionTable:
    conf = load_json("data", "sections.json")
    context_of: dict[str, str] = {}
    name_of: dict[str, str] = {}
    for i, sec in enumerate(conf["sections"]):
        check_keys(sec, f"data/sections.json section {i}", {"name", "context", "headers"}, set())
        for h in sec["headers"]:
            context_of[h] = sec["context"]
            name_of[h] = sec["name"]
    words = sorted((h for h in context_of if len(h) > 1), key=len, reverse=True)
    letters = sorted(h for h in context_of if len(h) == 1)
    word_alt = "|".join(re.escape(w) for w in words)
    letter_alt = "".join(letters)
    # matched only where a header can start (text or line start, after a sentence end):
    # optional bullet; header; then ':' or ' -' (dictation: "new paragraph", "colon"), perhaps
    # after a short remark in brackets that is not a time ("Goals (4 wk):", not "Assessment (55 min):")
    # or a few words on when ("PLAN next 2 visits:", "Plan for next week -")
    pattern = (
        r"[ \t\-*\u2022]*"
        rf"(?P<h>(?:{word_alt})(?=(?:\s*\((?![^()\n]*\d\s*(?:min|mins|minutes|hrs?|')(?![a-z]))[^()\n]{{1,24}}\)|\s+(?:for\s+)?(?:the\s+)?next\b[^:()\n]{{0,20}})?\s*(?::|\s-\s|\s+new paragraph\b|\s+colon\b))|[{letter_alt}](?=\s*:))"
    )
    return SectionTable(re.compile(pattern, re.IGNORECASE), context_of, name_of, frozenset(conf.get("one_line_fields", ())))


_HEADER_SITES = re.compile(r"\n|[.!?]\s")


def find_headers(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start_char, end_char, header_lowercase)`` for each section header."""
    if ":" not in text and " -" not in text:
        low = text.lower()
        if "new paragraph" not in low and "colon" not in low:
            return []  # every header form needs one of these after it
    match = section_table().regex.match
    out = []
    for pos in [0, *(m.end() for m in _HEADER_SITES.finditer(text))]:
        m = match(text, pos)
        if m:
            out.append((m.start("h"), m.end("h"), m.group("h").lower()))
    return out


def doc_sections(doc: Doc) -> list[tuple[int, str, str]]:
    """``(first token index, section name, section context)`` of each header, in order."""
    return doc.user_data.get(SECTIONS) or []


if not Doc.has_extension("sections"):
    # read-only view for other spaCy pipelines (the components use doc.user_data directly:
    # an extension setter costs more per short text than reading the value back)
    Doc.set_extension("sections", getter=doc_sections)


_BREAK = re.compile(r"\n|[.!?](?=\s)")
_NOT_START = np.uint64(2**64 - 1)  # SENT_START -1 (uint64 wrap-around)


def record_sections(doc: Doc) -> Doc:
    """Record the sentence starts (line breaks, sentence-final punctuation, section headers)
    and the sections in ``doc.user_data``: all that ptcode's own steps read. Works on
    character offsets, not token by token."""
    n = len(doc)
    if n == 0:
        doc.user_data[SECTIONS] = []
        doc.user_data[SENT_STARTS] = [0]
        return doc
    table = section_table()
    idx = doc.to_array(IDX).tolist()
    text = doc_text(doc)
    starts = {0}
    for m in _BREAK.finditer(text):
        i = bisect_left(idx, m.end())
        if i < n:
            starts.add(i)
    sections: list[tuple[int, str, str]] = []
    for start_char, _end, header in find_headers(text):
        i = bisect_left(idx, start_char)
        if i < n and idx[i] == start_char:
            starts.add(i)
            sections.append((i, table.name_of[header], table.context_of[header]))
    doc.user_data[SENT_STARTS] = sorted(starts)
    doc.user_data[SECTIONS] = sections
    return doc


def _mark_sentences(doc: Doc, ordered: list[int]) -> None:
    """Set the tokens' SENT_START flags from the sorted sentence starts (``doc.sents``)."""
    n = len(doc)
    if len(ordered) * 8 < n:  # few starts: mark them one by one (unmarked tokens do not start)
        for i in ordered:
            doc[i].is_sent_start = True
    else:
        flags = np.full((n, 1), _NOT_START, dtype=np.uint64)
        flags[ordered] = 1
        doc.from_array([SENT_START], flags)


@Language.component("ptcode_sections")
def sections_component(doc: Doc) -> Doc:
    """Sentence and section boundaries: recorded in ``doc.user_data`` and, for other spaCy
    code reading ``doc.sents``, set as the tokens' sentence starts."""
    record_sections(doc)
    if len(doc):
        _mark_sentences(doc, doc.user_data[SENT_STARTS])
    return doc
