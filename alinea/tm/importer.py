"""Import TMX files and alinea's TSV/CSV/XLSX tables into a translation memory.

Every file is read and checked before anything is written: a TMX must be one
that ``alinea tmx validate`` accepts (same validator, same located message),
a table must have the columns ``alinea tmx convert`` reads. Then each file is
written in one transaction: units new to the memory are added, units already
there (same source, same target) are merged and counted, and every occurrence
keeps its provenance (file, document, tuid, score, reviewed flag, bead type,
paragraph, date).
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from alinea.align.errors import InputError
from alinea.align.read import require_file
from alinea.align.utils import file_sha256

from .match import normalize_space
from .store import TranslationMemory, _now

TMX_SUFFIXES = (".tmx", ".xml")
TABLE_SUFFIXES = (".tsv", ".tab", ".csv", ".xlsx")
_TRUE = {"1", "yes", "y", "true", "t", "reviewed", "x", "sí", "si", "ok"}
_FALSE = {"", "0", "no", "n", "false", "f", "none", "-"}


class IncomingUnit(NamedTuple):
    """One translation unit read from a file, with its provenance."""

    source: str
    target: str
    document: str | None = None
    tuid: str | None = None
    score: float | None = None
    reviewed: bool = False
    bead: str | None = None
    paragraph: str | None = None
    date: str | None = None


@dataclass
class ReadFile:
    """A file read and checked, ready to be written in one transaction."""

    path: Path
    format: str
    sha256: str
    tool: str | None
    units: list[IncomingUnit]
    units_read: int
    skipped: Counter = field(default_factory=Counter)

    def __getstate__(self) -> dict:
        # Sent back from a reading process: plain tuples pickle several times faster.
        state = dict(self.__dict__)
        state["units"] = [tuple(unit) for unit in self.units]
        return state

    def __setstate__(self, state: dict) -> None:
        state["units"] = list(map(IncomingUnit._make, state["units"]))
        self.__dict__.update(state)


@dataclass
class ImportResult:
    """What one file brought to the memory."""

    file: str
    format: str
    units_read: int
    added: int = 0
    merged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    import_id: int | None = None
    already_imported: str | None = None  # the date of the earlier import, when the file was skipped

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def _nfc(text: str) -> str:
    # The reader has already normalized whitespace; CAT tools compare NFC text.
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _flag(value: str | None, where: str) -> bool:
    text = str(value or "").strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{where}: reviewed flag {value!r} is neither yes nor no (use yes/no, true/false or 1/0)")


def _score(value: str | None) -> float | None:
    import math

    try:
        score = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return score if math.isfinite(score) else None


def _tmx_date(value: str | None) -> str | None:
    """``20030701T120000Z`` as ``2003-07-01T12:00:00Z``; anything else as given (or None)."""
    import re

    value = (value or "").strip()
    match = re.match(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$", value)
    if match:
        y, mo, d, h, mi, s = match.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s}Z"
    return value or None


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TMX_SUFFIXES:
        return "tmx"
    if suffix in TABLE_SUFFIXES:
        return suffix.lstrip(".")
    raise InputError(f"{path}: unsupported format {suffix or '(no suffix)'!r}: import .tmx files or alinea's "
                     ".tsv, .csv or .xlsx tables")


def read_file(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
              document: str | None = None, reviewed: bool = False) -> ReadFile:
    """Read and check one file; InputError (nothing written anywhere) when it is not importable.

    ``document`` names the document of units that do not say (``x-document``);
    ``reviewed`` marks every unit of the file as reviewed.
    """
    path = Path(path)
    require_file(path, "a TMX file or table", fifo=False)
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    kind = file_format(path)
    if kind == "tmx":
        read = _read_tmx(path, src_lang, tgt_lang, document, reviewed)
    else:
        read = _read_table(path, kind, src_lang, tgt_lang, document, reviewed)
    if not read.units:
        reasons = ", ".join(f"{n} {why}" for why, n in read.skipped.most_common()) or "the file has no units"
        raise InputError(f"{path}: no {src_lang}-{tgt_lang} translation unit to import ({reasons})")
    return read


def _read_tmx(path: Path, src_lang: str, tgt_lang: str, document: str | None, reviewed: bool) -> ReadFile:
    from alinea.tmx.reader import header_of, iter_units, match_lang, parse_tmx
    from alinea.tmx.validate import may_have_errors, validate_tmx

    tree = parse_tmx(path)  # malformed XML, entities, not TMX: the located message validate gives
    # The full structural check walks every element in Python; the screen
    # (DTD in C) lets through only files it would find no error in.
    if may_have_errors(path, tree):
        validation = validate_tmx(path)
        if not validation.ok:
            errors = validation.errors
            more = f" (and {len(errors) - 1} more error(s): `alinea tmx validate {path}` lists them)" \
                if len(errors) > 1 else ""
            raise InputError(f"{errors[0].located(path)}{more}; nothing imported")
    header = header_of(tree)
    header_date = _tmx_date(header.get("changedate") or header.get("creationdate"))
    units: list[IncomingUnit] = []
    skipped: Counter = Counter()
    read = 0
    # Which variant is the source and which the target, once per set of language codes
    # (a file has one or two such sets; matching codes is the slow part of a unit).
    keys: dict[tuple[str, ...], tuple[str | None, str | None]] = {}
    for unit in iter_units(tree):
        read += 1
        variants = unit.variants
        codes = tuple(variants)
        if codes not in keys:
            keys[codes] = (match_lang(codes, src_lang), match_lang(codes, tgt_lang))
        src_key, tgt_key = keys[codes]
        source = variants[src_key] if src_key else None
        target = variants[tgt_key] if tgt_key else None
        if not source or not target:
            if unit.notes and any(note.startswith("unaligned") for note in unit.notes):
                skipped["unaligned"] += 1
            else:
                skipped[f"without {src_lang if not source else tgt_lang}"] += 1
            continue
        element, props = unit.element, unit.props
        date = element.get("changedate") or element.get("creationdate")
        flag = props.get("x-reviewed")
        units.append(IncomingUnit(
            _nfc(source), _nfc(target), props.get("x-document") or document, unit.tuid,
            _score(props["x-score"]) if "x-score" in props else None,
            reviewed or (flag is not None and _flag(flag, f"{path}:{unit.line}")),
            unit.bead_kind or None, props.get("x-paragraph") or None,
            _tmx_date(date) if date else header_date))
    return ReadFile(path, "tmx", file_sha256(path), header.get("creationtool") or None, units, read, skipped)


def _read_table(path: Path, kind: str, src_lang: str, tgt_lang: str, document: str | None,
                reviewed: bool) -> ReadFile:
    from alinea.tmx.tabular import frame_units, read_table

    frame = read_table(path)
    table_units = frame_units(frame, src_lang, tgt_lang, path)
    flags = frame["reviewed"].tolist() if "reviewed" in frame.columns else [""] * len(frame)
    units: list[IncomingUnit] = []
    skipped: Counter = Counter()
    for unit, flag in zip(table_units, flags):
        source, target = unit.text(src_lang), unit.text(tgt_lang)
        if not source or not target:
            skipped["unaligned" if (source or target) else "empty row"] += 1
            continue
        units.append(IncomingUnit(
            normalize_space(source), normalize_space(target),
            document=unit.props.get("x-document") or document, tuid=unit.tuid,
            score=_score(unit.props.get("x-score")),
            reviewed=reviewed or _flag(flag, f"{path}:{unit.line}"),
            bead=unit.bead_kind or None, paragraph=unit.props.get("x-paragraph") or None))
    return ReadFile(path, kind, file_sha256(path), None, units, len(table_units), skipped)


_INCOMING = """CREATE TEMP TABLE IF NOT EXISTS incoming (
    pos INTEGER PRIMARY KEY, sh INTEGER, th INTEGER, source TEXT, target TEXT,
    document TEXT, tuid TEXT, score REAL, reviewed INTEGER, bead TEXT, paragraph TEXT, date TEXT)"""


def write_units(tm: TranslationMemory, read: ReadFile, force: bool = False) -> ImportResult:
    """Write one read file in one transaction (all of it or, on any failure, none)."""
    result = ImportResult(str(read.path), read.format, read.units_read, skipped=sum(read.skipped.values()),
                          skipped_reasons=dict(read.skipped))
    rows = [(n, _hash(u.source), _hash(u.target), u.source, u.target, u.document, u.tuid,
             u.score, int(u.reviewed), u.bead, u.paragraph, u.date) for n, u in enumerate(read.units)]
    with tm.transaction() as conn:
        if not force:
            earlier = conn.execute("SELECT imported_at FROM imports WHERE sha256 = ? ORDER BY id LIMIT 1",
                                   (read.sha256,)).fetchone()
            if earlier:
                result.already_imported = earlier[0]
                return result
        cursor = conn.execute(
            "INSERT INTO imports(file, sha256, format, tool, imported_at, units_read, units_added, units_merged, "
            "units_skipped) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)",
            (str(read.path.resolve()), read.sha256, read.format, read.tool, _now(), read.units_read, result.skipped))
        result.import_id = cursor.lastrowid
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(_INCOMING)
        conn.execute("DELETE FROM incoming")
        conn.executemany("INSERT INTO incoming VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        before = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        # The first occurrence of a new pair gives the unit its id (file order);
        # a pair already in the memory, or met earlier in the file, is ignored here
        # and counted through its occurrence below. Two pairs are the same when
        # both 64-bit hashes agree (a chance collision is ~2^-128).
        conn.execute("INSERT OR IGNORE INTO units(source, target, source_hash, target_hash) "
                     "SELECT source, target, sh, th FROM incoming ORDER BY pos")
        result.added = conn.execute("SELECT count(*) FROM units WHERE id > ?", (before,)).fetchone()[0]
        result.merged = len(rows) - result.added
        conn.execute("INSERT INTO units_words(rowid, source) SELECT id, source FROM units WHERE id > ?", (before,))
        conn.execute("INSERT INTO units_fts(rowid, source, target) SELECT id, source, target FROM units "
                     "WHERE id > ?", (before,))
        conn.execute("INSERT INTO occurrences(unit_id, import_id, document, tuid, score, reviewed, bead, paragraph, "
                     "date) SELECT u.id, ?, i.document, i.tuid, i.score, i.reviewed, i.bead, i.paragraph, i.date "
                     "FROM incoming i JOIN units u ON u.source_hash = i.sh AND u.target_hash = i.th ORDER BY i.pos",
                     (result.import_id,))
        conn.execute("UPDATE imports SET units_added = ?, units_merged = ? WHERE id = ?",
                     (result.added, result.merged, result.import_id))
        conn.execute("DELETE FROM incoming")
    return result


def import_file(tm: TranslationMemory, path: str | os.PathLike, *, document: str | None = None,
                reviewed: bool = False, force: bool = False) -> ImportResult:
    """Import one file in one transaction; a file imported before (same SHA-256) is skipped unless ``force``."""
    return write_units(tm, read_file(path, tm.src_lang, tm.tgt_lang, document, reviewed), force)


def read_files(paths: Iterable[str | os.PathLike], src_lang: str = "es", tgt_lang: str = "en", *,
               document: str | None = None, reviewed: bool = False,
               memory: str | os.PathLike | None = None, workers: int | None = None) -> list[ReadFile]:
    """Read and check every file before anything is written (a file given twice, or the memory itself, is refused).

    Several files are read by ``workers`` processes at once (default: one per
    CPU): parsing and checking a TMX is most of an import's work, and each
    file is independent. The first bad file, in the order given, is the error.
    """
    seen: set[Path] = set()
    paths = [Path(p) for p in paths]
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise InputError(f"{path}: given twice")
        seen.add(key)
        if memory is not None and key == Path(memory).resolve():
            raise InputError(f"{path}: is the translation memory itself")
        require_file(path, "a TMX file or table", fifo=False)
    workers = min(len(paths), workers or os.cpu_count() or 1)
    options = (src_lang, tgt_lang, document, reviewed)
    if workers < 2:
        return [read_file(p, *options) for p in paths]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "spawn": a forked child would inherit the caller's open SQLite connection.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(read_file, p, *options) for p in paths]
        return [future.result() for future in futures]


def import_files(tm: TranslationMemory, paths: Iterable[str | os.PathLike], *, document: str | None = None,
                 reviewed: bool = False, force: bool = False,
                 progress: Callable[[ImportResult], None] | None = None) -> list[ImportResult]:
    """Read and check every file (bad input: nothing imported), then import each in its own transaction."""
    read = read_files(paths, tm.src_lang, tm.tgt_lang, document=document, reviewed=reviewed, memory=tm.path)
    results = []
    for item in read:
        result = write_units(tm, item, force)
        results.append(result)
        if progress:
            progress(result)
    return results
