"""The ``alinea`` command: a thin layer over the Python API.

Each command group lives in its own module and is registered here. Every
failure a user can cause ends in one line on stderr, ``alinea: error: …``:
bad input (:class:`alinea.align.errors.InputError`), click's usage errors, a
full disk or a read-only folder, memory exhaustion. Exit codes: 0 done, 1 a
finding (``check``, ``tmx validate``), 2 bad input or usage, 3 an internal
error (a bug), 130 Ctrl-C, 143 SIGTERM (129 SIGHUP). Outputs go through
:mod:`alinea.outputs`: all written or none.
"""
from __future__ import annotations

import errno
import os
import sys

import click

from alinea._version import __version__
from alinea.align.errors import InputError

EXIT_INPUT = 2
EXIT_INTERNAL = 3

# OSErrors that are the user's situation, not a bug: one line and exit 2.
_USER_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
                errno.EISDIR, errno.ENOTDIR, errno.ENOENT, errno.ENAMETOOLONG, errno.ELOOP, errno.EIO,
                errno.ETXTBSY, errno.EMFILE, errno.ENFILE}


#: Thread-pool sizes of the BLAS and OpenMP libraries numpy may load.
_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> None:
    """One BLAS thread, unless the user chose otherwise: set before numpy is first imported.

    alinea's array work is element-wise and small-matrix; OpenBLAS would start a
    thread per core at numpy's import and use none of them (measured: 0.33 s of CPU
    per process with the pool, 0.22 s without).
    """
    if "numpy" not in sys.modules:
        for name in _BLAS_THREAD_VARIABLES:
            os.environ.setdefault(name, "1")


class OneLineUsageError(click.UsageError):
    """A click usage error shown as ``alinea: error: …`` on one line, as every other error."""

    def show(self, file=None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        click.echo(f"alinea: error: {' '.join(self.format_message().split())}{hint}", err=True)


def _one_line(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, (OneLineUsageError, click.exceptions.NoArgsIsHelpError)):
        return exc
    return OneLineUsageError(exc.format_message(), exc.ctx)


class AlineaGroup(click.Group):
    """A click group that turns errors into one-line messages and signals into a clean exit."""

    def main(self, *args, **kwargs):
        from alinea.outputs import install_signal_handlers, restore_signal_handlers

        single_threaded_blas()
        previous = install_signal_handlers()
        try:
            return super().main(*args, **kwargs)
        finally:
            restore_signal_handlers(previous)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or _command(self, cmd_name)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context):
        from alinea.outputs import Terminated

        words = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"alinea: error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("alinea: interrupted", err=True)
            ctx.exit(130)
        except Terminated as exc:
            click.echo("alinea: terminated", err=True)
            ctx.exit(128 + exc.signum)
        except BrokenPipeError:
            # `alinea segment ... | head` closes stdout early; that is not an error.
            sys.stderr.close()
            ctx.exit(0)
        except MemoryError:
            files = [w for w in words if not w.startswith("-") and os.path.isfile(w)]
            click.echo(f"alinea: error: out of memory while processing {', '.join(files) or 'the input'}; "
                       "see 'Limits' in the README", err=True)
            ctx.exit(EXIT_INPUT)
        except OSError as exc:
            if exc.errno not in _USER_ERRNOS or os.environ.get("ALINEA_DEBUG"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"alinea: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except Exception as exc:  # a bug, not bad input: still one line unless debugging
            if os.environ.get("ALINEA_DEBUG"):
                raise
            click.echo(f"alinea: internal error: {type(exc).__name__}: {exc} "
                       "(set ALINEA_DEBUG=1 for a traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group("alinea", cls=AlineaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="alinea")
def main() -> None:
    """alinea: align Spanish and English documents into translation memories."""


#: The collector's first threshold while the ``alinea`` program runs (Python's default: 700).
#: Importing numpy, NLTK's Punkt and translate-toolkit leaves ~100,000 long-lived objects that
#: the default walks again and again (~100 young and ~8 middle-generation collections, 15 ms of
#: an ``alinea align`` of A/58/98). With this threshold a short command collects rarely or never;
#: a long one (a server, a batch, a 200k-sentence alignment) still collects every 200,000 new
#: container objects, so cyclic garbage stays bounded. mypy's command line does the same.
PROGRAM_GC_THRESHOLD = 200_000


def run() -> None:
    """The ``alinea`` program (console script, ``python -m alinea``): :func:`main` in a process that then ends.

    The garbage collector runs less often (``PROGRAM_GC_THRESHOLD``). At exit the interpreter
    runs full garbage collections over every object still alive
    (all of numpy, NLTK's Punkt parameters, translate-toolkit ...): ~50 ms of an ``alinea
    align`` of A/58/98, a tenth of the run, to free memory the operating system takes
    back anyway. Once the command is done, the surviving objects are moved out of the
    collector's reach (:func:`gc.freeze`); they are still released as usual, files
    closed and ``atexit`` handlers run. Programs that call :func:`main` themselves
    (tests, scripts) are not affected.
    """
    import gc

    gc.set_threshold(PROGRAM_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        main()
    finally:
        gc.freeze()


# Each command module lists its commands in COMMANDS. A command's module is imported when the
# command runs (or a help page lists it), not at start-up: click's decorators and the modules'
# own imports cost ~10 ms per process otherwise, paid by every `alinea align-lines` in a loop.
#: The module that defines each command.
COMMAND_MODULES = {"align": "align_cmd", "align-lines": "align_cmd", "segment": "align_cmd", "demo": "align_cmd",
                   "report": "report_cmd", "check": "report_cmd", "score": "score_cmd", "tmx": "tmx_cmd",
                   "srx": "srx_cmd", "review": "review_cmd", "tm": "tm_cmd", "batch": "batch_cmd"}


def _command(group: click.Group, name: str) -> click.Command | None:
    module_name = COMMAND_MODULES.get(name)
    if module_name is None:
        return None
    import importlib

    for command in importlib.import_module(f"{__name__}.{module_name}").COMMANDS:
        group.add_command(command)
    return group.commands.get(name)
