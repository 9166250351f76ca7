"""``ptcode``: the command line. Thin: each verb parses, calls one library function, renders.

Errors are one line on stderr with an exit code: 0 ok, 1 some rows failed (batch), 2 bad
usage or unreadable input. Patient text never appears in an error message.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from . import __version__
from .errors import PtcodeError

app = typer.Typer(
    name="ptcode",
    help="Suggest CPT 97110 / 97112 / 97530 (or none) for therapy treatment-note text, with the evidence.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class RuleChoice(str, Enum):
    cms = "cms"
    ama = "ama"


class FormatChoice(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"ptcode: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ptcode {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """ptcode reads PT/OT treatment-note text and suggests the CPT code it supports."""


ModelOpt = Annotated[Optional[Path], typer.Option("--model", help="A model directory written by `ptcode train` (its manifest checksum must match).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of the human-readable view.")]
ResumeOpt = Annotated[bool, typer.Option("--resume", help="Keep progress if the run stops, and continue a stopped run over the same input.")]
MaxCharsOpt = Annotated[Optional[int], typer.Option("--max-chars", min=1, help="Longest text accepted (default 200,000 characters); longer ones become error rows.")]
OutOpt = Annotated[Optional[str], typer.Option("-o", "--out", help="Output file (same format by extension; default standard output).")]
IdColumnOpt = Annotated[str, typer.Option("--id-column", help="Column / field holding the row id.")]
FormatOpt = Annotated[Optional[FormatChoice], typer.Option("--format", help="Input format when the extension does not say.")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes (output stays in input order).")]


def _read_text_arg(text: str | None) -> str:
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            return ""
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            fail("expected UTF-8 text on standard input; got bytes that are not UTF-8. Re-save the text as UTF-8.")
    return text


def _load_model(model: Path | None):  # noqa: ANN202
    from .api import resolve_model

    if model is not None and not model.exists():
        fail(f"expected a model directory; got a path that does not exist ({model.name}). Check --model.")
    return resolve_model(model)


@app.command(epilog="Examples:\n\n  ptcode suggest \"bridges 3x15, clamshells RTB for glute med strength\"\n\n  pbpaste | ptcode suggest -\n\n  ptcode suggest --json \"SLS on foam EC 3x30s\"")
def suggest(
    text: Annotated[Optional[str], typer.Argument(help="The intervention text; '-' (or a pipe) reads standard input; none at a terminal starts an interactive loop.")] = None,
    as_json: JsonOpt = False,
    max_chars: MaxCharsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Suggest the code one intervention description supports, and why."""
    from .api import suggest as run
    from .render import render_suggestion

    try:
        lm = _load_model(model)
        if text is None and sys.stdin.isatty():
            from .render import interactive

            interactive(lambda t: run(t, model=lm), as_json)
            return
        body = _read_text_arg(text)
        result = run(body, model=lm, **({"max_chars": max_chars} if max_chars else {}))
    except PtcodeError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_suggestion(body, result)


@app.command(epilog="Examples:\n\n  ptcode note examples/daily_note.txt\n\n  ptcode note - --rule ama < note.txt")
def note(
    path: Annotated[str, typer.Argument(help="A text file holding one daily note, or '-' for standard input.")],
    rule: Annotated[RuleChoice, typer.Option("--rule", help="Unit rule: cms (Medicare total time) or ama (per code).")] = RuleChoice.cms,
    as_json: JsonOpt = False,
    max_chars: MaxCharsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Analyse a whole daily note: line items, minutes, units and warnings."""
    from .api import analyze_note
    from .render import render_note

    body = _read_file_or_stdin(path)
    try:
        lm = _load_model(model)
        result = analyze_note(body, rule=rule.value, model=lm, **({"max_chars": max_chars} if max_chars else {}))
    except PtcodeError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_note(result)


def _read_file_or_stdin(path: str) -> str:
    if path == "-":
        return _read_text_arg("-")
    p = Path(path)
    if not p.is_file():
        fail(f"expected a readable text file; got {'a directory' if p.is_dir() else 'a path that does not exist'} ({p.name}).")
    try:
        data = p.read_bytes()
    except OSError as exc:
        fail(f"expected a readable text file; got {type(exc).__name__} reading {p.name}.")
    for enc in ("utf-8-sig", "utf-16") if data[:2] not in (b"\xff\xfe", b"\xfe\xff") else ("utf-16",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    fail(f"expected UTF-8 or UTF-16 text; got undecodable bytes in {p.name}. Re-save it as UTF-8.")


@app.command(epilog="Examples:\n\n  ptcode batch notes.csv -o scored.csv\n\n  ptcode batch export.jsonl -o out.jsonl --notes --workers 2\n\n  ptcode batch rows.csv --text-column note_text --id-column encounter_id")
def batch(
    inp: Annotated[str, typer.Argument(metavar="IN", help="CSV or JSONL input ('-' reads standard input; give --format).")],
    out: OutOpt = None,
    notes: Annotated[bool, typer.Option("--notes", help="Rows are whole daily notes (line items, minutes, units).")] = False,
    text_column: Annotated[str, typer.Option("--text-column", help="Column / field holding the text.")] = "text",
    id_column: IdColumnOpt = "id",
    fmt: FormatOpt = None,
    workers: WorkersOpt = 1,
    rule: Annotated[RuleChoice, typer.Option("--rule", help="Unit rule for --notes.")] = RuleChoice.cms,
    resume: ResumeOpt = False,
    max_chars: MaxCharsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Score a CSV or JSONL file: one output row per input row, in order."""
    _run_rows(inp, out, fmt, "notes" if notes else "segments", text_column=text_column, id_column=id_column, workers=workers, rule=rule, model=model,
              resume=resume, max_chars=max_chars)


def _run_rows(inp: str, out: str | None, fmt: FormatChoice | None, mode: str, *, text_column: str, id_column: str,
              workers: int, rule: RuleChoice, model: Path | None, billed_column: str = "billed", resume: bool = False,
              max_chars: int | None = None) -> None:
    """Shared by ``batch`` and ``audit``: stream IN to OUT, report counts, exit 1 if rows failed."""
    import signal

    from .batch import detect_format, run_batch

    def terminate(signum, frame):  # noqa: ANN001, ANN202 - SIGTERM stops the run like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        in_fmt = detect_format(inp, fmt.value if fmt else None)
        out_fmt = detect_format(out, None) if out not in (None, "-") else in_fmt
        if inp != "-" and not Path(inp).is_file():
            fail(f"expected a readable input file; got a path that does not exist ({Path(inp).name}).")
        _load_model(model)
        size = Path(inp).stat().st_size if inp != "-" else None
        result = run_batch(inp, out, fmt=in_fmt, out_fmt=out_fmt, text_column=text_column, id_column=id_column, mode=mode,  # type: ignore[arg-type]
                           billed_column=billed_column, workers=workers, model=model, rule=rule.value, on_row=_progress(size),
                           resume=resume, max_chars=max_chars)
    except PtcodeError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        if resume:
            fail("interrupted; the rows written so far are kept: run the same command with --resume to continue.", 130)
        fail("interrupted; no output file was written (an earlier one is untouched).", 130)
    if sys.stderr.isatty():
        typer.echo("", err=True)
    summary = f"ptcode: {result.rows} rows, {result.failed} failed"
    if result.resumed_from:
        summary += f" ({result.resumed_from} done by the earlier run)"
    if result.duplicate_ids:
        summary += f"; {result.duplicate_ids} rows reuse an id seen earlier"
    typer.echo(summary, err=True)
    if result.failed:
        raise typer.Exit(1)


@app.command(epilog="Examples:\n\n  ptcode audit claims.csv -o flags.csv\n\n  ptcode audit visits.jsonl --billed-column cpt --rule ama -o out.jsonl")
def audit(
    inp: Annotated[str, typer.Argument(metavar="IN", help="CSV or JSONL: note text plus billed codes such as 97110x2;97530x1.")],
    out: OutOpt = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Column / field holding the note.")] = "text",
    id_column: IdColumnOpt = "id",
    billed_column: Annotated[str, typer.Option("--billed-column", help="Column / field holding the billed codes and units.")] = "billed",
    fmt: FormatOpt = None,
    workers: WorkersOpt = 1,
    rule: Annotated[RuleChoice, typer.Option("--rule", help="Unit rule: cms or ama.")] = RuleChoice.cms,
    resume: ResumeOpt = False,
    max_chars: MaxCharsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Flag billed codes the note does not support, documented services not billed, and units above or below what the minutes support."""
    _run_rows(inp, out, fmt, "audit", text_column=text_column, id_column=id_column, workers=workers, rule=rule, model=model, billed_column=billed_column,
              resume=resume, max_chars=max_chars)


def _progress(total_bytes: int | None):  # noqa: ANN202
    from .render import progress_callback

    return progress_callback(total_bytes)


@app.command(epilog="Example:\n\n  ptcode train --data training_data --out models")
def train(
    data: Annotated[Path, typer.Option("--data", help="Training data directory.")] = Path("training_data"),
    out: Annotated[Path, typer.Option("--out", help="Where to write the model and manifest.")] = Path("models"),
    dev: Annotated[Optional[Path], typer.Option("--dev", help="An evaluation JSONL whose figures go into the manifest.")] = None,
) -> None:
    """Rebuild the model from the training data (deterministic)."""
    from .training import train as run

    if not data.is_dir():
        fail(f"expected a training data directory; got {data.name!r}, which is not a directory.")
    try:
        manifest = run(data, out, progress=lambda m: typer.echo(m, err=True))
        if dev is not None:
            from .evaluate import record_dev_metrics

            manifest = record_dev_metrics(out, dev)
    except PtcodeError as exc:
        fail(str(exc))
    typer.echo(json.dumps({k: manifest[k] for k in ("feature_set", "C", "temperature", "thresholds", "label_counts")}, indent=2))


@app.command(epilog="Examples:\n\n  ptcode evaluate ../shared/eval/dev.jsonl\n\n  ptcode evaluate data.jsonl --report reports/ --json")
def evaluate(
    data: Annotated[Path, typer.Argument(help="Labelled JSONL (segments; whole notes are scored too).")],
    report: Annotated[Optional[Path], typer.Option("--report", help="Write plots and breakdowns to this directory.")] = None,
    as_json: JsonOpt = False,
    model: ModelOpt = None,
) -> None:
    """Per-code precision / recall / F1, confusion matrices and macro-F1 for model+rules, model only and rules only."""
    from .evaluate import evaluate as run
    from .evaluate import evaluate_notes, render, render_notes

    if not data.is_file():
        fail(f"expected a labelled JSONL file; got a path that does not exist ({data.name}).")
    try:
        lm = _load_model(model)
        rep = run(data, lm)
        notes_rep = evaluate_notes(data, lm)
        if report is not None:
            from .report import write_report

            write_report(rep, notes_rep, report)
    except PtcodeError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"segments": rep, "notes": notes_rep}, indent=2, default=float))
    else:
        typer.echo(render(rep))
        if notes_rep["n"]:
            typer.echo(render_notes(notes_rep))


def run() -> None:
    """Console-script entry point."""
    app()
