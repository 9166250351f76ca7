"""ptcode: suggest CPT 97110 / 97112 / 97530 (or none) for therapy treatment-note text.

The public API is re-exported here and imported lazily, so ``import classifier`` is cheap
and ``ptcode --help`` does not load spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Evidence",
    "LineItem",
    "NoteAnalysis",
    "Suggestion",
    "PtcodeError",
    "analyze_note",
    "suggest",
    "suggest_many",
]

if TYPE_CHECKING:  # pragma: no cover
    from .api import analyze_note, suggest, suggest_many
    from .errors import PtcodeError
    from .types import Evidence, LineItem, NoteAnalysis, Suggestion

_LAZY = {
    "suggest": "api",
    "suggest_many": "api",
    "analyze_note": "api",
    "Evidence": "types",
    "LineItem": "types",
    "NoteAnalysis": "types",
    "Suggestion": "types",
    "PtcodeError": "errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'classifier' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
