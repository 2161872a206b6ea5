"""Where a run's outputs go: every one checked before any work, all written or none.

Every command that writes files declares its inputs and outputs in an
:class:`OutputPlan` at the CLI boundary, before it reads or computes anything::

    from alinea.outputs import HTML, TMX, OutputPlan

    with OutputPlan(inputs=[es_file, en_file]) as plan:
        tmx = plan.add(out, "-o", TMX, default=es_file.with_suffix(".tmx"), why="no -o given")
        review = plan.add(report, "--report", HTML)        # None when report is None
        bitext = align(...)                                # the work
        write_tmx(bitext, tmx.path)                        # write each output to its .path
        if review:
            write_review(bitext, review.path)
        plan.commit()                                      # every output replaces its target
    for line in plan.notes():                              # "wrote tm.tmx", "created folder out"
        click.echo(line, err=True)

:meth:`OutputPlan.add` checks one output at once and raises
:class:`~alinea.align.errors.InputError` (one line, exit code 2) when

- the path resolves (after symlinks, or as a hard link) to an input of the run
  or to another output of the run (two character devices such as ``/dev/null``
  may be shared);
- it is a folder, a socket or a block device, or a folder on its way is a file;
- its suffix does not fit the format (``--xlsx out.tsv``);
- it is an existing read-only file (no write permission bit, whoever runs
  alinea: root too), or its folder cannot be written (the temporary file is
  created right away, which proves it);
- two outputs go to standard output, or a binary format goes to a terminal.

``-`` means standard output. A missing folder is created (and removed again if
the run fails); :meth:`OutputPlan.notes` says so. The command writes each
output to ``output.path``, a temporary file: beside the target for a regular
file (same file system, so the final rename is atomic), in the system's
temporary folder for standard output, FIFOs, character devices and descriptors
(``/dev/stdout``, ``/dev/fd/3``), which are written directly at commit time and
never replaced. A symlink is written
through: its target is replaced, the link stays. A replaced file keeps its
permissions (and, as root, its owner).

:meth:`OutputPlan.commit` first copies the stream outputs, then renames every
temporary file onto its target. Leaving the ``with`` block without a commit
(an error, Ctrl-C, SIGTERM) removes the temporary files and the folders the
plan created, so no target is touched. Temporary files are named
``.NAME.alinea-tmp-HOST-PID-RANDOM.SUFFIX``; a run that was killed (SIGKILL,
power cut) leaves one behind, and the next run that writes into the same
folder removes it once its process is gone. :func:`install_signal_handlers`
makes SIGTERM and SIGHUP unwind like Ctrl-C (raising :class:`Terminated`).

``alinea.align.utils.atomic_path``/``atomic_write`` (what the Python API's
writers use) are a one-output plan without inputs.
"""
from __future__ import annotations

import atexit
import errno
import os
import re
import signal
import stat
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from alinea.align.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from types import FrameType
    from typing import Any

    #: what signal.signal takes and returns
    SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Format:
    """What an output option writes: a name for messages and the suffixes that fit it."""

    __slots__ = ("name", "suffixes", "binary")

    def __init__(self, name: str, suffixes: tuple[str, ...], binary: bool = False):
        self.name, self.suffixes, self.binary = name, suffixes, binary

    @property
    def stream_suffix(self) -> str:
        """The suffix of the temporary file when the output has no name of its own (``-``)."""
        return self.suffixes[0]

    def __repr__(self) -> str:
        return f"Format({self.name!r}, {self.suffixes!r})"


TMX = Format("a TMX file", (".tmx", ".xml"))
TSV = Format("a TSV table", (".tsv", ".tab", ".txt"))
CSV = Format("a CSV table", (".csv",))
XLSX = Format("an Excel workbook", (".xlsx",), binary=True)
TABLE = Format("a table", TSV.suffixes + CSV.suffixes + XLSX.suffixes)
HTML = Format("an HTML page", (".html", ".htm"))
JSON = Format("JSON", (".json",))
SRX = Format("SRX rules", (".srx", ".xml"))
#: The formats of ``alinea tmx convert``'s ``--to``.
FORMATS = {"tmx": TMX, "tsv": TSV, "csv": CSV, "xlsx": XLSX}

#: Seconds after which a temporary file of a process on another machine (a
#: shared folder) is taken as abandoned; a local one goes as soon as its process is gone.
STALE_AFTER = 24 * 3600


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (removing temporary files) and exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# ----------------------------------------------------------------- temporary files

_HOST = ""
_LIVE: set[str] = set()  # temporary files of this process not yet renamed or removed
_SHOWN_AS: dict[str, str] = {}  # temporary file -> the output name the user gave
_SWEPT: set[str] = set()  # folders already swept by this process
_TEMP_NAME = re.compile(r"^\..*\.alinea-tmp-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-z]{8}(?:\.[^.]*)?$")


def _host() -> str:
    global _HOST
    if not _HOST:
        import zlib  # (not hashlib and socket: ~7 ms of every start for six hex digits)

        node = os.uname().nodename if hasattr(os, "uname") else __import__("socket").gethostname()
        _HOST = f"{zlib.crc32(node.encode()) & 0xFFFFFF:06x}"
    return _HOST


def _temp_name(name: str, suffix: str) -> str:
    # The name stays readable and far below NAME_MAX whatever the target is called.
    return f".{name[:80]}.alinea-tmp-{_host()}-{os.getpid()}-{os.urandom(4).hex()}{suffix[:16]}"


def _create_temp(folder: Path, name: str, suffix: str) -> Path:
    """A new empty file of our naming in ``folder``, registered before it exists.

    Registering first closes the window in which Ctrl-C could leave an
    unregistered empty file behind.
    """
    path = folder / _temp_name(name, suffix)
    _LIVE.add(str(path))
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600))
    except BaseException:
        _LIVE.discard(str(path))
        raise
    return path


def _remove(path: Path | str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        return  # still registered: atexit tries again
    _LIVE.discard(str(path))
    _SHOWN_AS.pop(str(path), None)


@atexit.register
def _remove_live_temps() -> None:
    """Last resort at interpreter exit (e.g. a second signal during the clean-up)."""
    for path in list(_LIVE):
        _remove(path)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False  # alive, another user's
    return False


def sweep_stale_temps(folder: str | os.PathLike[str]) -> int:
    """Remove temporary files of our naming in ``folder`` left by runs that were killed.

    A file made on this machine goes when its process is gone; one made on
    another machine (a shared folder) when older than :data:`STALE_AFTER`.
    Returns how many were removed.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or entry.path in _LIVE:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            if match["host"] == _host():
                pid = int(match["pid"])
                stale = pid != os.getpid() and _process_gone(pid)
            else:
                stale = now - info.st_mtime > STALE_AFTER
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


# ----------------------------------------------------------------- signals

def install_signal_handlers() -> dict[int, SignalHandler]:
    """Make SIGTERM and SIGHUP raise :class:`Terminated` in this process (the CLI calls this).

    Returns the previous handlers, for :func:`restore_signal_handlers`. A child
    forked later (a worker pool) inherits the handler but dies from the signal
    as it would have without it.
    """
    main_pid = os.getpid()

    def on_signal(signum, _frame):
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    previous: dict[int, SignalHandler] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, on_signal)
        except ValueError:  # not the main thread: leave signals to the embedding program
            break
    return previous


def restore_signal_handlers(previous: dict[int, SignalHandler]) -> None:
    for signum, handler in previous.items():
        try:
            signal.signal(signum, handler)
        except (ValueError, TypeError):
            pass


# ----------------------------------------------------------------- the plan

class Output:
    """One output of a run: where the command writes (``path``) and what it replaces at commit.

    ``kind`` is "file", "stdout" or "stream" (a FIFO or character device);
    ``given`` the name as the user wrote it ("-" for standard output);
    ``target`` the file or device written at commit (symlinks resolved, None
    for standard output); ``why_default`` is set when the plan chose the name.
    """

    # Plain classes, not dataclasses: this module is imported by every command at start-up.
    def __init__(self, option: str, given: str, kind: str, path: Path, target: Path | None,
                 fmt: Format | None = None, why_default: str = "", existed: bool = False):
        self.option, self.given, self.kind, self.path, self.target = option, given, kind, path, target
        self.fmt, self.why_default, self.existed = fmt, why_default, existed
        self.detail = ""  # said after the name in the summary ("281 units")

    def __repr__(self) -> str:
        return f"Output({self.option!r}, {self.given!r}, {self.kind!r}, path={self.path!s})"

    def describe(self) -> str:
        """The summary line for this output."""
        if self.kind == "stdout":
            what = self.fmt.name if self.fmt else "the output"
            line = f"wrote {what} to standard output"
        else:
            line = f"wrote {self.given}"
        notes = [self.detail] if self.detail else []
        if self.why_default:
            notes.append(self.why_default + ("; it replaces the earlier file" if self.existed else ""))
        return line + "".join(f" ({note})" for note in notes)


class OutputPlan:
    """A run's inputs and outputs; see the module docstring."""

    def __init__(self, inputs: Iterable[str | os.PathLike | None] = ()):
        self.inputs = [Path(p) for p in inputs if p is not None and os.fspath(p) != "-"]
        self.outputs: list[Output] = []
        self.created_folders: list[Path] = []
        self.swept: dict[Path, int] = {}
        self.committed = False

    # -- declaring

    def add(self, value: str | os.PathLike | None, option: str = "", fmt: Format | None = None, *,
            default: str | os.PathLike | None = None, why: str = "") -> Output | None:
        """Check one output now; returns it (write to ``.path``), or None when neither
        ``value`` nor ``default`` is given. ``why`` is said in the summary when the
        default name is used."""
        why_default = ""
        if value is None:
            if default is None:
                return None
            value, why_default = default, why or "default name"
        given = os.fspath(value)
        if given == "-":
            output = self._stdout(option, fmt)
        else:
            output = self._file(given, option, fmt)
        output.why_default = why_default
        _SHOWN_AS[os.fspath(output.path)] = output.given
        self.outputs.append(output)
        return output

    def _stdout(self, option: str, fmt: Format | None) -> Output:
        for other in self.outputs:
            if other.kind == "stdout":
                raise InputError(f"{other.option} - and {option} - both write to standard output: "
                                 "give one of them a file name")
        if fmt is not None and fmt.binary and _isatty(sys.stdout):
            raise InputError(f"{option} -: refusing to write {fmt.name} to the terminal; "
                             "redirect standard output to a file or give a file name")
        suffix = fmt.stream_suffix if fmt else ""
        temp = _create_temp(_temp_folder(), "stdout", suffix)
        return Output(option, "-", "stdout", temp, None, fmt)

    def _file(self, name: str, option: str, fmt: Format | None) -> Output:
        # ``name`` is opened; ``given`` is what messages show (a library writing our temporary
        # file is reported under the user's name for it).
        given = _SHOWN_AS.get(name, name)
        if not name.strip():
            raise InputError(f"{option or 'output'}: the file name is empty")
        path = Path(name)
        target = Path(os.path.realpath(path))  # a symlink is written through to its target
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            info = None  # a new file (a file on the way is reported by _folder_for)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(f"{given}: the symbolic link loops back on itself") from None
            raise InputError(f"{given}: cannot use as an output: {exc.strerror or exc}") from None
        kind = "file"
        if _is_descriptor(path, target):
            # /dev/stdout, /dev/fd/3, /proc/self/fd/1: a file descriptor, whatever it is open on
            # (a pipe, a terminal, a file the shell redirected to): written, never replaced.
            info, target, kind = None, path, "stream"
        if info is not None:
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                example = f" (e.g. {os.path.join(given, 'out' + fmt.suffixes[0])})" if fmt else ""
                raise InputError(f"{given}: is a folder; {option or 'the output'} needs a file name{example}")
            if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
                kind = "stream"
            elif not stat.S_ISREG(mode):
                what = "a socket" if stat.S_ISSOCK(mode) else "a block device" if stat.S_ISBLK(mode) \
                    else "a special file"
                raise InputError(f"{given}: is {what}; alinea writes regular files, FIFOs and "
                                 "character devices only")
        if kind == "file" and fmt is not None and path.suffix.lower() not in fmt.suffixes:
            have = f"ends in {path.suffix!r}" if path.suffix else "has no suffix"
            raise InputError(f"{given}: {option or 'the output'} writes {fmt.name}, but the name {have}: "
                             f"give a name ending in {' or '.join(fmt.suffixes)}")
        self._refuse_collisions(given, option, target, info, kind)
        if kind == "stream":
            suffix = fmt.stream_suffix if fmt else path.suffix
            temp = _create_temp(_temp_folder(), "stream", suffix)
            return Output(option, given, "stream", temp, target, fmt, existed=True)
        if info is not None and _read_only(target, info):
            raise InputError(f"{given}: the file is read-only; not replaced (make it writable, or "
                             "choose another name)")
        folder = self._folder_for(given, target.parent)
        if str(folder) not in _SWEPT:
            _SWEPT.add(str(folder))
            count = sweep_stale_temps(folder)
            if count:
                self.swept[folder] = count
        try:
            temp = _create_temp(folder, target.name, target.suffix)
        except OSError as exc:
            raise InputError(f"{given}: cannot write in the folder {_shown(folder)}: "
                             f"{exc.strerror or exc}") from None
        return Output(option, given, "file", temp, target, fmt, existed=info is not None)

    def _refuse_collisions(self, given: str, option: str, target: Path, info, kind: str) -> None:
        for source in self.inputs:
            if _same_file(source, target, info):
                same = "" if os.fspath(source) == given else f" {source} (the same file)"
                raise InputError(f"{given}: {option or 'the output'} would overwrite the input{same}; "
                                 "choose another name")
        for other in self.outputs:
            if other.target is None or (kind == "stream" and _is_chardev(target)):
                continue  # /dev/null may take several outputs
            if other.target == target or _same_file(other.target, target, info):
                raise InputError(f"{given}: {other.option or 'an output'} and {option or 'another output'} "
                                 "would write the same file; give each output its own name")

    def _folder_for(self, given: str, folder: Path) -> Path:
        """The output's folder, created (with its missing parents) if absent."""
        missing: list[Path] = []
        probe = folder
        while not os.path.lexists(probe):
            missing.append(probe)
            if probe.parent == probe:
                break
            probe = probe.parent
        if os.path.lexists(probe) and not os.path.isdir(probe):
            raise InputError(f"{given}: {_shown(probe)} is a file, not a folder")
        for new in reversed(missing):
            try:
                os.mkdir(new)
            except FileExistsError:
                continue
            except OSError as exc:
                raise InputError(f"{given}: cannot create the folder {_shown(new)}: "
                                 f"{exc.strerror or exc}") from None
            self.created_folders.append(new)
        return folder

    # -- writing

    def commit(self) -> None:
        """Write the stream outputs, then rename every temporary file onto its target.

        A reader of standard output that stops early (``-o - | head``) made its own
        choice: the file outputs are still written, then the BrokenPipeError is
        raised (the CLI exits 0). A FIFO or other named stream whose reader stops
        early is an error: that output is incomplete, so no file output is
        written and :class:`InputError` says which one broke.
        """
        broken: BrokenPipeError | None = None
        for output in self.outputs:
            if output.kind in ("stdout", "stream"):
                try:
                    self._copy_to_stream(output)
                except BrokenPipeError as exc:
                    if output.kind == "stream" and not _is_stdout(output.target):
                        raise InputError(f"{output.given}: its reader closed it before the end (broken "
                                         "pipe): the output is incomplete; nothing else was written") from None
                    broken = exc
        for output in self.outputs:
            if output.kind == "file":
                self._replace(output)
        self.committed = True
        for output in self.outputs:
            if output.kind != "file":
                _remove(output.path)
        if broken is not None:
            raise broken

    def _copy_to_stream(self, output: Output) -> None:
        import shutil

        try:
            with open(output.path, "rb") as source:
                if output.kind == "stdout":
                    sys.stdout.flush()
                    shutil.copyfileobj(source, sys.stdout.buffer, 1 << 20)
                    sys.stdout.buffer.flush()
                else:
                    assert output.target is not None  # a "stream" output always names its device
                    with open(output.target, "wb") as sink:
                        shutil.copyfileobj(source, sink, 1 << 20)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise InputError(f"{output.given}: cannot write: {exc.strerror or exc}") from None

    def _replace(self, output: Output) -> None:
        target = output.target
        assert target is not None
        try:
            try:
                info = os.stat(target)
            except FileNotFoundError:
                info = None
            if info is not None and stat.S_ISREG(info.st_mode):
                os.chmod(output.path, stat.S_IMODE(info.st_mode))
                if hasattr(os, "chown") and os.geteuid() == 0:
                    try:
                        os.chown(output.path, info.st_uid, info.st_gid)
                    except OSError:
                        pass
            else:
                os.chmod(output.path, 0o666 & ~_umask())
            os.replace(output.path, target)
        except OSError as exc:
            raise InputError(f"{output.given}: cannot write: {exc.strerror or exc}") from None
        _LIVE.discard(str(output.path))
        _SHOWN_AS.pop(str(output.path), None)

    def discard(self) -> None:
        """Remove every temporary file, and the folders this plan created if they are empty."""
        for output in self.outputs:
            _remove(output.path)
        for folder in reversed(self.created_folders):
            try:
                os.rmdir(folder)
            except OSError:
                pass
        self.created_folders = [f for f in self.created_folders if os.path.isdir(f)]

    def __enter__(self) -> OutputPlan:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.committed:
            self.discard()
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError) and exc.errno in _WRITE_ERRNOS:
            raise InputError(self._write_failure(exc)) from None

    def _write_failure(self, exc: OSError) -> str:
        """Which output a write error (a full disk: no file name in the error) was about."""
        named = [o for o in self.outputs if exc.filename and
                 os.fspath(exc.filename).startswith(os.fspath(o.path).split(".alinea-tmp-")[0])]
        outputs = named or self.outputs
        return (f"{', '.join(o.given for o in outputs) or 'output'}: cannot write: {exc.strerror or exc}; "
                "nothing was written")

    # -- reporting

    def notes(self) -> list[str]:
        """Summary lines: folders created, stale temporary files removed, outputs written."""
        # The deepest new folder of each chain says it all ("created the folder out/2024/es").
        deepest = [f for f in self.created_folders if not any(o.parent == f for o in self.created_folders)]
        lines = [f"created the folder {_shown(folder)}" for folder in deepest]
        lines += [f"removed {n} temporary file{'s' if n > 1 else ''} left in {_shown(folder)} by an "
                  "interrupted run" for folder, n in self.swept.items()]
        lines += [output.describe() for output in self.outputs]
        return lines


_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
                 errno.ENAMETOOLONG}


def _same_file(path: Path | None, target: Path, info) -> bool:
    if path is None:
        return False
    try:
        if Path(os.path.realpath(path)) == target:
            return True
        if info is not None and os.path.exists(path):
            other = os.stat(path)
            return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)
    except OSError:
        return False
    return False


def _read_only(target: Path, info: os.stat_result) -> bool:
    """A file its owner marked read-only (no write bit at all), or one this user may not write.

    The mode bits decide first: ``os.access`` is always true for root (as alinea runs
    in containers and CI), and a ``chmod 444`` file says "keep me" whoever replaces it.
    """
    if not stat.S_IMODE(info.st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return not os.access(target, os.W_OK)


def _is_descriptor(path: Path, target: Path) -> bool:
    names = (os.fspath(path), os.fspath(target))
    return any(n.startswith(("/dev/fd/", "/dev/stdout", "/dev/stderr", "/proc/")) for n in names)


def _is_stdout(target: Path | None) -> bool:
    """Whether a stream output is this process's standard output (``/dev/stdout``, ``/dev/fd/1``)."""
    if target is None:
        return True
    try:
        mine, other = os.fstat(sys.stdout.fileno()), os.stat(target)
    except (OSError, ValueError, AttributeError):
        return False
    return (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino)


def _is_chardev(path: Path) -> bool:
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def _temp_folder() -> Path:
    """Where outputs without a folder of their own (stdout, FIFOs, devices) are prepared."""
    import tempfile  # imported on use: it costs start-up time every command would pay

    return Path(tempfile.gettempdir())


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _shown(folder: Path) -> str:
    text = os.fspath(folder)
    return text if text not in ("", ".") else "the current folder"
