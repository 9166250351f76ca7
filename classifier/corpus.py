"""Reading labelled data: the training corpus and evaluation files (JSON Lines).

A segment record is ``{"id", "kind": "segment", "text", "label", ...}``; a whole-note record
is ``{"id", "kind": "note", "text", "items": [{"code", "minutes"}], ...}``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import DataFormatError
from .types import LABELS


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """All records of a JSONL file; a malformed line is an error naming the line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = "invalid UTF-8" if isinstance(exc, UnicodeDecodeError) else type(exc).__name__
        raise DataFormatError("a readable UTF-8 JSONL file", f"{reason} in {path.name}", "Check the path and the encoding.") from None
    rows = []
    for k, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise DataFormatError("one JSON object per line", f"invalid JSON on line {k} of {path.name}", "Fix or remove the line.") from None
        if not isinstance(row, dict):
            raise DataFormatError("one JSON object per line", f"a {type(row).__name__} on line {k} of {path.name}", "Fix or remove the line.")
        row.setdefault("kind", "segment")
        row["_line"] = k
        rows.append(row)
    return rows


def segments(rows: list[dict[str, Any]], source: str = "data") -> list[dict[str, Any]]:
    """The labelled segment records, validated."""
    out = []
    for row in rows:
        if row.get("kind") != "segment":
            continue
        if not isinstance(row.get("text"), str) or row.get("label") not in LABELS:
            raise DataFormatError(
                f"a text string and a label in {LABELS}",
                f"something else on line {row.get('_line')} of {source}",
                "Fix the record.",
            )
        out.append(row)
    return out


def notes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("kind") == "note"]


def training_files(data_dir: str | Path) -> list[Path]:
    """The training JSONL files: ``segments/*.jsonl`` (the contrast set is held out)."""
    data_dir = Path(data_dir)
    files = sorted((data_dir / "segments").glob("*.jsonl"))
    if not files:
        raise DataFormatError(f"segment files in {data_dir}/segments", "none", "Check the --data directory.")
    return files


def load_training(data_dir: str | Path) -> tuple[list[dict[str, Any]], str]:
    """Training segments sorted by id, and the sha256 over the files read."""
    h = hashlib.sha256()
    rows: list[dict[str, Any]] = []
    for f in training_files(data_dir):
        h.update(f.name.encode())
        h.update(f.read_bytes())
        rows.extend(segments(read_jsonl(f), f.name))
    rows.sort(key=lambda r: r["id"])
    return rows, h.hexdigest()
