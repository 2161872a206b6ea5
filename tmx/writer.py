"""Write a bitext, or translation units, as TMX 1.4b with translate-toolkit's TMX storage.

One ``<tu>`` per aligned bead, in document order, with a ``tuid`` (the bead's
1-based position among all beads, so ids stay stable whether or not unaligned
beads are written) and the properties ``x-document``, ``x-paragraph``,
``x-bead``, ``x-score`` and ``x-kind`` (body, heading, contents, footnote,
header: what the checks need to know about the text). The header records
how many sentences of each language were left out (``x-unaligned-es``,
``x-unaligned-en``: sentences of unaligned beads, not written without
``keep_unaligned``), so that a report of the file can say so. The DTD wants
``(note|prop)*`` before ``tuv+``; translate-toolkit puts notes first and we
insert props right before the first ``<tuv>``.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lxml import etree
from translate.storage import tmx as tt_tmx

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext
from alinea.align.utils import atomic_write

from .hygiene import base_lang, clean_attribute, clean_segment, tmx_lang
from .props import left_out_prop

if TYPE_CHECKING:  # the reader (and the table module it imports) is not needed to write a TMX
    from .reader import TranslationUnit

__all__ = ["build_tmx", "build_units_tmx", "clean_segment", "header_attributes", "null_note", "write_tmx",
           "write_translation_units", "write_units"]

#: Property types alinea writes on every <tu>, in this order.
PROPS = ("x-document", "x-paragraph", "x-bead", "x-score", "x-kind")


def header_attributes(src_lang: str, segtype: str = "sentence", datatype: str = "plaintext") -> dict[str, str]:
    """The <header> attributes alinea writes (all those the DTD requires, plus creationdate)."""
    from alinea._version import __version__

    return {
        "creationtool": "alinea",
        "creationtoolversion": __version__,
        "segtype": segtype,
        "o-tmf": "alinea",
        "adminlang": "en",
        "srclang": src_lang,
        "datatype": datatype,
        "creationdate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    }


def _checked_langs(bitext: Bitext, src_lang: str, tgt_lang: str) -> tuple[str, str]:
    src_lang, tgt_lang = tmx_lang(src_lang), tmx_lang(tgt_lang)
    for given, own, side in ((src_lang, bitext.src_lang, "source"), (tgt_lang, bitext.tgt_lang, "target")):
        if own and base_lang(own) != base_lang(given):
            raise InputError(f"the {side} side of the bitext is {own!r}, not {given!r}: check the language options")
    return src_lang, tgt_lang


def _distinct_langs(src_lang: str, tgt_lang: str) -> tuple[str, str]:
    src_lang, tgt_lang = tmx_lang(src_lang), tmx_lang(tgt_lang)
    if base_lang(src_lang) == base_lang(tgt_lang):
        raise InputError(f"source and target language are both {base_lang(src_lang)!r}")
    return src_lang, tgt_lang


def null_note(has_source: bool, src_lang: str, tgt_lang: str) -> str:
    """The note of a one-sided unit (the text of which readers recognise as "unaligned")."""
    if has_source:
        return f"unaligned: no {tgt_lang} counterpart was found for this {src_lang} text"
    return f"unaligned: no {src_lang} counterpart was found for this {tgt_lang} text"


def _new_store(src_lang: str, tgt_lang: str, left_out: Mapping[str, int] | None) -> tt_tmx.tmxfile:
    store = tt_tmx.tmxfile(sourcelanguage=src_lang, targetlanguage=tgt_lang)
    header = store.document.getroot().find(store.namespaced("header"))
    for name, value in header_attributes(src_lang).items():
        header.set(name, value)
    if left_out is not None:
        for lang in (src_lang, tgt_lang):
            prop = etree.SubElement(header, store.namespaced("prop"), type=left_out_prop(lang))
            prop.text = str(left_out.get(base_lang(lang), 0))
    return store


def _add_unit(store: tt_tmx.tmxfile, tuid: str, src: str, tgt: str, src_lang: str, tgt_lang: str,
              props: Iterable[tuple[str, str]], notes: Iterable[str]) -> None:
    """One <tu>: both variants, or only the side that has text."""
    # The <tuv>s are made by translate-toolkit's unit and appended in order: its
    # addsourceunit/settarget look the language nodes up again at every step
    # (a third of the time of a whole TMX), for the same elements.
    unit = store.UnitClass(None)
    if src and tgt:
        unit.xmlelement.append(unit.createlanguageNode(src_lang, src, "source"))
        unit.xmlelement.append(unit.createlanguageNode(tgt_lang, tgt, "target"))
    else:
        # A one-sided unit: only the side that has text gets a <tuv>
        # (an empty <seg> would be imported as an empty translation).
        unit.xmlelement.append(unit.createlanguageNode(src_lang if src else tgt_lang, src or tgt, "source"))
        if not src:
            # srclang=<target language> on the <tu>: TMX wants every unit to
            # have a variant in its source language, and this one has only the target.
            unit.xmlelement.set("srclang", tgt_lang)
    store.addunit(unit)
    for note in notes:
        if clean_attribute(note):
            unit.addnote(clean_attribute(note))
    unit.xmlelement.set("tuid", clean_attribute(tuid))
    first_tuv = unit.xmlelement.find(store.namespaced("tuv"))
    for ptype, value in props:
        value = clean_attribute(value)
        if value:
            prop = etree.Element(store.namespaced("prop"), type=clean_attribute(ptype))
            prop.text = value
            first_tuv.addprevious(prop)


def _score(value: str) -> str:
    """x-score as alinea writes it (4 decimals), so a round trip through a table keeps it."""
    try:
        score = float(value)
    except ValueError:
        return value
    return f"{score:.4f}" if math.isfinite(score) else value


UnitProps = Callable[[int, Bead], Iterable[tuple[str, str]]]


def _written_kind(bitext: Bitext, bead: Bead, src: str, tgt: str) -> str:
    """The x-bead of a unit as written: its sentences that still have text after cleaning, and never
    more than its words (the rules of :mod:`alinea.tmx.props`, which every reader applies).

    The bead's own type unless cleaning emptied a sentence (hostile text: only control
    characters, or markup that cleaning removes): the unit then joins fewer sentences.
    """
    counts = []
    for text, ids, side in ((src, bead.src, bitext.src), (tgt, bead.tgt, bitext.tgt)):
        # One sentence: ``text`` is that sentence cleaned, no need to clean it again.
        kept = int(bool(text)) if len(ids) == 1 else sum(1 for i in ids if clean_segment(side[i].text))
        counts.append(min(kept, len(text.split())) if text else 0)
    return f"{counts[0]}-{counts[1]}"


def build_tmx(bitext: Bitext, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False, unit_props: UnitProps | None = None,
              also_left_out: Mapping[str, int] | None = None) -> tt_tmx.tmxfile:
    """The TMX store for ``bitext`` (not yet written).

    ``unit_props(n, bead)`` gives more ``(type, value)`` properties for the unit of
    bead number ``n`` (1-based), written after alinea's own; one of alinea's own
    types (``x-kind`` …) replaces alinea's value, and an empty value leaves it out.
    A bead whose score is None (no confidence was computed) gets no ``x-score``.
    ``also_left_out``: sentences per base language missing from the bitext itself
    (left out of its own input), added to the header's ``x-unaligned-*`` counts.
    """
    src_lang, tgt_lang = _distinct_langs(*_checked_langs(bitext, src_lang, tgt_lang))
    document = bitext.meta.get("symbol", "")
    units: list[tuple[str, str, str, list[tuple[str, str]], list[str]]] = []
    left_out = {base_lang(src_lang): 0, base_lang(tgt_lang): 0}
    for lang, count in (also_left_out or {}).items():
        left_out[base_lang(lang)] = left_out.get(base_lang(lang), 0) + count
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        src, tgt = clean_segment(src), clean_segment(tgt)
        if not (src and tgt) and not (keep_unaligned and (src or tgt)):
            # Not written: count the sentences with text, for the header and the reports.
            left_out[base_lang(src_lang)] += sum(1 for i in bead.src if clean_segment(bitext.src[i].text))
            left_out[base_lang(tgt_lang)] += sum(1 for i in bead.tgt if clean_segment(bitext.tgt[i].text))
            continue
        props = [("x-document", document), ("x-paragraph", bitext.paragraph_number(bead) or ""),
                 ("x-bead", _written_kind(bitext, bead, src, tgt)),
                 ("x-score", "" if bead.score is None else f"{bead.score:.4f}"), ("x-kind", bitext.unit_kind(bead))]
        if unit_props:
            extra = list(unit_props(n, bead))
            replaced = {ptype: value for ptype, value in extra if ptype in PROPS}
            props = [(ptype, replaced.get(ptype, value)) for ptype, value in props]
            props += [(ptype, value) for ptype, value in extra if ptype not in PROPS]
        notes = [] if src and tgt else [null_note(bool(src), src_lang, tgt_lang)]
        units.append((str(n), src, tgt, props, notes))
    store = _new_store(src_lang, tgt_lang, left_out)
    for tuid, src, tgt, props, notes in units:
        _add_unit(store, tuid, src, tgt, src_lang, tgt_lang, props, notes)
    return store


def write_tmx(bitext: Bitext, path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False, unit_props: UnitProps | None = None,
              also_left_out: Mapping[str, int] | None = None) -> int:
    """Write ``bitext`` to ``path`` as TMX 1.4b (see :func:`build_tmx`); returns the number of translation units."""
    store = build_tmx(bitext, src_lang, tgt_lang, keep_unaligned, unit_props, also_left_out)
    with atomic_write(path, "wb", encoding=None) as fh:
        store.serialize(fh)
    return len(store.units)


def _ordered_props(props: Mapping[str, str]) -> list[tuple[str, str]]:
    """alinea's properties first, in their order (x-score as alinea writes it), then the others as they come."""
    ours = [(p, _score(props[p]) if p == "x-score" else props[p]) for p in PROPS if p in props]
    return ours + [(p, v) for p, v in props.items() if p not in PROPS]


def build_units_tmx(units: Iterable[TranslationUnit], src_lang: str = "es", tgt_lang: str = "en",
                    left_out: Mapping[str, int] | None = None) -> tt_tmx.tmxfile:
    """The TMX store of ``units`` as they are: tuids, properties, notes, the two languages' segments.

    A unit with text on one side only is written one-sided; an unaligned bead
    (x-bead 1-0, 0-1 …, e.g. from a table) gets the "unaligned" note
    :func:`write_tmx` gives it, unless it has one. Units with neither language
    are the caller's to leave out. ``left_out`` gives the header's sentence
    counts per base language (None: unknown, not written).
    """
    src_lang, tgt_lang = _distinct_langs(src_lang, tgt_lang)
    store = _new_store(src_lang, tgt_lang, left_out)
    for unit in units:
        src, tgt = clean_segment(unit.text(src_lang) or ""), clean_segment(unit.text(tgt_lang) or "")
        if not (src or tgt):
            raise ValueError(f"unit {unit.tuid} has neither {src_lang!r} nor {tgt_lang!r} text")
        notes = list(unit.notes)
        null_bead = "0" in unit.bead_kind.split("-")
        if not (src and tgt) and null_bead and not any(note.startswith("unaligned") for note in notes):
            notes.append(null_note(bool(src), src_lang, tgt_lang))
        _add_unit(store, unit.tuid, src, tgt, src_lang, tgt_lang, _ordered_props(unit.props), notes)
    return store


def write_translation_units(units: Iterable[TranslationUnit], path: str | os.PathLike, src_lang: str = "es",
                            tgt_lang: str = "en", left_out: Mapping[str, int] | None = None) -> int:
    """Write ``units`` (see :func:`build_units_tmx`) to ``path`` as TMX 1.4b; returns the number written."""
    store = build_units_tmx(units, src_lang, tgt_lang, left_out)
    with atomic_write(path, "wb", encoding=None) as fh:
        store.serialize(fh)
    return len(store.units)


def write_units(units: Iterable[etree._Element], path: str | os.PathLike,
                header: dict[str, str], header_props: Mapping[str, str] | None = None) -> int:
    """Write existing ``<tu>`` elements (kept verbatim) under a new alinea header.

    Used by merge, dedupe, filter: properties, notes and inline tags of the
    input units survive untouched. ``header_props`` become the header's ``<prop>``s.
    """
    root = etree.Element("tmx", version="1.4")
    root.text = "\n  "
    head = etree.SubElement(root, "header", {k: v for k, v in header.items() if v is not None})
    head.tail = "\n  "
    for ptype, value in (header_props or {}).items():
        if not len(head):
            head.text = "\n    "
        prop = etree.SubElement(head, "prop", type=ptype)
        prop.text = value
        prop.tail = "\n    "
    if len(head):
        head[-1].tail = "\n  "
    body = etree.SubElement(root, "body")
    body.tail = "\n"
    body.text = "\n    "
    count = 0
    # Indentation only between units: etree.indent() would add whitespace inside
    # mixed-content <seg>s and change the text a CAT tool matches.
    for tu in units:
        copy = deepcopy(tu)
        copy.tail = "\n    "
        body.append(copy)
        count += 1
    if count:
        body[-1].tail = "\n  "
    tree = etree.ElementTree(root)
    with atomic_write(path, "wb", encoding=None) as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        tree.write(fh, encoding="UTF-8", xml_declaration=False)
        fh.write(b"\n")
    return count
