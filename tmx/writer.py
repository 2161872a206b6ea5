"""Write a bitext as TMX 1.4b with translate-toolkit's TMX storage.

One ``<tu>`` per aligned bead, in document order, with a ``tuid`` (the bead's
1-based position among all beads, so ids stay stable whether or not unaligned
beads are written) and the properties ``x-document``, ``x-paragraph``,
``x-bead`` and ``x-score``. The DTD wants ``(note|prop)*`` before ``tuv+``;
translate-toolkit puts notes first and we insert props right before the first
``<tuv>``.
"""
from __future__ import annotations

import os
from copy import deepcopy
from datetime import datetime, timezone
from typing import Iterable

from lxml import etree
from translate.storage import tmx as tt_tmx

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext
from alinea.align.utils import atomic_write

from .hygiene import base_lang, clean_attribute, clean_segment, tmx_lang

__all__ = ["build_tmx", "clean_segment", "header_attributes", "write_tmx", "write_units"]

#: Property types alinea writes on every <tu>, in this order.
PROPS = ("x-document", "x-paragraph", "x-bead", "x-score")


def header_attributes(src_lang: str, segtype: str = "sentence", datatype: str = "plaintext") -> dict[str, str]:
    """The <header> attributes alinea writes (all those the DTD requires, plus creationdate)."""
    from importlib.metadata import version

    return {
        "creationtool": "alinea",
        "creationtoolversion": version("alinea"),
        "segtype": segtype,
        "o-tmf": "alinea",
        "adminlang": "en",
        "srclang": src_lang,
        "datatype": datatype,
        "creationdate": datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    }


def _checked_langs(bitext: Bitext, src_lang: str, tgt_lang: str) -> tuple[str, str]:
    src_lang, tgt_lang = tmx_lang(src_lang), tmx_lang(tgt_lang)
    for given, own, side in ((src_lang, bitext.src_lang, "source"), (tgt_lang, bitext.tgt_lang, "target")):
        if own and base_lang(own) != base_lang(given):
            raise InputError(f"the {side} side of the bitext is {own!r}, not {given!r}: check the language options")
    if base_lang(src_lang) == base_lang(tgt_lang):
        raise InputError(f"source and target language are both {base_lang(src_lang)!r}")
    return src_lang, tgt_lang


def _null_note(bead: Bead, src_lang: str, tgt_lang: str) -> str:
    if not bead.tgt:
        return f"unaligned: no {tgt_lang} counterpart was found for this {src_lang} text"
    return f"unaligned: no {src_lang} counterpart was found for this {tgt_lang} text"


def _add_props(store: tt_tmx.tmxfile, unit: tt_tmx.tmxunit, props: Iterable[tuple[str, str]]) -> None:
    first_tuv = unit.xmlelement.find(store.namespaced("tuv"))
    for ptype, value in props:
        value = clean_attribute(value)
        if value:
            prop = etree.Element(store.namespaced("prop"), type=ptype)
            prop.text = value
            first_tuv.addprevious(prop)


def build_tmx(bitext: Bitext, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False) -> tt_tmx.tmxfile:
    """The TMX store for ``bitext`` (not yet written)."""
    src_lang, tgt_lang = _checked_langs(bitext, src_lang, tgt_lang)
    store = tt_tmx.tmxfile(sourcelanguage=src_lang, targetlanguage=tgt_lang)
    header = store.document.getroot().find(store.namespaced("header"))
    for name, value in header_attributes(src_lang).items():
        header.set(name, value)
    document = bitext.meta.get("symbol", "")
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        src, tgt = clean_segment(src), clean_segment(tgt)
        if bead.is_null or not src or not tgt:
            if not keep_unaligned or not (src or tgt):
                continue
            # A one-sided unit: only the side that has text gets a <tuv>
            # (an empty <seg> would be imported as an empty translation).
            unit = store.addsourceunit(src, src_lang) if src else store.addsourceunit(tgt, tgt_lang)
            if src:
                unit.xmlelement.attrib.pop("srclang", None)
            # else: keep srclang=<target language> on the <tu>: TMX wants every unit
            # to have a variant in its source language, and this one has only the target.
            unit.addnote(_null_note(bead, src_lang, tgt_lang))
        else:
            unit = store.addsourceunit(src)
            unit.settarget(tgt, tgt_lang)
        unit.xmlelement.set("tuid", str(n))
        _add_props(store, unit, [("x-document", document),
                                 ("x-paragraph", bitext.paragraph_number(bead) or ""),
                                 ("x-bead", bead.kind), ("x-score", f"{bead.score:.4f}")])
    return store


def write_tmx(bitext: Bitext, path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False) -> int:
    """Write ``bitext`` to ``path`` as TMX 1.4b; returns the number of translation units."""
    store = build_tmx(bitext, src_lang, tgt_lang, keep_unaligned)
    with atomic_write(path, "wb", encoding=None) as fh:
        store.serialize(fh)
    return len(store.units)


def write_units(units: Iterable[etree._Element], path: str | os.PathLike,
                header: dict[str, str]) -> int:
    """Write existing ``<tu>`` elements (kept verbatim) under a new alinea header.

    Used by merge, dedupe, filter: properties, notes and inline tags of the
    input units survive untouched.
    """
    root = etree.Element("tmx", version="1.4")
    root.text = "\n  "
    head = etree.SubElement(root, "header", {k: v for k, v in header.items() if v is not None})
    head.tail = "\n  "
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
