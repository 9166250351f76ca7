"""Patient text stays put: no network, no text in errors, logs or warnings, private output
files, no temporary files left behind, interrupted batches that never leave half a file, and
resumable runs that neither lose nor repeat a row."""

from __future__ import annotations

import json
import logging
import signal
import socket
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier import PtcodeError, analyze_note, suggest
from classifier.cli import app

CANARY = "ZQXCANARY7731"
runner = CliRunner()


def test_network_is_blocked_for_the_suite(block_network):
    with pytest.raises(Exception, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9))
    block_network.pop()  # this deliberate attempt is not a failure of the suite


def test_no_patient_text_in_errors_logs_or_warnings(tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    captured: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for bad in (CANARY * 50_000, f"  {CANARY}\x00 ".replace(CANARY, "") + " \x00 "):
            with pytest.raises(PtcodeError) as exc:
                suggest(bad, max_chars=1000)
            captured.append(str(exc.value))
        with pytest.raises(PtcodeError) as exc:
            analyze_note(CANARY * 20_000, max_chars=1000)
        captured.append(str(exc.value))
        from classifier.api import audit_note

        with pytest.raises(PtcodeError) as exc:
            audit_note("TE 10 min: clams 3x10", f"billed {CANARY}")
        captured.append(str(exc.value))
        inp = tmp_path / "in.jsonl"
        rows = [
            '{"id": "1", "text": "' + CANARY + ' cut in ha',
            json.dumps({"id": "2", "text": CANARY * 50_000}),
            json.dumps({"id": "3", "text": 7, "note": CANARY}),
            json.dumps({"id": "4", "body": CANARY}),
            json.dumps({"id": "5", "text": f"bridges 3x10 {CANARY}"}),
        ]
        inp.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = tmp_path / "out.jsonl"
        result = runner.invoke(app, ["batch", str(inp), "-o", str(out)])
        captured.append(result.stderr)
        errors = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["status"] for r in errors] == ["error", "error", "error", "error", "ok"]
        captured += [r["error"] for r in errors if r["status"] == "error"]
        result = runner.invoke(app, ["audit", str(tmp_path / "nope.csv")])
        captured.append(result.stderr)
        claims = tmp_path / "claims.csv"
        claims.write_text(f'id,text,billed\n1,"TE 10 min clams 3x10","{CANARY}"\n', encoding="utf-8")
        result = runner.invoke(app, ["audit", str(claims), "-o", str(tmp_path / "flags.csv")])
        captured.append(result.stderr + (tmp_path / "flags.csv").read_text(encoding="utf-8"))
        captured += [str(w.message) for w in caught]
    captured += [r.getMessage() for r in caplog.records]
    cap = capsys.readouterr()
    captured += [cap.out, cap.err]
    assert captured and not any(CANARY in c for c in captured)


def test_output_files_are_private(tmp_path):
    inp = tmp_path / "in.csv"
    inp.write_text("id,text\n1,bridges 3x10\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert runner.invoke(app, ["batch", str(inp), "-o", str(out)]).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_failed_run_leaves_no_temporary_file_and_keeps_previous_output(tmp_path, monkeypatch):
    from classifier import batch

    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": str(i), "text": "bridges 3x10"}) + "\n" for i in range(600)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous complete output\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch.OutputFile, "checkpoint", boom)
    result = runner.invoke(app, ["batch", str(inp), "-o", str(out)])
    assert result.exit_code == 130 and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "previous complete output\n"
    assert {p.name for p in tmp_path.iterdir()} == {"in.jsonl", "out.jsonl"}


def _write_rows(path: Path, n: int) -> None:
    texts = ["bridges 3x15 RTB", "SLS on foam EC 3x30s", "car transfer x3 min A", "gait RW 150 ft CGA", "", "clams 2x15"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i}", "text": texts[i % len(texts)]}) + "\n")


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "classifier", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for_checkpoint(state: Path, rows: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail("the run finished before it could be interrupted")
        try:
            if json.loads(state.read_text())["rows"] >= rows:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    pytest.fail("no checkpoint written")


@pytest.mark.slow
@pytest.mark.parametrize("sig,workers", [(signal.SIGTERM, 1), (signal.SIGKILL, 1), (signal.SIGINT, 1), (signal.SIGTERM, 2)])
def test_kill_and_resume_loses_and_repeats_nothing(tmp_path, sig, workers):
    n = 12_000  # enough rows left after the first checkpoint that the signal lands mid-run on a loaded machine
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_rows(inp, n)
    state = tmp_path / ".out.jsonl.ptcode-state.json"
    partial = tmp_path / ".out.jsonl.ptcode-partial"
    proc = _start(["batch", str(inp), "-o", str(out), "--resume", "--workers", str(workers)])
    _wait_for_checkpoint(state, 512, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert not out.exists(), "an interrupted run never leaves a half-written output"
    assert partial.exists() and stat.S_IMODE(partial.stat().st_mode) == 0o600
    done = subprocess.run([sys.executable, "-m", "classifier", "batch", str(inp), "-o", str(out), "--resume", "--workers", str(workers)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the empty-text rows are error rows
    assert "done by the earlier run" in done.stderr
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"r{i}" for i in range(n)]
    assert not partial.exists() and not state.exists()


@pytest.mark.slow
def test_interrupt_without_resume_leaves_previous_output(tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_rows(inp, 20_000)
    out.write_text("the previous complete output\n", encoding="utf-8")
    proc = _start(["batch", str(inp), "-o", str(out)])
    end = time.monotonic() + 60
    while time.monotonic() < end and not list(tmp_path.glob(".out.jsonl.*.part")):
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "the previous complete output\n"
    assert not list(tmp_path.glob(".*.part"))
