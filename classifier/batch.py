"""Streaming batch scoring: CSV or JSONL in, the same format out, one output row per input
row, in input order, in constant memory.

Rows that cannot be scored become error rows (``status: "error"`` with a one-line reason that
never quotes the text). The output is written to a temporary file in the destination
directory and renamed into place only when complete.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import DataFormatError, InputError, PtcodeError, describe

Format = Literal["csv", "jsonl"]
CSV_SEGMENT_FIELDS = ["id", "status", "error", "code", "confidence", "needs_review", "explanation", "evidence", "alternatives", "decided_by", "other_service"]
CSV_NOTE_FIELDS = ["id", "status", "error", "items", "total_timed_minutes", "units_cms", "units_ama", "warnings"]
CSV_AUDIT_FIELDS = ["id", "status", "error", "billed", "flags", "items", "total_timed_minutes", "units_cms", "units_ama", "warnings"]
Mode = Literal["segments", "notes", "audit"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class InRow:
    """One input row: its position, id, and text or the reason it cannot be read."""

    index: int
    id: str
    text: str | None
    error: PtcodeError | None = None
    billed: object = None  # audit mode: the billed codes field


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


def _open_text(path: str | Path) -> io.TextIOBase:
    """Open for reading with BOM handling (UTF-8, UTF-8-SIG, UTF-16 with BOM)."""
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline="")
    raw = open(path, "rb")  # noqa: SIM115
    head = raw.read(4)
    raw.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return io.TextIOWrapper(raw, encoding="utf-16", errors="strict", newline="")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def read_rows(path: str | Path, fmt: Format, text_column: str = "text", id_column: str = "id", billed_column: str | None = None) -> Iterator[InRow]:
    """Stream input rows. Structural problems of one row become that row's error; problems
    with the whole file (missing column, unreadable) raise ``DataFormatError``."""
    try:
        fh = _open_text(path)
    except OSError as exc:
        raise InputError("a readable input file", f"{type(exc).__name__} opening it", "Check the path and permissions.") from None
    with fh:
        if fmt == "csv":
            yield from _read_csv(fh, text_column, id_column, billed_column)
        else:
            yield from _read_jsonl(fh, text_column, id_column, billed_column)


def _decode_guard(lines: Iterable[str]) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError:
        raise DataFormatError("UTF-8 or UTF-16 (with BOM) text", "bytes that are not valid UTF-8", "Re-save the file as UTF-8.") from None


def _read_jsonl(fh: io.TextIOBase, text_column: str, id_column: str, billed_column: str | None = None) -> Iterator[InRow]:
    index = 0
    for lineno, line in enumerate(_decode_guard(fh), 1):
        if not line.strip():
            continue
        rid = str(lineno)
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
            err = DataFormatError(f"a {text_column!r} field", f"fields {sorted(obj)[:12]} on line {lineno}", "Pass --text-column.")
            yield InRow(index, rid, None, err)
        elif not isinstance(text, str):
            yield InRow(index, rid, None, InputError(f"{text_column!r} as a string", describe(text), "Fix the row."))
        else:
            yield InRow(index, rid, text, billed=obj.get(billed_column) if billed_column else None)
        index += 1


def _read_csv(fh: io.TextIOBase, text_column: str, id_column: str, billed_column: str | None = None) -> Iterator[InRow]:
    reader = csv.reader(_decode_guard(fh))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error:
        raise DataFormatError("a CSV header row", "an unreadable first row", "Check the file is CSV.") from None
    header = [h.strip() for h in header]
    if text_column not in header:
        raise DataFormatError(f"a {text_column!r} column", f"columns {header[:20]}", "Pass --text-column with one of them.")
    ti = header.index(text_column)
    ii = header.index(id_column) if id_column in header else None
    if billed_column is not None and billed_column not in header:
        raise DataFormatError(f"a {billed_column!r} column", f"columns {header[:20]}", "Pass --billed-column with one of them.")
    bi = header.index(billed_column) if billed_column is not None else None
    index = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield InRow(index, str(index + 1), None, DataFormatError("a well-formed CSV row", f"a malformed row near record {index + 1}", "Check quoting."))
            index += 1
            continue
        if not rec:
            continue
        rid = rec[ii] if ii is not None and ii < len(rec) else str(index + 1)
        if ti >= len(rec):
            yield InRow(index, rid, None, DataFormatError(f"{len(header)} columns", f"{len(rec)} columns in record {index + 1}", "Check quoting."))
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


def format_row(row: dict[str, Any], fmt: Format, mode: Mode) -> str:
    """One output row as its final text (a JSON line, or a CSV record with a line ending).
    Workers format their own rows, so the parent process only writes."""
    if fmt == "jsonl":
        return json.dumps(row, ensure_ascii=False) + "\n"
    flat = flatten_segment(row) if mode == "segments" else flatten_note(row)
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=csv_fields(mode), extrasaction="ignore").writerow({k: neutralise(v) for k, v in flat.items()})
    return buf.getvalue()


class RowWriter:
    """Writes result rows to a temporary file; ``commit`` renames it into place."""

    def __init__(self, out: str | Path | None, fmt: Format, mode: Mode = "segments") -> None:
        self.fmt = fmt
        self.notes = mode != "segments"
        self.mode = mode
        self.final = Path(out) if out not in (None, "-") else None
        self.count = 0
        if self.final is not None:
            directory = self.final.resolve().parent
            fd, tmp = tempfile.mkstemp(prefix=f".{self.final.name}.", suffix=".part", dir=directory)
            os.fchmod(fd, 0o600)
            self.tmp: Path | None = Path(tmp)
            self.fh = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115
        else:
            self.tmp = None
            self.fh = sys.stdout
        if fmt == "csv":
            csv.DictWriter(self.fh, fieldnames=csv_fields(mode)).writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self.write_line(format_row(row, self.fmt, self.mode))

    def write_line(self, line: str) -> None:
        self.fh.write(line)
        self.count += 1

    def commit(self) -> None:
        self.fh.flush()
        if self.tmp is not None and self.final is not None:
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.final)
            self.tmp = None

    def abort(self) -> None:
        if self.tmp is not None:
            try:
                self.fh.close()
            finally:
                self.tmp.unlink(missing_ok=True)
                self.tmp = None


@contextmanager
def row_writer(out: str | Path | None, fmt: Format, mode: Mode = "segments") -> Iterator[RowWriter]:
    w = RowWriter(out, fmt, mode)
    try:
        yield w
    except BaseException:
        w.abort()
        raise
    w.commit()


def error_row(row_id: str, err: PtcodeError | str, mode: Mode = "segments") -> dict[str, Any]:
    msg = str(err)
    if mode == "audit":
        return {"id": row_id, "status": "error", "error": msg, "billed": {}, "flags": [], "items": [], "total_timed_minutes": None, "units": {}, "warnings": []}
    if mode == "notes":
        return {"id": row_id, "status": "error", "error": msg, "items": [], "total_timed_minutes": None, "units": {}, "warnings": []}
    return {"id": row_id, "status": "error", "error": msg, "code": None, "confidence": None, "needs_review": None, "explanation": None,
            "evidence": [], "alternatives": [], "decided_by": None, "other_service": None}


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
    on_row: Callable[[int], None] | None = None,
    rule: str = "cms",
) -> tuple[int, int]:
    """Score ``inp`` into ``out``. Returns ``(rows, failed_rows)``."""
    from .scoring import score_rows

    out_fmt = out_fmt or fmt
    rows = read_rows(inp, fmt, text_column, id_column, billed_column if mode == "audit" else None)
    failed = 0
    total = 0
    with row_writer(out, out_fmt, mode) as w:
        for ok, line in score_rows(rows, mode=mode, workers=workers, model=model, max_chars=max_chars, rule=rule, fmt=out_fmt):
            w.write_line(line)
            total += 1
            failed += not ok
            if on_row is not None:
                on_row(total)
    return total, failed
