"""``ptcode train``: build the model from ``training_data/`` deterministically.

Steps: parse every training segment once; build named features; choose the regularisation
strength and the feature set (with or without lemma n-grams) by leave-one-voice-out
cross-validation, so the choice favours what transfers to a voice the model has not seen;
calibrate with a temperature fitted on the out-of-fold probabilities; choose the rules and
review thresholds on the same out-of-fold decisions; measure each fallback rule on the
corpus; fit the final model on everything; write the artifacts and the manifest.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .corpus import load_training
from .decision import decide
from .evidence import Parsed, parse_many
from .features import FeatureConfig, extract
from .metrics import classification_report
from .model import FORMAT_VERSION, LINEAR, MANIFEST, PIPELINE, LinearModel, Thresholds, sha256_file
from .rules import RuleResult, apply
from .types import LABELS

C_GRID = (0.3, 1.0, 3.0, 10.0)
T_GRID = tuple(round(x, 2) for x in np.arange(0.4, 3.01, 0.05))
RULES_GRID = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
REVIEW_TARGET = 0.97  # accuracy wanted on the suggestions not flagged for review
FEATURE_CONFIGS = {
    "evidence": FeatureConfig(ngrams=False, lexicon_phrases=True),
    "evidence+ngrams": FeatureConfig(ngrams=True, lexicon_phrases=True),
}


def make_pipeline(C: float) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("vectorizer", DictVectorizer(sort=True)),
            ("classifier", LogisticRegression(C=C, max_iter=5000, class_weight="balanced")),
        ]
    )


def _fold(X: list[dict[str, float]], ya: np.ndarray, test: np.ndarray, C: float) -> np.ndarray:
    pipe = make_pipeline(C).fit([x for x, t in zip(X, test) if not t], ya[~test])
    cols = [list(pipe.classes_).index(c) for c in LABELS]
    return pipe.predict_proba([x for x, t in zip(X, test) if t])[:, cols]


def out_of_fold(X: list[dict[str, float]], y: list[str], groups: list[str], C: float, n_jobs: int = 2) -> np.ndarray:
    """Leave-one-group-out probabilities, columns in ``LABELS`` order (folds run in parallel;
    each fold is deterministic, so the result does not depend on ``n_jobs``)."""
    from joblib import Parallel, delayed

    probs = np.zeros((len(y), len(LABELS)))
    ya = np.asarray(y)
    ga = np.asarray(groups)
    masks = [ga == g for g in sorted(set(groups))]
    parts = Parallel(n_jobs=n_jobs)(delayed(_fold)(X, ya, m, C) for m in masks)
    for m, p in zip(masks, parts):
        probs[m] = p
    return probs


def fit_temperature(probs: np.ndarray, y: list[str]) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold predictions."""
    logp = np.log(np.clip(probs, 1e-12, 1.0))
    target = np.asarray([LABELS.index(c) for c in y])
    best_t, best_nll = 1.0, float("inf")
    for t in T_GRID:
        z = logp / t
        z = z - z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z).sum(axis=1))
        nll = float(np.mean(lse - z[np.arange(len(y)), target]))
        if nll < best_nll - 1e-12:
            best_t, best_nll = t, nll
    return best_t


def apply_temperature(probs: np.ndarray, t: float) -> np.ndarray:
    z = np.log(np.clip(probs, 1e-12, 1.0)) / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def rule_accuracy(results: list[RuleResult], y: list[str]) -> dict[str, float]:
    """Accuracy of each rule on the rows it decides (add-one smoothed)."""
    hits: dict[str, list[int]] = {}
    for r, gold in zip(results, y):
        if r.rule is not None:
            hits.setdefault(r.rule.id, [0, 0])
            hits[r.rule.id][0] += int(r.label == gold)
            hits[r.rule.id][1] += 1
    return {k: round((a + 1) / (n + 2), 4) for k, (a, n) in sorted(hits.items())}


def simulate(probs: np.ndarray, results: list[RuleResult], parsed: list[Parsed], thresholds: Thresholds, racc: dict[str, float]):
    from .api import evidence_kind

    return [decide(p, LABELS, r, thresholds, racc, evidence_kind(ps)) for p, r, ps in zip(probs, results, parsed)]


def choose_thresholds(probs: np.ndarray, results: list[RuleResult], parsed: list[Parsed], y: list[str], racc: dict[str, float]) -> tuple[Thresholds, dict[str, float]]:
    best = None
    for rb in RULES_GRID:
        decisions = simulate(probs, results, parsed, Thresholds(rules_below=rb, review_below=0.0), racc)
        f1 = classification_report(y, [d.code for d in decisions])["macro_f1"]
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, rb, decisions)
    f1, rb, decisions = best
    conf = np.asarray([d.confidence for d in decisions])
    correct = np.asarray([d.code == g for d, g in zip(decisions, y)])
    review = 1.0
    for thr in sorted(set(np.round(conf, 3))):
        keep = conf >= thr
        if keep.sum() and correct[keep].mean() >= REVIEW_TARGET:
            review = float(thr)
            break
    keep = conf >= review
    stats = {
        "oof_macro_f1_combined": round(f1, 4),
        "oof_accuracy_not_flagged": round(float(correct[keep].mean()) if keep.any() else 0.0, 4),
        "oof_share_not_flagged": round(float(keep.mean()), 4),
    }
    return Thresholds(rules_below=rb, review_below=round(review, 3)), stats


def train(
    data_dir: str | Path,
    out_dir: str | Path,
    progress: Callable[[str], None] = lambda _m: None,
    feature_set: str | None = None,
    c_grid: tuple[float, ...] = C_GRID,
) -> dict[str, Any]:
    """Train, calibrate, write ``out_dir``; returns the manifest."""
    import joblib
    import sklearn
    import spacy

    rows, data_sha = load_training(data_dir)
    y = [r["label"] for r in rows]
    groups = [r.get("voice", "unknown") for r in rows]
    progress(f"parsing {len(rows)} training segments")
    parsed = list(parse_many(r["text"] for r in rows))
    results = [apply(p) for p in parsed]
    racc = rule_accuracy(results, y)

    selection: dict[str, Any] = {}
    best = None
    names = [feature_set] if feature_set else list(FEATURE_CONFIGS)
    for name in names:
        config = FEATURE_CONFIGS[name]
        X = [extract(p, config) for p in parsed]
        for C in c_grid:
            progress(f"leave-one-voice-out: features={name} C={C}")
            probs = out_of_fold(X, y, groups, C)
            pred = [LABELS[i] for i in probs.argmax(axis=1)]
            rep = classification_report(y, pred)
            selection[f"{name}|C={C}"] = round(rep["macro_f1"], 4)
            if best is None or rep["macro_f1"] > best[0] + 1e-9:
                best = (rep["macro_f1"], name, C, X, probs)
    _f1, name, C, X, oof = best
    config = FEATURE_CONFIGS[name]
    temperature = fit_temperature(oof, y)
    oof_cal = apply_temperature(oof, temperature)
    thresholds, th_stats = choose_thresholds(oof_cal, results, parsed, y, racc)

    per_voice = {}
    decisions = simulate(oof_cal, results, parsed, thresholds, racc)
    for v in sorted(set(groups)):
        idx = [i for i, g in enumerate(groups) if g == v]
        per_voice[v] = {
            "n": len(idx),
            "model_macro_f1": round(classification_report([y[i] for i in idx], [LABELS[int(oof_cal[i].argmax())] for i in idx])["macro_f1"], 4),
            "combined_macro_f1": round(classification_report([y[i] for i in idx], [decisions[i].code for i in idx])["macro_f1"], 4),
        }

    progress(f"fitting the final model: features={name} C={C}")
    pipe = make_pipeline(C).fit(X, y)
    vec, clf = pipe.named_steps["vectorizer"], pipe.named_steps["classifier"]
    order = [list(clf.classes_).index(c) for c in LABELS]
    linear = LinearModel(
        classes=LABELS,
        features=tuple(vec.get_feature_names_out()),
        coef=clf.coef_[order],
        intercept=clf.intercept_[order],
        temperature=temperature,
        config=config,
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / LINEAR).write_text(json.dumps(linear.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    joblib.dump(pipe, out / PIPELINE, compress=3)
    counts = {c: y.count(c) for c in LABELS}
    manifest = {
        "format_version": FORMAT_VERSION,
        "ptcode_version": __version__,
        "artifacts": {LINEAR: sha256_file(out / LINEAR), PIPELINE: sha256_file(out / PIPELINE)},
        "training_data_sha256": data_sha,
        "training_examples": len(rows),
        "label_counts": counts,
        "voice_counts": {v: groups.count(v) for v in sorted(set(groups))},
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "spacy": spacy.__version__,
            "numpy": np.__version__,
        },
        "feature_set": name,
        "feature_config": config.to_dict(),
        "C": C,
        "temperature": temperature,
        "thresholds": asdict(thresholds),
        "rule_accuracy": racc,
        "metrics": {
            "selection_lovo_macro_f1": selection,
            "leave_one_voice_out": per_voice,
            **th_stats,
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
