"""Streaming batch scoring: CSV or JSONL in, the same format out, one output row per input
row, in input order, in constant memory.

Rows that cannot be scored become error rows (``status: "error"`` with a one-line reason that
never quotes the text). Output goes to a file created readable by its owner only, in the
destination directory, and is renamed into place only when complete: an interrupted run leaves
the previous output untouched. With ``resume=True`` the partial output and a small checkpoint
are kept when a run stops, and the next ``resume=True`` run over the same input continues from
the last checkpoint without losing or repeating a row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .errors import DataFormatError, InputError, PtcodeError, describe

Format = Literal["csv", "jsonl"]
Mode = Literal["segments", "notes", "audit"]
CSV_SEGMENT_FIELDS = ["id", "status", "error", "code", "confidence", "needs_review", "explanation", "evidence", "alternatives", "decided_by", "other_service"]
CSV_NOTE_FIELDS = ["id", "status", "error", "items", "total_timed_minutes", "units_cms", "units_ama", "warnings"]
CSV_AUDIT_FIELDS = ["id", "status", "error", "billed", "flags", "items", "total_timed_minutes", "units_cms", "units_ama", "warnings"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_RECORD_CHARS = 8_000_000  # one input record; longer ones become error rows, unread
DUPLICATE_ID_WINDOW = 100_000  # ids remembered for the duplicate check (bounded memory)


@dataclass(frozen=True, slots=True)
class InRow:
    """One input row: its position, id, and text or the reason it cannot be read."""

    index: int
    id: str
    text: str | None
    error: PtcodeError | None = None
    billed: object = None  # audit mode: the billed codes field


@dataclass
class ReadStats:
    """What the reader saw, for the end-of-run summary (never any text). Duplicate ids are
    counted against the first ``DUPLICATE_ID_WINDOW`` distinct ids, so memory stays bounded."""

    rows: int = 0
    duplicate_ids: int = 0


def detect_format(path: str | Path, explicit: str | None = None) -> Format:
    if explicit:
        if explicit not in ("csv", "jsonl"):
            raise InputError("--format csv or jsonl", f"--format {explicit}", "Choose csv or jsonl.")
        return explicit  # type: ignore[return-value]
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputError("a .csv or .jsonl file (or --format)", f"a file ending in {suffix or 'no extension'}", "Rename the file or pass --format.")


def _open_text(path: str | Path) -> tuple[io.TextIOWrapper, Any]:
    """Open for reading: UTF-8 (with or without BOM) or UTF-16 with BOM. Undecodable bytes are
    kept as surrogates so that only the rows holding them fail. Returns the text stream and
    the binary stream under it (for progress)."""
    raw = sys.stdin.buffer if str(path) == "-" else open(path, "rb")  # noqa: SIM115
    encoding = "utf-8-sig"
    if raw.seekable():
        head = raw.read(4)
        raw.seek(0)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=""), raw


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_rows(
    path: str | Path,
    fmt: Format,
    text_column: str = "text",
    id_column: str = "id",
    billed_column: str | None = None,
    stats: ReadStats | None = None,
    position: list[int] | None = None,
) -> Iterator[InRow]:
    """Stream input rows. Problems of one row become that row's error; problems with the whole
    file (missing column, unreadable) raise ``PtcodeError``. ``position`` (a one-item list)
    is updated with the byte offset read so far, for progress display."""
    try:
        fh, raw = _open_text(path)
    except OSError as exc:
        raise InputError("a readable input file", f"{type(exc).__name__} opening it", "Check the path and permissions.") from None
    stats = stats if stats is not None else ReadStats()
    seen: set[str] = set()
    reader = _read_csv if fmt == "csv" else _read_jsonl
    with fh:
        for row in reader(fh, text_column, id_column, billed_column):
            stats.rows += 1
            if row.id in seen:
                stats.duplicate_ids += 1
            elif len(seen) < DUPLICATE_ID_WINDOW:
                seen.add(row.id)
            if position is not None and raw.seekable():
                position[0] = raw.tell()
            yield row


def _encoding_error(index: int, rid: str) -> InRow:
    return InRow(index, rid, None, DataFormatError("UTF-8 text", "bytes that are not valid UTF-8 in this row", "Re-save the file as UTF-8."))


def _read_jsonl(fh: io.TextIOBase, text_column: str, id_column: str, billed_column: str | None = None) -> Iterator[InRow]:
    index = 0
    lineno = 0
    while True:
        line = fh.readline(MAX_RECORD_CHARS)
        if not line:
            return
        lineno += 1
        if len(line) >= MAX_RECORD_CHARS and not line.endswith("\n"):
            while True:  # skip the rest of an over-long line without keeping it
                rest = fh.readline(MAX_RECORD_CHARS)
                if not rest or rest.endswith("\n"):
                    break
            yield InRow(index, str(lineno), None, InputError(f"a line under {MAX_RECORD_CHARS:,} characters", f"a longer line {lineno}", "Split the record."))
            index += 1
            continue
        if not line.strip():
            continue
        rid = str(lineno)
        if _has_surrogates(line):
            yield _encoding_error(index, rid)
            index += 1
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            yield InRow(index, rid, None, DataFormatError("a JSON object", f"invalid JSON on line {lineno}", "Fix or remove the line."))
            index += 1
            continue
        if not isinstance(obj, dict):
            yield InRow(index, rid, None, DataFormatError("a JSON object", f"a JSON {type(obj).__name__} on line {lineno}", "Each line must be an object."))
            index += 1
            continue
        raw_id = obj.get(id_column, lineno)
        rid = str(raw_id) if raw_id is not None else str(lineno)
        text = obj.get(text_column)
        if text_column not in obj:
            fields = ", ".join(sorted(map(str, obj))[:12])
            yield InRow(index, rid, None, DataFormatError(f"a {text_column!r} field", f"fields [{fields}] on line {lineno}", "Pass --text-column."))
        elif not isinstance(text, str):
            yield InRow(index, rid, None, InputError(f"{text_column!r} as a string", describe(text), "Fix the row."))
        else:
            yield InRow(index, rid, text, billed=obj.get(billed_column) if billed_column else None)
        index += 1


def _read_csv(fh: io.TextIOBase, text_column: str, id_column: str, billed_column: str | None = None) -> Iterator[InRow]:
    csv.field_size_limit(MAX_RECORD_CHARS)
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error:
        raise DataFormatError("a CSV header row", "an unreadable first row", "Check the file is CSV.") from None
    header = [h.strip() for h in header]
    if any(_has_surrogates(h) for h in header):
        raise DataFormatError("a UTF-8 or UTF-16 (with BOM) CSV header", "bytes that are not valid UTF-8 in the header", "Re-save the file as UTF-8.")
    if text_column not in header:
        raise DataFormatError(f"a {text_column!r} column", f"columns [{', '.join(header[:20])}]", "Pass --text-column with one of them.")
    ti = header.index(text_column)
    ii = header.index(id_column) if id_column in header else None
    if billed_column is not None and billed_column not in header:
        raise DataFormatError(f"a {billed_column!r} column", f"columns [{', '.join(header[:20])}]", "Pass --billed-column with one of them.")
    bi = header.index(billed_column) if billed_column is not None else None
    index = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield InRow(index, str(index + 1), None, DataFormatError("a well-formed CSV record", f"a malformed or over-long record near record {index + 1}", "Check quoting."))
            index += 1
            continue
        if not rec:
            continue
        rid = rec[ii] if ii is not None and ii < len(rec) else str(index + 1)
        if _has_surrogates(rid):
            rid = str(index + 1)
        if ti >= len(rec):
            yield InRow(index, rid, None, DataFormatError(f"{len(header)} columns", f"{len(rec)} columns in record {index + 1}", "Check quoting."))
        elif _has_surrogates(rec[ti]):
            yield _encoding_error(index, rid)
        else:
            yield InRow(index, rid, rec[ti], billed=rec[bi] if bi is not None and bi < len(rec) else None)
        index += 1


def neutralise(cell: Any) -> Any:
    """Keep spreadsheet software from evaluating a cell as a formula."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def flatten_segment(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in CSV_SEGMENT_FIELDS}
    out["evidence"] = "; ".join(f"{e['text']} ({e['family']}, {e['context']})" for e in row.get("evidence") or [])
    out["alternatives"] = "; ".join(f"{a['code']}:{a['confidence']:.3f}" for a in row.get("alternatives") or [])
    return out


def flatten_note(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in ("id", "status", "error", "total_timed_minutes")}
    if "flags" in row:
        out["billed"] = "; ".join(f"{c}x{n}" for c, n in (row.get("billed") or {}).items())
        out["flags"] = " | ".join(f["message"] + (" (" + "; ".join(f'"{q}"' for q in f["evidence"]) + ")" if f["evidence"] else "") for f in row.get("flags") or [])
    out["items"] = "; ".join(f"{i['code']}:{i['minutes'] if i['minutes'] is not None else '?'}min" for i in row.get("items") or [])
    units = row.get("units") or {}
    out["units_cms"] = "; ".join(f"{k}x{v}" for k, v in (units.get("cms") or {}).items())
    out["units_ama"] = "; ".join(f"{k}x{v}" for k, v in (units.get("ama") or {}).items())
    out["warnings"] = " | ".join(row.get("warnings") or [])
    return out


def csv_fields(mode: Mode) -> list[str]:
    return {"segments": CSV_SEGMENT_FIELDS, "notes": CSV_NOTE_FIELDS, "audit": CSV_AUDIT_FIELDS}[mode]


_JSON_FALLBACK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _JSON(row: dict[str, Any]) -> str:  # noqa: N802 - the encoder, as a function
    """A row as compact JSON: orjson's encoder (several times faster than the standard
    library's on these rows), or the standard library's, with the same separators, for what
    orjson refuses (a lone surrogate is not UTF-8)."""
    try:
        return orjson.dumps(row).decode()
    except orjson.JSONEncodeError:
        return _JSON_FALLBACK(row)


def format_row(row: dict[str, Any], fmt: Format, mode: Mode) -> str:
    """One output row as its final text (a JSON line, or a CSV record with its line ending).
    Workers format their own rows, so the parent process only writes."""
    if fmt == "jsonl":
        return _JSON(row) + "\n"
    flat = flatten_segment(row) if mode == "segments" else flatten_note(row)
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=csv_fields(mode), extrasaction="ignore").writerow({k: neutralise(v) for k, v in flat.items()})
    return buf.getvalue()


def error_row(row_id: str, err: PtcodeError | str, mode: Mode = "segments") -> dict[str, Any]:
    msg = str(err)
    if mode == "audit":
        return {"id": row_id, "status": "error", "error": msg, "billed": {}, "flags": [], "items": [], "total_timed_minutes": None, "units": {}, "warnings": []}
    if mode == "notes":
        return {"id": row_id, "status": "error", "error": msg, "items": [], "total_timed_minutes": None, "units": {}, "warnings": []}
    return {"id": row_id, "status": "error", "error": msg, "code": None, "confidence": None, "needs_review": None, "explanation": None,
            "evidence": [], "alternatives": [], "decided_by": None, "other_service": None}


def _private_file(path: Path, mode: str = "w") -> io.TextIOWrapper:
    """Open ``path`` for writing, created readable and writable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)
    return open(fd, mode, encoding="utf-8", newline="")  # noqa: SIM115


class OutputFile:
    """Where result rows go: standard output, or a private temporary file renamed into place
    when complete. In resume mode the partial file and a checkpoint (rows done, bytes written)
    survive an interrupted run."""

    def __init__(self, out: str | Path | None, fmt: Format, mode: Mode, resume_key: str | None = None) -> None:
        self.fmt, self.mode = fmt, mode
        self.final = Path(out) if out not in (None, "-") else None
        self.count = 0
        self.failed = 0
        self.skip = 0  # input rows already done by an earlier run (resume)
        self.failed_before = 0
        self.resume_key = resume_key
        self.tmp: Path | None = None
        self.state: Path | None = None
        if self.final is None:
            self.fh = sys.stdout
            self._header()
            return
        directory = self.final.resolve().parent
        if resume_key is None:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.final.name}.", suffix=".part", dir=directory)
            os.fchmod(fd, 0o600)
            self.tmp = Path(tmp)
            self.fh = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._header()
            return
        self.tmp = directory / f".{self.final.name}.ptcode-partial"
        self.state = directory / f".{self.final.name}.ptcode-state.json"
        done = self._load_state()
        if done is not None:
            rows, nbytes, self.failed_before = done
            with open(self.tmp, "r+b") as fh:
                fh.truncate(nbytes)  # drop anything written after the last checkpoint
            self.fh = _private_file(self.tmp, "a")
            self.skip = rows
        else:
            self.fh = _private_file(self.tmp, "w")
            self._header()
            self.checkpoint()

    def _header(self) -> None:
        if self.fmt == "csv":
            csv.DictWriter(self.fh, fieldnames=csv_fields(self.mode)).writeheader()

    def _load_state(self) -> tuple[int, int, int] | None:
        if self.state is None or self.tmp is None or not self.state.is_file() or not self.tmp.is_file():
            return None
        try:
            state = json.loads(self.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if state.get("key") != self.resume_key or self.tmp.stat().st_size < int(state.get("bytes", -1)):
            return None
        return int(state["rows"]), int(state["bytes"]), int(state.get("failed", 0))

    def write_line(self, line: str, ok: bool = True) -> None:
        self.fh.write(line)
        self.count += 1
        self.failed += not ok

    def checkpoint(self) -> None:
        """Record that every row written so far is durable (resume mode only)."""
        if self.state is None:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        nbytes = self.fh.buffer.tell() if hasattr(self.fh, "buffer") else self.fh.tell()
        tmp_state = self.state.with_suffix(".tmp")
        with _private_file(tmp_state) as fh:
            json.dump({"key": self.resume_key, "rows": self.skip + self.count, "bytes": nbytes, "failed": self.failed_before + self.failed}, fh)
        os.replace(tmp_state, self.state)

    def commit(self) -> None:
        self.fh.flush()
        if self.final is None or self.tmp is None:
            return
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.final)
        if self.state is not None:
            self.state.unlink(missing_ok=True)
        self.tmp = None

    def abort(self) -> None:
        """Stop after an error or an interruption. Without resume the temporary file is
        removed; with resume the partial file and its checkpoint are kept."""
        if self.tmp is None:
            return
        try:
            self.fh.close()
        finally:
            if self.state is None:
                self.tmp.unlink(missing_ok=True)
            self.tmp = None


def resume_key(inp: str | Path, **options: Any) -> str:
    """Identifies a run: the input file (path, size, modification time) and the options."""
    p = Path(inp)
    st = p.stat()
    blob = json.dumps({"input": str(p.resolve()), "size": st.st_size, "mtime": st.st_mtime_ns, **options}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class BatchResult:
    rows: int
    failed: int
    duplicate_ids: int
    resumed_from: int


def run_batch(
    inp: str | Path,
    out: str | Path | None,
    *,
    fmt: Format,
    out_fmt: Format | None = None,
    text_column: str = "text",
    id_column: str = "id",
    mode: Mode = "segments",
    billed_column: str = "billed",
    workers: int = 1,
    model: Any = None,
    max_chars: int | None = None,
    on_row: Callable[[int, int], None] | None = None,
    rule: str = "cms",
    resume: bool = False,
) -> BatchResult:
    """Score ``inp`` into ``out``: one output row per input row, in order."""
    from .scoring import CHUNK, score_rows

    out_fmt = out_fmt or fmt
    if resume and (out in (None, "-") or str(inp) == "-"):
        raise InputError("an input file and an output file with --resume", "standard input or output", "Name both files.")
    key = resume_key(inp, fmt=fmt, out_fmt=out_fmt, mode=mode, text=text_column, id=id_column, billed=billed_column, rule=rule, model=str(model), max_chars=max_chars) if resume else None
    stats = ReadStats()
    position = [0] if on_row is not None else None  # (the read offset only feeds the progress line)
    output = OutputFile(out, out_fmt, mode, key)
    try:
        rows = read_rows(inp, fmt, text_column, id_column, billed_column if mode == "audit" else None, stats, position)
        for _ in range(output.skip):  # rows an earlier run already wrote
            if next(rows, None) is None:
                break
        for ok, line in score_rows(rows, mode=mode, workers=workers, model=model, max_chars=max_chars, rule=rule, fmt=out_fmt):
            output.write_line(line, ok)
            if output.count % CHUNK == 0:
                output.checkpoint()
            if on_row is not None and position is not None:
                on_row(output.skip + output.count, position[0])
    except BaseException:
        output.abort()
        raise
    output.commit()
    return BatchResult(output.skip + output.count, output.failed_before + output.failed, stats.duplicate_ids, output.skip)
