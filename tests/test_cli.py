"""The CLI through typer's CliRunner: verbs, standard input, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str, input: str | bytes | None = None):  # noqa: A002
    return runner.invoke(app, list(args), input=input)


def assert_one_line_error(result, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    err = result.stderr.strip()
    assert err.startswith("ptcode: error:") and "\n" not in err
    assert "Traceback" not in result.output + result.stderr


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.startswith("ptcode ")


def test_help_lists_every_verb_with_examples():
    r = run("--help")
    assert r.exit_code == 0
    for verb in ("suggest", "note", "batch", "train", "evaluate"):
        assert verb in r.stdout
    for verb in ("suggest", "note", "batch", "train", "evaluate"):
        h = run(verb, "--help")
        assert h.exit_code == 0 and "Example" in h.stdout


def test_suggest_text_json():
    r = run("suggest", "--json", "bridges 3x15 and clamshells with red band for glute strength")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["code"] == "97110"
    assert {"code", "confidence", "needs_review", "explanation", "evidence", "alternatives", "decided_by", "other_service"} <= set(data)


def test_suggest_human_view():
    r = run("suggest", "SLS on Airex eyes closed 3x30s")
    assert r.exit_code == 0
    assert "97112" in r.stdout and "confidence" in r.stdout and "Airex" in r.stdout


def test_suggest_reads_stdin_with_dash():
    r = run("suggest", "-", "--json", input="car transfer practice x3 with min A, hand placement cues\n")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["code"] == "97530"


def test_suggest_reads_piped_stdin_without_argument():
    r = run("suggest", "--json", input="VOR x1 horizontal 3 x 60 s standing\n")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["code"] == "97112"


@pytest.mark.parametrize("args,stdin", [(("suggest", ""), None), (("suggest", "   "), None), (("suggest", "-"), ""), (("suggest", "-"), b"\xff\xfe\xfa not utf8")])
def test_suggest_bad_input(args, stdin):
    assert_one_line_error(run(*args, input=stdin))


def test_note_on_the_bundled_example():
    r = run("note", str(ROOT / "examples" / "daily_note.txt"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    codes = {i["code"] for i in data["items"]}
    assert {"97110", "97112", "97530", "97116"} <= codes
    assert data["total_timed_minutes"] == 45
    assert set(data["units"]) == {"cms", "ama"}


@pytest.mark.parametrize("path", ["does/not/exist.txt", "."])
def test_note_unreadable_file(path):
    assert_one_line_error(run("note", path))


def test_batch_jsonl_one_row_per_input_in_order(tmp_path):
    inp = tmp_path / "in.jsonl"
    rows = [{"id": f"r{i}", "text": t} for i, t in enumerate(["bridges 3x10", "SLS foam EC", "", "car transfer x3", "gait RW 100 ft"])]
    inp.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = run("batch", str(inp), "-o", str(out))
    assert r.exit_code == 1  # some rows failed
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["r0", "r1", "r2", "r3", "r4", "6"]
    assert [g["status"] for g in got] == ["ok", "ok", "error", "ok", "ok", "error"]
    assert got[0]["code"] == "97110" and got[3]["code"] == "97530"


def test_batch_csv(tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text('id,text\n1,"bridges 3x10, clams RTB"\n2,"=HYPERLINK(""x"") tandem stance foam"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    r = run("batch", str(inp), "-o", str(out))
    assert r.exit_code == 0, r.output
    import csv

    got = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [g["id"] for g in got] == ["1", "2"]
    assert got[0]["code"] == "97110"
    assert not any(v.startswith(("=", "+", "@")) for g in got for v in g.values())


def test_batch_missing_text_column_lists_columns(tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("id,note\n1,bridges\n", encoding="utf-8")
    r = run("batch", str(inp), "-o", str(tmp_path / "o.csv"))
    assert_one_line_error(r)
    assert "note" in r.stderr and not (tmp_path / "o.csv").exists()


def test_evaluate_prints_three_configurations(tmp_path):
    data = tmp_path / "eval.jsonl"
    rows = [
        {"id": "a", "text": "bridges 3x15 RTB", "label": "97110"},
        {"id": "b", "text": "SLS on foam EC 3x30s", "label": "97112"},
        {"id": "c", "text": "floor to waist lift 20 lb crate x10", "label": "97530"},
        {"id": "d", "text": "MHP lumbar 10 min", "label": "none"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    r = run("evaluate", str(data))
    assert r.exit_code == 0, r.output
    for heading in ("model+rules", "model only", "rules only", "macro-F1", "confusion matrix"):
        assert heading in r.stdout


def test_evaluate_missing_file():
    assert_one_line_error(run("evaluate", "nope.jsonl"))


def test_model_option_refuses_a_bad_directory(tmp_path):
    assert_one_line_error(run("suggest", "--model", str(tmp_path), "bridges 3x10"))


def test_audit_csv(tmp_path):
    inp = tmp_path / "claims.csv"
    inp.write_text('id,text,billed\n1,"TE 16 min: clams RTB 3x15, bridges 3x12\nTA 12 min: car transfer x3 min A","97110x1;97112x1"\n', encoding="utf-8")
    out = tmp_path / "flags.csv"
    r = run("audit", str(inp), "-o", str(out))
    assert r.exit_code == 0, r.output
    import csv

    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert "97112 billed" in row["flags"] and "97530 documented" in row["flags"]


def test_audit_missing_billed_column(tmp_path):
    inp = tmp_path / "claims.csv"
    inp.write_text("id,text\n1,clams\n", encoding="utf-8")
    assert_one_line_error(run("audit", str(inp), "-o", str(tmp_path / "o.csv")))


class FakeTTY:
    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.written: list[str] = []

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.written.append(s)

    def flush(self) -> None:
        pass


def test_progress_only_on_a_terminal():
    from classifier.render import progress_callback

    assert progress_callback(1000, FakeTTY(False)) is None
    tty = FakeTTY(True)
    update = progress_callback(1000, tty)
    import time

    time.sleep(0.25)
    update(50, 500)
    line = "".join(tty.written)
    assert "50 rows" in line and "rows/s" in line and "ETA" in line and "50%" in line


def test_interactive_loop_answers_each_pasted_note(monkeypatch, capsys):
    from classifier import suggest
    from classifier.render import interactive

    lines = iter(["bridges 3x15 RTB", "", "SLS on foam EC 3x30s", "", ""])

    def fake_input(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    interactive(lambda t: suggest(t), as_json=True)
    out = capsys.readouterr().out
    decoder, pos, codes = json.JSONDecoder(), 0, []
    while (start := out.find("\n{", pos)) != -1:
        obj, pos = decoder.raw_decode(out, start + 1)
        codes.append(obj["code"])
    assert codes == ["97110", "97112"]


def test_batch_with_two_workers_keeps_input_order(tmp_path):
    texts = ["bridges 3x15 RTB", "SLS on foam EC 3x30s", "car transfer x3 min A", "gait RW 150 ft CGA", "", "clams 2x15"]
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": f"r{i}", "text": texts[i % 6]}) + "\n" for i in range(700)), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("batch", str(inp), "-o", str(one)).exit_code == 1
    assert run("batch", str(inp), "-o", str(two), "--workers", "2").exit_code == 1
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert [json.loads(x)["id"] for x in two.read_text(encoding="utf-8").splitlines()] == [f"r{i}" for i in range(700)]


def test_report_files_are_private(tmp_path):
    import stat

    data = tmp_path / "eval.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "bridges 3x15 RTB", "label": "97110"}) + "\n", encoding="utf-8")
    assert run("evaluate", str(data), "--report", str(tmp_path / "rep")).exit_code == 0
    files = list((tmp_path / "rep").iterdir())
    assert {"confusion_matrix.png", "reliability.png", "coverage.png", "report.json", "by_tag.csv", "rules.csv", "mistakes.csv"} <= {f.name for f in files}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
