"""Spanish-English word translations as lexical evidence for the aligner.

A :class:`Dictionary` is a set of (Spanish word, English word) translation pairs,
held as *stems* so that one entry covers the inflected forms of running text
(``hablar``/``hablaron``, ``door``/``doors``), plus multi-word phrase pairs.
Where the pairs come from:

- the table shipped with alinea, ``resources/es_en_general.tsv`` (written by the
  alinea authors, Apache-2.0, like the rest of the package): everyday vocabulary
  that is not cognate (casa/house, dijo/said, niño/boy);
- Debian's FreeDict Spanish-English dictionary (package ``dict-freedict-spa-eng``,
  GPL-2), read from ``/usr/share/dictd`` at run time when it is installed; it is
  never copied into alinea;
- the user's own files (``alinea align --dictionary FILE``): hunalign dictionaries
  (``english @ spanish`` lines), two-column CSV/TSV tables (Spanish first unless a
  header row names the languages) and TBX termbases (read with translate-toolkit).

Stems come from :func:`stems`, a light suffix stripper applied alike to the
dictionary and to the text (it only has to map the forms of a word to one string,
not to find linguistic roots).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

from .errors import InputError
from .utils import resource_text as _resource_text
from .utils import table_rows as _table_rows

#: Where Debian's dict-freedict-spa-eng puts its files.
FREEDICT_DIR = Path("/usr/share/dictd")
FREEDICT_NAME = "freedict-spa-eng"

# Suffixes stripped by the stemmer, on lower-cased, accent-free words; the longest one that
# leaves at least three letters goes. Spanish: verb endings (with enclitic pronouns),
# diminutives, plurals, -mente; English: -s, -ed, -ing, -ly and their spelling variants.
_SUFFIXES = {
    "es": """
        andoselo andosela iendoselo arselo erselo irselo andose iendose andole iendole andolo iendolo
        andome iendome arse erse irse arle erle irle arlo erlo irlo arla erla irla arme erme irme
        ariamos eriamos iriamos aremos eremos iremos abamos iamos asteis isteis aseis ieseis
        aramos ieramos arian erian irian aria eria iria arias erias irias
        ando iendo yendo aron ieron yeron aban aste iste aran eran iran aras eras iras
        asen iesen ase iese aran ieran aras ieras ara iera abas aba ian ias ado ada ados adas
        ido ida idos idas amos emos imos ais eis are ere ire ar er ir io yo
        mente cito cita citos citas ito ita itos itas illo illa illos illas isimo isima isimos isimas
        ciones cion siones sion idades idad
        es as os an en a o e i s
    """,
    "en": """
        ingly edly ings ing ied ies ed ly s
    """,
}
_MIN_STEM = 3


@cache
def _suffix_table(lang: str) -> tuple[tuple[int, frozenset[str]], ...]:
    """The suffixes of ``lang`` grouped by length, longest first."""
    by_length: dict[int, set[str]] = {}
    for suffix in _SUFFIXES[lang].split():
        by_length.setdefault(len(suffix), set()).add(suffix)
    return tuple((size, frozenset(group)) for size, group in sorted(by_length.items(), reverse=True))


def _english_es(word: str) -> bool:
    """-es is an English suffix after s, x, z, ch, sh and o (boxes, churches, goes), not in houses or places."""
    return word.endswith("es") and (word[-3] in "sxzo" or word[-4:-2] in ("ch", "sh"))


_ACCENTS = str.maketrans("áéíóúüàèìòùâêîôûäëïöç", "aeiouuaeiouaeiouaeioc")


def _fold(text: str) -> str:
    """Lower case without the accents of Spanish, French or Portuguese spelling (ñ is kept).

    The same folding applies to the dictionary and to the text, so it only needs to be consistent.
    """
    return text.lower().translate(_ACCENTS)


def lang_code(lang: str) -> str:
    """"es" or "en" for any es-*/en-* code."""
    return "es" if lang.lower().startswith("es") else "en"


#: Stems already computed in this process, per language (the aligner asks for the stems of a
#: document's words twice, and a batch for the same words in every document).
_KNOWN_STEMS: dict[str, dict[str, str]] = {"es": {}, "en": {}}
_KNOWN_STEMS_LIMIT = 1 << 16   # words per language (~10 MB); a larger document keeps its own until the next


def stems(words: list[str], lang: str) -> list[str]:
    """The stem of each word: lower-cased, accents folded, its longest suffix stripped that leaves
    at least three letters (a shorter word is its own stem).

    A set lookup per suffix length, longest first (a regular expression of the ~150 suffixes
    was 2.5x slower on Spanish and took ~4 ms to compile in every process).
    """
    lang = lang_code(lang)
    known = _KNOWN_STEMS[lang]
    new = [w for w in dict.fromkeys(words) if w not in known]
    if new:
        if len(known) + len(new) > _KNOWN_STEMS_LIMIT:
            known.clear()
        known.update(zip(new, _stem_words(new, lang)))
    return [known[w] for w in words]


def _stem_words(words: list[str], lang: str) -> list[str]:
    table, english = _suffix_table(lang), lang == "en"
    found = []
    for word in _fold("\n".join(w.replace("\n", " ") for w in words)).split("\n"):
        room = len(word) - _MIN_STEM
        for size, suffixes in table:
            if size <= room and (word[-size:] in suffixes or english and size == 2 and _english_es(word)):
                word = word[:-size]
                break
        found.append(word)
    if english:
        # running -> runn -> run, stopped -> stopp -> stop (and tell -> tel, alike everywhere)
        found = _DOUBLED_END.sub(r"\1", "\n".join(found)).split("\n")
    return found


_DOUBLED_END = re.compile(r"([b-df-hj-np-tv-z])\1$", re.M)


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def phrase_stems(phrase: str, lang: str) -> tuple[str, ...]:
    """The stems of the words of a dictionary entry ("casa de huéspedes" -> 3 stems)."""
    return tuple(stems(_WORD.findall(phrase), lang))


@dataclass(frozen=True)
class Dictionary:
    """Translation pairs between Spanish and English stems, and multi-word phrase pairs."""

    #: (Spanish stem, English stem) pairs of one-word entries
    pairs: frozenset[tuple[str, str]] = frozenset()
    #: (Spanish stems, English stems) of entries with several words on a side
    phrases: frozenset[tuple[tuple[str, ...], tuple[str, ...]]] = frozenset()
    #: where the entries came from, for the README and the summary
    sources: tuple[str, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.pairs) + len(self.phrases)

    def __or__(self, other: Dictionary) -> Dictionary:
        return Dictionary(self.pairs | other.pairs, self.phrases | other.phrases, self.sources + other.sources)

    @cached_property
    def translations(self) -> dict[str, dict[str, frozenset[str]]]:
        """``translations["es"][stem]``: the English stems of a Spanish stem (and the converse)."""
        out: dict[str, dict[str, set[str]]] = {"es": {}, "en": {}}
        for es, en in self.pairs:
            out["es"].setdefault(es, set()).add(en)
            out["en"].setdefault(en, set()).add(es)
        return {lang: {k: frozenset(v) for k, v in table.items()} for lang, table in out.items()}

    @cached_property
    def phrase_index(self) -> dict[str, dict[str, list[tuple[int, frozenset[str]]]]]:
        """Per language, phrase entries by their first stem (in sorted order): (entry number, stems)."""
        out: dict[str, dict[str, list[tuple[int, frozenset[str]]]]] = {"es": {}, "en": {}}
        for n, phrase in enumerate(sorted(self.phrases)):
            for side, lang in enumerate(("es", "en")):
                needed = frozenset(phrase[side])
                out[lang].setdefault(min(needed), []).append((n, needed))
        return out


def from_entries(entries: Iterable[tuple[str, str]], source: str) -> Dictionary:
    """A dictionary from (Spanish, English) entries; each side may be a word or a phrase."""
    entries = list(entries)
    # The stems of every side in one ``stems`` call per language (a regex pass each), then
    # handed back entry by entry: the same stems as ``phrase_stems`` of each side.
    sides = [[[text] if text.isalpha() else _WORD.findall(text) for text in (entry[k] for entry in entries)]
             for k in (0, 1)]   # (a word of letters only is its own one match)
    flat = [iter(stems([w for words in sides[k] for w in words], lang)) for k, lang in enumerate(("es", "en"))]
    pairs, phrases = set(), set()
    for es_words, en_words in zip(*sides):
        es_stems = tuple(next(flat[0]) for _ in es_words)
        en_stems = tuple(next(flat[1]) for _ in en_words)
        if not es_stems or not en_stems:
            continue
        if len(es_stems) == 1 and len(en_stems) == 1:
            pairs.add((es_stems[0], en_stems[0]))
        else:
            phrases.add((es_stems, en_stems))
    return Dictionary(frozenset(pairs), frozenset(phrases), (source,))


# --------------------------------------------------------------------------- the shipped table

#: The shipped table, and its stems as :func:`from_entries` computes them (written by
#: ``scripts/build_resources``, so that a process does not stem the table again: ~15 ms).
GENERAL_TABLE = "es_en_general.tsv"
GENERAL_STEMS = "es_en_general.stems.tsv"
_GENERAL_SOURCE = "alinea general-language table (es_en_general.tsv, Apache-2.0)"


@cache
def builtin_dictionary() -> Dictionary:
    """The general-language table shipped with alinea (``resources/es_en_general.tsv``).

    Each line is a concept: Spanish forms, a tab, English forms (comma-separated);
    every Spanish form translates every English form of the line. Read from its
    precomputed stems when they are up to date with the table and the stemmer's
    suffix lists (a checksum says so), else stemmed here.
    """
    text = _resource_text(GENERAL_TABLE)
    stemmed = _resource_text(GENERAL_STEMS, missing_ok=True)
    lines = stemmed.split("\n") if stemmed else []
    if len(lines) > 1 and lines[1] == f"# checksum {_stems_checksum(text)}":
        pairs, phrases = set(), set()
        for line in lines[2:]:
            if line:
                es, en = line.split("\t")
                if " " in es or " " in en:
                    phrases.add((tuple(es.split(" ")), tuple(en.split(" "))))
                else:
                    pairs.add((es, en))
        return Dictionary(frozenset(pairs), frozenset(phrases), (_GENERAL_SOURCE,))
    return from_entries(_concept_lines(_table_rows(text, 2)), _GENERAL_SOURCE)


def _stems_checksum(table_text: str) -> str:
    """What the stems depend on besides the stemmer's code: the table and the suffix lists."""
    import zlib

    return f"{zlib.crc32(repr((table_text, _SUFFIXES, _MIN_STEM, _ACCENTS)).encode()):08x}"


def stem_table(dictionary: Dictionary, table_text: str) -> str:
    """The text of ``es_en_general.stems.tsv`` for ``dictionary`` (the table's entries stemmed)."""
    rows = sorted(f"{es}\t{en}" for es, en in dictionary.pairs)
    rows += sorted(f"{' '.join(es)}\t{' '.join(en)}" for es, en in dictionary.phrases)
    return (f"# stems of {GENERAL_TABLE}, written by scripts/build_resources: do not edit\n"
            f"# checksum {_stems_checksum(table_text)}\n" + "".join(row + "\n" for row in rows))


def write_stem_table() -> Path:
    """Write ``resources/es_en_general.stems.tsv`` afresh from the table (``scripts/build_resources``)."""
    text = _resource_text(GENERAL_TABLE)
    fresh = from_entries(_concept_lines(_table_rows(text, 2)), _GENERAL_SOURCE)
    path = Path(__file__).parent / "resources" / GENERAL_STEMS
    path.write_text(stem_table(fresh, text), encoding="utf-8")
    return path


def _concept_lines(rows: Iterable[tuple[str, ...]]) -> Iterable[tuple[str, str]]:
    for es_side, en_side in rows:
        for es in es_side.split(","):
            for en in en_side.split(","):
                if es.strip() and en.strip():
                    yield es.strip(), en.strip()


# --------------------------------------------------------------------------- Debian's FreeDict

def freedict_dictionary(directory: str | os.PathLike | None = None) -> Dictionary | None:
    """FreeDict Spanish-English (GPL-2, Debian ``dict-freedict-spa-eng``) when installed, else None.

    Read at run time from the dictd files; nothing of it is copied into alinea.
    """
    directory = Path(directory or FREEDICT_DIR)
    index, data = directory / f"{FREEDICT_NAME}.index", directory / f"{FREEDICT_NAME}.dict.dz"
    if not index.is_file() or not data.is_file():
        return None
    return _cached_freedict(str(index), str(data), index.stat().st_mtime_ns, data.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _cached_freedict(index: str, data: str, _index_mtime: int, _data_mtime: int) -> Dictionary:
    return from_entries(read_dictd(index, data),
                        "FreeDict spa-eng (Debian dict-freedict-spa-eng, GPL-2, read at run time)")


_B64 = {c: n for n, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_number(text: str) -> int:
    value = 0
    for c in text:
        value = value * 64 + _B64[c]
    return value


def read_dictd(index_path: str | os.PathLike, data_path: str | os.PathLike) -> list[tuple[str, str]]:
    """(headword, translation) pairs of a dictd dictionary (``.index`` + ``.dict`` or ``.dict.dz``).

    An entry's text is its headword line (with an optional /pronunciation/), then
    lines of comma-separated translations, possibly numbered ("1. wallet").
    """
    import gzip

    raw = Path(data_path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    pairs = []
    for line in Path(index_path).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].startswith("00database"):
            continue
        start, length = _b64_number(parts[1]), _b64_number(parts[2])
        body = raw[start:start + length].decode("utf-8", "replace").splitlines()[1:]
        for text in body:
            text = re.sub(r"^\s*\d+\.\s*", "", text)
            text = re.sub(r"\([^)]*\)|\[[^]]*\]|\{[^}]*\}", "", text)
            for translation in re.split(r"[,;]", text):
                if translation.strip():
                    pairs.append((parts[0], translation.strip()))
    return pairs


# --------------------------------------------------------------------------- the user's files

def read_dictionary(path: str | os.PathLike, encoding: str | None = None) -> Dictionary:
    """A user's dictionary: hunalign ``english @ spanish`` lines, a two-column CSV/TSV/XLSX, or TBX.

    Text files are decoded like every text input (``encoding``: default detected).
    Bad files raise :class:`InputError` with a one-line message.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such dictionary file" if not path.exists() else f"{path}: is not a file")
    if path.suffix.lower() == ".tbx":
        entries = read_tbx_pairs(path)
    elif path.suffix.lower() == ".xlsx":
        entries = read_term_table(path, "dictionary")
    else:
        text = read_term_text(path, "dictionary", encoding)
        if " @ " in text.split("\n", 1)[0] or path.suffix.lower() == ".dic":
            entries = _hunalign_pairs(text, path)
        else:
            entries = read_table_pairs(text, path)
    dictionary = from_entries(entries, f"{path.name} (--dictionary)")
    if not len(dictionary):
        raise InputError(f"{path}: the dictionary has no Spanish-English entries")
    return dictionary


def read_term_text(path: Path, what: str = "dictionary", encoding: str | None = None) -> str:
    """The text of a term file, decoded like every text input (:func:`alinea.tables.decode_table`:
    a BOM, UTF-16, UTF-8, Windows-1252 …; ``encoding`` overrides); empty is an InputError."""
    from alinea.tables import decode_table

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = decode_table(data, str(path), encoding) if data.strip() else ""
    if not text.strip():
        raise InputError(f"{path}: the {what} is empty")
    return text


def _hunalign_pairs(text: str, path: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        english, sep, spanish = line.partition(" @ ")
        if not sep:
            raise InputError(f"{path}: line {number}: expected 'english @ spanish' (hunalign dictionary format)")
        pairs.append((spanish.strip(), english.strip()))
    return pairs


def read_table_pairs(text: str, path: Path, what: str = "dictionary") -> list[tuple[str, str]]:
    """(Spanish, English) rows of a two-column CSV/TSV text; a header row may name the columns
    (recognised as every alinea table's: :func:`alinea.tables.find_text_columns`).

    ``what`` names the file in messages ("dictionary", "glossary").
    """
    from alinea.tables import TSV_SUFFIXES, language_pairs, parse_delimited

    delimiter = "\t" if Path(path).suffix.lower() in TSV_SUFFIXES else None
    table = parse_delimited(text, str(path), delimiter, what)
    if not table.rows:
        raise InputError(f"{path}: the {what} has no terms (only separators and blank lines)")
    return [(es, en) for es, en, _ in language_pairs(table, what)]


def read_term_table(path: str | os.PathLike, what: str = "glossary",
                    encoding: str | None = None) -> list[tuple[str, str]]:
    """(Spanish, English) rows of a CSV, TSV or XLSX term table (:mod:`alinea.tables`)."""
    from alinea.tables import XLSX_SUFFIXES, language_pairs, read_table

    path = Path(path)
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return read_table_pairs(read_term_text(path, what, encoding), path, what)
    return [(es, en) for es, en, _ in language_pairs(read_table(path, encoding, what), what)]


def read_tbx_pairs(path: Path) -> list[tuple[str, str]]:
    """(Spanish, English) term pairs of each entry of a TBX termbase (translate-toolkit)."""
    from collections import defaultdict

    from translate.storage import tbx

    try:
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as exc:  # lxml raises several kinds; all mean "not a readable TBX"
        raise InputError(f"{path}: not a readable TBX file: {exc}") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs: list[tuple[str, str]] = []
    for unit in store.units:
        terms: dict[str, list[str]] = defaultdict(list)
        for node in unit.getlanguageNodes():
            lang = (node.get(xml_lang) or node.get("lang") or "").lower().split("-")[0]
            terms[lang].extend(" ".join("".join(t.itertext()).split()) for t in node.iter("{*}term"))
        pairs.extend((es, en) for es in terms["es"] for en in terms["en"])
    return pairs


def default_dictionary() -> Dictionary:
    """The dictionary the aligner uses when given none: the shipped table.

    FreeDict is not added by default (measured: on the UN and literary benchmarks it
    costs more in false links than it brings); ``alinea align --dictionary freedict``
    adds it.
    """
    return builtin_dictionary()


def load_dictionaries(specs: Iterable[str | os.PathLike], with_builtin: bool = True) -> Dictionary:
    """The shipped table plus each of ``specs``: a file path, or "freedict" for Debian's FreeDict.

    Raises :class:`InputError` for a file that cannot be read or FreeDict when not installed.
    """
    out = builtin_dictionary() if with_builtin else Dictionary()
    for spec in specs:
        if str(spec).lower() == "freedict":
            system = freedict_dictionary()
            if system is None:
                raise InputError("--dictionary freedict: FreeDict Spanish-English is not installed "
                                 f"(Debian package dict-freedict-spa-eng, files {FREEDICT_DIR}/{FREEDICT_NAME}.*)")
            out = out | system
        else:
            out = out | read_dictionary(spec)
    return out
