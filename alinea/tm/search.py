"""Concordance (FTS5) and fuzzy lookup (FTS5 candidates, rapidfuzz scores).

**Concordance** (:func:`search`): the query occurs in the segment as a
phrase, case- and accent-insensitively (``migracion`` finds *migración*); a
final ``*`` makes its last word a prefix; with ``any_order`` every word must
occur anywhere instead, "quoted words" as phrases. Hits are the shortest segments among the
:data:`CONCORDANCE_POOL` most recently imported matches, with the spans of the
matched words, for highlighting.

**Fuzzy lookup** (:func:`lookup`): a memory of a million units cannot be
scored unit by unit, so the index proposes candidates and only those are
scored:

1. exact matches come from the source hash (an index lookup);
2. the query's words and numbers are counted in the position-less FTS5
   index (``units_words``; :func:`term_counts`); the rarest ones, within
   :data:`MAX_TERMS` terms and :data:`MAX_POSTINGS` index entries, are read
   and the :data:`CANDIDATES` units sharing the most of them (the rarer the
   better) are the candidates, with the units that also have the query's
   numbers (:func:`candidates`); very common words ("de", "the") cost most
   and say least, so they are left out when rarer ones are there;
3. each candidate is scored with :func:`alinea.tm.match.final_score` (word
   edit similarity, rapidfuzz) and those at ``min_score`` or above are
   returned, best first.

A unit can only be missed when it shares none of the chosen terms with the
query, or ranks below :data:`CANDIDATES` others that share more:
``scripts/bench_tm`` measures that recall against a brute-force rapidfuzz scan.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from alinea.align.errors import InputError
from alinea.align.utils import fold

from .match import MAX_PENALTY, Encoder, final_score, number_difference, numbers_of, tokenize, word_keys
from .store import TranslationMemory

#: At most this many query terms go into the candidate query.
MAX_TERMS = 12
#: ... and at most this many index entries (units containing them) in all.
MAX_POSTINGS = 15_000
#: ... and this many for the numbers of the query.
MAX_NUMBER_POSTINGS = 5_000
#: The rarest words kept even beyond the budget (a short query of common words) ...
MIN_WORDS = 3
#: ... unless (but for the rarest) they are in more than this share of the units, or COMMON_MIN units.
COMMON_SHARE = 0.05
COMMON_MIN = 5_000
#: Concordance hits ranked per search (the most recently imported ones).
CONCORDANCE_POOL = 100
#: Postings read per term to count (or estimate) its units.
COUNT_SAMPLE = 500
#: The rarest words that, with one of the query's numbers, pick units with the same figures.
NUMBER_ANCHORS = 3
#: Candidates scored with rapidfuzz per lookup.
CANDIDATES = 120
#: Units tied at the cut-off score whose provenance decides which are shown.
TIE_POOL = 10
_QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')
_TERM = re.compile(r"\w+")


@dataclass
class Provenance:
    """Where a unit came from: its occurrences summed up."""

    count: int = 0
    documents: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    score: float | None = None  # best alignment score (x-score) seen
    reviewed: bool = False
    first_date: str | None = None
    last_date: str | None = None
    imported: str | None = None


@dataclass
class Hit:
    """A concordance hit or a fuzzy match."""

    id: int
    source: str
    target: str
    score: int  # 0-100; 100 for concordance hits and exact matches
    provenance: Provenance
    source_spans: list[tuple[int, int]] = field(default_factory=list)  # matched words (concordance)
    target_spans: list[tuple[int, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        provenance = data.pop("provenance")
        provenance["alignment_score"] = provenance.pop("score")  # "score" is the match percentage
        data.update(provenance)
        data["source_spans"] = [list(span) for span in self.source_spans]
        data["target_spans"] = [list(span) for span in self.target_spans]
        return data


def _column(tm: TranslationMemory, lang: str | None) -> str | None:
    """``source``/``target`` for a language code, None for both."""
    if lang is None:
        return None
    from alinea.tmx.hygiene import base_lang

    base = base_lang(lang)
    if base == base_lang(tm.src_lang):
        return "source"
    if base == base_lang(tm.tgt_lang):
        return "target"
    raise InputError(f"the memory holds {tm.src_lang!r} and {tm.tgt_lang!r}, not {lang!r}")


def fts_query(text: str) -> str:
    """A safe FTS5 query from what a user types: words (AND), "phrases", prefix*."""
    parts = []
    for match in _QUERY_PART.finditer(text):
        phrase, word = match.group(1), match.group(2)
        # Terms as the tokenizer reads them: "rights-based" is the phrase "rights based".
        terms = _TERM.findall(fold(phrase if phrase is not None else word))
        if not terms:
            continue
        prefix = phrase is None and word.endswith("*") and len(terms) == 1
        parts.append('"' + " ".join(terms) + '"' + ("*" if prefix else ""))
    return " AND ".join(parts)


def _phrases(query: str, any_order: bool) -> list[tuple[list[str], bool]]:
    """What the hits contain, as (folded words in order, last word is a prefix) for highlighting."""
    if not any_order:
        return [(_TERM.findall(fold(query)), query.rstrip().endswith("*"))]
    phrases = []
    for match in _QUERY_PART.finditer(query):
        phrase, word = match.group(1), match.group(2)
        terms = _TERM.findall(fold(phrase if phrase is not None else word))
        if terms:
            prefix = phrase is None and word.endswith("*") and len(terms) == 1
            phrases.append((terms, prefix))
    return phrases


def match_spans(text: str, phrases: list[tuple[list[str], bool]]) -> list[tuple[int, int]]:
    """Character spans of ``text`` where one of ``phrases`` occurs (case and accents aside), in order."""
    tokens = [(m.start(), m.end(), fold(m.group())) for m in _TERM.finditer(text)]
    spans = []
    for terms, prefix in phrases:
        n = len(terms)
        for i in range(len(tokens) - n + 1):
            window = tokens[i:i + n]
            if all(t[2] == term for t, term in zip(window[:-1], terms[:-1])) and (
                    window[-1][2].startswith(terms[-1]) if prefix else window[-1][2] == terms[-1]):
                spans.append((window[0][0], window[-1][1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def provenance_of(tm: TranslationMemory, unit_ids: list[int]) -> dict[int, Provenance]:
    """Each unit's occurrences summed up (count, documents, files, best score, reviewed, dates)."""
    found: dict[int, Provenance] = {i: Provenance() for i in unit_ids}
    if not unit_ids:
        return found
    marks = ",".join("?" * len(unit_ids))
    rows = tm.conn.execute(
        f"SELECT o.unit_id, o.document, i.file, o.score, o.reviewed, o.date, i.imported_at "
        f"FROM occurrences o JOIN imports i ON i.id = o.import_id WHERE o.unit_id IN ({marks}) "
        f"ORDER BY o.rowid", unit_ids)
    for unit_id, document, file, score, reviewed, date, imported in rows:
        p = found[unit_id]
        p.count += 1
        if document and document not in p.documents:
            p.documents.append(document)
        if file not in p.files:
            p.files.append(file)
        if score is not None and (p.score is None or score > p.score):
            p.score = score
        p.reviewed = p.reviewed or bool(reviewed)
        if date:
            p.first_date = min(p.first_date or date, date)
            p.last_date = max(p.last_date or date, date)
        p.imported = max(p.imported or imported, imported)
    return found


def search(tm: TranslationMemory, query: str, *, lang: str | None = None, limit: int = 20,
           any_order: bool = False) -> list[Hit]:
    """Concordance: units whose ``lang`` side (either side when None) contains ``query``.

    ``query`` is a phrase (its words together and in that order; a final
    ``*`` makes the last word a prefix); with ``any_order`` every word must
    occur anywhere, "quoted words" as phrases. Case and accents never matter.
    """
    if limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit}")
    if any_order:
        match = fts_query(query)
    else:
        terms = _TERM.findall(fold(query))
        match = ('"' + " ".join(terms) + '"' + ("*" if query.rstrip().endswith("*") else "")) if terms else ""
    if not match:
        raise InputError(f"nothing to search for in {query!r}: give at least one word")
    column = _column(tm, lang)
    expression = f"{{{column}}} : ({match})" if column else match
    # Ranking every hit of a common phrase by BM25 reads every hit's positions
    # (a second or more in a million units): the CONCORDANCE_POOL most recently
    # imported hits are read in index order, and the shortest segments of those
    # (where the phrase is most of what is said) come first.
    length = "length(u.target)" if column == "target" else "length(u.source)"
    rows = tm.conn.execute(
        f"SELECT u.id, u.source, u.target FROM (SELECT rowid AS id FROM units_fts WHERE units_fts MATCH ? "
        f"ORDER BY rowid DESC LIMIT ?) c JOIN units u ON u.id = c.id ORDER BY {length}, u.id DESC LIMIT ?",
        (expression, CONCORDANCE_POOL, limit)).fetchall()
    provenance = provenance_of(tm, [row[0] for row in rows])
    # Highlighted here (FTS5's highlight() would run the query a second time).
    phrases = _phrases(query, any_order)
    return [Hit(unit_id, source, target, 100, provenance[unit_id],
                match_spans(source, phrases) if column != "target" else [],
                match_spans(target, phrases) if column != "source" else [])
            for unit_id, source, target in rows]


def _index(column: str, terms: str) -> tuple[str, str]:
    """The index to read for candidates, and the MATCH expression of ``terms`` on ``column``."""
    if column == "source":
        return "units_words", terms
    return "units_fts", f"{{{column}}} : ({terms})"


def term_counts(tm: TranslationMemory, terms, column: str = "source") -> list[tuple[str, int]]:
    """How many units have each term on the ``column`` side: exact up to :data:`COUNT_SAMPLE`, estimated above.

    FTS5 stores no document frequencies (its vocabulary table decodes the
    whole posting list, as slow for "de" as a scan), so each term's list is read
    only up to its first COUNT_SAMPLE units: fewer means the count is exact,
    otherwise the highest unit id reached tells the term's density.
    """
    last = tm.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
    # Counts change only when units are added: kept per open memory until then
    # (an analysis or a server looks up "de" and "the" once, not per sentence).
    cache = tm.__dict__.setdefault("_term_counts", {})
    if cache.get("__last__") != last:
        cache.clear()
        cache["__last__"] = last
    counts = []
    for term in terms:
        key = (column, term)
        if key not in cache:
            index, expression = _index(column, f'"{term}"')
            n, highest = tm.conn.execute(
                f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {index} WHERE {index} MATCH ? LIMIT ?)",
                (expression, COUNT_SAMPLE)).fetchone()
            cache[key] = n if n < COUNT_SAMPLE else max(n, round(n * last / highest))
        if cache[key]:
            counts.append((term, cache[key]))
    return counts


def candidate_terms(tm: TranslationMemory, tokens, column: str = "source") -> list[tuple[str, int]]:
    """The query's terms with their unit counts, rarest first, within the term and posting budgets.

    Words and numbers have budgets of their own: the numbers tell apart the
    many units that say the same with other figures (paragraph numbers,
    years, amounts), the words find those units. The rarest word is always
    kept, and up to :data:`MIN_WORDS` words beyond the budget unless they are
    in more than :data:`COMMON_SHARE` of the units ("de", "la", "the": reading
    them would cost more than all the rest and tell nothing).
    """
    terms = sorted(set(_TERM.findall(fold(tokens.text))))
    last = tm.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
    common = max(COMMON_MIN, COMMON_SHARE * last)
    chosen = []
    for numeric in (False, True):
        budget = MAX_NUMBER_POSTINGS if numeric else MAX_POSTINGS
        postings = kept = 0
        counted = term_counts(tm, [t for t in terms if t.isdigit() == numeric], column)
        for term, doc in sorted(counted, key=lambda item: (item[1], item[0])):
            if kept >= MAX_TERMS:
                break
            if postings + doc > budget and (numeric or kept >= MIN_WORDS or (kept and doc > common)):
                break
            chosen.append((term, doc))
            postings += doc
            kept += 1
    return chosen


def candidates(tm: TranslationMemory, tokens, column: str = "source", limit: int = CANDIDATES) -> list[int]:
    """Ids of the units sharing the most (and rarest) terms with ``tokens``, best first.

    Each chosen term's units come from the FTS5 index (rowids only: no
    ranking, no positions). A unit scores 1 for every term it shares, plus up
    to 1 more for the term's rarity (its inverse document frequency over the
    largest): sharing more words comes first, as the edit similarity wants,
    and among equals the rarer words. Then, when the query has numbers, the
    units that have one of its rarest words *and* one of its numbers come
    first: they tell apart the many units that say the same with other
    figures, whatever the numbers' own frequency.
    """
    terms = candidate_terms(tm, tokens, column)
    if not terms:
        return []
    total = max(1, tm.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0])
    idf = {term: math.log(1 + total / doc) for term, doc in terms}
    top = max(idf.values())
    # Summed with numpy: a GROUP BY over tens of thousands of postings costs
    # SQLite a temporary B-tree; a sort of one array is several times cheaper.
    from itertools import chain

    import numpy as np

    ids, weights = [], []
    for term, _ in terms:
        index, expression = _index(column, f'"{term}"')
        rows = tm.conn.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", (expression,)).fetchall()
        found = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows))
        ids.append(found)
        weights.append(np.full(len(found), 1.0 + idf[term] / top))
    units, inverse = np.unique(np.concatenate(ids), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(weights))
    if len(units) > limit:
        best = np.argpartition(-sums, limit - 1)[:limit]
        units, sums = units[best], sums[best]
    # Best first: highest sum, then the most recent unit (highest id).
    ranked = units[np.lexsort((-units, -sums))].tolist()
    numbers = sorted({t for t in _TERM.findall(fold(tokens.text)) if t.isdigit()})
    words = [term for term, _ in terms if not term.isdigit()][:NUMBER_ANCHORS]
    if not numbers or not words:
        return ranked
    index, expression = _index(column, "(" + " OR ".join(f'"{w}"' for w in words) + ") AND ("
                               + " OR ".join(f'"{n}"' for n in numbers) + ")")
    with_numbers = [row[0] for row in tm.conn.execute(
        f"SELECT rowid FROM {index} WHERE {index} MATCH ? ORDER BY rowid DESC LIMIT ?", (expression, limit))]
    # Both lists, interleaved: the best by shared words and the best with the same numbers.
    merged = [unit for pair in zip(ranked, with_numbers) for unit in pair]
    merged += ranked[len(with_numbers):] + with_numbers[len(ranked):]
    seen: set[int] = set()
    return [u for u in merged if not (u in seen or seen.add(u))][:limit]


def lookup(tm: TranslationMemory, sentence: str, *, min_score: int = 70, limit: int = 5,
           lang: str | None = None) -> list[Hit]:
    """Fuzzy matches for ``sentence`` (a ``lang`` segment, the memory's source language by default)."""
    from rapidfuzz.distance import Levenshtein

    if not 0 <= min_score <= 100:
        raise InputError(f"--min must be between 0 and 100, not {min_score}")
    if limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit}")
    column = _column(tm, lang) or "source"
    other = "target" if column == "source" else "source"
    query = tokenize(sentence)
    if not query.text:
        raise InputError("nothing to look up: the sentence is empty")
    scored: dict[int, tuple[int, str, str]] = {}
    if column == "source":
        from .importer import _hash

        for unit_id, source, target in tm.conn.execute(
                "SELECT id, source, target FROM units WHERE source_hash = ?", (_hash(query.text),)):
            if source == query.text:
                scored[unit_id] = (100, source, target)
    ids = [i for i in candidates(tm, query, column) if i not in scored]
    if ids:
        rows = tm.conn.execute(f"SELECT id, {column}, {other} FROM units WHERE id IN ({','.join('?' * len(ids))})",
                               ids).fetchall()
        encoder = Encoder()
        query_codes = encoder.encode(query.keys)
        similarities = [(100.0 * Levenshtein.normalized_similarity(query_codes, encoder.encode(word_keys(text))),
                         unit_id, text, translation) for unit_id, text, translation in rows]
        # Highest possible score first: the word similarity less what differing
        # numbers will cost for sure (a cheap regex; punctuation and case can only
        # cost more), so the exact scoring can stop early among many near-twins.
        bounds = []
        for similarity, unit_id, text, translation in similarities:
            if similarity < min_score:
                continue
            if text == query.text:
                bound = 100
            else:
                missing = number_difference(query.numbers, tuple(numbers_of(text)))
                bound = math.floor(similarity + 1e-9) - min(MAX_PENALTY, missing)
            bounds.append((bound, similarity, unit_id, text, translation))
        bounds.sort(key=lambda item: (-item[0], -item[1]))
        kept: list[int] = sorted((s for s, _, _ in scored.values()), reverse=True)
        for bound, similarity, unit_id, text, translation in bounds:
            # Penalties only lower a score: once the best a unit can reach is no
            # more than the last unit that would be shown (ties kept), stop.
            if len(kept) >= max(limit, TIE_POOL) and bound <= kept[limit - 1]:
                break
            score = final_score(query, tokenize(text), similarity)
            if score >= min_score:
                scored[unit_id] = (score, text, translation)
                kept.append(score)
                kept.sort(reverse=True)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], -item[0]))
    if len(ranked) > limit:
        # Units tied with the last one kept compete on provenance below.
        floor = ranked[limit - 1][1][0]
        ranked = [item for item in ranked if item[1][0] >= floor][:max(limit, TIE_POOL)]
    provenance = provenance_of(tm, [unit_id for unit_id, _ in ranked])
    hits = []
    for unit_id, (score, text, translation) in ranked:
        source, target = (text, translation) if column == "source" else (translation, text)
        hits.append(Hit(unit_id, source, target, score, provenance[unit_id]))
    # Among equal scores: reviewed units first, then the most used, then the most recent.
    hits.sort(key=lambda h: (-h.score, not h.provenance.reviewed, -h.provenance.count, -h.id))
    return hits[:limit]
