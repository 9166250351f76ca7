"""Text normalisation that keeps a map back to the original character offsets.

Clinical text arrives with typographic variants (``×`` for ``x``, en dashes, curly quotes,
non-breaking spaces, Windows line endings, zero-width characters). They are folded to plain
ASCII equivalents before tokenising. Every character of the normalised text remembers the
index of the original character it came from, so evidence quoted from the normalised text is
reported at offsets into the caller's own string: ``text[start:end]`` is always the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One entry per original character that changes; the value replaces it (may be empty).
_FOLD = {
    "\u00d7": "x",  # multiplication sign, "3×10"
    "\u2715": "x",
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u2032": "'",  # prime, "12′"
    "\u201c": '"',
    "\u201d": '"',
    "\u2033": '"',
    "\u00a0": " ",  # no-break space
    "\u2009": " ",
    "\u202f": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\t": " ",
    "\r": "",  # CRLF -> LF; a lone CR is handled below
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",  # byte-order mark
    "\u00ad": "",  # soft hyphen
    "\u2192": "->",
    "\u2190": "<-",
    "\u2194": "<->",
    "\u2191": "up ",
    "\u2193": "down ",
    "\u00b0": " deg",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2022": "-",  # bullet
    "\u25cf": "-",
    "\u25aa": "-",
    "\u2026": "...",
    "\x00": " ",
}
_NEEDS_WORK = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text and, for each of its characters, the index of the source character."""

    text: str
    source: str
    offsets: tuple[int, ...] | None  # None: identical to the source, offsets are the identity

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        if self.offsets is None:
            return start, end
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.source)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(text: str) -> Normalised:
    """Fold typographic variants to ASCII and keep the offset map.

    The common case (plain ASCII-ish text with no ``\\r``) returns the input unchanged without
    building a map.
    """
    if not _NEEDS_WORK.search(text):
        return Normalised(text, text, None)
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        rep = _FOLD.get(ch)
        if rep is None:
            out.append(ch)
            offsets.append(i)
            continue
        if ch == "\r" and (i + 1 >= n or text[i + 1] != "\n"):
            rep = "\n"  # a lone carriage return is a line break
        for r in rep:
            out.append(r)
            offsets.append(i)
    return Normalised("".join(out), text, tuple(offsets))
