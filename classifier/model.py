"""The model artifact: manifest, checksum verification, and numpy inference.

``models/`` holds three files written by ``ptcode train``:

* ``manifest.json`` - version, sha256 of every artifact, sha256 of the training data, label
  counts, library versions, feature configuration, calibration temperature, decision
  thresholds, per-rule accuracy, and measured metrics;
* ``linear.json`` - the trained linear model exported as plain data (classes, feature names,
  coefficients, intercepts). This is what ``suggest()`` uses: loading it never unpickles
  anything and needs no scikit-learn import;
* ``pipeline.joblib`` - the scikit-learn pipeline (``DictVectorizer`` + ``LogisticRegression``)
  for analysis in Python. It is loaded only on request and only after its sha256 matches the
  manifest, because unpickling a joblib file can run code.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError, ModelIntegrityError
from .features import FeatureConfig

MANIFEST = "manifest.json"
LINEAR = "linear.json"
PIPELINE = "pipeline.joblib"
FORMAT_VERSION = 1


def default_model_dir() -> Path:
    """The shipped model: ``classifier/_models`` in an installed wheel, else ``models/`` of
    the source checkout (an editable install)."""
    here = Path(__file__).resolve().parent
    bundled = here / "_models"
    if (bundled / MANIFEST).is_file():
        return bundled
    return here.parent / "models"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Thresholds:
    """``rules_below``: the model defers to a firing rule under this confidence.
    ``review_below``: suggestions under this confidence are flagged ``needs_review``."""

    rules_below: float = 0.45
    review_below: float = 0.7


@dataclass
class LinearModel:
    """A multinomial linear model applied with numpy."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    temperature: float = 1.0
    config: FeatureConfig = field(default_factory=FeatureConfig)
    thresholds: Thresholds = field(default_factory=Thresholds)
    rule_accuracy: dict[str, float] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {f: i for i, f in enumerate(self.features)}
        self.coef_t = np.ascontiguousarray(self.coef.T)  # (n_features, n_classes): one row per feature
        self._scaled_t = self.coef_t / self.temperature
        self._scaled_b = (self.intercept / self.temperature).tolist()
        # the cue family / cue id each feature speaks for (explanations), -1 for none
        keys: dict[str, int] = {}
        group = np.full(len(self.features), -1, dtype=np.intp)
        for i, f in enumerate(self.features):
            key = feature_family(f)
            if key is not None:
                group[i] = keys.setdefault(key, len(keys))
        self.group_of = group
        self.group_keys = list(keys)
        # column -> (cue family or id, the column's coefficients): the few hundred columns an
        # explanation reads, as plain Python values (per-text numpy calls cost more here)
        self._grouped = {
            int(i): (self.group_keys[g], tuple(float(x) for x in self.coef[:, i])) for i, g in enumerate(group.tolist()) if g >= 0
        }
        # the n-gram columns, one contiguous run when the vocabulary is sorted by name (as
        # training writes it); otherwise no run, and explanations read every column
        first = next((i for i, f in enumerate(self.features) if f.startswith("ng=")), None)
        last = next((i for i in range(len(self.features) - 1, -1, -1) if self.features[i].startswith("ng=")), None)
        contiguous = first is not None and last is not None and all(f.startswith("ng=") for f in self.features[first : last + 1])
        self._ngram_span = (first, last) if contiguous else (len(self.features), -1)

    def ngram_index(self, after: int = 0):  # noqa: ANN201 - features.NgramIndex or None
        """The n-gram columns keyed by token hashes, built once this model has been asked for
        it more than ``after`` times (None until then). Building it takes about a tenth of a
        second, which a one-off ``ptcode suggest`` should not pay; a batch builds it at once."""
        index = self.__dict__.get("_ngram_index")
        if index is None:
            asked = self.__dict__.get("_ngram_asked", 0) + 1
            self._ngram_asked = asked
            if asked <= after:
                return None
            from .features import NgramIndex

            index = self._ngram_index = NgramIndex.build(self.features)
        return index

    def vector(self, feats: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the features this model knows."""
        get = self.index.get
        idx = np.array([get(k, -1) for k in feats], dtype=np.intp)
        vals = np.array(list(feats.values()), dtype=np.float64)
        known = idx >= 0
        return idx[known], vals[known]

    def logits_from(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return vals @ self.coef_t[idx] + self.intercept

    def proba_from(self, idx: Sequence[int], vals: Sequence[float]) -> list[float]:
        """Class probabilities: the softmax of logits / temperature. The dot product over the
        text's columns is numpy's; the few class scores are then cheaper in plain Python
        than in further numpy calls (the same operations in the same order)."""
        dot = (np.asarray(vals, dtype=np.float64) @ self._scaled_t[idx]).tolist()
        z = [a + b for a, b in zip(dot, self._scaled_b)]  # logits / temperature
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = sum(e)
        return [x / total for x in e]

    def proba_many(self, vectors: Sequence[tuple[Sequence[int], Sequence[float]]]) -> list[list[float]]:
        """``proba_from`` for a batch of ``(indices, values)``: the weighted rows of every text
        gathered in one numpy call and summed per text with ``np.add.reduceat``, instead of
        one small dot product per text."""
        if not vectors:
            return []
        cols: list[int] = []
        vals: list[float] = []
        starts: list[int] = []
        for idx, v in vectors:
            starts.append(len(cols))
            cols += idx
            vals += v
        if not cols:
            sums = [[0.0] * len(self._scaled_b) for _ in vectors]
        else:
            weighted = self._scaled_t[cols] * np.asarray(vals, dtype=np.float64)[:, None]
            ends = starts[1:] + [len(cols)]
            nonempty = [s for s, e in zip(starts, ends) if e > s]
            total = np.add.reduceat(weighted, nonempty, axis=0).tolist() if nonempty else []
            per = iter(total)
            zero = [0.0] * len(self._scaled_b)
            sums = [next(per) if e > s else zero for s, e in zip(starts, ends)]
        out = []
        bias = self._scaled_b
        for dot in sums:
            z = [a + b for a, b in zip(dot, bias)]
            top = max(z)
            e = [math.exp(x - top) for x in z]
            t = sum(e)
            out.append([x / t for x in e])
        return out

    def logits(self, feats: dict[str, float]) -> np.ndarray:
        return self.logits_from(*self.vector(feats))

    def predict_proba(self, feats: dict[str, float]) -> np.ndarray:
        return np.array(self.proba_from(*self.vector(feats)))

    def family_scores(self, idx: Sequence[int], vals: Sequence[float], cls: int, against: int | None) -> dict[str, float]:
        """How much each cue family / cue id pushed class ``cls`` over ``against``."""
        grouped = self._grouped
        lo, hi = self._ngram_span
        sums: dict[str, float] = {}
        for c, v in zip(idx, vals):
            if lo <= c <= hi:
                break  # an encoded text lists its n-grams last, and they name no cue family
            entry = grouped.get(c)
            if entry is None:
                continue
            key, row = entry
            w = row[cls] - row[against] if against is not None else row[cls]
            sums[key] = sums.get(key, 0.0) + w * v
        return {k: s for k, s in sums.items() if s != 0.0}

    def contributions(self, feats: dict[str, float], cls: int) -> list[tuple[str, float]]:
        """Per-feature contribution to the logit of class ``cls``, largest first."""
        idx, vals = self.vector(feats)
        contrib = self.coef[cls, idx] * vals
        order = np.argsort(-contrib)
        return [(self.features[idx[j]], float(contrib[j])) for j in order]

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "classes": list(self.classes),
            "features": list(self.features),
            "intercept": [_r(x) for x in self.intercept],
            "coef": [[_r(x) for x in row] for row in self.coef],
        }


def feature_family(feature: str) -> str | None:
    """``cue=balance.surface|performed`` -> ``balance.surface``; ``fam=rom|performed`` ->
    ``rom``; ``purpose>strength`` -> ``strength``; other features -> None."""
    if feature.startswith(("cue=", "fam=")):
        key, _, ctx = feature[4:].partition("|")
        return key if ctx == "performed" else None
    if feature.startswith("purpose>"):
        return feature[len("purpose>") :]
    return None


def _r(x: float) -> float:
    return float(f"{x:.10g}")


def _read_manifest(model_dir: Path) -> dict[str, Any]:
    path = model_dir / MANIFEST
    if not path.is_file():
        raise ModelError(
            f"a model directory holding {MANIFEST}",
            f"no manifest in {model_dir}",
            "Run `ptcode train` or pass --model with a directory written by it.",
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ModelError("a readable JSON manifest", f"an unreadable {path.name}", "Re-run `ptcode train`.") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION or not isinstance(manifest.get("artifacts"), dict):
        raise ModelError(f"manifest format_version {FORMAT_VERSION}", "another format", "Re-run `ptcode train`.")
    return manifest


def verify(model_dir: Path, name: str, manifest: dict[str, Any]) -> Path:
    """Check ``name`` against the manifest's sha256 before anything reads it."""
    expected = manifest["artifacts"].get(name)
    path = model_dir / name
    if expected is None:
        raise ModelIntegrityError(f"{name} listed in the manifest", "no entry", "Refusing to load an artifact the manifest does not vouch for.")
    if not path.is_file():
        raise ModelError(f"the artifact {name}", "a missing file", "Re-run `ptcode train`.")
    actual = sha256_file(path)
    if actual != expected:
        raise ModelIntegrityError(
            f"sha256 {expected[:12]}... for {name}",
            f"sha256 {actual[:12]}...",
            "The file was changed after training; refusing to load it. Restore it or re-run `ptcode train`.",
        )
    return path


def load_model(model_dir: str | Path | None = None) -> LinearModel:
    """Load and verify the linear model. Raises ``ModelError`` / ``ModelIntegrityError``."""
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    if model_dir.is_file() and model_dir.name == MANIFEST:
        model_dir = model_dir.parent
    manifest = _read_manifest(model_dir)
    path = verify(model_dir, LINEAR, manifest)
    data = json.loads(path.read_text(encoding="utf-8"))
    coef = np.asarray(data["coef"], dtype=np.float64)
    intercept = np.asarray(data["intercept"], dtype=np.float64)
    classes = tuple(data["classes"])
    features = tuple(data["features"])
    if coef.shape != (len(classes), len(features)) or intercept.shape != (len(classes),):
        raise ModelError("coefficients shaped (classes, features)", f"shape {coef.shape}", "Re-run `ptcode train`.")
    th = manifest.get("thresholds", {})
    return LinearModel(
        classes=classes,
        features=features,
        coef=coef,
        intercept=intercept,
        temperature=float(manifest.get("temperature", 1.0)),
        config=FeatureConfig(**manifest.get("feature_config", {})),
        thresholds=Thresholds(**th) if th else Thresholds(),
        rule_accuracy={k: float(v) for k, v in manifest.get("rule_accuracy", {}).items()},
        manifest=manifest,
    )


def load_pipeline(model_dir: str | Path | None = None) -> Any:
    """The scikit-learn pipeline, unpickled only after its checksum matches the manifest."""
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    manifest = _read_manifest(model_dir)
    path = verify(model_dir, PIPELINE, manifest)
    import joblib

    return joblib.load(path)


@lru_cache(maxsize=4)
def cached_model(model_dir: str | None) -> LinearModel | None:
    """The model for ``model_dir`` (None: the shipped one), or None when none is shipped."""
    if model_dir is None:
        d = default_model_dir()
        if not (d / MANIFEST).is_file():
            return None
        return load_model(d)
    return load_model(model_dir)
