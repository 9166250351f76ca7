"""The public result types. Plain frozen dataclasses with ``to_dict()`` for JSON output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Code = Literal["97110", "97112", "97530", "none"]
LABELS: tuple[str, ...] = ("97110", "97112", "97530", "none")
Context = Literal["performed", "negated", "planned", "historical"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cue found in the input. ``input[start:end] == text`` always holds."""

    text: str
    start: int
    end: int
    cue: str  # stable cue id, e.g. "balance.surface"
    family: str  # e.g. "balance"
    context: str  # "performed" | "negated" | "planned" | "historical"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "cue": self.cue, "family": self.family, "context": self.context}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The suggested code for one intervention description, and why."""

    code: str
    confidence: float
    needs_review: bool
    explanation: str
    evidence: tuple[Evidence, ...]
    alternatives: tuple[tuple[str, float], ...]
    decided_by: Literal["model", "rules"]
    other_service: str | None = None
    rule_id: str | None = None  # the fallback rule that decided, when decided_by == "rules"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "needs_review": self.needs_review,
            "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
            "alternatives": [{"code": c, "confidence": round(p, 4)} for c, p in self.alternatives],
            "decided_by": self.decided_by,
            "other_service": self.other_service,
            "rule_id": self.rule_id,
        }


@dataclass(frozen=True, slots=True)
class LineItem:
    """One timed or untimed service found in a whole note."""

    code: str
    minutes: int | None
    start: int
    end: int
    suggestion: Suggestion | None = None

    def to_dict(self) -> dict[str, Any]:
        s = self.suggestion
        return {
            "code": self.code,
            "minutes": self.minutes,
            "start": self.start,
            "end": self.end,
            "confidence": round(s.confidence, 4) if s else None,
            "explanation": s.explanation if s else None,
        }


@dataclass(frozen=True, slots=True)
class NoteAnalysis:
    """A whole daily note: line items, minutes, units and warnings."""

    items: tuple[LineItem, ...]
    total_timed_minutes: int
    units: dict[str, int]
    warnings: tuple[str, ...]
    rule: str = "cms"
    units_by_rule: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [i.to_dict() for i in self.items],
            "total_timed_minutes": self.total_timed_minutes,
            "units": self.units_by_rule or {self.rule: self.units},
            "warnings": list(self.warnings),
        }
