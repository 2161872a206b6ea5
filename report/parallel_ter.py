"""Per-segment sacrebleu statistics computed across CPU cores.

sacrebleu scores a corpus in two steps: ``Metric._extract_corpus_statistics``
turns every (hypothesis, reference) pair into a short list of numbers (n-gram
matches for BLEU and chrF; edits and reference length for TER), and
``_aggregate_and_compute`` sums them and computes the score. The statistics of
one segment depend on that segment alone, so chunks of segments can be handled
in separate processes and concatenated back in order: the corpus score is then
exactly the serial one (the statistics are integer counts, so even the float
sums are exact whatever the order).

TER needs it most: its shift search is pure Python and takes ~80 % of the time
of ``sacrebleu -m bleu chrf ter``. This module is named after it, but every
metric goes through the same pool so that the cores stay busy until the end.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

#: Metric names accepted by ``--metrics`` → (sacrebleu class, keyword arguments).
#: The arguments are the defaults of the ``sacrebleu`` command for that metric.
METRICS: dict[str, tuple[type[Metric], dict[str, Any]]] = {
    "bleu": (BLEU, {}),
    "chrf": (CHRF, {}),
    "chrf++": (CHRF, {"word_order": 2}),
    "ter": (TER, {}),
}

#: Below this many segments a process pool costs more than it saves.
MIN_PARALLEL_SEGMENTS = 100

#: Relative cost of one segment, to order the work (largest tasks first).
_COST = {"ter": 10.0, "chrf": 1.5, "chrf++": 2.0, "bleu": 0.6}


def make_metric(name: str, **overrides: Any) -> Metric:
    """A fresh sacrebleu metric object for ``name`` (a key of :data:`METRICS`)."""
    cls, kwargs = METRICS[name]
    return cls(**{**kwargs, **overrides})


def available_cpus() -> int:
    """CPUs this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def serial_statistics(name: str, hyps: Sequence[str], refs: Sequence[str]) -> list[list[float]]:
    """Segment statistics of one metric, in this process (sacrebleu's own loop)."""
    metric = make_metric(name)
    return metric._extract_corpus_statistics(list(hyps), [list(refs)])


def _task(name: str, hyps: list[str], refs: list[str]) -> list[list[float]]:
    return serial_statistics(name, hyps, refs)


def _chunks(n: int, parts: int, interleave: bool) -> list[list[int]]:
    """Split range(n) into ``parts`` index lists.

    Interleaved chunks (0, k, 2k, …) mix short and long segments, so TER chunks
    take about the same time even when long sentences cluster in the document.
    """
    parts = max(1, min(parts, n))
    if interleave:
        return [list(range(start, n, parts)) for start in range(parts)]
    size, extra = divmod(n, parts)
    out, start = [], 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        out.append(list(range(start, end)))
        start = end
    return out


def _pool(workers: int) -> Executor:
    # fork shares the already-imported sacrebleu with the workers (no re-import);
    # where fork is unavailable the default start method still works.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if "fork" in methods else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def corpus_statistics(jobs: Sequence[tuple[str, Sequence[str]]], refs: Sequence[str],
                      workers: int | None = None) -> list[list[list[float]]]:
    """Segment statistics for every (metric name, hypotheses) job, in job order.

    ``workers`` None picks the number of available CPUs and stays serial for
    small inputs; 1 is always serial; 2 or more always uses a process pool.
    The result is identical to :func:`serial_statistics` for each job.
    """
    refs = list(refs)
    n = len(refs)
    for name, hyps in jobs:
        if name not in METRICS:
            raise ValueError(f"unknown metric {name!r}")
        if len(hyps) != n:
            raise ValueError(f"{len(hyps)} hypotheses for {n} references")
    if workers is None:
        workers = available_cpus() if n >= MIN_PARALLEL_SEGMENTS else 1
    if workers <= 1 or n == 0:
        return [serial_statistics(name, hyps, refs) for name, hyps in jobs]

    # One task per chunk; TER gets several chunks per worker so that the pool
    # balances uneven sentence lengths, the cheap metrics a chunk per worker.
    tasks: list[tuple[float, int, list[int]]] = []
    for job, (name, _) in enumerate(jobs):
        heavy = name == "ter"
        parts = workers * 4 if heavy else workers
        for chunk in _chunks(n, parts, interleave=heavy):
            if chunk:
                tasks.append((_COST[name] * len(chunk), job, chunk))
    tasks.sort(key=lambda t: -t[0])  # longest first: the classic LPT schedule

    results: list[list[Any]] = [[None] * n for _ in jobs]
    try:
        pool = _pool(workers)
    except (OSError, NotImplementedError):
        # no usable semaphores (some containers lack /dev/shm): same numbers, serially
        return [serial_statistics(name, hyps, refs) for name, hyps in jobs]
    with pool:
        futures = []
        for _, job, chunk in tasks:
            name, hyps = jobs[job]
            futures.append((job, chunk, pool.submit(
                _task, name, [hyps[i] for i in chunk], [refs[i] for i in chunk])))
        for job, chunk, future in futures:
            for i, stats in zip(chunk, future.result()):
                results[job][i] = stats
    return results
