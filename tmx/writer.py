"""Write a bitext as TMX 1.4b with translate-toolkit's TMX storage."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from lxml import etree
from translate.storage import tmx as tt_tmx

from align.model import Bitext
from align.utils import atomic_write

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_segment(text: str) -> str:
    """XML-safe, whitespace-normalized segment text."""
    return " ".join(_XML_ILLEGAL.sub("", text).split())


def build_tmx(bitext: Bitext, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False) -> tt_tmx.tmxfile:
    from alinea import __version__

    store = tt_tmx.tmxfile(sourcelanguage=src_lang, targetlanguage=tgt_lang)
    header = store.document.getroot().find(store.namespaced("header"))
    header.set("creationtool", "alinea")
    header.set("creationtoolversion", __version__)
    header.set("datatype", "plaintext")
    header.set("srclang", src_lang)
    header.set("adminlang", "en")
    header.set("creationdate", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    document = bitext.meta.get("symbol", "")
    for n, (bead, src, tgt) in enumerate(bitext.pairs(), start=1):
        if bead.is_null and not keep_unaligned:
            continue
        unit = store.addsourceunit(clean_segment(src))
        unit.settarget(clean_segment(tgt), tgt_lang)
        unit.xmlelement.set("tuid", str(n))
        props = [("x-document", document), ("x-paragraph", bitext.paragraph_number(bead) or ""),
                 ("x-bead", bead.kind), ("x-score", f"{bead.score:.4f}")]
        first_tuv = unit.xmlelement.find(store.namespaced("tuv"))
        for ptype, value in props:
            if value:
                prop = etree.Element("prop", type=ptype)
                prop.text = value
                first_tuv.addprevious(prop)
    return store


def write_tmx(bitext: Bitext, path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
              keep_unaligned: bool = False) -> int:
    """Write ``bitext`` to ``path``; returns the number of translation units."""
    store = build_tmx(bitext, src_lang, tgt_lang, keep_unaligned)
    with atomic_write(path, "wb", encoding=None) as fh:
        store.serialize(fh)
    return len(store.units)
