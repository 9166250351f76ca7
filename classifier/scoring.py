"""Row scoring for batch runs, serial or across worker processes, always in input order.

Work is cut into chunks; at most ``2 * workers`` chunks are in flight, so memory stays
bounded however long the input is, and results are yielded strictly in input order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from .batch import InRow, error_row, format_row
from .errors import PtcodeError

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 256


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while True:
        block = list(islice(it, size))
        if not block:
            return
        yield block


def _quiet_worker() -> None:
    """Workers leave interruption to the parent, which stops them (no worker tracebacks)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def ordered_map(func: Callable[[list[T]], list[R]], blocks: Iterable[list[T]], workers: int) -> Iterator[R]:
    """Apply ``func`` to blocks in ``workers`` processes, yielding results in order."""
    if workers <= 1:
        for block in blocks:
            yield from func(block)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
    try:
        window: deque[Future[list[R]]] = deque()
        for block in blocks:
            window.append(pool.submit(func, block))
            if len(window) >= 2 * workers:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    except BaseException:
        # queued chunks are cancelled and the chunks in flight (one or two per worker) finish:
        # a worker terminated while sending its result leaves a half-written message that
        # blocks the executor's manager thread, and with it the interpreter's exit, for ever
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _model_arg(model: Any) -> str | None:
    if model is None:
        return None
    if isinstance(model, (str, Path)):
        return str(Path(model).resolve())
    raise TypeError("workers need the model as a path")


_WARM: set[int] = set()
GC_YOUNGEST = 50_000


def warm_up(model: str | None) -> None:
    """Load the pipeline and model once in this process, then move every object that exists
    now into the garbage collector's permanent generation: a batch creates millions of
    short-lived objects, and re-scanning the pipeline's and model's long-lived ones on every
    collection cost about a tenth of the run. The youngest generation is also collected less
    often (every 50,000 net allocations instead of 700): the objects of a scored row are
    freed by reference counting, and the collections found next to nothing to free."""
    import gc
    import os

    if os.getpid() in _WARM:
        return
    from .api import resolve_model
    from .pipeline import get_nlp

    lm = resolve_model(model)
    if lm is not None and lm.config.ngrams:
        lm.ngram_index()  # a batch scores many texts: the hashed n-gram index pays at once
    get_nlp()
    gc.collect()
    gc.freeze()
    youngest, older, oldest = gc.get_threshold()
    gc.set_threshold(max(youngest, GC_YOUNGEST), older, oldest)
    _WARM.add(os.getpid())


def format_chunk(rows: list[InRow], mode: str, model: str | None, max_chars: int | None, rule: str, fmt: str) -> list[tuple[bool, str]]:
    """Score and format one chunk: ``(ok, output text)`` per row, in order."""
    return [(r["status"] == "ok", format_row(r, fmt, mode)) for r in score_chunk(rows, mode, model, max_chars, rule)]  # type: ignore[arg-type]


def score_chunk(rows: list[InRow], mode: str, model: str | None, max_chars: int | None, rule: str) -> list[dict[str, Any]]:
    """Score one chunk of input rows into output rows (runs in a worker process)."""
    from .api import MAX_CHARS, analyze_note, audit_note, check_text, resolve_model, suggest_parsed_many
    from .evidence import parse_many

    warm_up(model)
    limit = max_chars or MAX_CHARS
    lm = resolve_model(model)
    out: list[dict[str, Any] | None] = [None] * len(rows)
    todo: list[tuple[int, InRow]] = []
    for k, r in enumerate(rows):
        if r.error is not None:
            out[k] = error_row(r.id, r.error, mode)  # type: ignore[arg-type]
            continue
        try:
            check_text(r.text, limit)
        except PtcodeError as exc:
            out[k] = error_row(r.id, exc, mode)  # type: ignore[arg-type]
            continue
        todo.append((k, r))
    if mode in ("notes", "audit"):
        for k, r in todo:
            try:
                if mode == "audit":
                    res = audit_note(r.text, r.billed, rule=rule, model=lm, max_chars=limit)  # type: ignore[arg-type]
                else:
                    res = analyze_note(r.text, rule=rule, model=lm, max_chars=limit)  # type: ignore[arg-type]
                out[k] = {"id": r.id, "status": "ok", "error": None, **res.to_dict()}
            except PtcodeError as exc:
                out[k] = error_row(r.id, exc, mode)  # type: ignore[arg-type]
    else:
        suggestions = suggest_parsed_many(list(parse_many(r.text for _, r in todo)), lm)
        for (k, r), s in zip(todo, suggestions):
            out[k] = {"id": r.id, "status": "ok", "error": None, **s.to_dict()}
    return out  # type: ignore[return-value]


def score_rows(rows: Iterable[InRow], *, mode: str = "segments", workers: int = 1, model: Any = None, max_chars: int | None = None, rule: str = "cms", fmt: str = "jsonl") -> Iterator[tuple[bool, str]]:
    """``(ok, formatted row)`` for every input row, in input order."""
    from functools import partial

    model_arg = _model_arg(model)
    if workers > 1 and multiprocessing.get_start_method() == "fork":
        warm_up(model_arg)  # forked workers inherit the loaded pipeline and model instead of each building its own
    func = partial(format_chunk, mode=mode, model=model_arg, max_chars=max_chars, rule=rule, fmt=fmt)
    yield from ordered_map(func, chunks(rows, CHUNK), workers)
