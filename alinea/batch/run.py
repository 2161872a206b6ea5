"""Plan and run a batch: which pairs to align, where they run, and the corpus outputs at the end.

Three ways to run the same pairs, with the same per-pair work (:func:`align_pair`):

- :func:`run_batch` with neither ``scheduler`` nor ``scheduler_file``: a local
  Dask cluster of worker processes, one single-threaded process per core;
- :func:`run_batch` with ``scheduler="tcp://HOST:PORT"`` (or a scheduler file):
  an existing Dask cluster; its workers must see the input and output folders
  at the same paths (a shared filesystem) and run the same alinea version;
- :func:`run_shard`: the I-th of N slices, in this process, without Dask (for
  SLURM arrays or GNU parallel); :func:`merge_shards` then writes the corpus
  outputs from the slices' records.

Workers write each pair's files themselves; only small result records travel
back. corpus.tmx, summary.json and index.html are written where the batch was
started, once every pair is done.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from alinea.align.errors import InputError
from alinea.align.utils import atomic_write, available_cpus

from .corpus import CORPUS_TMX, INDEX_HTML, SUMMARY_JSON, BatchOutcome, write_corpus_outputs
from .job import (
    STATE_DIR,
    PairJob,
    PairOptions,
    PairResult,
    align_pair,
    alinea_version,
    failed,
    fingerprint,
    is_current,
    output_paths,
    remove_outputs,
    warm_up,
    worker_check,
)
from .pairs import Orphan, Pairing, find_pairs, shard_of

#: Seconds to wait for a remote scheduler to answer, and for its first worker to join.
CONNECT_TIMEOUT = 20
WORKER_TIMEOUT = 60

#: Called with each pair's result as it is known.
Progress = Callable[[PairResult], None]

#: Dask settings of the local cluster. Dask's defaults serve a dashboard and long-lived,
#: memory-hungry workers; a batch's tasks are short pure-Python alignments that keep
#: nothing in memory, and on their CPU these defaults cost (measured with scripts/bench_batch
#: and py-spy on the workers): the statistical profiler samples the running task every 10 ms;
#: every server (scheduler, nanny, worker) wakes every 20 ms to time its event loop, and
#: that wake-up takes the GIL from the task; the memory and system monitors poll psutil
#: every 100 and 500 ms; and MALLOC_TRIM_THRESHOLD_=65536 makes glibc hand freed memory
#: back to the kernel at once, so the next pair faults it in again (2.6x the page faults).
#: An idle 2-worker cluster used 6.6 % of a core with the defaults, 1.3 % with these.
#: The loop-timing still warns of a blocked event loop (after 3 s) and the nanny still
#: restarts a worker that outgrows its memory.
LOCAL_CLUSTER_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def dask_environment() -> dict[str, str]:
    """:data:`LOCAL_CLUSTER_CONFIG` as the environment variables that give the same settings to
    workers started by hand (``dask worker``) or by a job scheduler."""
    env = {}
    for key, value in LOCAL_CLUSTER_CONFIG.items():
        if key.startswith("distributed.nanny.pre-spawn-environ."):
            continue  # an environment variable of its own; not setting it is the point
        name = "DASK_" + "__".join(part.upper().replace("-", "_") for part in key.split("."))
        env[name] = str(value)
    return env


def default_workers() -> int:
    """One worker process per core this process may use."""
    return available_cpus()


# --- planning ----------------------------------------------------------------------

def _check_folders(source: Path, outdir: Path) -> None:
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}: exists and is not a folder (give a folder for the outputs)")
    if source.is_dir() and source.resolve() == outdir.resolve():
        raise InputError(f"{outdir}: the outputs need a folder of their own, not the input folder")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / STATE_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"{outdir}: cannot create the output folder ({exc.strerror})") from None


def _check_corpus_outputs(pairing: Pairing, outdir: Path) -> None:
    """corpus.tmx, summary.json and index.html must not overwrite a document of the corpus."""
    outputs = {(outdir / name).resolve() for name in (CORPUS_TMX, SUMMARY_JSON, INDEX_HTML)}
    for pair in pairing.pairs:
        for path in (pair.es, pair.en):
            if path.resolve() in outputs:
                raise InputError(f"{path}: the corpus outputs would overwrite this input document; "
                                 "choose another output folder")


def _rejected_results(pairing: Pairing) -> list[PairResult]:
    return [failed(r.name, r.reason) for r in pairing.rejected]


def plan_jobs(pairing: Pairing, outdir: Path, options: PairOptions, force: bool = False,
              on_result: Progress | None = None) -> tuple[list[PairJob], list[PairResult]]:
    """The pairs to align, and the results already known: pairs unchanged since their last
    success (skipped) and pairs whose outputs would overwrite an input (failed)."""
    version = alinea_version()
    inputs = {p.resolve() for pair in pairing.pairs for p in (pair.es, pair.en)}
    jobs: list[PairJob] = []
    known: list[PairResult] = []
    for pair in pairing.pairs:
        started = time.perf_counter()
        targets = output_paths(outdir, pair.name, options)
        clash = next((p for p in targets.values() if p.resolve() in inputs), None)
        if clash is not None:
            known.append(failed(pair.name, f"{clash}: the output would overwrite an input document; "
                                           "choose another output folder"))
            continue
        job = PairJob(pair, outdir, options, fingerprint(pair, options, version))
        skipped = None if force else is_current(job)
        if skipped is None:
            jobs.append(job)
        else:
            skipped.seconds = round(time.perf_counter() - started, 3)
            known.append(skipped)
    for result in known:
        if on_result:
            on_result(result)
    # Longest first: the big documents start early instead of finishing last on one worker.
    jobs.sort(key=lambda j: -(_size(j.pair.es) + _size(j.pair.en)))
    return jobs, known


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def output_lock(outdir: Path, name: str = "lock") -> Iterator[None]:
    """One batch at a time per output folder (per slice with --shard). The kernel drops the
    lock when the process dies, even by SIGKILL, so a killed run never blocks the next."""
    path = outdir / STATE_DIR / name
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"{outdir}: another alinea batch is writing to this folder "
                             f"({path} is locked); wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- running on Dask -------------------------------------------------------------------

def run_batch(source: str | os.PathLike, outdir: str | os.PathLike, options: PairOptions = PairOptions(), *,
              workers: int | None = None, scheduler: str | None = None, scheduler_file: str | None = None,
              force: bool = False, on_start: Callable[[int], None] | None = None,
              on_result: Progress | None = None) -> BatchOutcome:
    """Align every pair of ``source`` (a folder or CSV manifest) into ``outdir`` on Dask, then write
    corpus.tmx, summary.json and index.html.

    ``on_start(pairs)`` is called once the pairs are known, ``on_result`` with every pair's
    result as it is known (skipped ones first). A pair that fails is in the outcome with its
    reason; nothing is raised for it.
    """
    started = time.perf_counter()
    source, outdir = Path(source), Path(outdir)
    _check_folders(source, outdir)
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    if scheduler_file and not Path(scheduler_file).is_file():
        raise InputError(f"{scheduler_file}: no such scheduler file")
    remote = bool(scheduler or scheduler_file)

    def run_jobs(jobs: list[PairJob], emit: Progress) -> None:
        with dask_client(min(workers or default_workers(), len(jobs)), scheduler, scheduler_file) as client:
            if remote:
                check_workers(client, source, outdir)
            client.run(warm_up)
            run_on_dask(client, jobs, emit)

    with output_lock(outdir):
        pairing = find_pairs(source, exclude=outdir)
        _check_corpus_outputs(pairing, outdir)
        outcome = _execute(pairing, source, outdir, options, force, run_jobs, on_start, on_result)
        outcome.seconds = time.perf_counter() - started
        write_corpus_outputs(outcome)
        outcome.seconds = time.perf_counter() - started
    return outcome


def _execute(pairing: Pairing, source: Path, outdir: Path, options: PairOptions, force: bool,
             run_jobs: Callable[[list[PairJob], Progress], None], on_start, on_result) -> BatchOutcome:
    """Plan the pairs, report the known results, run the rest.

    A killed run's temporary files go when this run writes in their folder (the output
    plan's sweep, :func:`alinea.outputs.sweep_stale_temps`): every file of a pair still to
    run, and the corpus outputs, are written again.
    """
    outcome = BatchOutcome(source, outdir, options, orphans=pairing.orphans, ignored=pairing.ignored)
    emit = _collector(outcome, on_result)
    if on_start:
        on_start(len(pairing.pairs) + len(pairing.rejected))
    for result in _rejected_results(pairing):
        emit(result)
    jobs, _known = plan_jobs(pairing, outdir, options, force, emit)
    if jobs:
        run_jobs(jobs, emit)
    outcome.results.sort(key=lambda r: r.name)
    return outcome


def _collector(outcome: BatchOutcome, on_result: Progress | None) -> Progress:
    def emit(result: PairResult) -> None:
        outcome.results.append(result)
        if on_result:
            on_result(result)

    return emit


@contextmanager
def dask_client(workers: int, scheduler: str | None = None, scheduler_file: str | None = None):
    """A Dask client: on a new local cluster of ``workers`` processes, or on an existing scheduler."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("alinea batch needs Dask: pip install 'alinea[batch]'") from None
    with _quiet_dask():
        if scheduler or scheduler_file:
            with _remote_client(Client, scheduler, scheduler_file) as client:
                yield client
            return
        import dask

        # One single-threaded process per worker: the aligner is pure Python and holds the GIL.
        # No dashboard; its HTTP server (health checks) takes any free port, so a second cluster
        # on the machine does not print a warning about port 8787.
        with dask.config.set(LOCAL_CLUSTER_CONFIG), \
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                             scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                             host="127.0.0.1", silence_logs=_dask_log_level()) as cluster, \
                Client(cluster, set_as_default=False) as client:
            yield client


def _dask_log_level() -> int:
    """Dask's own log lines (connections closing at shutdown, heartbeats) are not the user's
    business: a pair that fails says why in its result. ALINEA_DEBUG=1 shows them."""
    import logging

    return logging.INFO if os.environ.get("ALINEA_DEBUG") else logging.CRITICAL


@contextmanager
def _quiet_dask():
    import logging

    logger = logging.getLogger("distributed")
    previous = logger.level
    logger.setLevel(_dask_log_level())
    try:
        yield
    finally:
        logger.setLevel(previous)


@contextmanager
def _remote_client(Client, scheduler: str | None, scheduler_file: str | None):
    where = scheduler or f"the scheduler file {scheduler_file}"
    try:
        client = Client(scheduler, scheduler_file=scheduler_file, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise InputError(f"the Dask scheduler at {where} has no worker "
                             f"(none joined within {WORKER_TIMEOUT} s): start some with `dask worker`") from None
        yield client
    finally:
        client.close()


def check_workers(client, source: Path, outdir: Path) -> None:
    """Every worker must run our alinea version and see the input and output folders."""
    version = alinea_version()
    answers = client.run(worker_check, str(source.resolve()), str(outdir.resolve()))
    problems = []
    for worker, answer in sorted(answers.items()):
        if answer["alinea"] != version:
            problems.append(f"{worker} runs alinea {answer['alinea']}, this machine {version}")
        problems += [f"{worker} {p}" for p in answer["problems"]]
    if problems:
        raise InputError("the Dask workers cannot run this batch: " + "; ".join(problems) +
                         " (workers need the same alinea and the folders at the same paths, e.g. on a shared "
                         "filesystem)")


def run_on_dask(client, jobs: list[PairJob], emit: Progress) -> None:
    """Submit one task per pair and hand each result to ``emit`` as it completes."""
    import asyncio
    import uuid

    from distributed import as_completed

    run_id = uuid.uuid4().hex[:8]
    keys = [f"alinea-pair-{run_id}-{i}" for i in range(len(jobs))]
    by_key = dict(zip(keys, jobs))
    futures = client.map(align_pair, jobs, key=keys, pure=False)
    try:
        for future in as_completed(futures, loop=client.loop):
            job = by_key[future.key]
            try:
                result = future.result()
            except (Exception, asyncio.CancelledError) as exc:  # the worker died (KilledWorker), the
                # scheduler went away (cancelled) or the task could not run
                remove_outputs(job.outdir, job.pair.name, job.options)
                result = failed(job.pair.name, f"the Dask task failed: {type(exc).__name__}: {exc}")
            future.release()
            emit(result)
    finally:
        client.cancel(futures)


# --- running a slice without Dask, and merging the slices ------------------------------------

def _shard_record(outdir: Path, index: int, count: int) -> Path:
    return outdir / STATE_DIR / "shards" / f"{index}-of-{count}.json"


def run_shard(source: str | os.PathLike, outdir: str | os.PathLike, shard: tuple[int, int],
              options: PairOptions = PairOptions(), *, force: bool = False,
              on_start: Callable[[int], None] | None = None,
              on_result: Progress | None = None) -> BatchOutcome:
    """Align the pairs of slice ``shard`` = (I, N) in this process and record the slice's results
    for :func:`merge_shards`. Orphans and rejected names go to the slice their name hashes to."""
    started = time.perf_counter()
    source, outdir = Path(source), Path(outdir)
    index, count = shard
    _check_folders(source, outdir)
    with output_lock(outdir, f"lock-{index}-of-{count}"):
        everything = find_pairs(source, exclude=outdir)
        _check_corpus_outputs(everything, outdir)
        mine = Pairing(
            pairs=[p for p in everything.pairs if shard_of(p.name, count) == index],
            orphans=[o for o in everything.orphans if shard_of(o.name, count) == index],
            rejected=[r for r in everything.rejected if shard_of(r.name, count) == index],
            # ignored files are no pair's: the first slice reports them
            ignored=everything.ignored if index == 1 else [],
        )

        def run_jobs(jobs: list[PairJob], emit: Progress) -> None:
            for job in jobs:
                emit(align_pair(job))

        outcome = _execute(mine, source, outdir, options, force, run_jobs, on_start, on_result)
        outcome.seconds = time.perf_counter() - started
        record = {"shard": [index, count], "input": str(source.resolve()), "alinea": alinea_version(),
                  "options": asdict(options), "seconds": round(outcome.seconds, 3),
                  "results": [r.as_dict() for r in outcome.results],
                  "orphans": [{"name": o.name, "path": str(o.path), "missing": o.missing} for o in outcome.orphans],
                  "ignored": [str(p) for p in outcome.ignored]}
        with atomic_write(_shard_record(outdir, index, count)) as fh:
            json.dump(record, fh, ensure_ascii=False, indent=1)
    return outcome


def merge_shards(outdir: str | os.PathLike) -> BatchOutcome:
    """Write corpus.tmx, summary.json and index.html from the records of every slice of a
    ``--shard`` run; refuses while a slice is missing."""
    outdir = Path(outdir)
    folder = outdir / STATE_DIR / "shards"
    records = sorted(folder.glob("*-of-*.json")) if folder.is_dir() else []
    if not records:
        raise InputError(f"{outdir}: no slice has finished here yet: run "
                         f"`alinea batch INPUT -o {outdir} --shard I/N` for each slice first")
    counts = {int(p.stem.split("-of-")[1]) for p in records}
    if len(counts) > 1:
        raise InputError(f"{outdir}: records of runs in {' and '.join(str(c) for c in sorted(counts))} slices; "
                         f"remove {folder} and run the slices again")
    count = counts.pop()
    loaded = {}
    for path in records:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: unreadable slice record ({exc})") from None
        loaded[data["shard"][0]] = data
    missing = [i for i in range(1, count + 1) if i not in loaded]
    if missing:
        plural = len(missing) > 1
        raise InputError(f"{outdir}: slice{'s' if plural else ''} "
                         f"{', '.join(f'{i}/{count}' for i in missing)} not finished: run "
                         f"`alinea batch INPUT -o {outdir} --shard I/{count}` for {'them' if plural else 'it'}")
    first = loaded[1]
    for key, what in (("input", "input"), ("options", "options"), ("alinea", "alinea version")):
        values = {json.dumps(d[key], sort_keys=True) for d in loaded.values()}
        if len(values) > 1:
            raise InputError(f"{outdir}: the slices were run with different {what}s; run them again alike")
    options = PairOptions(**first["options"])
    with output_lock(outdir):
        outcome = BatchOutcome(Path(first["input"]), outdir, options)
        for data in loaded.values():
            outcome.results += [PairResult.from_dict(r) for r in data["results"]]
            outcome.orphans += [Orphan(o["name"], Path(o["path"]), o["missing"]) for o in data["orphans"]]
            outcome.ignored += [Path(p) for p in data["ignored"]]
        outcome.orphans.sort(key=lambda o: o.name)
        names = [r.name for r in outcome.results]
        if len(names) != len(set(names)):
            raise InputError(f"{outdir}: a pair appears in two slices; remove {folder} and run the slices again")
        outcome.seconds = sum(d.get("seconds", 0.0) for d in loaded.values())
        write_corpus_outputs(outcome)
    return outcome
