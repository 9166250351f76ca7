"""The one error catalogue of ptcode.

Every message says what was expected, what arrived and what to do. No message ever contains
note text: the ``got`` part describes the input (its type, length, line number, column names)
and never quotes it.
"""

from __future__ import annotations


class PtcodeError(Exception):
    """Base class. ``code`` is a stable identifier, ``exit_code`` what the CLI returns."""

    code = "E000"
    exit_code = 2

    def __init__(self, expected: str, got: str, todo: str) -> None:
        self.expected = expected
        self.got = got
        self.todo = todo
        super().__init__(f"[{self.code}] expected {expected}; got {got}. {todo}")


class InputError(PtcodeError, ValueError):
    """The caller's input cannot be used (wrong type, empty, unreadable, too long)."""

    code = "E100"


class DataFormatError(PtcodeError, ValueError):
    """A data file (batch input, training data, evaluation data) is malformed."""

    code = "E200"


class ResourceError(PtcodeError, ValueError):
    """A shipped resource (pattern, context rule, fallback rule) violates its schema."""

    code = "E300"


class ModelError(PtcodeError, RuntimeError):
    """A model artifact is missing, unreadable, or does not match its manifest."""

    code = "E400"


class ModelIntegrityError(ModelError):
    """The artifact's checksum does not match its manifest: it is refused before loading."""

    code = "E401"


def describe(value: object) -> str:
    """Describe a value without quoting it (safe for messages about patient text)."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if value is None:
        return "None"
    return f"a value of type {type(value).__name__}"
