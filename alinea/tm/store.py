"""The translation-memory database: one SQLite file, versioned schema, safe imports.

Layout (schema version :data:`SCHEMA_VERSION`):

- ``units``: one row per distinct (source, target) pair, Spanish source and
  English target (the memory's languages are in ``meta``). Identical units
  from several files or places are one row; conflicting translations of one
  source are rows of their own, side by side.
- ``occurrences``: every place a unit was imported from (provenance): the
  import, document, tuid, alignment score, reviewed flag, bead type, UN
  paragraph number and date. A unit's count is its number of occurrences.
- ``imports``: one row per imported file (path, SHA-256, format, tool, date,
  how many units it brought, merged and skipped).
- ``units_fts``: an FTS5 index over both sides (``unicode61`` with
  ``remove_diacritics 2``: case- and accent-insensitive), with word
  positions, for concordance (phrases, highlighting);
- ``units_words``: the same index of the source side without positions
  (``detail='none'``: only which units have which word), several times
  faster to read, for picking fuzzy-match candidates.

The file is marked as alinea's with ``PRAGMA application_id`` and carries its
schema version in ``PRAGMA user_version``; :data:`MIGRATIONS` upgrades older
files in one transaction (version 1 → 2 rebuilds the two FTS5 indexes, see
:data:`FTS_SCHEMA`). WAL journaling lets lookups run while an import
writes; each imported file is one transaction, so a killed import leaves the
memory with all of that file or none of it.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alinea.align.errors import InputError

#: "alna" as a big-endian 32-bit integer: marks the file as an alinea memory.
APPLICATION_ID = 0x616C6E61
SCHEMA_VERSION = 2
DEFAULT_DB = "alinea-tm.sqlite"
ENV_VAR = "ALINEA_TM"
#: How long a writer waits for another writer (an import) before giving up, in ms.
BUSY_TIMEOUT_MS = 30_000
#: The page size of a new memory, in bytes (SQLite's default: 4096). The FTS5 indexes are
#: mostly large blobs (term lists): on 16 KB pages an import writes them with a quarter of
#: the page splits and overflow chains, about a third less CPU time per unit than on 4 KB pages
#: (`scripts/bench_tm`). An existing memory keeps the page size it was made with.
PAGE_SIZE = 16384
#: FTS5's in-memory buffer of pending index entries, in bytes, per index (its default: 1 MB).
FTS_HASHSIZE = 64 << 20

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    tool TEXT,
    imported_at TEXT NOT NULL,
    units_read INTEGER NOT NULL,
    units_added INTEGER NOT NULL,
    units_merged INTEGER NOT NULL,
    units_skipped INTEGER NOT NULL
);
CREATE INDEX imports_sha256 ON imports(sha256);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_hash INTEGER NOT NULL,
    target_hash INTEGER NOT NULL
);
CREATE UNIQUE INDEX units_pair ON units(source_hash, target_hash);
CREATE TABLE occurrences (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    import_id INTEGER NOT NULL REFERENCES imports(id),
    document TEXT,
    tuid TEXT,
    score REAL,
    reviewed INTEGER NOT NULL DEFAULT 0,
    bead TEXT,
    paragraph TEXT,
    date TEXT
);
CREATE INDEX occurrences_unit ON occurrences(unit_id);
CREATE INDEX occurrences_document ON occurrences(document);
"""
#: The two full-text indexes. No column sizes (``columnsize=0``: nothing ranks
#: by BM25, and an import writes one row less per unit and index); the pending
#: terms of an import are kept in memory up to :data:`FTS_HASHSIZE` bytes
#: before they are written out as a segment, which saves most of the merging
#: that FTS5's default (1 MB) causes in an import of 100,000 units.
FTS_SCHEMA = f"""
CREATE VIRTUAL TABLE units_fts USING fts5(
    source, target, content='units', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', columnsize=0
);
CREATE VIRTUAL TABLE units_words USING fts5(
    source, content='units', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', detail='none', columnsize=0
);
INSERT INTO units_fts(units_fts, rank) VALUES ('hashsize', {FTS_HASHSIZE});
INSERT INTO units_words(units_words, rank) VALUES ('hashsize', {FTS_HASHSIZE});
"""



def _rebuild_fts(conn: sqlite3.Connection) -> None:
    """Version 1 → 2: the full-text indexes without column sizes and with a larger buffer, rebuilt."""
    conn.execute("DROP TABLE units_fts")
    conn.execute("DROP TABLE units_words")
    for statement in _statements(FTS_SCHEMA):
        conn.execute(statement)
    for index in ("units_fts", "units_words"):
        conn.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


#: ``MIGRATIONS[v]`` upgrades a version-``v`` database to version ``v + 1``.
#: Each step runs inside the transaction that also bumps ``user_version``.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _rebuild_fts}


def default_db() -> Path:
    """``$ALINEA_TM`` if set, else ``alinea-tm.sqlite`` in the current folder."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DB)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(path: Path, exc: sqlite3.Error) -> InputError:
    """A one-line message for an SQLite error on ``path``."""
    text = str(exc)
    low = text.lower()
    if "readonly" in low or "read-only" in low:
        return InputError(f"{path}: the translation memory is read-only (the file or its folder cannot be "
                          "written); nothing was imported")
    if "not a database" in low or "malformed" in low or "encrypted" in low:
        return InputError(f"{path}: not an alinea translation memory (not an SQLite database, or damaged)")
    if "locked" in low or "busy" in low:
        return InputError(f"{path}: the translation memory is locked by another writer (an import?); "
                          "try again when it has finished")
    if "unable to open" in low:
        return InputError(f"{path}: cannot open the translation memory ({text}; check that the folder "
                          "exists and is writable)")
    if "disk" in low and "full" in low:
        return InputError(f"{path}: the disk is full; nothing of the current file was imported")
    return InputError(f"{path}: database error: {text}")


class TranslationMemory:
    """An open translation memory. Use as a context manager, or call :meth:`close`.

    ``TranslationMemory(path)`` opens an existing memory for reading and
    writing; ``create=True`` creates it when the file does not exist;
    ``readonly=True`` opens it for lookups only (never writes, even to upgrade).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = False,
                 readonly: bool = False, src_lang: str = "es", tgt_lang: str = "en") -> None:
        self.path = Path(path) if path is not None else default_db()
        self.readonly = readonly
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a folder, not a translation memory file")
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise InputError(f"{self.path}: no such translation memory (create one with "
                             f"`alinea tm import FILE --db {self.path}`)")
        if not exists:
            self._check_foreign_sidecars()
        try:
            self.conn = self._connect(readonly)
        except sqlite3.Error as exc:
            raise _describe(self.path, exc) from None
        try:
            if exists:
                self._check_ours()
                if readonly and self._version() < SCHEMA_VERSION:
                    # An old file is upgraded once, by whoever opens it first.
                    self.conn.close()
                    self.conn = self._connect(False)
                    self._use_wal()
                    self._upgrade()
                    self.conn.close()
                    self.conn = self._connect(True)
                if not readonly:
                    self._use_wal()
                    self._upgrade()
            else:
                # Only an empty file takes a page size, and WAL mode fixes it: set it first.
                self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                self._use_wal()
                self._create(src_lang, tgt_lang)
            self.meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            self.conn.close()
            raise _describe(self.path, exc) from None
        except BaseException:
            self.conn.close()
            raise

    # --- opening ------------------------------------------------------------

    def _check_foreign_sidecars(self) -> None:
        # A journal left next to a missing database belongs to someone else's file.
        for suffix in ("-wal", "-journal"):
            side = Path(f"{self.path}{suffix}")
            if side.exists() and side.stat().st_size > 0:
                raise InputError(f"{side} exists without its database {self.path}: remove it or choose "
                                 "another --db")

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        if readonly and os.access(self.path, os.W_OK) and os.access(self.path.resolve().parent, os.W_OK):
            # Lookups on a memory the user may write: a read-write connection that refuses every
            # write (query_only). Unlike mode=ro it removes the -wal and -shm files when it closes
            # as the last connection, so a search leaves the folder as it found it.
            conn = self._configure(sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False))
            conn.execute("PRAGMA query_only = ON")
            return conn
        if readonly:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            try:
                return self._configure(sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False))
            except sqlite3.OperationalError as exc:
                wal = Path(f"{self.path}-wal")
                if "unable to open" not in str(exc) or (wal.exists() and wal.stat().st_size):
                    raise
                # A WAL database in a read-only folder (no -shm can be made): with no
                # pending WAL content the file alone is the whole memory, read it as is.
                return self._configure(sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None,
                                                       check_same_thread=False))
        try:
            return self._configure(sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False))
        except sqlite3.OperationalError as exc:
            if self.path.exists() and ("unable to open" in str(exc) or "readonly" in str(exc)):
                raise InputError(f"{self.path}: the translation memory is read-only (the file or its folder "
                                 "cannot be written); nothing was imported") from None
            raise

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Reading the header proves the file is SQLite before anything is written.
            conn.execute("PRAGMA schema_version").fetchone()
            conn.execute("PRAGMA cache_size = -65536")  # 64 MB page cache
        except BaseException:
            conn.close()
            raise
        return conn

    def _use_wal(self) -> None:
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise InputError(f"{self.path}: cannot switch the translation memory to WAL mode (journal mode {mode})")
        # NORMAL is durable across a killed process in WAL mode; only a power
        # cut may lose the last commit, and never leaves a damaged file.
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def _version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_ours(self) -> None:
        app = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            tables = self.conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            what = "an empty SQLite database" if not tables else "an SQLite database of another program"
            raise InputError(f"{self.path}: not an alinea translation memory ({what}); choose another --db")
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.path}: made by a newer alinea (schema version {version}; this alinea "
                             f"reads up to {SCHEMA_VERSION}): upgrade alinea to use it")
        if version < 1:
            raise InputError(f"{self.path}: an alinea translation memory without a schema version "
                             "(damaged?); choose another --db")

    def _upgrade(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        with self._write():
            # Re-read inside the write lock: another process may have upgraded it meanwhile.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            while version < SCHEMA_VERSION:
                step = MIGRATIONS.get(version)
                if step is None:
                    raise InputError(f"{self.path}: no upgrade from schema version {version}")
                step(self.conn)
                version += 1
                self.conn.execute(f"PRAGMA user_version = {version}")
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('upgraded', ?)", (_now(),))

    def _create(self, src_lang: str, tgt_lang: str) -> None:
        from alinea._version import __version__

        with self._write():
            for statement in _statements(SCHEMA + FTS_SCHEMA):
                self.conn.execute(statement)
            self.conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
                ("src_lang", src_lang), ("tgt_lang", tgt_lang), ("created", _now()),
                ("created_by", f"alinea {__version__}"),
            ])
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- transactions ---------------------------------------------------------

    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error)."""
        if self.readonly:
            raise InputError(f"{self.path}: opened read-only")
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _describe(self.path, exc) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _describe(self.path, exc) from None
            raise

    @property
    def src_lang(self) -> str:
        return self.meta.get("src_lang", "es")

    @property
    def tgt_lang(self) -> str:
        return self.meta.get("tgt_lang", "en")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- the operations (each lives in its own module) ------------------------

    def import_file(self, path: str | os.PathLike, **options):
        """Import one TMX or TSV/CSV/XLSX table in one transaction; see :func:`alinea.tm.importer.import_file`."""
        from .importer import import_file

        return import_file(self, path, **options)

    def import_files(self, paths, **options):
        """Check every file first, then import each in its own transaction."""
        from .importer import import_files

        return import_files(self, paths, **options)

    def search(self, query: str, **options):
        """Concordance; see :func:`alinea.tm.search.search`."""
        from .search import search

        return search(self, query, **options)

    def lookup(self, sentence: str, **options):
        """Fuzzy matches; see :func:`alinea.tm.search.lookup`."""
        from .search import lookup

        return lookup(self, sentence, **options)

    def analyze(self, document, **options):
        """CAT-style analysis of a document; see :func:`alinea.tm.analysis.analyze`."""
        from .analysis import analyze

        return analyze(self, document, **options)

    def export(self, path: str | os.PathLike, **options):
        """Write the memory (or part of it) as TMX or a table; see :func:`alinea.tm.export.export`."""
        from .export import export

        return export(self, path, **options)

    def stats(self):
        """Figures about the memory; see :func:`alinea.tm.export.stats`."""
        from .export import stats

        return stats(self)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def open_memory(path: str | os.PathLike | None = None, **options) -> TranslationMemory:
    """Open (or with ``create=True`` create) the memory at ``path`` (default: :func:`default_db`)."""
    return TranslationMemory(path, **options)
