"""Per-segment metric statistics computed across CPU cores.

The statistics of one segment depend on that segment alone
(:mod:`alinea.report.mtstats`), so chunks of segments can be handled in
separate processes and concatenated back in order: the corpus score is then
exactly the serial one (the statistics are counts, summed in segment order
afterwards whatever process computed them).

The module is named after TER, whose shift search was once most of the work;
with the exact fast TER of :mod:`alinea.report.ter` the metrics cost about the
same, and every metric goes through the same pool so that the cores stay busy
until the end.

The workers are killed whenever the caller is interrupted (Ctrl-C, SIGTERM
turned into an exception by the CLI, any error): no worker outlives the command.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from alinea.align.utils import available_cpus

from .mtstats import Metric

#: Below this many segments a process pool costs more than it saves.
MIN_PARALLEL_SEGMENTS = 500

#: Relative cost of one segment, to order the work (largest tasks first).
_COST = {"ter": 1.0, "chrf": 0.4, "chrf++": 0.5, "bleu": 0.5}


def serial_statistics(metric: Metric, hyps: Sequence[str],
                      refs: Sequence[Sequence[str]]) -> list[list[Any]]:
    """Segment statistics of one metric, in this process; ``refs[i]`` holds
    the references of segment ``i``."""
    return metric.statistics(hyps, refs)


def _chunks(n: int, parts: int, interleave: bool) -> list[list[int]]:
    """Split range(n) into ``parts`` index lists.

    Interleaved chunks (0, k, 2k, …) mix short and long segments, so chunks
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


class _Pool:
    """A process pool whose workers can be killed at once.

    ``ProcessPoolExecutor`` reports a worker that dies (instead of waiting
    for it forever) but has no public way to kill its workers; each worker
    therefore sends its process id when it starts, and :meth:`kill` ends them.
    """

    def __init__(self, workers: int):
        # fork shares the already-imported modules with the workers (no
        # re-import); where fork is unavailable the default start method works.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.workers = workers
        self.started = False
        self._pids = context.Queue()
        self.executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                            initializer=_announce, initargs=(self._pids,))

    def kill(self) -> None:
        """Kill every worker now (running tasks included) and drop the queued tasks.

        The workers start with the first task and announce themselves first
        thing; one just forked gets a moment to do so.
        """
        import queue

        for _ in range(self.workers if self.started else 0):
            try:
                pid = self._pids.get(timeout=2.0)
            except queue.Empty:  # never started (fewer tasks than workers) or died
                break
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, fn, *args):
        self.started = True
        return self.executor.submit(fn, *args)

    def close(self) -> None:
        self.executor.shutdown()
        self._pids.close()


def _announce(pids) -> None:
    pids.put(os.getpid())


def corpus_statistics(jobs: Sequence[tuple[Metric, Sequence[str]]], refs: Sequence[Sequence[str]],
                      workers: int | None = None) -> list[list[list[Any]]]:
    """Segment statistics for every (metric, hypotheses) job, in job order.

    ``refs[i]`` holds the references of segment ``i``. ``workers`` None picks
    the number of available CPUs and stays serial for small inputs; 1 is
    always serial; 2 or more always uses a process pool. The result is
    identical to :func:`serial_statistics` for each job.
    """
    refs = [tuple(r) for r in refs]
    n = len(refs)
    for _metric, hyps in jobs:
        if len(hyps) != n:
            raise ValueError(f"{len(hyps)} hypotheses for {n} references")
    if workers is None:
        workers = available_cpus() if n >= MIN_PARALLEL_SEGMENTS else 1
    if workers <= 1 or n == 0:
        return [serial_statistics(metric, hyps, refs) for metric, hyps in jobs]

    # A few interleaved chunks per worker and metric, longest tasks first
    # (the classic LPT schedule), so that the workers finish together.
    tasks: list[tuple[float, int, list[int]]] = []
    for job, (metric, _) in enumerate(jobs):
        for chunk in _chunks(n, workers * 2, interleave=True):
            if chunk:
                tasks.append((_COST[metric.name] * len(chunk), job, chunk))
    tasks.sort(key=lambda t: -t[0])

    try:
        pool = _Pool(workers)
    except (OSError, NotImplementedError):
        # no usable semaphores (some containers lack /dev/shm): same numbers, serially
        return [serial_statistics(metric, hyps, refs) for metric, hyps in jobs]
    results: list[list[Any]] = [[None] * n for _ in jobs]
    try:
        pending = []
        for _, job, chunk in tasks:
            metric, hyps = jobs[job]
            pending.append((job, chunk, pool.submit(
                serial_statistics, metric, [hyps[i] for i in chunk], [refs[i] for i in chunk])))
        for job, chunk, future in pending:
            for i, stats in zip(chunk, future.result()):
                results[job][i] = stats
    except BaseException:
        # Ctrl-C, SIGTERM (as an exception), an error in a worker: kill the
        # workers now rather than wait for their tasks, then let it propagate.
        pool.kill()
        raise
    pool.close()
    return results
