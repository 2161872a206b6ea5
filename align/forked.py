"""Work done by a forked copy of this process while this one does other work (long documents).

Aligning is Python and numpy operations on small arrays: a second thread would mostly wait for
the interpreter lock. On long documents the aligner's independent pieces of work (the two sides'
encoding; the beads' confidences and the evidence model) therefore run in two processes: fork()
gives the child the documents and everything computed so far without copying or pickling them,
and only the result comes back, pickled through a pipe. Where fork() is missing, on one core,
below ``MIN_SENTENCES`` (the fork and the transfer would cost more than they save), with
``ALINEA_PARALLEL=0``, or when the child fails, the same function runs here on the same
arguments: the results never depend on where the work ran.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .utils import available_cpus

#: Sentences per side from which work is shared with a forked process (about 0.1 s of fork and
#: transfer at 20,000 sentences, against seconds of work).
MIN_SENTENCES = 20000


def wanted(sentences: int) -> bool:
    """Whether to share the work on documents of ``sentences`` sentences (the shorter side)."""
    if sentences < MIN_SENTENCES:   # (before importing multiprocessing: ~4 ms of every short run)
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and may_use_second_core()


def may_use_second_core() -> bool:
    """Whether this process may put a second core to work (a forked process, a helper thread): not with
    ``ALINEA_PARALLEL=0``, on one core, in a worker process of a pool (``alinea batch``'s Dask workers
    already keep every core busy, and a daemonic process may not fork), nor from a program's other
    threads, or while it runs threads of its own (fork() copies only the calling thread)."""
    import multiprocessing
    import threading

    if (os.environ.get("ALINEA_PARALLEL", "").strip() == "0" or available_cpus() < 2
            or multiprocessing.current_process().daemon):
        return False
    main = threading.main_thread()
    return threading.current_thread() is main and all(
        thread is main or thread.name.startswith(HELPER_PREFIX) for thread in threading.enumerate())


#: Name prefix of alinea's own helper thread (``kernels._helper``), which a fork may leave behind.
HELPER_PREFIX = "alinea-kernels"


class Forked:
    """``function(*args)`` started in a forked process; :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        import multiprocessing
        import warnings

        self.function, self.args = function, args
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._child = context.Process(target=_run, args=(function, args, writer), daemon=True)
        self._started = True
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about fork() in a process with threads: the child runs alinea's
                # own Python and numpy code only (no BLAS), and OpenBLAS's idle threads are fork-safe.
                warnings.simplefilter("ignore", DeprecationWarning)
                self._child.start()
        except (OSError, AssertionError):   # no process to be had (limits, a daemonic process): work here
            self._started = False
        writer.close()

    def result(self) -> Any:
        """The function's value, from the child or, if the child failed or died, computed here."""
        done, value = False, None
        try:
            if self._started:
                done, value = self._reader.recv()
        except (EOFError, OSError):   # the child died (out of memory, killed)
            done = False
        finally:
            self._reader.close()
            if self._started:
                self._child.join()
        return value if done else self.function(*self.args)


def _run(function: Callable[..., Any], args: tuple, pipe) -> None:
    """In the child: send (True, value), or (False, None) if the function raised (the parent then
    runs it itself, and raises what it raises)."""
    try:
        value = function(*args)
    except BaseException:   # noqa: BLE001 - reported by the parent's own run
        pipe.send((False, None))
    else:
        pipe.send((True, value))
    finally:
        pipe.close()
