"""The review file: an SQLite database next to the input that holds a review in progress.

Every edit is one transaction (WAL journal, full sync): the beads it replaced,
the sentence texts it changed and its entry in the undo history are written
before the server answers, so killing the server at any moment loses nothing
that the page showed as done. Opening the same input again continues where the
review stopped, undo history included.

Tables: ``meta`` (input file, its SHA-256, languages, bitext metadata),
``sentences`` (per side: current and original text, paragraph, UN number,
kind, "" when the input did not say), ``beads`` (position, sentence indices,
confidence or NULL when none was computed, confirmed, edited, kept
properties) and ``history`` (one row per edit, as a JSON change; undone rows
are kept for redo until a new edit drops them).

Schema 1 (alinea 0.2.0) had a confidence on every bead; a file of that schema
is migrated in place when it is opened.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alinea.align.errors import InputError
from alinea.align.model import Sentence

from .edits import Change, ReviewBead, TextChange

SCHEMA_VERSION = "2"
SUFFIX = ".review.sqlite"

_BEADS = """
CREATE TABLE beads (
    pos INTEGER NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL, score REAL,
    confirmed INTEGER NOT NULL, edited INTEGER NOT NULL, props TEXT NOT NULL);
CREATE INDEX beads_pos ON beads (pos);
"""
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sentences (
    side TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL, original TEXT NOT NULL,
    paragraph INTEGER NOT NULL, number TEXT, kind TEXT NOT NULL, PRIMARY KEY (side, idx));
CREATE TABLE history (seq INTEGER PRIMARY KEY, change TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
""" + _BEADS


def review_path_for(input_path: str | os.PathLike) -> Path:
    """``tm.tmx`` -> ``tm.tmx.review.sqlite`` (beside the input)."""
    path = Path(input_path)
    return path.with_name(path.name + SUFFIX)


@dataclass
class Loaded:
    meta: dict[str, str]
    src: list[Sentence]
    tgt: list[Sentence]
    src_original: list[str]
    tgt_original: list[str]
    beads: list[ReviewBead]
    history: list[Change]
    undone: int  # how many of the last history entries are undone (redo-able)


def _connect(path: Path) -> sqlite3.Connection:
    # check_same_thread=False: the web server calls from its worker threads; the session serializes calls.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _fill(conn: sqlite3.Connection, meta: dict[str, str], src: list[Sentence], tgt: list[Sentence],
          beads: list[ReviewBead]) -> None:
    """Create the tables of a new review in ``conn`` and write its start, in one transaction."""
    conn.executescript(_SCHEMA)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION)] + sorted(meta.items()))
    for side, sentences in (("src", src), ("tgt", tgt)):
        conn.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(side, n, s.text, s.text, s.paragraph, s.number, s.kind)
                          for n, s in enumerate(sentences)])
    conn.executemany("INSERT INTO beads VALUES (?, ?, ?, ?, ?, ?, ?)", [_bead_row(n, b) for n, b in enumerate(beads)])
    conn.execute("COMMIT")


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    # Schema 2 lets a bead have no confidence (NULL): SQLite changes a column's
    # constraint only by copying the table.
    conn.execute("ALTER TABLE beads RENAME TO beads_v1")
    conn.execute("DROP INDEX IF EXISTS beads_pos")
    for statement in filter(str.strip, _BEADS.split(";")):
        conn.execute(statement)
    conn.execute("INSERT INTO beads SELECT * FROM beads_v1")
    conn.execute("DROP TABLE beads_v1")


#: schema -> the step to the next schema
_MIGRATIONS = {"1": _v1_to_v2}


def _migrate(conn: sqlite3.Connection, schema: str) -> None:
    """Bring a review file of an older schema up to :data:`SCHEMA_VERSION`, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        while schema != SCHEMA_VERSION:
            _MIGRATIONS[schema](conn)
            schema = str(int(schema) + 1)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _bead_row(pos: int, bead: ReviewBead) -> tuple:
    return (pos, json.dumps(bead.src), json.dumps(bead.tgt), bead.score, int(bead.confirmed), int(bead.edited),
            json.dumps(bead.props, ensure_ascii=False))


class ReviewStore:
    """One open review file."""

    def __init__(self, path: Path | None, conn: sqlite3.Connection) -> None:
        self.path = path  # None: kept in memory only
        self.conn = conn
        self._lock_fd: int | None = None

    def lock(self) -> None:
        """Hold the review for this process: a second editor of the same review is refused.

        (An advisory ``flock`` on the file; SQLite's own locks are ``fcntl`` locks and do not see it.)
        """
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no guard
            return
        if self.path is None:  # in memory: nobody else can open it
            return
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise InputError(f"{self.path} is open in another `alinea review`: use its page, "
                             "or stop it (Ctrl+C) first") from None
        self._lock_fd = fd

    # ------------------------------------------------------------------ creating and opening

    @classmethod
    def create(cls, path: str | os.PathLike, meta: dict[str, str], src: list[Sentence], tgt: list[Sentence],
               beads: list[ReviewBead]) -> ReviewStore:
        """Write a new review file (all or nothing: a half-created file is removed)."""
        path = Path(path)
        if path.exists():
            raise InputError(f"{path}: a review file already exists")
        tmp = path.with_name(f".{path.name}.creating")
        try:
            tmp.unlink(missing_ok=True)
            conn = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                _fill(conn, meta, src, tgt, beads)
            finally:
                conn.close()
            os.replace(tmp, path)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{path}: cannot write the review file ({exc}); "
                             "choose a writable place with --review-file") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return cls(path, _connect(path))

    @classmethod
    def in_memory(cls, meta: dict[str, str], src: list[Sentence], tgt: list[Sentence],
                  beads: list[ReviewBead]) -> ReviewStore:
        """A review kept in memory only (``path`` None): nothing is written to disk."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _fill(conn, meta, src, tgt, beads)
        return cls(None, conn)

    @classmethod
    def open(cls, path: str | os.PathLike) -> ReviewStore:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such review file")
        try:
            conn = _connect(path)
            schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if schema is not None and schema[0] in _MIGRATIONS:
                _migrate(conn, schema[0])
                schema = (SCHEMA_VERSION,)
        except sqlite3.Error as exc:
            raise InputError(f"{path}: not an alinea review file, or not a writable one ({exc})") from None
        if schema is None or schema[0] != SCHEMA_VERSION:
            conn.close()
            raise InputError(f"{path}: review file of another alinea version (schema {schema and schema[0]})")
        return cls(path, conn)

    def load(self) -> Loaded:
        conn = self.conn
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        sides: dict[str, list[Sentence]] = {"src": [], "tgt": []}
        originals: dict[str, list[str]] = {"src": [], "tgt": []}
        for side, idx, text, original, paragraph, number, kind in conn.execute(
                "SELECT side, idx, text, original, paragraph, number, kind FROM sentences ORDER BY side, idx"):
            sides[side].append(Sentence(text, idx, paragraph=paragraph, number=number, kind=kind))
            originals[side].append(original)
        beads = [ReviewBead(tuple(json.loads(s)), tuple(json.loads(t)), score, bool(c), bool(e),
                            tuple((k, v) for k, v in json.loads(p)))
                 for s, t, score, c, e, p in conn.execute(
                     "SELECT src, tgt, score, confirmed, edited, props FROM beads ORDER BY pos")]
        history, undone = [], 0
        for change, is_undone in conn.execute("SELECT change, undone FROM history ORDER BY seq"):
            history.append(Change.from_json(json.loads(change)))
            undone += bool(is_undone)
        return Loaded(meta, sides["src"], sides["tgt"], originals["src"], originals["tgt"], beads, history, undone)

    def close(self) -> None:
        self.conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # ------------------------------------------------------------------ writing

    def record(self, change: Change, kind: str) -> None:
        """Store ``change`` applied as ``kind``: "edit" (new history entry), "undo" or "redo"."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._write_change(change)
            if kind == "edit":
                conn.execute("DELETE FROM history WHERE undone = 1")
                conn.execute("INSERT INTO history (change) VALUES (?)",
                             (json.dumps(change.to_json(), ensure_ascii=False),))
            elif kind == "undo":
                conn.execute("UPDATE history SET undone = 1 WHERE seq = "
                             "(SELECT MAX(seq) FROM history WHERE undone = 0)")
            elif kind == "redo":
                conn.execute("UPDATE history SET undone = 0 WHERE seq = "
                             "(SELECT MIN(seq) FROM history WHERE undone = 1)")
            else:
                raise ValueError(kind)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _write_change(self, change: Change) -> None:
        conn = self.conn
        start, old_end = change.start, change.start + len(change.old)
        conn.execute("DELETE FROM beads WHERE pos >= ? AND pos < ?", (start, old_end))
        shift = len(change.new) - len(change.old)
        if shift:
            conn.execute("UPDATE beads SET pos = pos + ? WHERE pos >= ?", (shift, old_end))
        conn.executemany("INSERT INTO beads VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [_bead_row(start + n, b) for n, b in enumerate(change.new)])
        conn.executemany("UPDATE sentences SET text = ? WHERE side = ? AND idx = ?",
                         [(t.new, t.side, t.index) for t in change.texts])


__all__ = ["Loaded", "ReviewStore", "TextChange", "review_path_for"]
