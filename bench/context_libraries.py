"""Benchmark: maintained clinical context libraries vs ptcode's own context component.

What it measures
    Texts per second (best of --runs interleaved timed passes after a warm-up) over the "text"
    field of training_data/segments/*.jsonl, repeated to --n texts (default 20,000), for:

      a  tokenizer       spacy.blank("en").tokenizer.pipe(texts)          (the yardstick)
      a2 ptcode tok      get_nlp().tokenizer.pipe(texts)                  (for reference)
      b  ptcode          classifier.pipeline.get_nlp()                    (full pipeline)
      c  ptcode-noctx    the same pipeline without ptcode_context
      d  medspacy        medspacy.load() (medspaCy tokenizer, PyRuSH, TargetMatcher, ConText)
                         with a TargetRule made from every ptcode cue pattern
      e1 ptcode+ConText  c + medspaCy ConText (default rules) reading doc.spans["ptcode_cues"]
      e2 ptcode+ConText  c + medspaCy ConText loaded with ptcode's data/context_rules.jsonl
      f  ptcode+negex    c + cues copied to doc.ents (filter_spans) + negspacy Negex

    "cost x tok" is the time per text divided by the tokenizer's (a) time per text; the
    project's budget is <= 5x for the whole pipeline. "context x tok" is the cost of the context
    step alone (row minus row c), on the same scale. nlp.pipe uses batch_size=256, one process.

medspacy and negspacy are NOT dependencies of ptcode and must not be added to pyproject.toml
or to the project's .venv. Run this in a throwaway venv of its own:

    python3 -m venv /tmp/ctxbench/.venv
    /tmp/ctxbench/.venv/bin/pip install medspacy negspacy -e .      # from the repo root
    /tmp/ctxbench/.venv/bin/pip install "spacy>=3.8,<3.9"           # see below
    /tmp/ctxbench/.venv/bin/python bench/context_libraries.py [--n 20000] [--runs 3]

On Python < 3.12 medspacy 1.3.1 and PyRuSH pin spacy<3.8, and on spaCy 3.7.5 ptcode's own
factories fail (pydantic ForwardRef error); the second pip command moves the venv to spaCy 3.8
(pip warns about the pin; medspacy requires spacy>=3.8 on Python 3.12+ and runs fine on it).
"""

from __future__ import annotations

import argparse
import glob
import json
import subprocess
import sys
import time
from pathlib import Path

try:
    import medspacy
    import negspacy.negation  # noqa: F401  (registers the "negex" factory)
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule
    from loguru import logger as loguru_logger  # a medspacy dependency (via PyRuSH)
except ImportError as exc:
    sys.exit(
        f"bench/context_libraries.py needs medspacy and negspacy (missing: {exc.name}).\n"
        "They are not ptcode dependencies; install them in a separate venv:\n"
        "  python3 -m venv /tmp/ctxbench/.venv\n"
        "  /tmp/ctxbench/.venv/bin/pip install medspacy negspacy -e .\n"
        '  /tmp/ctxbench/.venv/bin/pip install "spacy>=3.8,<3.9"\n'
        "  /tmp/ctxbench/.venv/bin/python bench/context_libraries.py"
    )

import spacy
from spacy.language import Language

if tuple(int(x) for x in spacy.__version__.split(".")[:2]) < (3, 8):
    sys.exit(f'spaCy {spacy.__version__}: ptcode needs spaCy 3.8 here; pip install "spacy>=3.8,<3.9" in this venv.')

from spacy.tokens import Doc
from spacy.util import filter_spans

from classifier.context import load_rules
from classifier.cues import CUE_KEY, load_lexicon
from classifier.pipeline import get_nlp

ROOT = Path(__file__).resolve().parents[1]
BATCH = 256


def load_texts(n: int) -> list[str]:
    base = []
    for path in sorted(glob.glob(str(ROOT / "training_data" / "segments" / "*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            base += [json.loads(line)["text"] for line in fh if line.strip()]
    if not base:
        sys.exit("no segments found under training_data/segments/")
    return (base * (n // len(base) + 1))[:n]


def ptcode_without_context(cue_spans: bool = False) -> Language:
    nlp = get_nlp.__wrapped__()  # a fresh, uncached pipeline
    nlp.remove_pipe("ptcode_context")
    cues = nlp.get_pipe("ptcode_cues")
    if cue_spans and hasattr(cues, "write_spans"):  # newer ptcode fills doc.spans only on request;
        cues.write_spans = True  # the libraries need the Span objects, so they pay for them
    return nlp


@Language.component("bench_cues_to_ents")
def cues_to_ents(doc: Doc) -> Doc:
    """negspacy reads only doc.ents, which cannot overlap: keep the longest cues."""
    doc.ents = filter_spans(doc.spans[CUE_KEY])
    return doc


def build() -> dict[str, tuple[str, object]]:
    """name -> (kind, runner): kind 'tok' runs tokenizer.pipe, 'nlp' runs nlp.pipe."""
    lex = load_lexicon()
    # PyRuSH 1.0.x logs every sentence start at DEBUG through loguru's default stderr sink;
    # a deployment would not keep that, so keep only warnings (the f-strings are still built).
    loguru_logger.remove()
    loguru_logger.add(sys.stderr, level="WARNING")
    med = medspacy.load()  # tokenizer + pyrush + target matcher + ConText (default rules)
    med.get_pipe("medspacy_target_matcher").add(
        [
            TargetRule(p["pattern"], p["label"]) if isinstance(p["pattern"], str)
            else TargetRule(p["id"], p["label"], pattern=p["pattern"])
            for p in lex.patterns
        ]
    )

    e1 = ptcode_without_context(cue_spans=True)
    e1.add_pipe("medspacy_context", config={"input_span_type": "group", "span_group_name": CUE_KEY})

    e2 = ptcode_without_context(cue_spans=True)
    attrs = {"NEGATED": {"is_negated": True}, "HISTORICAL": {"is_historical": True}, "PLANNED": {"is_hypothetical": True}}
    ctx = e2.add_pipe(
        "medspacy_context",
        config={"rules": None, "input_span_type": "group", "span_group_name": CUE_KEY, "span_attrs": attrs},
    )
    # Terminators get max_scope=1: medspacy 1.3.1's tuple_overlaps() misses a scope that lies
    # strictly inside another, so a sentence-wide TERMINATE never cuts a 5-token NEGATED window.
    rules = []
    for lit, t, *rest in load_rules():
        attr = rest[0] if rest else "LOWER"  # rules may match on NORM instead of LOWER
        pattern = None if attr == "LOWER" else [{"NORM": w.norm_} for w in e2.make_doc(lit)]
        scope = 1 if t.direction in ("PSEUDO", "TERMINATE") else t.max_scope
        rules.append(ConTextRule(lit, t.category, pattern=pattern, direction=t.direction, max_scope=scope))
    ctx.add(rules)

    f = ptcode_without_context(cue_spans=True)
    f.add_pipe("bench_cues_to_ents")
    f.add_pipe("negex")

    return {
        "a  tokenizer": ("tok", spacy.blank("en").tokenizer),
        "a2 ptcode tokenizer only": ("tok", get_nlp().tokenizer),
        "b  ptcode (full)": ("nlp", get_nlp()),
        "c  ptcode - context": ("nlp", ptcode_without_context()),
        "d  medspacy.load()+targets": ("nlp", med),
        "e1 c + ConText default rules": ("nlp", e1),
        "e2 c + ConText ptcode rules": ("nlp", e2),
        "f  c + cues->ents + negex": ("nlp", f),
    }


def consume(kind: str, runner, texts: list[str]) -> None:
    docs = runner.pipe(texts) if kind == "tok" else runner.pipe(texts, batch_size=BATCH)
    for _ in docs:
        pass


def timed(kind: str, runner, texts: list[str]) -> float:
    t0 = time.perf_counter()
    consume(kind, runner, texts)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="texts per timed pass")
    ap.add_argument("--runs", type=int, default=3, help="interleaved timed rounds (best pass kept)")
    args = ap.parse_args()

    texts = load_texts(args.n)
    git = ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    rev = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()
    print(f"ptcode {rev or '?'}, spaCy {spacy.__version__}, medspacy {getattr(medspacy, '__version__', '?')}, "
          f"{len(texts)} texts, best of {args.runs}, batch_size={BATCH}")
    configs = build()
    for kind, runner in configs.values():
        consume(kind, runner, texts[:2000])  # warm-up: vocab, caches, lazy init
    # Interleaved rounds: a burst of load from elsewhere hurts one pass of each configuration.
    best = dict.fromkeys(configs, float("inf"))
    for rnd in range(args.runs):
        for name, (kind, runner) in configs.items():
            best[name] = min(best[name], timed(kind, runner, texts))
        print(f"  round {rnd + 1}/{args.runs} done", file=sys.stderr, flush=True)
    rates = {name: len(texts) / secs for name, secs in best.items()}

    tok, base = rates["a  tokenizer"], rates["c  ptcode - context"]
    print(f"\n{'configuration':32} {'texts/s':>9} {'cost x tok':>11} {'context x tok':>14}")
    for name, rate in rates.items():
        own = ""
        if name[0] in "bef":
            own = f"{(1 / rate - 1 / base) * tok:14.2f}"
        flag = "" if tok / rate <= 5 else "  over 5x"
        print(f"{name:32} {rate:9,.0f} {tok / rate:11.2f} {own:>14}{flag}")


if __name__ == "__main__":
    main()
