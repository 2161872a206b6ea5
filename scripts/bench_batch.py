#!/usr/bin/env python3
"""Corpus batch benchmark: ``alinea batch`` on Dask next to the pipeline called in a loop.

1,000 synthetic document pairs are made from ``../shared/data/un_devset_first2000.{es,en}``
(each document: 4-10 paragraphs of 1-4 consecutive UN sentences, the English side
built from the same lines as the Spanish one). The same per-pair work (align; write
NAME.tmx, NAME.tsv and the HTML review) is then timed four ways, in one run:

- peer: ``alinea.pipeline.align_files`` and the writers called in a plain loop in this
  process (imports and warm-up done beforehand);
- ``run_batch`` on a local Dask cluster of 1 worker process, then of 2;
- ``run_batch`` against an external ``dask scheduler`` and two ``dask worker`` processes
  started on 127.0.0.1 by this script (their start-up is not in the time), with the
  Dask settings README recommends for your own workers (``dask_environment()``).

Every batch starts from an empty output folder and includes what ``alinea batch`` does
beyond the loop: pairing and hashing the inputs, starting the cluster, warming the
workers, and merging corpus.tmx, summary.json and index.html at the end. Printed: pairs
per second, CPU seconds in all and per pair (this process and its children, so the workers
too), the speed-up of 2 workers over 1 (target >= 1.7 on 2 free cores), the overhead per
pair against the loop, and the load average before and after each measurement (the machine
may be shared). ``--rounds R`` measures everything R times, in reverse order every other
round, so that a change of load does not always fall on the same run.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "un_devset_first2000"
TARGET = 1.7


def make_corpus(folder: Path, pairs: int, seed: int = 15) -> int:
    """``pairs`` NAME.es.txt / NAME.en.txt documents; returns the number of sentences per side."""
    es = DATA.with_suffix(".es").read_text(encoding="utf-8").splitlines()
    en = DATA.with_suffix(".en").read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sentences = 0
    for k in range(pairs):
        i = rng.randrange(0, len(es) - 60)
        es_paragraphs, en_paragraphs = [], []
        for _ in range(rng.randint(4, 10)):
            size = rng.randint(1, 4)
            es_paragraphs.append(" ".join(es[i:i + size]))
            en_paragraphs.append(" ".join(en[i:i + size]))
            i += size
            sentences += size
        (folder / f"doc{k:04d}.es.txt").write_text("\n\n".join(es_paragraphs) + "\n", encoding="utf-8")
        (folder / f"doc{k:04d}.en.txt").write_text("\n\n".join(en_paragraphs) + "\n", encoding="utf-8")
    return sentences


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Measure:
    """Wall and CPU seconds and the 1-minute load average around a block."""

    def __enter__(self) -> Measure:
        self.load_before = os.getloadavg()[0]
        self.cpu = _cpu()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        self.cpu = _cpu() - self.cpu
        self.load_after = os.getloadavg()[0]

    def load(self) -> str:
        return f"load {self.load_before:.2f} -> {self.load_after:.2f}"


def run_loop(src: Path, out: Path, names: list[str], no_report: bool) -> None:
    from alinea.pipeline import align_files
    from alinea.report.review import write_review
    from alinea.tmx.tabular import bitext_frame, write_table
    from alinea.tmx.writer import write_tmx

    out.mkdir(parents=True)
    for name in names:
        bitext = align_files(src / f"{name}.es.txt", src / f"{name}.en.txt", meta={"symbol": name})
        write_tmx(bitext, out / f"{name}.tmx")
        write_table(bitext_frame(bitext), out / f"{name}.tsv")
        if not no_report:
            write_review(bitext, out / f"{name}.report.html")


def run_dask(src: Path, out: Path, no_report: bool, **where) -> dict:
    """One batch; returns its phases: until the last pair is done, then the corpus outputs."""
    from alinea.batch import PairOptions, run_batch

    marks: dict[str, float] = {"call": time.perf_counter()}

    def last(_result) -> None:
        marks["last_pair"] = time.perf_counter()

    outcome = run_batch(src, out, PairOptions(report=not no_report), on_result=last, **where)
    marks["end"] = time.perf_counter()
    if outcome.failed:
        sys.exit(f"bench_batch: {len(outcome.failed)} pairs failed, e.g. {outcome.failed[0].error}")
    return {"pairs": marks["last_pair"] - marks["call"], "corpus": marks["end"] - marks["last_pair"],
            "pair_seconds": sum(r.seconds for r in outcome.results)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_external_cluster(logs: Path) -> tuple[str, list[subprocess.Popen], float]:
    """`dask scheduler` + two single-threaded `dask worker`s on 127.0.0.1; returns (address, processes, start-up s)."""
    from distributed import Client

    from alinea.batch.run import dask_environment

    dask = Path(sys.executable).parent / "dask"
    env = {**os.environ, **dask_environment()}  # the settings README recommends for your own workers
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = time.perf_counter()
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "wb"), env=env)]
    for i in range(2):
        procs.append(subprocess.Popen([str(dask), "worker", address, "--nthreads", "1", "--no-dashboard",
                                       "--host", "127.0.0.1", "--name", f"bench-{i}"],
                                      stdout=subprocess.DEVNULL, stderr=open(logs / f"worker{i}.log", "wb"), env=env))
    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout=5, set_as_default=False) as client:
                client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
            break
        except (OSError, TimeoutError):
            if time.monotonic() > deadline:
                stop(procs)
                sys.exit(f"bench_batch: the external Dask cluster did not start; see {logs}")
            time.sleep(0.5)
    return address, procs, time.perf_counter() - started


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):  # workers first, the scheduler last
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


RUNS = {"loop": "peer: pipeline in a loop (1 process)", "local1": "alinea batch, local cluster, 1 worker",
        "before1": "1 worker, Dask's defaults (as before)",
        "local2": "alinea batch, local cluster, 2 workers", "external": "alinea batch, dask scheduler + 2 workers"}


def measure(key: str, tmp: Path, names: list[str], no_report: bool, tag: str) -> tuple[Measure, dict | None]:
    """One run of ``key`` into a fresh output folder."""
    out = tmp / f"{key}-{tag}"
    if key == "loop":
        with Measure() as m:
            run_loop(tmp / "in", out, names, no_report)
        return m, None
    if key.startswith("local"):
        with Measure() as m:
            phases = run_dask(tmp / "in", out, no_report, workers=int(key[len("local"):]))
        return m, phases
    if key == "before1":  # the settings alinea batch had before: Dask's defaults, profiler off
        import alinea.batch.run as batch_run

        tuned = batch_run.LOCAL_CLUSTER_CONFIG
        batch_run.LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}
        try:
            with Measure() as m:
                phases = run_dask(tmp / "in", out, no_report, workers=1)
        finally:
            batch_run.LOCAL_CLUSTER_CONFIG = tuned
        return m, phases
    logs = tmp / f"dask-logs-{tag}"
    logs.mkdir()
    cpu_before = _cpu()
    address, procs, startup = start_external_cluster(logs)
    try:
        with Measure() as m:
            phases = run_dask(tmp / "in", out, no_report, scheduler=address)
    finally:
        stop(procs)
    # the workers' CPU is known once they have exited; it includes their start-up
    m.cpu = _cpu() - cpu_before
    phases["startup"] = startup
    return m, phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="document pairs (default 1000)")
    parser.add_argument("--no-report", action="store_true", help="skip the HTML review of each pair, everywhere")
    parser.add_argument("--skip", default="", help="comma-separated runs to leave out: loop,1,2,external")
    parser.add_argument("--before", action="store_true",
                        help="also 1 worker with Dask's default settings (what alinea batch had before)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every run this many times, in reverse order every other round (default 1)")
    args = parser.parse_args()
    if not DATA.with_suffix(".es").is_file():
        print(f"bench_batch: {DATA}.es is absent; this benchmark needs ../shared/data beside the repository",
              file=sys.stderr)
        return 2
    skip = set(filter(None, args.skip.split(",")))
    keys = [k for k in RUNS if k.removeprefix("local") not in skip and (k != "before1" or args.before)]

    from alinea.batch.job import warm_up

    warm_up()  # the loop gets its imports and first figure for free; each batch pays its workers'
    results: dict[str, list[tuple[Measure, dict | None]]] = {k: [] for k in keys}
    with tempfile.TemporaryDirectory(prefix="bench_batch.") as tmp:
        tmp = Path(tmp)
        sentences = make_corpus(tmp / "in", args.pairs)
        names = sorted(p.name[:-len(".es.txt")] for p in (tmp / "in").glob("*.es.txt"))
        print(f"corpus: {args.pairs} synthetic pairs from {DATA.name}.{{es,en}}, {sentences} sentences per side "
              f"({sentences / args.pairs:.1f} per document); outputs per pair: tmx, tsv"
              f"{'' if args.no_report else ', review html'}; {os.cpu_count()} CPUs", flush=True)
        for round_ in range(args.rounds):
            for key in (keys if round_ % 2 == 0 else keys[::-1]):
                m, phases = measure(key, tmp, names, args.no_report, str(round_))
                results[key].append((m, phases))
                print(f"  measured {RUNS[key]}: {m.seconds:.1f} s, cpu {m.cpu:.1f} s ({m.load()})", flush=True)

    n = args.pairs
    print()
    print(f"{'run':<44} {'wall s':>8} {'pairs/s':>8} {'cpu s':>8} {'cpu/pair':>9}  phases")
    for key, runs in results.items():
        for m, phases in runs:
            detail = ""
            if phases:
                detail = (f"pairs {phases['pairs']:.1f} s (sum of per-pair times {phases['pair_seconds']:.1f} s), "
                          f"corpus outputs {phases['corpus']:.1f} s; ")
                if "startup" in phases:
                    detail += f"cluster start-up before the run {phases['startup']:.1f} s (not in wall, in cpu); "
            print(f"{RUNS[key]:<44} {m.seconds:>8.1f} {n / m.seconds:>8.2f} {m.cpu:>8.1f} "
                  f"{m.cpu / n * 1000:>6.0f} ms  {detail}{m.load()}")

    def best(key: str) -> Measure:
        return min((m for m, _ in results[key]), key=lambda m: m.seconds)

    if results.get("local1") and results.get("local2"):
        for i, ((one, _), (two, _)) in enumerate(zip(results["local1"], results["local2"])):
            speedup = one.seconds / two.seconds
            print(f"speed-up 2 workers / 1 worker{f' (round {i + 1})' if args.rounds > 1 else ''}: {speedup:.2f}x "
                  f"(target >= {TARGET}x on 2 free cores: {'met' if speedup >= TARGET else 'not met'}; "
                  f"load {one.load_before:.2f}-{one.load_after:.2f} and {two.load_before:.2f}-{two.load_after:.2f})")
    if results.get("loop"):
        loop = best("loop")
        for key in ("local1", "local2", "external"):
            if results.get(key):
                m = best(key)
                print(f"vs the loop (fastest runs): {RUNS[key]}: {m.seconds / loop.seconds:.2f}x the loop's wall time "
                      f"({(m.seconds - loop.seconds) / n * 1000:+.1f} ms per pair)")
        if results.get("local1"):
            for (m, phases), (peer, _) in zip(results["local1"], results["loop"]):
                print(f"CPU per pair, 1 worker against the loop: {m.cpu / n * 1000:.0f} ms against "
                      f"{peer.cpu / n * 1000:.0f} ms ({(m.cpu - peer.cpu) / n * 1000:+.1f} ms, cluster start-up, "
                      f"warm-up and corpus outputs included); wall, corpus outputs excluded: "
                      f"{(phases['pairs'] - peer.seconds) / n * 1000:+.1f} ms")
        if results.get("before1"):
            for (m, _), (peer, _) in zip(results["before1"], results["loop"]):
                print(f"CPU per pair, 1 worker with Dask's defaults against the loop: {m.cpu / n * 1000:.0f} ms "
                      f"against {peer.cpu / n * 1000:.0f} ms ({(m.cpu - peer.cpu) / n * 1000:+.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
