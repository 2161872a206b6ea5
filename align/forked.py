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

#: Sentences per side from which work is shared with a forked process (about 0.1 s of fork and
#: transfer at 20,000 sentences, against seconds of work).
MIN_SENTENCES = 20000


def cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def wanted(sentences: int) -> bool:
    """Whether to share the work on documents of ``sentences`` sentences (the shorter side)."""
    import multiprocessing

    if os.environ.get("ALINEA_PARALLEL", "").strip() == "0" or sentences < MIN_SENTENCES:
        return False
    return cores() > 1 and "fork" in multiprocessing.get_all_start_methods()


class Forked:
    """``function(*args)`` started in a forked process; :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        import multiprocessing
        import warnings

        self.function, self.args = function, args
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._child = context.Process(target=_run, args=(function, args, writer), daemon=True)
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork() in a process with threads: the child runs alinea's
            # own Python and numpy code only (no BLAS), and OpenBLAS's idle threads are fork-safe.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._child.start()
        writer.close()

    def result(self) -> Any:
        """The function's value, from the child or, if the child failed or died, computed here."""
        try:
            done, value = self._reader.recv()
        except (EOFError, OSError):   # the child died (out of memory, killed)
            done, value = False, None
        finally:
            self._reader.close()
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
