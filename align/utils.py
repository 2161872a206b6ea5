"""Small helpers shared by every stage."""
from __future__ import annotations

import os
import tempfile

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

LANGS = ("es", "en")


def check_lang(lang: str) -> str:
    """Return the base language code ("es" for "es-ES") or raise InputError."""
    from .errors import InputError

    base = (lang or "").split("-")[0].split("_")[0].lower()
    if base not in LANGS:
        raise InputError(f"unsupported language {lang!r}: use one of {', '.join(LANGS)}")
    return base


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place.

    A failure half-way leaves no partial output behind: the temporary file is
    removed and ``path`` keeps its previous content (or stays absent).
    """
    with atomic_path(path) as tmp:
        if "b" in mode:
            with open(tmp, mode) as fh:
                yield fh
        else:
            with open(tmp, mode, encoding=encoding, newline="") as fh:
                yield fh


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Like :func:`atomic_write` for libraries that want a file name, not a handle."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
