"""ptcode benchmark: speed and memory against baselines measured in the same run.

    python bench/run.py                 # the full run (100,000-row files, 1,000,000 rows for memory)
    python bench/run.py --rows 20000 --rss-rows 200000   # a quicker pass

Prints, on the same texts and machine:
  * rows/s of `ptcode batch` on a JSONL file of segments and of whole notes (the faster of two
    runs), against rows/s of spaCy's bare tokenizer (`spacy.blank("en").tokenizer.pipe`) on the
    same texts, and the ratio. The tokenizer's figure is a first pass by a fresh tokenizer (best
    of three), because ptcode also reads every row once; its second pass over the same texts,
    with every word already in its vocabulary, is printed too, with the ratio to it;
  * the speed-up of `--workers 2` over one worker (the faster of two runs each), and what two
    processes scoring segments in memory, with no input or output, gain over one: the
    machine's ceiling for that speed-up;
  * peak RSS of `ptcode batch` for N and 10N rows (is memory flat?);
  * wall time of `ptcode suggest "<note>"` against `python -c "import spacy"`, and the ratio;
  * p50 / p99 latency of warm in-process `suggest()` calls on single segments.

Texts are the training corpus (training_data/), cycled to the requested number of rows, each
row opened with its own visit number ("Visit 1234: ...") so that no two rows are identical, as
in a real export where dates and names differ; no evaluation data is used. Figures are wall-clock and vary with machine load: run it on an idle
machine and read the ratios, which are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts(kind: str) -> list[str]:
    folder = ROOT / "training_data" / ("segments" if kind == "segments" else "notes")
    texts = []
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def write_rows(path: Path, texts: list[str], rows: int) -> list[str]:
    used = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(rows):
            t = f"Visit {i}: {texts[i % len(texts)]}"
            used.append(t)
            fh.write(json.dumps({"id": str(i), "text": t}) + "\n")
    return used


def tokenizer_rates(texts: list[str]) -> tuple[float, float]:
    """Rows/s of spaCy's bare tokenizer on ``texts``: a first pass by a fresh tokenizer (best of
    three fresh tokenizers), which like ``ptcode batch`` meets every row's new words for the
    first time, and a second pass by the same tokenizer, whose vocabulary then already holds
    them."""
    import spacy

    first = again = float("inf")
    for _ in range(3):
        tok = spacy.blank("en").tokenizer
        start = time.perf_counter()
        for _doc in tok.pipe(texts, batch_size=1000):
            pass
        first = min(first, time.perf_counter() - start)
        start = time.perf_counter()
        for _doc in tok.pipe(texts, batch_size=1000):
            pass
        again = min(again, time.perf_counter() - start)
    return len(texts) / first, len(texts) / again


def measured(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``ptcode ARGS``, run from a fresh wrapper process so
    that the children's peak RSS belongs to this command alone."""
    exe = shutil.which("ptcode") or sys.exit("ptcode is not on PATH: pip install . first")
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, exe, *args], capture_output=True, text=True, check=True).stdout.split()
    wall, rss, rc = float(out[0]), int(out[1]), int(out[2])
    if rc not in (0, 1):
        sys.exit(f"ptcode {args[0]} failed with exit code {rc}")
    return wall, rss


def _score_all(texts: list[str]) -> None:
    from classifier import suggest_many

    for _s in suggest_many(texts):
        pass


def two_process_times(texts: list[str]) -> tuple[float, float]:
    """Seconds for one process to score ``texts`` in memory, and for two processes to score
    them at once (each all of them), the faster of two tries each: what the machine's two cores
    give this work with no reading, writing or passing of rows between processes. Children are
    forked from this process, whose pipeline and model are already loaded."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")

    def run(k: int) -> float:
        procs = [ctx.Process(target=_score_all, args=(texts,)) for _ in range(k)]
        start = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return time.perf_counter() - start

    one = min(run(1) for _ in range(2))
    two = min(run(2) for _ in range(2))
    return one, two


def median_wall(cmd: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows in the throughput files")
    ap.add_argument("--rss-rows", type=int, default=1_000_000, help="rows for the second memory point")
    ap.add_argument("--latency-calls", type=int, default=2000)
    args = ap.parse_args()
    print(f"ptcode benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="ptcode-bench-") as tmp:
        tmpd = Path(tmp)
        big = tmpd / "big.jsonl"
        write_rows(big, corpus_texts("segments"), args.rss_rows)
        for kind in ("segments", "notes"):
            inp = tmpd / f"{kind}.jsonl"
            texts = write_rows(inp, corpus_texts(kind), args.rows)
            tok, tok_again = tokenizer_rates(texts)
            extra = ["--notes"] if kind == "notes" else []
            # two one-worker runs; the faster one is the throughput (the machine's noise only slows)
            walls, rss = [], 0
            for n in range(2):
                wall, rss_run = measured(["batch", str(inp), "-o", str(tmpd / f"{kind}.{n}.jsonl"), *extra])
                walls.append(wall)
                rss = max(rss, rss_run)
            rate = args.rows / min(walls)
            print(f"\n{kind}: {args.rows:,} rows")
            print(f"  bare spaCy tokenizer      {tok:10,.0f} rows/s   first pass (second pass {tok_again:,.0f} rows/s)")
            print(f"  ptcode batch (1 worker)   {rate:10,.0f} rows/s   ratio to tokenizer {rate / tok:.3f} (to its second pass {rate / tok_again:.3f})")
            if kind == "segments":
                rss_small = rss
                # the faster of two runs, as for one worker
                wall2 = min(measured(["batch", str(inp), "-o", str(tmpd / f"w2.{n}.jsonl"), "--workers", "2"])[0] for n in range(2))
                rate2 = args.rows / wall2
                print(f"  ptcode batch (2 workers)  {rate2:10,.0f} rows/s   speed-up {rate2 / rate:.2f}x")
                ceiling_texts = texts[: min(len(texts), 10_000)]
        _w, rss_big = measured(["batch", str(big), "-o", str(tmpd / "b.jsonl")])
        print(f"\npeak RSS: {args.rows:,} rows {rss_small / 1024:.0f} MB, {args.rss_rows:,} rows {rss_big / 1024:.0f} MB (ratio {rss_big / rss_small:.2f})")

    note = (ROOT / "examples" / "segment.txt").read_text(encoding="utf-8").strip()
    exe = shutil.which("ptcode")
    t_spacy = median_wall([sys.executable, "-c", "import spacy"])
    t_suggest = median_wall([exe, "suggest", note])  # type: ignore[list-item]
    print(f"\nstart-up: python -c 'import spacy' {t_spacy:.2f} s, ptcode suggest {t_suggest:.2f} s, ratio {t_suggest / t_spacy:.2f}")

    from classifier import suggest

    segs = corpus_texts("segments")
    suggest(segs[0])  # warm: pipeline and model loaded once
    lat = []
    for i in range(args.latency_calls):
        t = segs[i % len(segs)]
        start = time.perf_counter()
        suggest(t)
        lat.append((time.perf_counter() - start) * 1000)
    lat.sort()
    p50 = lat[len(lat) // 2]
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print(f"warm suggest(): p50 {p50:.2f} ms, p99 {p99:.2f} ms over {len(lat):,} single-segment calls")

    one, two = two_process_times(ceiling_texts)
    print(
        f"\ntwo cores: {len(ceiling_texts):,} segments scored in memory (no input or output) by one process "
        f"{one:.2f} s, by each of two at once {two:.2f} s: speed-up {2 * one / two:.2f}x, the ceiling for --workers 2"
    )


if __name__ == "__main__":
    main()
