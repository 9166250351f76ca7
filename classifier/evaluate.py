"""``ptcode evaluate``: measure suggestions against labelled segments.

Three configurations side by side - model+rules (what ``suggest`` does), model only, rules
only - with per-code precision / recall / F1, the confusion matrix and macro-F1, plus
calibration, accuracy versus coverage when low-confidence suggestions go to review, per-tag
breakdowns and per-rule coverage / accuracy / conflicts.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from .api import suggest_parsed
from .corpus import read_jsonl, segments
from .evidence import parse_many
from .metrics import classification_report, expected_calibration_error
from .model import LinearModel
from .rules import apply, load_rules
from .types import LABELS

MODES = ("combined", "model", "rules")


def evaluate(path: str | Path, model: LinearModel | None) -> dict[str, Any]:
    """Evaluate every segment of ``path``; returns a JSON-ready report."""
    rows = segments(read_jsonl(path), Path(path).name)
    gold = [r["label"] for r in rows]
    parsed = list(parse_many(r["text"] for r in rows))
    modes = MODES if model is not None else ("rules",)
    report: dict[str, Any] = {"n": len(rows), "source": Path(path).name, "configurations": {}}
    for mode in modes:
        sugg = [suggest_parsed(p, model, mode) for p in parsed]
        pred = [s.code for s in sugg]
        rep = classification_report(gold, pred)
        conf = [s.confidence for s in sugg]
        correct = [p == g for p, g in zip(pred, gold)]
        ece, bins = expected_calibration_error(conf, correct)
        flagged = [s.needs_review for s in sugg]
        kept = [c for c, f in zip(correct, flagged) if not f]
        rep.update(
            {
                "ece": ece,
                "reliability": bins,
                "share_not_flagged": (len(kept) / len(rows)) if rows else 0.0,
                "accuracy_not_flagged": (sum(kept) / len(kept)) if kept else 0.0,
                "coverage_curve": coverage_curve(conf, correct),
                "by_tag": by_tag(rows, pred),
                "decided_by": _count(s.decided_by for s in sugg),
            }
        )
        groups = contrast_groups(rows, pred)
        if groups:
            rep["contrast"] = groups
        report["configurations"][mode] = rep
        if mode == "combined" or model is None:
            report["predictions"] = [
                {"id": r.get("id"), "gold": g, "pred": s.code, "confidence": round(s.confidence, 4),
                 "needs_review": s.needs_review, "decided_by": s.decided_by, "explanation": s.explanation,
                 "tags": r.get("tags", [])}
                for r, g, s in zip(rows, gold, sugg)
            ]
    report["rules"] = rule_summary(parsed, gold)
    return report


def contrast_groups(rows: list[dict[str, Any]], pred: list[str]) -> dict[str, Any] | None:
    """For minimal-pair contrast sets: the share of groups whose every variant is right,
    overall and by what the variants vary in (intent, context, boundary)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    varies: dict[str, str] = {}
    for r, p in zip(rows, pred):
        g = r.get("group")
        if g is None:
            continue
        groups[g].append(p == r["label"])
        varies[g] = r.get("varies", "other")
    if not groups:
        return None
    full = {g: all(v) for g, v in groups.items()}
    by: dict[str, list[bool]] = defaultdict(list)
    for g, ok in full.items():
        by[varies[g]].append(ok)
    return {
        "groups": len(full),
        "fully_right": sum(full.values()) / len(full),
        "by_varies": {k: {"groups": len(v), "fully_right": sum(v) / len(v)} for k, v in sorted(by.items())},
        "failed_groups": sorted(g for g, ok in full.items() if not ok),
    }


def _count(values) -> dict[str, int]:  # noqa: ANN001
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)


def coverage_curve(conf: list[float], correct: list[bool], steps: int = 20) -> list[dict[str, float]]:
    """Accuracy of the suggestions kept when everything under a threshold goes to review."""
    out = []
    n = len(conf)
    for k in range(steps + 1):
        thr = k / steps
        kept = [c for p, c in zip(conf, correct) if p >= thr]
        out.append({"threshold": thr, "coverage": len(kept) / n if n else 0.0, "accuracy": sum(kept) / len(kept) if kept else 1.0})
    return out


def by_tag(rows: list[dict[str, Any]], pred: list[str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for t in r.get("tags", []) or []:
            groups[t].append(i)
    out = {}
    for tag, idx in sorted(groups.items()):
        g = [rows[i]["label"] for i in idx]
        p = [pred[i] for i in idx]
        rep = classification_report(g, p)
        out[tag] = {"n": len(idx), "accuracy": rep["accuracy"], "macro_f1": rep["macro_f1"]}
    return out


def rule_summary(parsed, gold: list[str]) -> list[dict[str, Any]]:  # noqa: ANN001
    """Per rule: coverage (share of rows it fires on), accuracy when it fires, how often it
    decides, and conflicts (it fires while another firing rule gives a different label)."""
    rules = load_rules()
    stats = {r.id: {"id": r.id, "name": r.name, "label": r.label, "fires": 0, "correct": 0, "decides": 0, "decides_correct": 0, "conflicts": 0} for r in rules}
    for p, g in zip(parsed, gold):
        res = apply(p)
        labels = {r.label for r in res.fired}
        for r in res.fired:
            s = stats[r.id]
            s["fires"] += 1
            s["correct"] += int(r.label == g)
            s["conflicts"] += int(len(labels) > 1)
        if res.rule is not None:
            s = stats[res.rule.id]
            s["decides"] += 1
            s["decides_correct"] += int(res.label == g)
    n = len(gold)
    out = []
    for r in rules:
        s = stats[r.id]
        s["coverage"] = s["fires"] / n if n else 0.0
        s["accuracy"] = s["correct"] / s["fires"] if s["fires"] else None
        out.append(s)
    return out


def render(report: dict[str, Any]) -> str:
    """The printed table: per-code figures and confusion matrices side by side."""
    confs = report["configurations"]
    names = {"combined": "model+rules", "model": "model only", "rules": "rules only"}
    lines = [f"{report['source']}: {report['n']} segments"]
    header = f"{'code':<8}" + "".join(f"| {names[m]:<23}" for m in confs)
    lines += ["", header, f"{'':<8}" + "".join(f"| {'P':>5} {'R':>5} {'F1':>5} {'n':>4} " for _ in confs), "-" * len(header)]
    for c in LABELS:
        row = f"{c:<8}"
        for m in confs:
            pc = confs[m]["per_code"][c]
            row += f"| {pc['precision']:5.3f} {pc['recall']:5.3f} {pc['f1']:5.3f} {pc['support']:4d} "
        lines.append(row)
    lines.append("-" * len(header))
    lines.append(f"{'macro-F1':<8}" + "".join(f"| {confs[m]['macro_f1']:<23.3f}" for m in confs))
    lines.append(f"{'accuracy':<8}" + "".join(f"| {confs[m]['accuracy']:<23.3f}" for m in confs))
    lines.append(f"{'ECE':<8}" + "".join(f"| {confs[m]['ece']:<23.3f}" for m in confs))
    lines.append(
        f"{'review':<8}"
        + "".join(f"| {confs[m]['share_not_flagged']:.0%} kept, acc {confs[m]['accuracy_not_flagged']:.3f}".ljust(25) for m in confs)
    )
    if any("contrast" in confs[m] for m in confs):
        lines.append(f"{'groups':<8}" + "".join(f"| {confs[m]['contrast']['fully_right']:.1%} of {confs[m]['contrast']['groups']} all right".ljust(25) for m in confs))
        for kind in confs[next(iter(confs))]["contrast"]["by_varies"]:
            lines.append(f"{kind[:8]:<8}" + "".join(f"| {confs[m]['contrast']['by_varies'][kind]['fully_right']:.1%} of {confs[m]['contrast']['by_varies'][kind]['groups']}".ljust(25) for m in confs))
    lines.append("")
    for m in confs:
        lines.append(f"confusion matrix, {names[m]} (rows gold, columns predicted)")
        lines.append(f"{'':>8}" + "".join(f"{c:>8}" for c in LABELS))
        for c, row in zip(LABELS, confs[m]["confusion"]):
            lines.append(f"{c:>8}" + "".join(f"{v:>8d}" for v in row))
        lines.append("")
    lines.append("fallback rules: coverage, accuracy when firing, decisions, conflicts")
    for s in report["rules"]:
        acc = f"{s['accuracy']:.2f}" if s["accuracy"] is not None else "  - "
        lines.append(f"  {s['id']} {s['name']:<36} -> {s['label']:<6} cov {s['coverage']:5.1%}  acc {acc}  decides {s['decides']:4d}  conflicts {s['conflicts']:4d}")
    return "\n".join(lines)


THREE = ("97110", "97112", "97530")


def evaluate_notes(path: str | Path, model: LinearModel | None) -> dict[str, Any]:
    """Whole-note agreement: the set of the three codes, minutes per code, CMS units."""
    from .billing import allocate, is_timed
    from .corpus import notes as note_rows
    from .notes import analyze

    rows = note_rows(read_jsonl(path))
    per_note = []
    for r in rows:
        res = analyze(r["text"], model=model)
        gold = {i["code"]: i["minutes"] for i in r.get("items", [])}
        pred = {i.code: i.minutes for i in res.items}
        g3 = {c for c in gold if c in THREE}
        p3 = {c for c in pred if c in THREE}
        codes_ok = g3 == p3
        minutes_ok = codes_ok and all(pred.get(c) == gold[c] for c in g3)
        gold_units = {c: u for c, u in allocate({c: m for c, m in gold.items() if is_timed(c) and m}, "cms").units.items() if u}
        pred_units = {c: u for c, u in res.units_by_rule["cms"].items() if is_timed(c) and u}
        per_note.append({"id": r.get("id"), "codes_ok": codes_ok, "minutes_ok": minutes_ok, "units_ok": gold_units == pred_units,
                         "gold": gold, "pred": pred, "gold_units": gold_units, "pred_units": pred_units})
    n = len(per_note)
    share = lambda k: sum(p[k] for p in per_note) / n if n else 0.0  # noqa: E731
    return {"n": n, "codes_match": share("codes_ok"), "minutes_match": share("minutes_ok"), "cms_units_match": share("units_ok"), "notes": per_note}


def render_notes(rep: dict[str, Any]) -> str:
    return (
        f"\nwhole notes: {rep['n']}\n"
        f"  codes among 97110/97112/97530 match exactly: {rep['codes_match']:.1%}\n"
        f"  minutes per code match:                       {rep['minutes_match']:.1%}\n"
        f"  CMS units match:                              {rep['cms_units_match']:.1%}"
    )


def record_dev_metrics(model_dir: str | Path, dev_path: str | Path) -> dict[str, Any]:
    """Evaluate ``dev_path`` with the model in ``model_dir`` and store the figures in its
    manifest (the manifest is not an artifact, so its checksum entries stay valid)."""
    import json

    from .model import MANIFEST, load_model

    model_dir = Path(model_dir)
    lm = load_model(model_dir)
    rep = evaluate(dev_path, lm)
    notes_rep = evaluate_notes(dev_path, lm)
    manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest.setdefault("metrics", {})["dev"] = {
        "source": Path(dev_path).name,
        "segments": rep["n"],
        **{
            mode: {
                "macro_f1": round(c["macro_f1"], 4),
                "accuracy": round(c["accuracy"], 4),
                "ece": round(c["ece"], 4),
                "share_not_flagged": round(c["share_not_flagged"], 4),
                "accuracy_not_flagged": round(c["accuracy_not_flagged"], 4),
            }
            for mode, c in rep["configurations"].items()
        },
        "notes": {k: round(notes_rep[k], 4) for k in ("codes_match", "minutes_match", "cms_units_match")} | {"n": notes_rep["n"]},
    }
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
