"""Classification metrics in plain Python (no scikit-learn import on the evaluation path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .types import LABELS


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> list[list[int]]:
    """Rows are gold labels, columns predictions."""
    index = {c: i for i, c in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        m[index[g]][index[p]] += 1
    return m


def classification_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    m = confusion(gold, pred, labels)
    per = {}
    for i, c in enumerate(labels):
        tp = m[i][i]
        fp = sum(m[r][i] for r in range(len(labels))) - tp
        fn = sum(m[i]) - tp
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = {"precision": prec, "recall": rec, "f1": f1, "support": sum(m[i])}
    present = [c for c in labels if per[c]["support"] > 0]
    macro = sum(per[c]["f1"] for c in present) / len(present) if present else 0.0
    acc = sum(m[i][i] for i in range(len(labels))) / len(gold) if gold else 0.0
    return {"per_code": per, "macro_f1": macro, "accuracy": acc, "confusion": m, "n": len(gold)}


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """ECE over equal-width confidence bins, and the per-bin table for a reliability plot."""
    n = len(confidence)
    table = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidence) if (lo < c <= hi) or (b == 0 and c == 0.0)]
        if not idx:
            continue
        conf = sum(confidence[i] for i in idx) / len(idx)
        acc = sum(bool(correct[i]) for i in idx) / len(idx)
        ece += len(idx) / n * abs(acc - conf)
        table.append({"low": lo, "high": hi, "n": len(idx), "confidence": conf, "accuracy": acc})
    return ece, table
