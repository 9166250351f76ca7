"""``suggest_many(..., n_process=N)``: the same streaming contract across processes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from .errors import PtcodeError
from .scoring import _model_arg, chunks, ordered_map
from .types import Suggestion


def _suggest_block(texts: list[Any], model: str | None, mode: str, max_chars: int) -> list[Suggestion | PtcodeError]:
    from .api import suggest_many

    return list(suggest_many(texts, model=model, mode=mode, max_chars=max_chars, errors="return"))  # type: ignore[arg-type]


def suggest_parallel(texts: Iterable[Any], *, batch_size: int, n_process: int, model: Any, mode: str, max_chars: int, errors: str) -> Iterator[Suggestion | PtcodeError]:
    func = partial(_suggest_block, model=_model_arg(model), mode=mode, max_chars=max_chars)
    for result in ordered_map(func, chunks(texts, batch_size), n_process):
        if isinstance(result, PtcodeError) and errors == "raise":
            raise result
        yield result
