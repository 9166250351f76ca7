"""Check that ptcode's numpy inference agrees with the scikit-learn pipeline it was exported
from, on every example of the given JSONL files (default: the training corpus).

    python bench/verify_inference.py [DATA.jsonl ...]

Each text is parsed once and scored twice: by what ``suggest()`` uses (``features.encode``,
which builds the vector from token hashes, applied by ``classifier.model.LinearModel`` with
numpy only; batch scoring's chunked ``proba_many`` is checked too) and by the verified
``pipeline.joblib`` (scikit-learn) on the named features of ``features.extract``.
Prints the number of texts, label disagreements and the largest probability difference; exits 1
on any disagreement.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def texts_of(paths: list[Path]) -> list[str]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if isinstance(row, dict) and isinstance(row.get("text"), str) and row["text"].strip():
                    out.append(row["text"])
    return out


def main(argv: list[str]) -> int:
    from classifier.evidence import parse_many
    from classifier.features import encode, encode_many, extract
    from classifier.model import load_model, load_pipeline

    if any(a.startswith("-") for a in argv):
        print("usage: " + next(ln.strip() for ln in (__doc__ or "").splitlines() if "verify_inference.py" in ln))
        return 0 if argv == ["--help"] or argv == ["-h"] else 2
    paths = [Path(a) for a in argv] or sorted((ROOT / "training_data" / "segments").glob("*.jsonl"))
    try:
        texts = texts_of(paths)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"verify_inference: cannot read the data files ({type(exc).__name__}); give JSONL files with a 'text' field", file=sys.stderr)
        return 2
    lm = load_model()
    pipe = load_pipeline()
    order = [list(pipe.classes_).index(c) for c in lm.classes]
    parsed = list(parse_many(texts))
    feats = [extract(p, lm.config) for p in parsed]
    vectors = [encode(p, lm) for p in parsed]
    ours = np.array([lm.proba_from(*v) for v in vectors]).reshape(len(parsed), len(lm.classes))
    # batch scoring's path: a chunk of texts at once (256 a chunk, as parse_many batches),
    # n-grams looked up for the whole chunk (encode_many) and probabilities summed per chunk
    chunks = [encode_many(parsed[i : i + 256], lm) for i in range(0, len(parsed), 256)]
    many = np.array([q for chunk in chunks for q in lm.proba_many(chunk)]).reshape(ours.shape)
    logits = pipe.decision_function(feats)[:, order]
    z = logits / lm.temperature
    z -= z.max(axis=1, keepdims=True)
    theirs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    disagree = int((ours.argmax(1) != theirs.argmax(1)).sum()) + int((many.argmax(1) != theirs.argmax(1)).sum())
    diff = float(max(np.abs(ours - theirs).max(), np.abs(many - theirs).max())) if len(texts) else 0.0
    print(f"{len(texts)} texts from {len(paths)} files: {disagree} label disagreements, largest probability difference {diff:.2e}"
          " (one text at a time and in chunks)")
    return 1 if disagree or diff > 1e-6 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
