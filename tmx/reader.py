"""Read a TMX file into a Bitext (first version; see issue 5 for the full reader)."""
from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from align.errors import InputError
from align.model import Bead, Bitext, Sentence

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network: TMX files come from anywhere.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def read_tmx(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> Bitext:
    """Every <tu> with both languages becomes a 1-1 bead of a Bitext."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        root = etree.parse(str(path), _parser()).getroot()
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise InputError(f"{path}:{line}:{column}: malformed XML: {exc.msg}") from None
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    beads: list[Bead] = []
    for tu in root.iter("tu"):
        texts = {}
        for tuv in tu.iter("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
            seg = tuv.find("seg")
            if seg is not None:
                texts.setdefault(lang.split("-")[0], " ".join("".join(seg.itertext()).split()))
        if src_lang in texts and tgt_lang in texts:
            src.append(Sentence(texts[src_lang], len(src)))
            tgt.append(Sentence(texts[tgt_lang], len(tgt)))
            beads.append(Bead((len(src) - 1,), (len(tgt) - 1,), 1.0))
    return Bitext(src, tgt, beads, src_lang, tgt_lang, {"source_file": str(path)})


def load_bitext(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> Bitext:
    """A TMX or an alinea TSV/CSV/XLSX table as a Bitext (dispatch on suffix)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tmx":
        return read_tmx(path, src_lang, tgt_lang)
    raise InputError(f"{path}: unsupported bitext format {suffix!r} (use .tmx)")
