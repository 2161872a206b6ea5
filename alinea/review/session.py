"""A review in progress: the input, its review file, the edits, the page's views and the exports.

``ReviewSession.open("tm.tmx")`` reads a TMX or an alinea TSV/CSV/XLSX table the
first time and creates ``tm.tmx.review.sqlite`` beside it; afterwards it
continues from that file (the input must not have changed meanwhile). Every
edit goes through :meth:`ReviewSession.edit`, :meth:`undo`, :meth:`redo` or
:meth:`realign`, which apply one :class:`~alinea.review.edits.Change` in
memory and in the review file before returning. The session is shared by the
web server's threads: one lock serializes everything.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext, Sentence
from alinea.align.utils import check_lang, file_sha256

from . import edits
from .edits import Change, EditError, ReviewBead, TextChange
from .store import ReviewStore, review_path_for
from .view import FILTERS, NEEDS_CHECKS, ORDERS, CheckCache, Risk, bead_risk, fold, select

#: Properties alinea computes itself on export; the others of an input unit are kept.
COMPUTED_PROPS = frozenset({"x-document", "x-paragraph", "x-bead", "x-score", "x-kind", "x-reviewed"})
#: The longest sentence text an edit may set (characters).
MAX_TEXT = 20_000
#: The page's edit operations (plus undo, redo and realign, which take no arguments).
EDIT_OPS = ("merge_next", "merge_prev", "split", "move_up", "move_down", "unalign", "edit_text", "confirm")
PAGE_SIZE = 100
MAX_PAGE = 1000
LOW_CONFIDENCE = 0.5
EXPORT_FORMATS = {"tmx": "application/x-tmx+xml", "tsv": "text/tab-separated-values; charset=utf-8",
                  "csv": "text/csv; charset=utf-8",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def read_input(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> tuple[Bitext, list[ReviewBead]]:
    """A TMX or bead table as a Bitext, and its beads for review (scores, kept properties, earlier review marks)."""
    from alinea.tmx.reader import TABLE_SUFFIXES, iter_units, parse_tmx, units_bitext

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    meta = {"source_file": str(path)}
    if suffix in (".tmx", ".xml"):
        units = list(iter_units(parse_tmx(path)))
        bitext = units_bitext(units, src_lang, tgt_lang, meta)
    elif suffix in TABLE_SUFFIXES:
        from alinea.tmx.tabular import frame_units, read_table

        units = frame_units(read_table(path), src_lang, tgt_lang, path)
        bitext = units_bitext(units, src_lang, tgt_lang, meta, origin="table")
    else:
        raise InputError(f"{path}: unsupported format {suffix!r}: review a TMX or an alinea table (.tsv, .csv, .xlsx)")
    tuids = bitext.meta.get("tuids", "")
    tuids = tuids.split(",") if isinstance(tuids, str) else list(tuids)
    remaining = iter(units)
    beads = []
    for bead, tuid in zip(bitext.beads, tuids):
        unit = next((u for u in remaining if u.tuid == tuid), None)
        props = unit.props if unit is not None else {}
        reviewed = props.get("x-reviewed", "")
        beads.append(ReviewBead(bead.src, bead.tgt, bead.score, reviewed == "yes", reviewed == "edited",
                                tuple((k, v) for k, v in props.items() if k not in COMPUTED_PROPS and k)))
    return bitext, beads


def _remove_review_file(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


class ReviewSession:
    """One review: sentences, beads, history, and the file that keeps them."""

    def __init__(self, store: ReviewStore, input_path: Path) -> None:
        loaded = store.load()
        self.store = store
        self.input_path = input_path
        self.meta = loaded.meta
        self.src_lang = loaded.meta["src_lang"]
        self.tgt_lang = loaded.meta["tgt_lang"]
        self.bitext_meta: dict = json.loads(loaded.meta.get("bitext_meta", "{}"))
        self.sentences = {"src": loaded.src, "tgt": loaded.tgt}
        self.original = {"src": loaded.src_original, "tgt": loaded.tgt_original}
        self.beads = loaded.beads
        self.history = loaded.history
        self.undone = loaded.undone
        self.revision = 0
        self.lock = threading.RLock()
        self.checks = CheckCache()
        self.threshold = LOW_CONFIDENCE
        self._folded: dict[str, list[str]] | None = None  # search texts, made at the first search

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, input_path: str | os.PathLike, *, review_file: str | os.PathLike | None = None,
             src_lang: str = "es", tgt_lang: str = "en", restart: bool = False,
             editing: bool = True, create: bool = True) -> "ReviewSession":
        """Continue the review of ``input_path``, or start one (reading the input) when there is none.

        ``editing``: refuse an input that changed since the review started, and hold the
        review file against a second editor (an export needs neither);
        ``create``: start a review when there is none (else InputError).
        """
        input_path = Path(input_path)
        review_path = Path(review_file) if review_file else review_path_for(input_path)
        if not input_path.is_file():
            raise InputError(f"{input_path}: no such file")
        if review_path.resolve() == input_path.resolve():
            raise InputError(f"{review_path}: the review file cannot be the input itself")
        if review_path.exists() and not restart:
            store = ReviewStore.open(review_path)
            meta = dict(store.conn.execute("SELECT key, value FROM meta"))
            problem = None
            if editing and meta.get("input_sha256") != file_sha256(input_path):
                problem = (f"{input_path} has changed since its review was started ({review_path}): export the "
                           f"review first (alinea review {input_path} --export OUT.tmx) or start over with --restart")
            elif (check_lang(meta["src_lang"]), check_lang(meta["tgt_lang"])) != (check_lang(src_lang),
                                                                                   check_lang(tgt_lang)):
                problem = (f"{review_path} reviews {meta['src_lang']}-{meta['tgt_lang']}, "
                           f"not {src_lang}-{tgt_lang}")
            try:
                if problem:
                    raise InputError(problem)
                if editing:  # one editor at a time
                    store.lock()
            except BaseException:
                store.close()
                raise
            return cls(store, input_path)
        if not create:
            raise InputError(f"{input_path} has no review yet ({review_path}): start one with "
                             f"`alinea review {input_path}`")
        bitext, beads = read_input(input_path, src_lang, tgt_lang)
        if restart:  # only once the input has been read: a bad input keeps the old review
            _remove_review_file(review_path)
        return cls.start(bitext, input_path, beads=beads, review_file=review_path)

    @classmethod
    def start(cls, bitext: Bitext, input_path: str | os.PathLike, *, beads: list[ReviewBead] | None = None,
              review_file: str | os.PathLike | None = None) -> "ReviewSession":
        """A new review of ``bitext``, which was read from (or written as) ``input_path``."""
        from importlib.metadata import version

        input_path = Path(input_path)
        review_path = Path(review_file) if review_file else review_path_for(input_path)
        if beads is None:
            beads = [ReviewBead(b.src, b.tgt, b.score) for b in bitext.beads]
        bitext_meta = {k: v for k, v in bitext.meta.items() if k in ("symbol", "title", "creationtool")}
        meta = {
            "input": str(input_path.resolve()),
            "input_sha256": file_sha256(input_path),
            "src_lang": bitext.src_lang, "tgt_lang": bitext.tgt_lang,
            "bitext_meta": json.dumps(bitext_meta, ensure_ascii=False),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "alinea_version": version("alinea"),
        }
        src = [replace(s, index=n) for n, s in enumerate(bitext.src)]
        tgt = [replace(s, index=n) for n, s in enumerate(bitext.tgt)]
        store = ReviewStore.create(review_path, meta, src, tgt, beads)
        store.lock()
        return cls(store, input_path)

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------------ editing

    def _lengths(self) -> dict[str, list[int]]:
        return {side: [len(s.text) for s in self.sentences[side]] for side in ("src", "tgt")}

    def _commit(self, change: Change, kind: str) -> Change:
        self.store.record(change, kind)  # on disk first: a failed write changes nothing in memory
        edits.apply(self.beads, change)
        for text in change.texts:
            sentences = self.sentences[text.side]
            sentences[text.index] = replace(sentences[text.index], text=text.new)
            if self._folded is not None:
                self._folded[text.side][text.index] = fold(text.new)
        self.revision += 1
        return change

    def _check_revision(self, revision: int | None) -> None:
        if revision is not None and revision != self.revision:
            raise EditError("the alignment changed in another window: reload the page")

    def edit(self, op: str, args: dict[str, Any], revision: int | None = None) -> Change:
        """Make one edit by name (the page's operations); returns the change made."""
        with self.lock:
            self._check_revision(revision)
            change = self._make(op, args)
            self._commit(change, "edit")
            self.history[len(self.history) - self.undone:] = [change]
            self.undone = 0
            return change

    def _make(self, op: str, args: dict[str, Any]) -> Change:
        if op not in EDIT_OPS:
            raise EditError(f"unknown edit {op!r}: use one of {', '.join(EDIT_OPS)}")
        pos = _int(args, "bead") - 1
        if op in ("merge_next", "merge_prev"):
            return edits.merge(self.beads, pos, with_next=op == "merge_next")
        if op == "confirm":
            value = args.get("value")
            if value is None:
                value = not edits._bead(self.beads, pos).confirmed
            return edits.confirm(self.beads, pos, bool(value))
        side = args.get("side")
        if side not in ("src", "tgt"):
            raise EditError("say which side: 'src' or 'tgt'")
        sentence = _int(args, "sentence") - 1
        if op == "split":
            return edits.split_after(self.beads, pos, side, sentence, self._lengths())
        if op in ("move_up", "move_down"):
            return edits.move(self.beads, pos, side, sentence, -1 if op == "move_up" else 1)
        if op == "unalign":
            return edits.unalign(self.beads, pos, side, sentence, self._lengths())
        if op == "edit_text":
            text = args.get("text")
            if not isinstance(text, str):
                raise EditError("the new text is missing")
            if len(text) > MAX_TEXT:
                raise EditError(f"a sentence may have at most {MAX_TEXT} characters")
            if not 0 <= sentence < len(self.sentences[side]):
                raise EditError(f"there is no {side} sentence {sentence + 1}")
            return edits.edit_text(self.beads, pos, side, sentence, self.sentences[side][sentence].text, text)
        raise EditError(f"unknown edit {op!r}")

    def undo(self, revision: int | None = None) -> Change:
        with self.lock:
            self._check_revision(revision)
            done = len(self.history) - self.undone
            if done == 0:
                raise EditError("nothing to undo")
            change = self._commit(self.history[done - 1].inverse(), "undo")
            self.undone += 1
            return change

    def redo(self, revision: int | None = None) -> Change:
        with self.lock:
            self._check_revision(revision)
            if self.undone == 0:
                raise EditError("nothing to redo")
            change = self._commit(self.history[len(self.history) - self.undone], "redo")
            self.undone -= 1
            return change

    def realign(self, revision: int | None = None) -> Change:
        """Re-align everything but the confirmed beads, which stay as fixed points."""
        from alinea.align.constrained import align_with_fixed

        with self.lock:
            self._check_revision(revision)
            fixed = [Bead(b.src, b.tgt, b.score) for b in self.beads if b.confirmed]
            aligned = align_with_fixed(self.sentences["src"], self.sentences["tgt"], fixed,
                                       src_lang=check_lang(self.src_lang), tgt_lang=check_lang(self.tgt_lang))
            old = {(b.src, b.tgt): b for b in self.beads}
            owner = {}
            for b in self.beads:
                for i in b.src:
                    owner["src", i] = b
                for j in b.tgt:
                    owner["tgt", j] = b
            new = []
            for bead in aligned:
                kept = old.get((bead.src, bead.tgt))
                if kept is not None:
                    new.append(kept)
                    continue
                sources = [owner["src", i] for i in bead.src] + [owner["tgt", j] for j in bead.tgt]
                new.append(ReviewBead(bead.src, bead.tgt, bead.score, props=edits._merged_props(*sources)))
            start = 0
            while start < min(len(new), len(self.beads)) and new[start] == self.beads[start]:
                start += 1
            end_old, end_new = len(self.beads), len(new)
            while end_old > start and end_new > start and new[end_new - 1] == self.beads[end_old - 1]:
                end_old, end_new = end_old - 1, end_new - 1
            if start == end_old and start == end_new:
                raise EditError("re-aligning the unconfirmed beads changed nothing")
            change = Change(f"re-align the rest ({end_old - start} beads replaced by {end_new - start})", start,
                            tuple(self.beads[start:end_old]), tuple(new[start:end_new]))
            self._commit(change, "edit")
            self.history[len(self.history) - self.undone:] = [change]
            self.undone = 0
            return change

    # ------------------------------------------------------------------ views

    def bead_texts(self, bead: ReviewBead) -> tuple[str, str]:
        return (" ".join(self.sentences["src"][i].text for i in bead.src),
                " ".join(self.sentences["tgt"][j].text for j in bead.tgt))

    def risk(self, pos: int) -> Risk:
        bead = self.beads[pos]
        return bead_risk(bead, self.threshold, self.checks.findings(*self.bead_texts(bead)))

    def _search_text(self, pos: int) -> str:
        if self._folded is None:
            self._folded = {side: [fold(s.text) for s in self.sentences[side]] for side in ("src", "tgt")}
        bead = self.beads[pos]
        return (" ".join(self._folded["src"][i] for i in bead.src) + "\x00" +
                " ".join(self._folded["tgt"][j] for j in bead.tgt))

    def view(self, offset: int = 0, limit: int = PAGE_SIZE, filter_name: str = "all", query: str = "",
             order: str = "document") -> dict:
        """One page of beads as the page shows them, with the counts and the undo state."""
        if filter_name not in FILTERS:
            raise EditError(f"unknown filter {filter_name!r}: use one of {', '.join(FILTERS)}")
        if order not in ORDERS:
            raise EditError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")
        if not 1 <= limit <= MAX_PAGE:
            raise EditError(f"a page holds 1 to {MAX_PAGE} beads")
        with self.lock:
            positions = select(self.beads, self.risk, self._search_text, filter_name=filter_name,
                               query=query[:1000], order=order)
            offset = max(0, min(offset, (max(len(positions) - 1, 0) // limit) * limit))
            page = positions[offset:offset + limit]
            return {
                "revision": self.revision, "total": len(positions), "offset": offset, "limit": limit,
                "beads": [self._bead_json(n) for n in page], "summary": self.summary(),
                "undo": self.history[len(self.history) - self.undone - 1].label
                if len(self.history) > self.undone else None,
                "redo": self.history[len(self.history) - self.undone].label if self.undone else None,
            }

    def _bead_json(self, pos: int) -> dict:
        bead = self.beads[pos]
        risk = self.risk(pos)

        def side(name: str, ids) -> list[dict]:
            return [{"id": i + 1, "text": self.sentences[name][i].text,
                     "edited": self.sentences[name][i].text != self.original[name][i]} for i in ids]

        return {"bead": pos + 1, "kind": bead.kind, "score": round(bead.score, 4), "confirmed": bead.confirmed,
                "edited": bead.edited, "reasons": list(risk.reasons), "problems": list(risk.problems),
                "rank": risk.rank, "src": side("src", bead.src), "tgt": side("tgt", bead.tgt)}

    def summary(self) -> dict:
        shapes: dict[tuple[int, int], int] = {}
        for bead in self.beads:
            shape = (len(bead.src), len(bead.tgt))
            shapes[shape] = shapes.get(shape, 0) + 1
        kinds = {f"{a}-{b}": n for (a, b), n in shapes.items()}
        title = self.bitext_meta.get("symbol") or self.input_path.name
        return {"title": title, "input": str(self.input_path), "review_file": str(self.store.path),
                "src_lang": self.src_lang, "tgt_lang": self.tgt_lang, "beads": len(self.beads),
                "kinds": dict(sorted(kinds.items())), "confirmed": sum(b.confirmed for b in self.beads),
                "edited": sum(b.edited for b in self.beads),
                "sentences": {side: len(self.sentences[side]) for side in ("src", "tgt")}}

    # ------------------------------------------------------------------ export

    def reviewed_mark(self, bead: ReviewBead) -> str:
        """``x-reviewed``: yes (confirmed), edited (changed by the reviewer, not confirmed) or no."""
        if bead.confirmed:
            return "yes"
        changed = any(self.sentences[side][i].text != self.original[side][i]
                      for side in ("src", "tgt") for i in bead.side(side))
        return "edited" if bead.edited or changed else "no"

    def to_bitext(self) -> Bitext:
        with self.lock:
            beads = [Bead(b.src, b.tgt, b.score) for b in self.beads]
            return Bitext(list(self.sentences["src"]), list(self.sentences["tgt"]), beads,
                          self.src_lang, self.tgt_lang, dict(self.bitext_meta))

    def export(self, path: str | os.PathLike, keep_unaligned: bool = False) -> int:
        """Write the reviewed alignment as TMX (by suffix; else TSV/CSV/XLSX); returns units or rows written."""
        path = Path(path)
        if path.exists() and path.resolve() in (self.input_path.resolve(), self.store.path.resolve()):
            raise InputError(f"{path}: the export would overwrite the review's input; choose another file")
        suffix = path.suffix.lower()
        with self.lock:
            bitext = self.to_bitext()
            beads = list(self.beads)
            marks = [self.reviewed_mark(b) for b in beads]
        if suffix in (".tmx", ".xml"):
            from alinea.tmx.writer import write_tmx

            def unit_props(number: int, _bead: Bead):
                return [*beads[number - 1].props, ("x-reviewed", marks[number - 1])]

            return write_tmx(bitext, path, self.src_lang, self.tgt_lang, keep_unaligned=keep_unaligned,
                             unit_props=unit_props)
        if suffix in (".tsv", ".tab", ".txt", ".csv", ".xlsx"):
            from alinea.tmx.tabular import bitext_frame, write_table

            frame = bitext_frame(bitext)
            frame["reviewed"] = marks
            write_table(frame, path)
            return len(frame)
        raise InputError(f"{path}: unsupported export format {suffix!r} (use .tmx, .tsv, .csv or .xlsx)")

    def export_bytes(self, fmt: str, keep_unaligned: bool = False) -> tuple[bytes, str]:
        """The export as a download: (content, file name)."""
        if fmt not in EXPORT_FORMATS:
            raise EditError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
        name = f"{self.input_path.stem}.reviewed.{fmt}"
        with tempfile.TemporaryDirectory(prefix="alinea-review-") as folder:
            out = Path(folder) / name
            self.export(out, keep_unaligned)
            return out.read_bytes(), name


def _int(args: dict, key: str) -> int:
    value = args.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EditError(f"'{key}' must be a number")
    return value


__all__ = ["ReviewSession", "read_input", "TextChange"]
