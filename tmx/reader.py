"""Read any TMX 1.4 file safely into translation units or a Bitext.

TMX files come from anywhere (OmegaT, Trados Studio, memoQ, a colleague's
script), so parsing is defensive: no DTD is loaded, nothing is fetched from
the network, entities are never expanded and a file that declares its own
entities (the "billion laughs" and external-entity attacks) is refused.
Inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``) hold the
original document's formatting codes, not text, and are dropped; ``<hi>``
holds text and is kept.

alinea's own properties (``x-bead``, ``x-score``, ``x-paragraph``,
``x-document``, ``x-kind``) are read back so that a report of an existing TMX
shows bead types, scores and paragraph numbers and the checks know a contents
line from running text; so are the header's ``x-unaligned-es``/``-en`` counts
of sentences left out of the file.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from alinea.align.errors import InputError
from alinea.align.model import BODY, UNIT_KINDS, Bead, Bitext, Sentence
from alinea.tables import TABLE_SUFFIXES

from .hygiene import base_lang, canonical_lang
from .props import bead_numbers, bead_problem, kind_problem, left_out_prop, score_problem

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Inline elements whose content is native code (RTF, HTML...), not segment text.
CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network: TMX files come from anywhere.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(path: str | os.PathLike) -> etree._ElementTree:
    """Parse ``path`` as XML safely; malformed XML raises InputError with line:column."""
    from alinea.align.read import require_file

    path = Path(path)
    if require_file(path, "a TMX file", fifo=False).st_size == 0:
        raise InputError(f"{path}: the file is empty")
    _refuse_entity_declarations(path)
    try:
        tree = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        message = exc.msg.split(", line ")[0] if exc.msg else "not well-formed"
        raise InputError(f"{path}:{line}:{column}: malformed XML: {message}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        names = ", ".join(sorted(entity.name for entity in dtd.iterentities()))
        raise InputError(f"{path}:1:1: the file declares XML entities ({names}); refused for safety "
                         "(a TMX file never needs its own entities)")
    for node in tree.getroot().iter(etree.Entity):
        raise InputError(f"{path}:{node.sourceline}:1: entity reference {node.text} not allowed in a TMX file")
    return tree


def _prolog(path: Path, limit: int = 1 << 24) -> str:
    """The text before the root element (XML declaration, comments, DOCTYPE), decoded."""
    text, root = _head(path, limit)
    return text[:root.start()] if root else text


def _head(path: Path, limit: int) -> tuple[str, re.Match | None]:
    """The decoded start of an XML file up to its root element's tag, and where that tag starts."""
    import codecs

    with open(path, "rb") as fh:
        head = fh.read(4)
        encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = decoder.decode(head)
        # Read on until the root element starts: a long comment must not hide a DOCTYPE.
        while len(text) < limit and not re.search(r"<[A-Za-z_]", text.replace("\x00", "")):
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            text += decoder.decode(chunk)
    text = text.replace("\x00", "")
    return text, re.search(r"<[A-Za-z_]", text)


def _refuse_entity_declarations(path: Path) -> None:
    """Refuse a prolog that declares entities before libxml2 sees it (clear message, no work done)."""
    prolog = _prolog(path)
    match = re.search(r"<!ENTITY\s+(%\s*)?([^\s>]+)", prolog)
    if match:
        line = prolog.count("\n", 0, match.start()) + 1
        column = match.start() - (prolog.rfind("\n", 0, match.start()) + 1) + 1
        raise InputError(f"{path}:{line}:{column}: the file declares the XML entity {match.group(2)!r}; "
                         "refused for safety (a TMX file never needs its own entities)")


def parse_tmx(path: str | os.PathLike) -> etree._ElementTree:
    """Parse ``path`` and check it is a TMX document (root <tmx> with a <body>)."""
    tree = parse_xml(path)
    root = tree.getroot()
    if root.tag != "tmx":
        raise InputError(f"{path}:{root.sourceline}:1: not a TMX file: the root element is <{root.tag}>, not <tmx>")
    if root.find("body") is None:
        raise InputError(f"{path}:{root.sourceline}:1: not a TMX file: <tmx> has no <body>")
    return tree


def segment_text(seg: etree._Element) -> str:
    """The plain text of a ``<seg>``: inline codes dropped, ``<hi>`` kept, whitespace normalized."""
    if not len(seg):  # no inline elements: most segments
        return " ".join((seg.text or "").split())
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag not in CODE_TAGS:
                walk(child)  # <hi> and unknown wrappers carry text
            if child.tail:
                parts.append(child.tail)

    walk(seg)
    return " ".join("".join(parts).split())


def tuv_lang(tuv: etree._Element) -> str:
    """A <tuv>'s language, from xml:lang or the deprecated lang attribute."""
    return (tuv.get(XML_LANG) or tuv.get("lang") or "").strip().replace("_", "-")


@dataclass
class TranslationUnit:
    """One ``<tu>``: its element (kept for lossless rewriting) and what alinea reads from it."""

    element: etree._Element
    tuid: str
    variants: dict[str, str]
    props: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    line: int = 0
    origin: str = ""  # the file, for messages

    def text(self, lang: str) -> str | None:
        """The segment in ``lang``: exact code first (case-insensitive), then same base language."""
        key = match_lang(self.variants, lang)
        return None if key is None else self.variants[key]

    def _where(self) -> str:
        return f"{self.origin or 'input'}:{self.line}: unit {self.tuid}"

    @property
    def score(self) -> float | None:
        """The x-score (alignment confidence), None when absent; InputError when not in [0, 1]."""
        text = self.props.get("x-score", "")
        if not text:
            return None
        problem = score_problem(text)
        if problem:
            raise InputError(f"{self._where()}: {problem}")
        return float(text)

    @property
    def bead_kind(self) -> str:
        """The x-bead (``2-1``), "" when absent; InputError when it is not a bead type.

        :meth:`bead_counts` also checks it against the unit's text.
        """
        kind = self.props.get("x-bead", "")
        if kind and bead_numbers(kind) is None:
            raise InputError(f"{self._where()}: {bead_problem(kind, None, None)}")
        return kind

    def bead_counts(self, src_lang: str = "es", tgt_lang: str = "en") -> tuple[int, int] | None:
        """The sentences each side joins, from x-bead checked against the two sides' text
        (:mod:`alinea.tmx.props`); None without x-bead; InputError when it breaks the rules."""
        kind = self.props.get("x-bead", "")
        if not kind:
            return None
        problem = bead_problem(kind, self.text(src_lang), self.text(tgt_lang), base_lang(src_lang),
                               base_lang(tgt_lang))
        if problem:
            raise InputError(f"{self._where()}: {problem}")
        return bead_numbers(kind)

    def check_props(self, src_lang: str = "es", tgt_lang: str = "en") -> None:
        """InputError for the first of alinea's properties that breaks the rules (x-score, x-bead)."""
        _ = self.score
        self.bead_counts(src_lang, tgt_lang)

    def prop_problems(self, src_lang: str = "es", tgt_lang: str = "en") -> list[str]:
        """Every rule of :mod:`alinea.tmx.props` this unit breaks, as ``tmx validate`` reports them."""
        problems = []
        if self.props.get("x-score"):
            problems.append(score_problem(self.props["x-score"]))
        if self.props.get("x-bead"):
            problems.append(bead_problem(self.props["x-bead"], self.text(src_lang), self.text(tgt_lang),
                                         base_lang(src_lang), base_lang(tgt_lang)))
        if "x-kind" in self.props:
            problems.append(kind_problem(self.props["x-kind"]))
        return [p for p in problems if p]

    @property
    def unit_kind(self) -> str:
        """What the text is (body, heading, contents …) from x-kind; body when unknown."""
        kind = self.props.get("x-kind", "")
        return kind if kind in UNIT_KINDS else BODY


def match_lang(codes, lang: str) -> str | None:
    """The member of ``codes`` that best matches ``lang`` (es-ES, then es, then es-*)."""
    wanted = lang.lower().replace("_", "-")
    by_lower = {code.lower(): code for code in codes}
    if wanted in by_lower:
        return by_lower[wanted]
    base = base_lang(wanted)
    if base in by_lower:
        return by_lower[base]
    for low, code in by_lower.items():
        if base_lang(low) == base:
            return code
    return None


def iter_units(tree: etree._ElementTree) -> Iterator[TranslationUnit]:
    """Every ``<tu>`` of the body, in file order."""
    body = tree.getroot().find("body")
    origin = tree.docinfo.URL or ""
    # One pass over each unit's children: this loop reads a million units on import.
    for n, tu in enumerate(body.iterchildren("tu"), start=1):
        variants: dict[str, str] = {}
        props: dict[str, str] = {}
        notes: list[str] = []
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                seg = child.find("seg")
                if seg is None:
                    continue
                lang = tuv_lang(child)
                if lang and lang not in variants:
                    text = seg.text
                    # segment_text() inlined for the usual segment: text only, no inline tags.
                    variants[lang] = " ".join(text.split()) if text and not len(seg) else segment_text(seg)
            elif tag == "prop":
                props.setdefault(child.get("type", ""), " ".join((child.text or "").split()))
            elif tag == "note":
                notes.append(" ".join((child.text or "").split()))
        yield TranslationUnit(tu, tu.get("tuid") or str(n), variants, props, notes, tu.sourceline or 0, origin)


def header_of(tree: etree._ElementTree) -> dict[str, str]:
    header = tree.getroot().find("header")
    return dict(header.attrib) if header is not None else {}


def header_props(tree: etree._ElementTree) -> dict[str, str]:
    """The header's ``<prop>``s by type (the first of each type)."""
    header = tree.getroot().find("header")
    props: dict[str, str] = {}
    for prop in (header.iterchildren("prop") if header is not None else ()):
        props.setdefault(prop.get("type", ""), " ".join((prop.text or "").split()))
    return props


def left_out_counts(props: dict[str, str], *langs: str) -> dict[str, int] | None:
    """Sentences left out of the file per base language (``x-unaligned-es`` …), None when not recorded."""
    counts = {}
    for lang in langs:
        value = props.get(left_out_prop(lang), "")
        if not value.isdigit():
            return None
        counts[base_lang(lang)] = int(value)
    return counts


def languages_of(units) -> list[str]:
    """Every language used by ``units``, sorted, each once in BCP 47's case (``EN-GB`` and ``en-gb`` are ``en-GB``)."""
    return sorted({canonical_lang(lang) for unit in units for lang in unit.variants})


def _split_joined(text: str, n: int, lang: str) -> list[str]:
    """Undo "multi-sentence beads are joined with a space": ``n`` pieces whose join is ``text``."""
    if n <= 1 or not text:
        return [text]
    try:
        from alinea.align.segment import split_sentences

        pieces = [p for p in split_sentences(text, base_lang(lang)) if p]
        if len(pieces) == n and " ".join(pieces) == text:
            return pieces
    except Exception:  # the segmenter is an optimisation here, never a requirement
        pass
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if len(spaces) < n - 1:
        return [text]
    # Prefer spaces after sentence punctuation; each cut lands nearest to an even share.
    strong = [i for i in spaces if text[i - 1] in ".!?;:…»”\"')"]
    candidates = strong if len(strong) >= n - 1 else spaces
    chosen: list[int] = []
    for k in range(1, n):
        target = len(text) * k / n
        chosen.append(min((i for i in candidates if i not in chosen), key=lambda i: abs(i - target)))
    chosen.sort()
    bounds = [-1] + chosen + [len(text)]
    return [text[bounds[j] + 1:bounds[j + 1]] for j in range(n)]


def sentence_counts(unit: TranslationUnit, has_src: bool, has_tgt: bool, src_lang: str = "es",
                    tgt_lang: str = "en") -> tuple[int, int]:
    """How many sentences each side of ``unit`` joins: from x-bead (checked), one per side with text
    when the unit has none."""
    declared = unit.bead_counts(src_lang, tgt_lang) or (1, 1)
    return (max(declared[0], 1) if has_src else 0), (max(declared[1], 1) if has_tgt else 0)


def _marked_unaligned(unit: TranslationUnit) -> bool:
    counts = bead_numbers(unit.bead_kind) if unit.bead_kind else None
    return (counts is not None and 0 in counts) or any(n.startswith("unaligned") for n in unit.notes)


def one_language_only(unit: TranslationUnit, src_lang: str, tgt_lang: str) -> bool:
    """True when ``unit`` has text in exactly one of the two languages and in no third language
    (a Spanish-only unit of an es-en memory; a fr-en unit is not one)."""
    s, t = unit.text(src_lang), unit.text(tgt_lang)
    if bool(s) == bool(t):
        return False
    ours = {base_lang(src_lang), base_lang(tgt_lang)}
    return all(base_lang(lang) in ours for lang, text in unit.variants.items() if text)


def kept_unit(unit: TranslationUnit, src_lang: str, tgt_lang: str, one_sided: bool = False) -> bool:
    """Whether :func:`units_bitext` makes a bead of ``unit`` (else it is skipped and counted)."""
    return _keeps(unit, unit.text(src_lang), unit.text(tgt_lang), src_lang, tgt_lang, one_sided)


def _keeps(unit: TranslationUnit, s: str | None, t: str | None, src_lang: str, tgt_lang: str,
           one_sided: bool) -> bool:
    if s and t:
        return True
    if not (s or t):
        return False
    return _marked_unaligned(unit) or (one_sided and one_language_only(unit, src_lang, tgt_lang))


def units_bitext(units: list[TranslationUnit], src_lang: str = "es", tgt_lang: str = "en",
                 meta: dict[str, str] | None = None, origin: str = "TMX", one_sided: bool = False) -> Bitext:
    """Beads from translation units: those with both languages, plus units marked unaligned.

    ``one_sided``: also a null bead (1-0, 0-1) for each unit with text in only one of
    the two languages and no other (:func:`one_language_only`), marked or not.
    """
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    beads: list[Bead] = []
    documents: list[str] = []
    tuids: list[str] = []
    skipped = scored = 0
    block, last_paragraph = -1, object()
    for unit in units:
        s, t = unit.text(src_lang) or "", unit.text(tgt_lang) or ""
        if not _keeps(unit, s, t, src_lang, tgt_lang, one_sided):
            skipped += 1
            continue
        n_src, n_tgt = sentence_counts(unit, bool(s), bool(t), src_lang, tgt_lang)
        number = unit.props.get("x-paragraph") or None
        if number != last_paragraph or number is None:
            block, last_paragraph = block + 1, number
        kind = unit.unit_kind
        src_ids = _append(src, _split_joined(s, n_src, src_lang) if s else [], number, block, kind)
        tgt_ids = _append(tgt, _split_joined(t, n_tgt, tgt_lang) if t else [], number, block, kind)
        score = unit.score
        scored += score is not None
        beads.append(Bead(src_ids, tgt_ids, score))  # None: the unit records no confidence
        tuids.append(unit.tuid)
        document = unit.props.get("x-document")
        if document and document not in documents:
            documents.append(document)
    info = dict(meta or {})
    if documents:
        info.setdefault("symbol", documents[0] if len(documents) == 1 else "; ".join(documents))
    # One tuid per bead, in bead order, for reports that cite units by id. Bitext.meta holds
    # strings: comma-separated, or a JSON list when a tuid has a comma of its own.
    if any("," in t for t in tuids):
        import json

        info["tuids"] = json.dumps(tuids, ensure_ascii=False)
    else:
        info["tuids"] = ",".join(tuids)
    info["units"] = str(len(units))
    info["skipped_units"] = str(skipped)
    info["scores"] = "yes" if scored == len(beads) and beads else ("partial" if scored else "no")
    if not beads:
        where = info.get("source_file", origin)
        if not units:
            raise InputError(f"{where}: the {origin} has no translation units")
        raise InputError(f"{where}: no translation unit has both {src_lang!r} and {tgt_lang!r}; "
                         f"the {origin} has languages: {', '.join(languages_of(units)) or 'none'}")
    return Bitext(src, tgt, beads, src_lang, tgt_lang, info)


def _append(side: list[Sentence], pieces: list[str], number: str | None, block: int,
            kind: str = BODY) -> tuple[int, ...]:
    start = len(side)
    for text in pieces:
        side.append(Sentence(text, len(side), paragraph=block, number=number, kind=kind))
    return tuple(range(start, len(side)))


def read_tmx(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en") -> Bitext:
    """A TMX file as a Bitext, with bead types, scores and paragraph numbers where the TMX has them.

    Units lacking one of the two languages are skipped (counted in
    ``meta["skipped_units"]``) unless alinea marked them as unaligned beads.
    ``meta["left_out_src"]``/``["left_out_tgt"]`` are the header's counts of
    sentences left out when the file was written, when it records them.
    """
    tree = parse_tmx(path)
    header = header_of(tree)
    meta = {"source_file": str(path)}
    if header.get("creationtool"):
        meta["creationtool"] = header["creationtool"]
    left_out = left_out_counts(header_props(tree), src_lang, tgt_lang)
    if left_out is not None:  # sentences the writer left out (unaligned, no --keep-unaligned)
        meta["left_out_src"] = str(left_out[base_lang(src_lang)])
        meta["left_out_tgt"] = str(left_out[base_lang(tgt_lang)])
    return units_bitext(list(iter_units(tree)), src_lang, tgt_lang, meta)


def bitext_format(path: str | os.PathLike) -> str:
    """"tmx" or "table" by the file suffix; InputError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix == ".tmx" or (suffix == ".xml" and _looks_like_xml(path)):
        return "tmx"
    if suffix in TABLE_SUFFIXES:
        return "table"
    raise InputError(f"{path}: unsupported bitext format {suffix!r} (use .tmx, .tsv, .csv or .xlsx)")


def load_bitext(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
                encoding: str | None = None) -> Bitext:
    """A TMX or an alinea TSV/CSV/XLSX table as a Bitext (dispatch on the suffix; ``encoding``: of a
    TSV/CSV, default detected)."""
    if bitext_format(path) == "tmx":
        return read_tmx(path, src_lang, tgt_lang)
    from .tabular import read_bitext_table

    return read_bitext_table(path, src_lang, tgt_lang, encoding)


def load_units(path: str | os.PathLike, src_lang: str = "es", tgt_lang: str = "en",
               encoding: str | None = None) -> tuple[list[TranslationUnit], dict[str, str]]:
    """The units of a TMX or of an alinea TSV/CSV/XLSX table, and the TMX header's properties (none for a table)."""
    if bitext_format(path) == "tmx":
        tree = parse_tmx(path)
        return list(iter_units(tree)), header_props(tree)
    from .tabular import frame_units, read_table

    return frame_units(read_table(path, encoding), src_lang, tgt_lang, path), {}


def looks_like_tmx(path: str | os.PathLike) -> bool:
    """Whether a file of any name is XML whose root element is ``<tmx>`` (read up to the root's tag)."""
    try:
        if not _looks_like_xml(path):
            return False
        text, root = _head(Path(path), 1 << 20)
    except OSError:
        return False
    return root is not None and re.match(r"<tmx[\s/>]", text[root.start():root.start() + 5] + " ") is not None


def _looks_like_xml(path: str | os.PathLike) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip(b"\xef\xbb\xbf\xff\xfe \r\n\t").startswith((b"<", b"<\x00"))
    except OSError:
        return False
