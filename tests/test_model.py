"""Training is deterministic; artifacts are verified against the manifest before loading;
a tampered or unknown artifact is refused."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from classifier.errors import ModelError, ModelIntegrityError
from classifier.model import LINEAR, MANIFEST, PIPELINE, load_model, load_pipeline

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    """A small slice of the corpus (every voice, every label) for fast training."""
    d = tmp_path_factory.mktemp("data")
    (d / "segments").mkdir()
    for f in sorted((ROOT / "training_data" / "segments").glob("*.jsonl")):
        lines = f.read_text(encoding="utf-8").splitlines()[::8]
        (d / "segments" / f.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory):
    from classifier.training import train

    out = tmp_path_factory.mktemp("model")
    manifest = train(small_data, out, feature_set="evidence", c_grid=(1.0,))
    return out, manifest


def test_manifest_contents(trained):
    out, manifest = trained
    assert set(manifest["artifacts"]) == {LINEAR, PIPELINE}
    assert sum(manifest["label_counts"].values()) == manifest["training_examples"] > 300
    assert len(manifest["training_data_sha256"]) == 64
    assert {"python", "scikit-learn", "spacy", "numpy"} <= set(manifest["libraries"])
    assert 0.3 <= manifest["temperature"] <= 3.0
    assert manifest["metrics"]["leave_one_voice_out"]


def test_training_is_deterministic(small_data, trained, tmp_path):
    from classifier.training import train

    out, manifest = trained
    again = train(small_data, tmp_path, feature_set="evidence", c_grid=(1.0,))
    assert again["artifacts"][LINEAR] == manifest["artifacts"][LINEAR]
    assert (tmp_path / LINEAR).read_bytes() == (out / LINEAR).read_bytes()


def test_numpy_inference_matches_sklearn(trained, parse):
    from classifier.features import extract

    out, _ = trained
    lm = load_model(out)
    pipe = load_pipeline(out)
    texts = ["bridges 3x15 RTB", "SLS on foam EC 3x30s", "car transfer x3 min A", "gait trng RW 150 ft"]
    for t in texts:
        feats = extract(parse(t), lm.config)
        sk = pipe.predict_proba([feats])[0]
        logits = pipe.decision_function([feats])[0]
        assert list(pipe.classes_) == list(lm.classes)
        assert lm.logits(feats) == pytest.approx(logits, abs=1e-6)
        assert sk.argmax() == lm.predict_proba(feats).argmax()


def test_hashed_encoding_equals_named_features(parse):
    """``encode`` (what scoring uses) builds the same vector as the named features, including
    lemmas that spaCy stores as symbols ("neg", "prep", "mark"), numbers, repeated n-grams and
    feature names holding "_"."""
    from classifier.features import NgramIndex, encode, extract

    lm = load_model()
    assert lm.config.ngrams
    fresh = load_model()  # scores its first texts through n-gram strings, before any index
    assert lm.ngram_index() is not None and fresh.ngram_index(after=10) is None
    texts = [
        "CAM neg today; prep for transfer, tape mark w/ eyes closed",
        "bridges 3x15, bridges 3x15 again, bridges",
        "sit to stand x10 sit to stand x10 from 18 in chair",
        "SLS on foam EC 3x30s ... then tandem walk 20 ft",
    ]
    for t in texts:
        p = parse(t)
        named = dict(zip(*lm.vector(extract(p, lm.config))))
        hashed = dict(zip(*encode(p, lm)))
        assert hashed.keys() == named.keys()
        assert all(hashed[k] == pytest.approx(named[k]) for k in named)
        assert dict(zip(*encode(p, fresh))) == pytest.approx(named)
    ambiguous = NgramIndex.build(("ng=a_b_c", "ng=a", "ng=x"))
    assert len(ambiguous.bigrams) == 2 and len(ambiguous.unigrams) == 3
    assert ambiguous.pair_keys is not None and len(ambiguous.pair_keys) == 2


def test_batch_encoding_equals_one_text_at_a_time(parse):
    """``encode_many`` (batch scoring's n-gram lookup over a whole chunk) gives every text the
    columns and values ``encode`` gives it: with n-grams repeated inside a text, the same
    n-gram in neighbouring texts (a bigram never spans two texts), a text with no words and a
    text whose words the model has never seen."""
    from classifier.features import encode, encode_many

    lm = load_model()
    assert lm.ngram_index() is not None
    texts = [
        "bridges 3x15, bridges 3x15 again, bridges",
        "bridges",
        "3x10",
        "zzqx wvvk",
        "sit to stand x10 sit to stand x10 from 18 in chair",
        "SLS on foam EC 3x30s ... then tandem walk 20 ft",
        "tandem walk",
    ]
    parsed = [parse(t) for t in texts]
    many = encode_many(parsed, lm)
    assert len(many) == len(parsed)
    for p, (cols, vals) in zip(parsed, many):
        one = dict(zip(*encode(p, lm)))
        assert len(cols) == len(set(cols)) == len(one)
        assert dict(zip(cols, vals)) == pytest.approx(one)
    joined = dict(zip(*many[0]))
    assert max(joined.values()) > min(joined.values())  # a repeated n-gram counts more than a single one


def test_chunked_probabilities_equal_one_at_a_time(parse):
    """Batch scoring's ``proba_many`` gives each text what ``proba_from`` gives it, including a
    text with no known feature in the middle of a chunk."""
    from classifier.features import encode

    lm = load_model()
    vectors = [encode(parse(t), lm) for t in ("bridges 3x15", "SLS on foam EC", "sit to stand x10 for transfers")]
    vectors.insert(1, ([], []))
    many = lm.proba_many(vectors)
    assert len(many) == len(vectors)
    for v, q in zip(vectors, many):
        assert q == pytest.approx(lm.proba_from(*v), abs=1e-12)
    assert many[1] == pytest.approx(lm.proba_from([], []))
    assert lm.proba_many([]) == [] and lm.proba_many([([], [])]) == [lm.proba_from([], [])]


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_tampered_linear_model_is_refused(trained, tmp_path):
    out = _copy(trained[0], tmp_path / "m")
    data = json.loads((out / LINEAR).read_text())
    data["intercept"][0] += 5.0
    (out / LINEAR).write_text(json.dumps(data))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        load_model(out)


def test_crafted_pickle_is_refused_before_unpickling(trained, tmp_path):
    out = _copy(trained[0], tmp_path / "m")
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.write_text, (marker, "code ran"))

    (out / PIPELINE).write_bytes(pickle.dumps(Exploit()))
    with pytest.raises(ModelIntegrityError):
        load_pipeline(out)
    assert not marker.exists()


def test_artifact_missing_from_manifest_is_refused(trained, tmp_path):
    out = _copy(trained[0], tmp_path / "m")
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["artifacts"][LINEAR]
    (out / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelIntegrityError, match="manifest"):
        load_model(out)


def test_directory_without_manifest_is_refused(tmp_path):
    with pytest.raises(ModelError, match="manifest"):
        load_model(tmp_path)


def test_shipped_model_loads(model):
    assert model.classes == ("97110", "97112", "97530", "none")
    assert model.coef.shape == (4, len(model.features))


def test_shipped_numpy_inference_matches_sklearn_on_the_corpus():
    import subprocess
    import sys

    script = ROOT / "bench" / "verify_inference.py"
    files = sorted(str(p) for p in (ROOT / "training_data" / "segments").glob("*.jsonl")) + [str(ROOT / "training_data" / "contrast" / "contrast.jsonl")]
    done = subprocess.run([sys.executable, str(script), *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 label disagreements" in done.stdout
