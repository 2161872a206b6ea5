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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alinea.align.errors import InputError
from alinea.align.model import BODY, UNIT_KINDS, Bead, Bitext, Sentence
from alinea.align.utils import check_lang, file_sha256

from . import edits
from .edits import Change, EditError, ReviewBead, TextChange
from .store import ReviewStore, review_path_for
from .view import FILTERS, ORDERS, CheckCache, Risk, bead_risk, fold, select

#: Properties alinea computes itself on export; the others of an input unit are kept.
COMPUTED_PROPS = frozenset({"x-document", "x-paragraph", "x-bead", "x-score", "x-kind", "x-reviewed"})
#: A sentence's kind when its input unit did not say (no x-kind): not exported as one.
UNKNOWN_KIND = ""
#: What the review keeps of the input's metadata (the bitext's ``meta``).
KEPT_META = ("symbol", "title", "creationtool", "units", "skipped_units", "left_out_src", "left_out_tgt",
             "skipped_src", "skipped_tgt")
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
    """A TMX or bead table as a Bitext, and its beads for review (scores, kept properties, earlier review marks).

    Every unit with text in both languages is a bead, and so is every unit with
    text in only one of them (a 1-0 or 0-1 bead); units in another language pair
    (fr-en in an es-en memory) or without text are skipped and counted in
    ``meta["skipped_units"]`` (their es/en sentences in ``meta["skipped_src"]``/
    ``["skipped_tgt"]``). A bead's score is the unit's x-score, None without one;
    a sentence's kind is the unit's x-kind, :data:`UNKNOWN_KIND` without one. The
    bitext's languages are the variants the input uses (es-ES, en-US …).
    """
    from alinea.tmx.reader import (
        TABLE_SUFFIXES,
        header_props,
        iter_units,
        kept_unit,
        left_out_counts,
        parse_tmx,
        sentence_counts,
        units_bitext,
    )

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    meta = {"source_file": str(path)}
    if suffix in (".tmx", ".xml"):
        tree = parse_tmx(path)
        units = list(iter_units(tree))
        left_out = left_out_counts(header_props(tree), src_lang, tgt_lang)
        if left_out is not None:  # sentences the input's writer left out (unaligned, no --keep-unaligned)
            meta["left_out_src"] = str(left_out[check_lang(src_lang)])
            meta["left_out_tgt"] = str(left_out[check_lang(tgt_lang)])
        origin = "TMX"
    elif suffix in TABLE_SUFFIXES:
        from alinea.tmx.tabular import frame_units, read_table

        units = frame_units(read_table(path), src_lang, tgt_lang, path)
        origin = "table"
    else:
        raise InputError(f"{path}: unsupported format {suffix!r}: review a TMX or an alinea table (.tsv, .csv, .xlsx)")
    bitext = units_bitext(units, src_lang, tgt_lang, meta, origin=origin, one_sided=True)
    keep = [kept_unit(unit, src_lang, tgt_lang, one_sided=True) for unit in units]
    kept = [unit for unit, k in zip(units, keep) if k]
    counts = [sentence_counts(u, bool(u.text(src_lang)), bool(u.text(tgt_lang))) for u, k in zip(units, keep) if not k]
    bitext.meta["skipped_src"] = str(sum(n for n, _ in counts))
    bitext.meta["skipped_tgt"] = str(sum(n for _, n in counts))
    beads = []
    for bead, unit in zip(bitext.beads, kept, strict=True):  # one bead per kept unit, in order
        props = unit.props
        reviewed = props.get("x-reviewed", "")
        beads.append(ReviewBead(bead.src, bead.tgt, unit.score, reviewed == "yes", reviewed == "edited",
                                tuple((k, v) for k, v in props.items() if k not in COMPUTED_PROPS and k)))
        if props.get("x-kind") not in UNIT_KINDS:
            for side, ids in ((bitext.src, bead.src), (bitext.tgt, bead.tgt)):
                for i in ids:
                    side[i] = replace(side[i], kind=UNKNOWN_KIND)
    bitext.src_lang = _variant(kept, src_lang)
    bitext.tgt_lang = _variant(kept, tgt_lang)
    return bitext, beads


def _variant(units, lang: str) -> str:
    """The language code the units use most for ``lang`` (es-ES in a Trados memory), else ``lang``."""
    from collections import Counter

    from alinea.tmx.hygiene import tmx_lang
    from alinea.tmx.reader import match_lang

    used = Counter(code for code in (match_lang([c for c, t in u.variants.items() if t], lang) for u in units)
                   if code)
    if not used:
        return lang
    try:
        return tmx_lang(used.most_common(1)[0][0])
    except InputError:  # a code TMX cannot carry: the one asked for
        return lang


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
             editing: bool = True, create: bool = True) -> ReviewSession:
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
    def read(cls, input_path: str | os.PathLike, *, src_lang: str = "es", tgt_lang: str = "en") -> ReviewSession:
        """The input as a review nobody has started, kept in memory only: nothing is written
        (what ``alinea review INPUT --export OUT`` exports when INPUT has no review yet)."""
        bitext, beads = read_input(input_path, src_lang, tgt_lang)
        return cls.start(bitext, input_path, beads=beads, save=False)

    @classmethod
    def start(cls, bitext: Bitext, input_path: str | os.PathLike, *, beads: list[ReviewBead] | None = None,
              review_file: str | os.PathLike | None = None, save: bool = True) -> ReviewSession:
        """A new review of ``bitext``, which was read from (or written as) ``input_path``.

        ``save``: keep it in the review file (else in memory only, gone when closed).
        """
        from alinea._version import __version__

        input_path = Path(input_path)
        review_path = Path(review_file) if review_file else review_path_for(input_path)
        if beads is None:
            beads = [ReviewBead(b.src, b.tgt, b.score) for b in bitext.beads]
        bitext_meta = {k: v for k, v in bitext.meta.items() if k in KEPT_META}
        meta = {
            "input": str(input_path.resolve()),
            "input_sha256": file_sha256(input_path),
            "src_lang": bitext.src_lang, "tgt_lang": bitext.tgt_lang,
            "bitext_meta": json.dumps(bitext_meta, ensure_ascii=False),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "alinea_version": __version__,
        }
        src = [replace(s, index=n) for n, s in enumerate(bitext.src)]
        tgt = [replace(s, index=n) for n, s in enumerate(bitext.tgt)]
        if not save:
            return cls(ReviewStore.in_memory(meta, src, tgt, beads), input_path)
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

    def _aligner_sentences(self, side: str) -> list[Sentence]:
        """The sentences as the aligner reads them: a kind the input did not give is running text."""
        return [s if s.kind != UNKNOWN_KIND else replace(s, kind=BODY) for s in self.sentences[side]]

    def realign(self, revision: int | None = None) -> Change:
        """Re-align everything but the confirmed beads, which stay as fixed points.

        When that changes nothing (or every bead is confirmed) the answer is a change
        that does nothing (:attr:`Change.is_noop`, its label says why), and nothing
        goes into the history.
        """
        from alinea.align.constrained import align_with_fixed

        with self.lock:
            self._check_revision(revision)
            if all(b.confirmed for b in self.beads):
                return Change("nothing to re-align: every bead is confirmed", 0, (), ())
            fixed = [Bead(b.src, b.tgt) for b in self.beads if b.confirmed]  # positions are all that count
            aligned = align_with_fixed(self._aligner_sentences("src"), self._aligner_sentences("tgt"), fixed,
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
            if start == end_old and start == end_new:  # a no-op, not an error: nothing recorded
                return Change("nothing to re-align: the aligner keeps the unconfirmed beads as they are", start, (), ())
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

        score = None if bead.score is None else round(bead.score, 4)
        return {"bead": pos + 1, "kind": bead.kind, "score": score, "confirmed": bead.confirmed,
                "edited": bead.edited, "reasons": list(risk.reasons), "problems": list(risk.problems),
                "rank": risk.rank, "src": side("src", bead.src), "tgt": side("tgt", bead.tgt)}

    def bead(self, number: int) -> dict:
        """Bead ``number`` (1-based) as the page shows it: kind, score (None: no score), marks, and its
        sentences on each side as ``{"id": n, "text": …}`` (ids 1-based, as the edits take them)."""
        with self.lock:
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(self.beads):
                raise EditError(f"there is no bead {number} (the alignment has {len(self.beads)})")
            return self._bead_json(number - 1)

    def summary(self) -> dict:
        shapes: dict[tuple[int, int], int] = {}
        for bead in self.beads:
            shape = (len(bead.src), len(bead.tgt))
            shapes[shape] = shapes.get(shape, 0) + 1
        kinds = {f"{a}-{b}": n for (a, b), n in shapes.items()}
        title = self.bitext_meta.get("symbol") or self.input_path.name
        return {"title": title, "input": str(self.input_path),
                "review_file": None if self.store.path is None else str(self.store.path),
                "src_lang": self.src_lang, "tgt_lang": self.tgt_lang, "beads": len(self.beads),
                "kinds": dict(sorted(kinds.items())), "confirmed": sum(b.confirmed for b in self.beads),
                "edited": sum(b.edited for b in self.beads),
                "unscored": sum(b.score is None for b in self.beads),
                "sentences": {side: len(self.sentences[side]) for side in ("src", "tgt")},
                "units": self._meta_int("units"), "skipped_units": self._meta_int("skipped_units") or 0,
                "not_in_review": self.not_in_review(), "notes": self.input_notes()}

    def input_notes(self) -> list[str]:
        """What of the input file is not in this review, in words (the command line and the page say it)."""
        notes = []
        skipped = self._meta_int("skipped_units")
        if skipped:
            notes.append(f"{skipped} of {self._meta_int('units')} input units skipped: they have no "
                         f"{self.src_lang} or {self.tgt_lang} text, or are in another language pair")
        left_out = {side: self._meta_int(f"left_out_{side}") or 0 for side in ("src", "tgt")}
        if left_out["src"] or left_out["tgt"]:
            notes.append(f"{left_out['src']} {self.src_lang} and {left_out['tgt']} {self.tgt_lang} sentences were "
                         f"left out of {self.input_path.name} when it was written (unaligned, no --keep-unaligned)")
        return notes

    def _meta_int(self, key: str) -> int | None:
        value = str(self.bitext_meta.get(key, ""))
        return int(value) if value.isdigit() else None

    def not_in_review(self) -> dict[str, int]:
        """Sentences of each side in the input file but not in this review: those its writer left out
        (x-unaligned-*) and those of the units skipped for being in another language pair."""
        return {side: (self._meta_int(f"left_out_{side}") or 0) + (self._meta_int(f"skipped_{side}") or 0)
                for side in ("src", "tgt")}

    # ------------------------------------------------------------------ export

    def reviewed_mark(self, bead: ReviewBead) -> str:
        """``x-reviewed``: yes (confirmed), edited (changed by the reviewer, not confirmed) or no."""
        if bead.confirmed:
            return "yes"
        changed = any(self.sentences[side][i].text != self.original[side][i]
                      for side in ("src", "tgt") for i in bead.side(side))
        return "edited" if bead.edited or changed else "no"

    def unit_kind(self, bead: ReviewBead) -> str:
        """x-kind of a bead: its sentences' common kind (body when they differ), "" when the input
        did not give the kind of one of them (nothing is exported then)."""
        kinds = {self.sentences[side][i].kind for side in ("src", "tgt") for i in bead.side(side)}
        if UNKNOWN_KIND in kinds:
            return ""
        return kinds.pop() if len(kinds) == 1 else BODY

    def to_bitext(self) -> Bitext:
        """The alignment as it stands, as a Bitext (a bead without a score has score None;
        a sentence kind the input did not give reads as body)."""
        with self.lock:
            beads = [Bead(b.src, b.tgt, b.score) for b in self.beads]
            return Bitext(self._aligner_sentences("src"), self._aligner_sentences("tgt"), beads,
                          self.src_lang, self.tgt_lang, dict(self.bitext_meta))

    def export(self, path: str | os.PathLike, keep_unaligned: bool = False) -> int:
        """Write the reviewed alignment as TMX (by suffix; else TSV/CSV/XLSX); returns units or rows written.

        The TMX header's ``x-unaligned-*`` counts every sentence of the input not written:
        unaligned beads left out, plus :meth:`not_in_review`.
        """
        path = Path(path)
        own = [self.input_path] + ([self.store.path] if self.store.path is not None else [])
        if path.exists() and path.resolve() in [p.resolve() for p in own]:
            raise InputError(f"{path}: the export would overwrite the review's input; choose another file")
        suffix = path.suffix.lower()
        with self.lock:
            bitext = self.to_bitext()
            beads = list(self.beads)
            marks = [self.reviewed_mark(b) for b in beads]
            kinds = [self.unit_kind(b) for b in beads]
            missing = self.not_in_review()
        if suffix in (".tmx", ".xml"):
            from alinea.tmx.writer import write_tmx

            def unit_props(number: int, _bead: Bead):
                return [("x-kind", kinds[number - 1]), *beads[number - 1].props, ("x-reviewed", marks[number - 1])]

            return write_tmx(bitext, path, self.src_lang, self.tgt_lang, keep_unaligned=keep_unaligned,
                             unit_props=unit_props,
                             also_left_out={self.src_lang: missing["src"], self.tgt_lang: missing["tgt"]})
        if suffix in (".tsv", ".tab", ".txt", ".csv", ".xlsx"):
            from alinea.tmx.tabular import bitext_frame, write_table

            frame = bitext_frame(bitext)
            frame["kind"] = kinds
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
