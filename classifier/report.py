"""``ptcode evaluate --report DIR``: plots and breakdowns a coder can look at.

Writes ``confusion_matrix.png``, ``reliability.png`` (calibration), ``coverage.png``
(accuracy versus share kept when low-confidence suggestions go to review), ``report.json``
(every figure), ``by_tag.csv``, ``rules.csv``, ``mistakes.csv`` and ``notes.csv``.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from .types import LABELS

NAMES = {"combined": "model+rules", "model": "model only", "rules": "rules only"}


def _plt():  # noqa: ANN202
    import sys

    import matplotlib

    if "ipykernel" not in sys.modules:  # a notebook keeps its inline backend
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_report(rep: dict[str, Any], notes_rep: dict[str, Any], out: str | Path) -> list[Path]:
    """Write every report file; they quote the evaluated texts, so they are owner-only."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = _write_all(rep, notes_rep, out)
    for path in written:
        os.chmod(path, 0o600)
    return written


def _write_all(rep: dict[str, Any], notes_rep: dict[str, Any], out: Path) -> list[Path]:
    written = [
        confusion_png(rep, out / "confusion_matrix.png"),
        reliability_png(rep, out / "reliability.png"),
        coverage_png(rep, out / "coverage.png"),
    ]
    (out / "report.json").write_text(json.dumps({"segments": rep, "notes": notes_rep}, indent=2, default=float) + "\n", encoding="utf-8")
    written.append(out / "report.json")
    main = "combined" if "combined" in rep["configurations"] else "rules"
    with open(out / "by_tag.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["tag", "n", *(f"accuracy_{m}" for m in rep["configurations"])])
        tags = rep["configurations"][main]["by_tag"]
        for tag in sorted(tags):
            w.writerow([tag, tags[tag]["n"], *(f"{rep['configurations'][m]['by_tag'][tag]['accuracy']:.3f}" for m in rep["configurations"])])
    written.append(out / "by_tag.csv")
    with open(out / "rules.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "label", "coverage", "accuracy_when_firing", "decides", "decides_correct", "conflicts"])
        for s in rep["rules"]:
            w.writerow([s["id"], s["name"], s["label"], f"{s['coverage']:.3f}", "" if s["accuracy"] is None else f"{s['accuracy']:.3f}", s["decides"], s["decides_correct"], s["conflicts"]])
    written.append(out / "rules.csv")
    with open(out / "mistakes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "gold", "predicted", "confidence", "needs_review", "decided_by", "explanation"])
        wrong = [p for p in rep.get("predictions", []) if p["gold"] != p["pred"]]
        for p in sorted(wrong, key=lambda p: -p["confidence"]):
            w.writerow([p["id"], p["gold"], p["pred"], f"{p['confidence']:.3f}", p["needs_review"], p["decided_by"], p["explanation"]])
    written.append(out / "mistakes.csv")
    if notes_rep.get("n"):
        with open(out / "notes.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "codes_ok", "minutes_ok", "units_ok", "gold", "predicted", "gold_units", "predicted_units"])
            for p in notes_rep["notes"]:
                w.writerow([p["id"], p["codes_ok"], p["minutes_ok"], p["units_ok"], json.dumps(p["gold"]), json.dumps(p["pred"]), json.dumps(p["gold_units"]), json.dumps(p["pred_units"])])
        written.append(out / "notes.csv")
    return written


def _save(fig, path: Path) -> Path:  # noqa: ANN001
    fig.savefig(path, dpi=110)
    _plt().close(fig)
    return path


def confusion_png(rep: dict[str, Any], path: Path) -> Path:
    return _save(confusion_figure(rep), path)


def reliability_png(rep: dict[str, Any], path: Path) -> Path:
    return _save(reliability_figure(rep), path)


def coverage_png(rep: dict[str, Any], path: Path) -> Path:
    return _save(coverage_figure(rep), path)


def confusion_figure(rep: dict[str, Any]):  # noqa: ANN201
    """Confusion matrices (rows gold, columns predicted), one panel per configuration."""
    plt = _plt()
    confs = rep["configurations"]
    fig, axes = plt.subplots(1, len(confs), figsize=(4.2 * len(confs), 4), squeeze=False)
    for ax, (mode, c) in zip(axes[0], confs.items()):
        m = c["confusion"]
        ax.imshow(m, cmap="Blues")
        ax.set_xticks(range(len(LABELS)), LABELS)
        ax.set_yticks(range(len(LABELS)), LABELS)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{NAMES[mode]} (macro-F1 {c['macro_f1']:.3f})")
        top = max(max(r) for r in m) or 1
        for i, row in enumerate(m):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center", color="white" if v > top / 2 else "black")
    fig.tight_layout()
    return fig


def reliability_figure(rep: dict[str, Any]):  # noqa: ANN201
    """Reliability diagram: accuracy against confidence per bin, with the ECE."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect calibration")
    for mode, c in rep["configurations"].items():
        xs = [b["confidence"] for b in c["reliability"]]
        ys = [b["accuracy"] for b in c["reliability"]]
        ax.plot(xs, ys, "o-", label=f"{NAMES[mode]} (ECE {c['ece']:.3f})")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    ax.set_title("reliability")
    fig.tight_layout()
    return fig


def coverage_figure(rep: dict[str, Any]):  # noqa: ANN201
    """Accuracy of the suggestions kept against the share kept, as the review threshold rises."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for mode, c in rep["configurations"].items():
        ax.plot([p["coverage"] for p in c["coverage_curve"]], [p["accuracy"] for p in c["coverage_curve"]], "o-", ms=3, label=NAMES[mode])
    ax.set_xlabel("share of suggestions kept (rest routed to review)")
    ax.set_ylabel("accuracy of kept suggestions")
    ax.set_xlim(0, 1.02)
    ax.legend(loc="lower left")
    ax.set_title("accuracy vs coverage")
    fig.tight_layout()
    return fig


def confident_mistakes(rep: dict[str, Any], n: int = 20) -> list[dict[str, Any]]:
    """The ``n`` wrong suggestions with the highest confidence (model+rules)."""
    wrong = [p for p in rep.get("predictions", []) if p["gold"] != p["pred"]]
    return sorted(wrong, key=lambda p: (-p["confidence"], str(p["id"])))[:n]


def strongest_features(model: Any, n: int = 12) -> dict[str, list[tuple[str, float]]]:
    """Per code, the features with the largest positive weights of the linear model."""
    out = {}
    for i, code in enumerate(model.classes):
        order = model.coef[i].argsort()[::-1][:n]
        out[code] = [(model.features[j], round(float(model.coef[i, j]), 3)) for j in order]
    return out
