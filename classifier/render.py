"""Human-readable terminal output (rich): the suggestion, a confidence bar, the explanation
and the note with its evidence highlighted; whole-note tables; the batch progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from .explain import code_name
from .types import NoteAnalysis, Suggestion

_COLOURS = {"performed": "bold green", "negated": "red", "planned": "yellow", "historical": "cyan"}


def _console(stderr: bool = False):  # noqa: ANN202
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def bar(p: float, width: int = 20) -> str:
    full = int(round(p * width))
    return "#" * full + "." * (width - full)


def highlighted(text: str, s: Suggestion):  # noqa: ANN201
    from rich.text import Text

    t = Text(text)
    for e in s.evidence:
        t.stylize(_COLOURS.get(e.context, "bold"), e.start, e.end)
    return t


def render_suggestion(text: str, s: Suggestion) -> None:
    con = _console()
    review = "  [needs review]" if s.needs_review else ""
    con.print(f"[bold]{s.code}[/bold] {code_name(s.code)}{review}")
    con.print(f"confidence {bar(s.confidence)} {s.confidence:.0%}   decided by {s.decided_by}" + (f" ({s.rule_id})" if s.rule_id else ""))
    if s.other_service:
        con.print(f"other service documented: {s.other_service}")
    con.print(s.explanation, markup=False)
    if s.alternatives:
        con.print("alternatives: " + ", ".join(f"{c} {p:.0%}" for c, p in s.alternatives))
    con.print()
    con.print(highlighted(text, s))
    con.print("[dim]green: performed   red: negated   yellow: planned   cyan: historical[/dim]")


def render_note(n: NoteAnalysis) -> None:
    from rich.table import Table

    con = _console()
    table = Table(title="line items", show_lines=False)
    for col in ("code", "minutes", "units", "confidence", "why"):
        table.add_column(col, overflow="fold")
    for item in n.items:
        s = item.suggestion
        table.add_row(
            item.code,
            "-" if item.minutes is None else str(item.minutes),
            str(n.units.get(item.code, 0)),
            f"{s.confidence:.0%}" if s else "-",
            s.explanation if s else "",
        )
    con.print(table)
    con.print(f"total timed minutes: {n.total_timed_minutes}   rule: {n.rule}")
    for rule, units in n.units_by_rule.items():
        con.print(f"units ({rule}): " + (", ".join(f"{c} x{u}" for c, u in units.items() if u) or "none"))
    if n.warnings:
        con.print("[bold]warnings[/bold]")
        for w in n.warnings:
            con.print(f"  - {w}", markup=False)


def interactive(run: Callable[[str], Suggestion], as_json: bool) -> None:
    """Paste a note, end it with an empty line (or Ctrl-D), read the answer, paste the next."""
    import json

    con = _console()
    con.print("Paste an intervention description; finish with an empty line. Ctrl-D or Ctrl-C quits.")
    while True:
        lines: list[str] = []
        try:
            while True:
                line = input("> " if not lines else "  ")
                if not line.strip() and lines:
                    break
                if line.strip():
                    lines.append(line)
        except (EOFError, KeyboardInterrupt):
            if not lines:
                con.print()
                return
        text = "\n".join(lines)
        from .errors import PtcodeError

        try:
            s = run(text)
        except PtcodeError as exc:
            _console(stderr=True).print(f"ptcode: error: {exc}", markup=False)
            continue
        if as_json:
            print(json.dumps(s.to_dict(), ensure_ascii=False, indent=2))
        else:
            render_suggestion(text, s)
        con.print()


def progress_callback(total_bytes: int | None = None, stream=None) -> Callable[[int, int], None] | None:  # noqa: ANN001
    """A progress line on stderr (rows, rows/s, ETA from the share of the input read) when
    stderr is a terminal; None otherwise, so logs and pipes stay clean."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        return None
    start = time.monotonic()
    last = [0.0]

    def update(done: int, bytes_read: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2:
            return
        last[0] = now
        elapsed = max(now - start, 1e-9)
        line = f"\r{done:,} rows  {done / elapsed:,.0f} rows/s"
        if total_bytes and 0 < bytes_read <= total_bytes:
            remaining = elapsed * (total_bytes - bytes_read) / bytes_read
            line += f"  {bytes_read / total_bytes:4.0%}  ETA {int(remaining // 60)}:{int(remaining % 60):02d}"
        stream.write(line + "   ")
        stream.flush()

    return update
