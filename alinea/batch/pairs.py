"""Which documents of a corpus go together: pairing by name, by folder or by a CSV manifest.

A folder is paired by name, at any depth below it: ``NAME.es.EXT`` with
``NAME.en.EXT`` (``report.es.pdf`` + ``report.en.docx``), or ``es/NAME.EXT``
with ``en/NAME.EXT``. A CSV manifest lists ``es_path,en_path[,name]`` rows
(relative paths are relative to the manifest). A side that is missing makes an
orphan, listed, never fatal; a file that fits neither pattern is listed as
ignored. Hidden files and folders (a leading dot) and the output folder are
not looked at.
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from alinea.align.errors import InputError

#: The language markers in file and folder names, and the sides they stand for.
SIDES = ("es", "en")
#: ``NAME.es.txt``, ``NAME.en-GB.docx``, ``NAME.es`` (no extension, like the UN corpus files).
_MARKED = re.compile(r"^(?P<stem>.+)\.(?P<lang>es|en)(?:[-_][A-Za-z0-9]{2,8})?(?P<ext>\.[A-Za-z0-9]{1,8})?$",
                     re.IGNORECASE)
#: A pair cannot be called like the corpus-level TMX (its NAME.tmx would be corpus.tmx).
RESERVED_NAMES = ("corpus",)


@dataclass(frozen=True)
class DocumentPair:
    """A Spanish document and its English counterpart, under the name its outputs take."""

    name: str
    es: Path
    en: Path


@dataclass(frozen=True)
class Orphan:
    """A document whose counterpart is missing."""

    name: str
    path: Path
    missing: str  # the side without a document: "es" or "en"

    def describe(self) -> str:
        return f"{self.name}: {self.path} has no {self.missing} counterpart"


@dataclass(frozen=True)
class Rejected:
    """Documents that cannot be aligned as found (two Spanish files for one name, a reserved name):
    reported as a failed pair, with the reason."""

    name: str
    paths: tuple[Path, ...]
    reason: str


@dataclass
class Pairing:
    """What pairing an input found."""

    pairs: list[DocumentPair] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)


def check_name(name: str, where: str) -> str:
    """A pair name usable as a relative output path (``A_58_98`` or ``2003/A_58_98``)."""
    name = name.strip().replace("\\", "/")
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise InputError(f"{where}: {name!r} cannot name a pair's outputs (a relative name without '..' or "
                         "hidden parts, such as A_58_98 or 2003/A_58_98)")
    if len(parts) == 1 and name.lower() in RESERVED_NAMES:
        raise InputError(f"{where}: the pair name {name!r} is taken by the corpus outputs "
                         "(corpus.tmx): give the pair another name")
    if any(ord(c) < 32 for c in name):
        raise InputError(f"{where}: the pair name {name!r} contains control characters")
    return "/".join(parts)


def find_pairs(source: str | os.PathLike, exclude: str | os.PathLike | None = None) -> Pairing:
    """The pairs of a folder, or of a CSV manifest when ``source`` is a file.

    ``exclude`` (the output folder) is skipped when it lies inside ``source``.
    """
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_file():
        return read_manifest(source)
    return pair_folder(source, exclude)


def _side_and_name(relative: PurePosixPath) -> tuple[str, str] | None:
    """("es", "2003/A_58_98") for ``es/2003/A_58_98.pdf`` or ``2003/A_58_98.es.pdf``; None otherwise."""
    first = relative.parts[0].lower()
    if first in SIDES and len(relative.parts) > 1:
        rest = PurePosixPath(*relative.parts[1:])
        match = _MARKED.match(rest.name)
        if match and match.group("lang").lower() == first:  # es/A_58_98.es.txt
            return first, str(rest.parent / match.group("stem"))
        return first, str(rest.with_suffix("")) if rest.suffix else str(rest)
    match = _MARKED.match(relative.name)
    if match:
        return match.group("lang").lower(), str(relative.parent / match.group("stem"))
    return None


def pair_folder(folder: Path, exclude: str | os.PathLike | None = None) -> Pairing:
    """Pair the documents below ``folder`` by name (see the module docstring)."""
    excluded = Path(exclude).resolve() if exclude is not None else None
    sides: dict[str, dict[str, list[Path]]] = {}
    ignored: list[Path] = []
    visited: set[str] = set()
    # Symbolic links to folders are followed (es/ -> /data/un/es is common), each real folder once.
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        here = Path(dirpath)
        visited.add(os.path.realpath(here))
        # Sorted for a stable order; hidden folders and the output folder are not looked at.
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and os.path.realpath(here / d) not in visited
                             and (excluded is None or (here / d).resolve() != excluded))
        for filename in sorted(filenames):
            if filename.startswith("."):
                continue
            path = here / filename
            if not path.is_file():  # a FIFO, socket or broken link: reading it would hang or fail
                ignored.append(path)
                continue
            relative = PurePosixPath(path.relative_to(folder).as_posix())
            found = _side_and_name(relative)
            if found is None:
                ignored.append(path)
                continue
            side, name = found
            sides.setdefault(name, {}).setdefault(side, []).append(path)
    pairing = Pairing(ignored=ignored)
    for name in sorted(sides):
        found = sides[name]
        paths = tuple(path for side in SIDES for path in found.get(side, ()))
        doubled = [side for side in SIDES if len(found.get(side, ())) > 1]
        if doubled:
            side = doubled[0]
            pairing.rejected.append(Rejected(name, paths, (
                f"{len(found[side])} {side} documents for one name ({', '.join(p.name for p in found[side])}): "
                "keep one, or pair the documents in a CSV manifest")))
            continue
        try:
            name = check_name(name, str(paths[0]))
        except InputError as exc:
            pairing.rejected.append(Rejected(name, paths, str(exc)))
            continue
        if "es" in found and "en" in found:
            pairing.pairs.append(DocumentPair(name, found["es"][0], found["en"][0]))
        else:
            (side, (path,)), = found.items()
            pairing.orphans.append(Orphan(name, path, "en" if side == "es" else "es"))
    return pairing


def _default_name(es_path: str) -> str:
    """A pair's name from its Spanish file: ``docs/A_58_98.es.pdf`` -> ``A_58_98``."""
    filename = PurePosixPath(es_path.replace("\\", "/")).name
    match = _MARKED.match(filename)
    if match:
        return match.group("stem")
    return filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename


def read_manifest(manifest: Path) -> Pairing:
    """Pairs from a CSV file of ``es_path,en_path[,name]`` rows, with or without that header.

    Relative paths are relative to the manifest's folder. A row with one path
    empty is an orphan; a path that does not exist makes that pair fail later,
    with its reason, like any other unreadable document.
    """
    from alinea.align.read import read_plain_text

    text = read_plain_text(manifest)
    rows = list(csv.reader(text.splitlines()))
    columns = {"es_path": 0, "en_path": 1, "name": 2}
    start = 0
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "es_path" in header or "en_path" in header:
        missing = [c for c in ("es_path", "en_path") if c not in header]
        if missing:
            raise InputError(f"{manifest}:1: the header has no {' or '.join(missing)} column "
                             "(the columns are es_path,en_path[,name])")
        columns = {c: header.index(c) for c in ("es_path", "en_path", "name") if c in header}
        start = 1
    base = manifest.parent
    pairing = Pairing()
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[start:], start=start + 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2:
            raise InputError(f"{manifest}:{number}: a row is es_path,en_path[,name]; this one has one column")
        es, en = (cells[columns[c]] if columns[c] < len(cells) else "" for c in ("es_path", "en_path"))
        given = cells[columns["name"]] if "name" in columns and columns["name"] < len(cells) else ""
        name = check_name(given or _default_name(es or en), f"{manifest}:{number}")
        if name in seen:
            raise InputError(f"{manifest}:{number}: the pair name {name!r} is already used on line {seen[name]}; "
                             "names must be unique (add a name column)")
        seen[name] = number
        if not es and not en:
            raise InputError(f"{manifest}:{number}: both paths are empty")
        if not es or not en:
            path = base / (es or en)
            pairing.orphans.append(Orphan(name, path, "es" if not es else "en"))
            continue
        pairing.pairs.append(DocumentPair(name, base / es, base / en))
    if not pairing.pairs and not pairing.orphans:
        raise InputError(f"{manifest}: no rows (a manifest lists es_path,en_path[,name])")
    return pairing


def shard_of(name: str, shards: int) -> int:
    """The 1-based slice a pair belongs to: a hash of its name alone.

    Every job of a SLURM array or GNU parallel run computes the same slice for a
    pair whatever else it sees in the folder, so the slices cover each pair once.
    """
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards + 1


def parse_shard(value: str) -> tuple[int, int]:
    """``"2/8"`` -> (2, 8); shards are numbered from 1."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value or "")
    if not match:
        raise InputError(f"--shard {value!r}: write I/N, e.g. --shard 1/4 for the first of four slices")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise InputError(f"--shard {value!r}: I must be between 1 and N (slices are numbered 1/N to N/N)")
    return index, count
