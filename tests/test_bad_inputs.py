"""The bad-input catalogue: every case gives a clear one-line message or an error row, never a
traceback, and a batch writes exactly one row per input row, in order."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "bad_inputs"
runner = CliRunner()


def _generated(tmp: Path, name: str) -> Path:
    """Inputs too large to commit, written at test time."""
    p = tmp / name
    if name == "five_mb_note.jsonl":
        p.write_text(json.dumps({"id": "big", "text": "SLS on foam 3x30s. " * 280_000}) + "\n" + json.dumps({"id": "ok", "text": "bridges 3x10"}) + "\n", encoding="utf-8")
    elif name == "long_token.jsonl":
        p.write_text(json.dumps({"id": "tok", "text": "clams 3x10 " + "x" * 100_000}) + "\n", encoding="utf-8")
    elif name == "giant_line.jsonl":
        with open(p, "w", encoding="utf-8") as fh:
            fh.write('{"id": "g", "text": "' + "a" * 10_000_000 + '"}\n')
            fh.write(json.dumps({"id": "after", "text": "bridges 3x10"}) + "\n")
    return p


# file, exit code, expected (id, status) per output row or None when the whole file is refused,
# and a fragment of the one-line message / error reason
CASES = [
    ("empty_and_whitespace.csv", 1, [("1", "error"), ("2", "error"), ("3", "ok")], "non-empty text"),
    ("nul_bytes.jsonl", 1, [("1", "ok"), ("2", "error")], "non-empty text"),
    ("nul_bytes.csv", 0, [("1", "ok"), ("2", "ok")], None),
    ("invalid_utf8.jsonl", 1, [("1", "ok"), ("2", "error"), ("3", "ok")], "not valid UTF-8"),
    ("invalid_utf8.csv", 1, [("1", "ok"), ("2", "error"), ("3", "ok")], "not valid UTF-8"),
    ("utf16_bom.csv", 0, [("1", "ok"), ("2", "ok")], None),
    ("utf8_bom.jsonl", 0, [("1", "ok")], None),
    ("windows_crlf.csv", 0, [("1", "ok"), ("2", "ok")], None),
    ("embedded_quotes_newlines.csv", 0, [("1", "ok"), ("2", "ok")], None),
    ("missing_text_column.csv", 2, None, "columns [id, note, billed]"),
    ("duplicate_ids.csv", 0, [("7", "ok"), ("7", "ok"), ("8", "ok"), ("7", "ok")], "reuse an id"),
    ("not_objects.jsonl", 1, [("1", "error"), ("2", "error"), ("3", "error"), ("4", "error"), ("5", "ok"), ("6", "error")], "a JSON object"),
    ("wrong_types.jsonl", 1, [("1", "error"), ("2", "error"), ("3", "error"), ("4", "error")], "'text' as a string"),
    ("emoji_rtl.jsonl", 0, [("1", "ok"), ("2", "ok")], None),
    ("spreadsheet_formula.csv", 0, [("'=1+1", "ok"), ("2", "ok"), ("3", "ok"), ("4", "ok")], None),
    ("five_mb_note.jsonl", 1, [("big", "error"), ("ok", "ok")], "at most 200,000 characters"),
    ("long_token.jsonl", 0, [("tok", "ok")], None),
    ("giant_line.jsonl", 1, [("1", "error"), ("after", "ok")], "a line under"),
]
GENERATED = {"five_mb_note.jsonl", "long_token.jsonl", "giant_line.jsonl"}


def test_catalogue_covers_every_fixture():
    assert {c[0] for c in CASES} - GENERATED == {p.name for p in FIXTURES.iterdir()}


def read_output(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name,code,rows,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, name, code, rows, fragment):
    src = _generated(tmp_path, name) if name in GENERATED else FIXTURES / name
    out = tmp_path / ("out" + src.suffix)
    result = runner.invoke(app, ["batch", str(src), "-o", str(out)])
    stderr = result.stderr
    assert "Traceback" not in result.output + stderr
    assert result.exit_code == code, stderr
    if rows is None:
        assert not out.exists()
        line = stderr.strip()
        assert line.startswith("ptcode: error:") and "\n" not in line and fragment in line
        return
    got = read_output(out)
    assert [(r["id"], r["status"]) for r in got] == rows
    for r in got:
        if r["status"] == "error":
            assert r["error"] and "\n" not in r["error"]
    if fragment:
        assert fragment in stderr or any(fragment in (r.get("error") or "") for r in got)
    if name == "spreadsheet_formula.csv":
        for r in got:
            assert not any(str(v).startswith(("=", "+", "-", "@")) for v in r.values())
    assert not list(tmp_path.glob(".*.part")), "temporary files are removed"


def test_a_row_holding_a_lone_surrogate_is_still_written_as_json():
    """orjson refuses strings that are not UTF-8; the row falls back to the standard encoder
    with the same compact separators instead of failing."""
    import json

    from classifier.batch import format_row

    fast = format_row({"id": "r1", "status": "ok", "note": "caf\u00e9"}, "jsonl", "segments")
    slow = format_row({"id": "r1", "status": "ok", "note": "caf\udce9"}, "jsonl", "segments")
    assert fast == '{"id":"r1","status":"ok","note":"caf\u00e9"}\n'
    assert slow.endswith("\n") and json.loads(slow) == {"id": "r1", "status": "ok", "note": "caf\udce9"}
    assert slow.replace("\udce9", "\u00e9") == fast
