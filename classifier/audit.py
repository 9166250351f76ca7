"""Auditing billed codes against the note: flags in both directions.

A billed code the text does not support, a documented service that was not billed, units
beyond what the documented minutes support, units left unbilled. Each flag quotes the
evidence it rests on. The audit is neutral: under-coding is reported as plainly as over-coding.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .billing import is_timed
from .errors import InputError
from .types import NoteAnalysis

_BILLED_ITEM = re.compile(r"(?<![\dA-Za-z])(?P<code>\d{5}|G\d{4})(?!\d)(?:-[A-Z0-9]{2})*(?:\s*(?:x|\*|units?:?)\s*(?P<units>\d{1,2}))?", re.IGNORECASE)
THREE = ("97110", "97112", "97530")


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # not_supported | not_billed | units_over | units_under | minutes_missing
    code: str
    billed_units: int | None
    supported_units: int | None
    message: str
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        return d


@dataclass(frozen=True, slots=True)
class AuditResult:
    billed: dict[str, int]
    analysis: NoteAnalysis
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "billed": self.billed,
            "flags": [f.to_dict() for f in self.flags],
            **self.analysis.to_dict(),
        }


def parse_billed(value: object) -> dict[str, int]:
    """Read billed codes and units: ``"97110x2;97530x1"``, ``"97110 x 2, 97112"``,
    ``"97110-GP-CQ x2"``, or a ``{code: units}`` mapping. A code without units is one unit."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise InputError("whole-number units per billed code", f"units of type {type(v).__name__}", "Give units as integers.")
            out[str(k)] = v
        return out
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if not isinstance(value, str):
        raise InputError("billed codes as text such as 97110x2;97530x1", f"a value of type {type(value).__name__}", "Fix the billed column.")
    out: dict[str, int] = {}
    found = False
    for m in _BILLED_ITEM.finditer(value):
        found = True
        code = m.group("code").upper()
        out[code] = out.get(code, 0) + int(m.group("units") or 1)
    if not found:
        raise InputError("billed codes such as 97110x2;97530x1", f"text with no CPT/HCPCS code ({len(value)} characters)", "Fix the billed column.")
    return out


def _quotes(analysis: NoteAnalysis, code: str, limit: int = 3) -> tuple[str, ...]:
    for item in analysis.items:
        if item.code == code and item.suggestion is not None:
            seen: list[str] = []
            for e in item.suggestion.evidence:
                if e.context == "performed" and e.text not in seen:
                    seen.append(e.text)
                if len(seen) == limit:
                    break
            return tuple(seen)
    return ()


def audit(analysis: NoteAnalysis, billed: dict[str, int], rule: str = "cms") -> AuditResult:
    """Compare billed codes and units with what the note documents."""
    documented = {i.code: i for i in analysis.items}
    units = analysis.units_by_rule.get(rule, analysis.units)
    flags: list[Flag] = []
    for code, n in sorted(billed.items()):
        if code not in documented:
            what = "neuromuscular re-education" if code == "97112" else "therapeutic exercise" if code == "97110" else "therapeutic activities" if code == "97530" else f"service {code}"
            flags.append(Flag("not_supported", code, n, 0, f"{code} billed x{n} but the note documents no {what}"))
            continue
        item = documented[code]
        if not is_timed(code):
            if n > 1:
                flags.append(Flag("units_over", code, n, 1, f"{code} is untimed: one unit per day, {n} billed", _quotes(analysis, code)))
            continue
        if item.minutes is None:
            flags.append(Flag("minutes_missing", code, n, None, f"{code} billed x{n} but the note gives no minutes for it", _quotes(analysis, code)))
            continue
        allowed = units.get(code, 0)
        if n > allowed:
            flags.append(Flag("units_over", code, n, allowed, f"{code} billed x{n}; {item.minutes} documented minutes support {allowed} under the {rule.upper()} rule", _quotes(analysis, code)))
        elif n < allowed:
            flags.append(Flag("units_under", code, n, allowed, f"{code} billed x{n}; {item.minutes} documented minutes support {allowed} under the {rule.upper()} rule", _quotes(analysis, code)))
    for code, item in documented.items():
        if code in billed:
            continue
        allowed = units.get(code, 0) if is_timed(code) else 1
        if allowed == 0 and is_timed(code):
            continue  # documented but earns no unit: nothing left unbilled
        minutes = f"{item.minutes} min" if item.minutes is not None else "no minutes stated"
        flags.append(Flag("not_billed", code, 0, allowed, f"{code} documented ({minutes}) but not billed", _quotes(analysis, code)))
    total_billed = sum(n for c, n in billed.items() if is_timed(c))
    allowed_total = sum(u for c, u in units.items() if is_timed(c))
    if rule == "cms" and total_billed > allowed_total and not any(f.kind == "units_over" for f in flags):
        flags.append(Flag("units_over", "total", total_billed, allowed_total, f"{total_billed} timed units billed; {analysis.total_timed_minutes} timed minutes support {allowed_total}"))
    return AuditResult(billed, analysis, tuple(flags))
