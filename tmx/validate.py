"""Structural validation of TMX 1.4 files with located, readable messages.

The checks follow the official TMX 1.4 DTD (element order and content,
required and allowed attributes, segtype values) plus what the DTD cannot
say but CAT tools rely on: ``<bpt>``/``<ept>`` pairs within a segment,
language codes, duplicate ``tuid``s. Every problem carries the line and
column of the offending element.

The official TMX 1.4 DTD (LISA OSCAR, ``schema/tmx14.dtd``, shipped with the
package with its header intact) is the second check: once the structure is
sound, lxml validates the file against it (or against another DTD you give).
It runs second because its messages would only repeat the structural errors,
less precisely located.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from alinea.align.errors import InputError

from .hygiene import canonical_lang
from .reader import XML_LANG, parse_xml

SEGTYPES = ("block", "paragraph", "sentence", "phrase")
_COMMON_TU = {"o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool", "creationtoolversion",
              "creationdate", "creationid", "changedate", "changeid", "o-tmf"}
ATTRIBUTES: dict[str, set[str]] = {
    "tmx": {"version"},
    "header": {"creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype",
               "o-encoding", "creationdate", "creationid", "changedate", "changeid"},
    "body": set(),
    "note": {"o-encoding", XML_LANG, "lang"},
    "prop": {"type", XML_LANG, "o-encoding", "lang"},
    "ude": {"name", "base"},
    "map": {"unicode", "code", "ent", "subst"},
    "tu": _COMMON_TU | {"tuid", "segtype", "srclang"},
    "tuv": _COMMON_TU | {XML_LANG, "lang"},
    "seg": set(),
    "bpt": {"i", "x", "type"},
    "ept": {"i"},
    "sub": {"datatype", "type"},
    "it": {"pos", "x", "type"},
    "ph": {"x", "assoc", "type"},
    "hi": {"x", "type"},
    "ut": {"x"},
}
REQUIRED = {
    "header": ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"),
    "prop": ("type",), "ude": ("name",), "map": ("unicode",), "tuv": (XML_LANG,),
    "bpt": ("i",), "ept": ("i",), "it": ("pos",),
}
INLINE = {"bpt", "ept", "ph", "it", "hi", "ut"}
#: Which children each text-bearing element may hold (#PCDATA is always allowed there).
MIXED = {
    "seg": INLINE, "hi": INLINE, "sub": INLINE,
    "bpt": {"sub"}, "ept": {"sub"}, "it": {"sub"}, "ph": {"sub"}, "ut": {"sub"},
    "note": set(), "prop": set(),
}
_DATE = re.compile(r"^\d{8}T\d{6}Z$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Problem:
    line: int
    column: int
    message: str
    level: str = "error"  # or "warning": legal TMX that CAT tools handle badly

    def located(self, path: str | os.PathLike) -> str:
        return f"{path}:{self.line}:{self.column}: {self.level}: {self.message}"


@dataclass
class Validation:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    units: int = 0
    languages: list[str] = field(default_factory=list)
    #: the DTD the file was validated against ("" when it was not: malformed or structurally invalid)
    dtd: str = ""
    #: units whose x-score or x-bead break alinea's rules (:mod:`alinea.tmx.props`): valid TMX that
    #: alinea's report, review, stats, filter and convert refuse (each is a warning in ``problems``)
    refused_units: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _name(element: etree._Element) -> str:
    if element.tag == XML_LANG:
        return "xml:lang"
    return element.tag if isinstance(element.tag, str) else "?"


def _attr_name(attr: str) -> str:
    return "xml:lang" if attr == XML_LANG else attr


class _Locator:
    """Columns for elements: lxml knows an element's line, we find its "<tag" on that line."""

    def __init__(self, path: Path, tree: etree._ElementTree):
        raw = path.read_bytes()
        try:
            text = raw.decode(tree.docinfo.encoding or "utf-8", errors="replace")
        except LookupError:
            text = raw.decode("utf-8", errors="replace")
        self.lines = text.splitlines()
        # The k-th <tag> on a line is the k-th "<tag" of that line's text. The list
        # keeps the element proxies alive so that they stay valid dict keys.
        self.elements = [e for e in tree.getroot().iter() if isinstance(e.tag, str)]
        counts: dict[tuple[int, str], int] = {}
        self.columns: dict[tuple[int, str], list[int]] = {}
        self.occurrence: dict[etree._Element, int] = {}
        for element in self.elements:
            key = (element.sourceline or 1, element.tag)
            self.occurrence[element] = counts.get(key, 0)
            counts[key] = counts.get(key, 0) + 1

    def _columns(self, number: int, tag: str) -> list[int]:
        # Cached: thousands of problems on one long line must not rescan it each time.
        key = (number, tag)
        if key not in self.columns:
            self.columns[key] = [m.start() for m in
                                 re.finditer(re.escape(tag) + r"(?![\w.:-])", self.lines[number - 1])]
        return self.columns[key]

    def __call__(self, element: etree._Element) -> tuple[int, int]:
        line = element.sourceline or 1
        tag = f"<{element.tag}"
        wanted = self.occurrence.get(element, 0)
        # A start tag spanning lines is reported at its last line: look back a little.
        for number in range(line, max(line - 5, 0), -1):
            if number - 1 >= len(self.lines):
                continue
            columns = self._columns(number, tag)
            if columns:
                return number, columns[min(wanted, len(columns) - 1) if number == line else -1] + 1
        return line, 1


def official_dtd() -> Path:
    """The official TMX 1.4 DTD shipped with alinea."""
    from importlib.resources import files

    return Path(str(files("alinea.tmx").joinpath("schema", "tmx14.dtd")))


def validate_tmx(path: str | os.PathLike, dtd: str | os.PathLike | bool = True, src_lang: str = "es",
                 tgt_lang: str = "en") -> Validation:
    """Check ``path`` against TMX 1.4's structure, then against a DTD.

    ``dtd``: True for the official TMX 1.4 DTD shipped with alinea, the path
    of another DTD file, or False for the structural checks only. The DTD is
    checked only when the structure has no errors. Malformed XML is one
    located error. alinea's own properties (x-bead, x-score, x-kind) that
    break its rules are warnings, with the languages ``src_lang``/``tgt_lang``
    as the other commands read them (:mod:`alinea.tmx.props`).
    """
    path = Path(path)
    dtd_path = official_dtd() if dtd is True else (Path(dtd) if dtd else None)
    if dtd_path is not None:
        _load_dtd(str(dtd_path))  # a bad DTD is bad input before any work
    result = Validation(path)
    try:
        tree = parse_xml(path)
    except InputError as exc:
        match = re.match(r"^.*?:(\d+):(\d+): (.*)$", str(exc))
        if not match:
            raise
        result.problems.append(Problem(int(match.group(1)), int(match.group(2)), match.group(3)))
        return result
    locate = _Locator(path, tree)
    problems = result.problems

    def report(element, message, level="error"):
        line, column = locate(element)
        problems.append(Problem(line, column, message, level))

    root = tree.getroot()
    if root.tag != "tmx":
        report(root, f"the root element is <{_name(root)}>, not <tmx>: this is not a TMX file")
        return result
    if root.get("version") != "1.4":
        report(root, f"<tmx version=\"{root.get('version', '')}\">: TMX 1.4 requires version=\"1.4\"")
    _check_tree(root, report)
    children = [_name(c) for c in root]
    if children != ["header", "body"]:
        found = ", ".join(f"<{c}>" for c in children) or "nothing"
        report(root, f"<tmx> must contain <header> then <body>, found: {found}")
    header = root.find("header")
    if header is not None and header.get("segtype") not in (None, *SEGTYPES):
        report(header, f"segtype=\"{header.get('segtype')}\" must be one of {', '.join(SEGTYPES)}")
    srclang = (header.get("srclang") if header is not None else "") or ""
    body = root.find("body")
    languages: set[str] = set()
    tuids: dict[str, int] = {}
    for tu in (body.iterchildren("tu") if body is not None else ()):
        result.units += 1
        _check_tu(tu, report, languages, srclang, tuids)
    result.languages = sorted({canonical_lang(lang) for lang in languages})
    if body is not None:
        result.refused_units = _check_alinea_props(tree, report, src_lang, tgt_lang)
    problems.sort(key=lambda p: (p.line, p.column))
    if dtd_path is not None and result.ok:
        problems += _dtd_problems(tree, dtd_path)
        result.dtd = dtd_path.name
    return result


def _check_alinea_props(tree: etree._ElementTree, report, src_lang: str, tgt_lang: str) -> int:
    """Warnings for alinea's properties that break its rules; returns how many units other commands refuse."""
    from .props import CHECKED
    from .reader import iter_units

    refused = 0
    for unit in iter_units(tree):
        problems = unit.prop_problems(src_lang, tgt_lang)
        refusing = [p for p in problems if p.startswith(CHECKED)]
        refused += bool(refusing)
        for problem in problems:
            why = "; alinea's report, review, stats, filter and convert refuse this file" \
                if problem in refusing else ""
            report(unit.element, f"unit {unit.tuid}: {problem}{why}", "warning")
    return refused


def _check_tree(root: etree._Element, report) -> None:
    """Attributes of every element, and the content of text-bearing elements."""
    for element in root.iter():
        name = _name(element)
        if name not in ATTRIBUTES:
            report(element, f"<{name}> is not a TMX 1.4 element")
            continue
        for attr in element.attrib:
            if attr not in ATTRIBUTES[name]:
                report(element, f"<{name}> does not take the attribute {_attr_name(attr)!r}")
        for attr in REQUIRED.get(name, ()):
            if not element.get(attr):
                report(element, f"<{name}> lacks the required attribute {_attr_name(attr)!r}")
        if name in MIXED:
            for child in element:
                if _name(child) not in MIXED[name] and _name(child) in ATTRIBUTES:
                    report(child, f"<{_name(child)}> is not allowed inside <{name}>")
        elif name not in MIXED and (element.text or "").strip():
            report(element, f"<{name}> cannot contain text")
        if name not in MIXED:
            for child in element:
                if (child.tail or "").strip():
                    report(child, f"text after <{_name(child)}> inside <{name}> is not allowed")
        for attr in ("creationdate", "changedate", "lastusagedate"):
            value = element.get(attr)
            if value is not None and not _DATE.match(value):
                report(element, f"{attr}=\"{value}\" is not a TMX date (YYYYMMDDThhmmssZ, UTC)", "warning")
        if name == "it" and element.get("pos") not in (None, "begin", "end"):
            report(element, f"<it pos=\"{element.get('pos')}\"> must be pos=\"begin\" or \"end\"")
    header = root.find("header")
    if header is not None:
        for child in header:
            if _name(child) not in ("note", "prop", "ude"):
                report(child, f"<{_name(child)}> is not allowed inside <header>")
    body = root.find("body")
    if body is not None:
        for child in body:
            if _name(child) != "tu":
                report(child, f"<{_name(child)}> is not allowed inside <body> (only <tu>)")


def _check_tu(tu: etree._Element, report, languages: set[str], srclang: str, tuids: dict[str, int]) -> None:
    names = [_name(c) for c in tu]
    if "tuv" not in names:
        report(tu, "<tu> has no <tuv>")
    else:
        first_tuv = names.index("tuv")
        for child in list(tu)[first_tuv:]:
            if _name(child) != "tuv":
                report(child, f"<{_name(child)}> after <tuv> in <tu>: <note> and <prop> must come before the <tuv>s")
        for child in list(tu)[:first_tuv]:
            if _name(child) not in ("note", "prop"):
                report(child, f"<{_name(child)}> is not allowed inside <tu>")
    if tu.get("segtype") not in (None, *SEGTYPES):
        report(tu, f"segtype=\"{tu.get('segtype')}\" must be one of {', '.join(SEGTYPES)}")
    tuid = tu.get("tuid")
    if tuid:
        if tuid in tuids:
            report(tu, f"tuid {tuid!r} already used on line {tuids[tuid]}", "warning")
        tuids.setdefault(tuid, tu.sourceline or 0)
    unit_langs = []
    for tuv in tu.iterchildren("tuv"):
        lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
        if lang:
            unit_langs.append(lang.lower())
            languages.add(lang)
            if not _LANG.match(lang):
                report(tuv, f"xml:lang=\"{lang}\" is not a language code", "warning")
        _check_tuv(tuv, report)
    if len(set(unit_langs)) < len(unit_langs):
        report(tu, "<tu> has two <tuv>s in the same language", "warning")
    srclang = tu.get("srclang") or srclang
    source = srclang.lower() if srclang else ""
    if source and source != "*all*" and unit_langs and \
            not any(code == source or code.split("-")[0] == source.split("-")[0] for code in unit_langs):
        report(tu, f"<tu> has no <tuv> in its source language {srclang!r}", "warning")


def _check_tuv(tuv: etree._Element, report) -> None:
    names = [_name(c) for c in tuv]
    if names.count("seg") != 1:
        report(tuv, f"<tuv> must contain exactly one <seg>, found {names.count('seg')}")
    elif names[-1] != "seg":
        report(tuv, "<seg> must be the last element of <tuv>")
    for child in tuv:
        if _name(child) not in ("note", "prop", "seg"):
            report(child, f"<{_name(child)}> is not allowed inside <tuv>")
    seg = tuv.find("seg")
    if seg is None:
        return
    opened: dict[str, etree._Element] = {}
    for element in seg.iter("bpt", "ept"):
        i = element.get("i", "")
        if element.tag == "bpt":
            if i in opened:
                report(element, f"<bpt i=\"{i}\"> opened twice in the same segment")
            opened[i] = element
        elif opened.pop(i, None) is None:
            report(element, f"<ept i=\"{i}\"> has no matching <bpt i=\"{i}\"> before it in the segment")
    for i, element in opened.items():
        report(element, f"<bpt i=\"{i}\"> is never closed by an <ept i=\"{i}\"> in the segment")


@lru_cache(maxsize=8)
def _load_dtd(dtd_path: str) -> etree.DTD:
    path = Path(dtd_path)
    if not path.is_file():
        raise InputError(f"{path}: no such DTD file")
    try:
        return etree.DTD(str(path))
    except etree.DTDParseError as exc:
        raise InputError(f"{path}: not a DTD: {' '.join(str(exc).split())}") from None


def _dtd_problems(tree: etree._ElementTree, dtd_path: Path) -> list[Problem]:
    dtd = _load_dtd(str(dtd_path))
    if dtd.validate(tree):
        return []
    return [Problem(e.line, e.column or 1, f"{dtd_path.name}: {e.message}") for e in dtd.error_log.filter_from_errors()]


def validate_against_dtd(path: str | os.PathLike, dtd_path: str | os.PathLike | None = None) -> list[Problem]:
    """Only the DTD check of ``path`` (the official TMX 1.4 DTD unless ``dtd_path`` names another)."""
    return _dtd_problems(parse_xml(path), Path(dtd_path) if dtd_path else official_dtd())


#: Attributes that must not be empty (the DTD only asks that they be present).
_EMPTY_REQUIRED = re.compile(
    rb"\s(?:" + b"|".join(sorted({re.escape(_attr_name(a)).encode() for attrs in REQUIRED.values() for a in attrs}))
    + rb")\s*=\s*(?:\"\"|'')$")
# libxml2's DTD check lets a <tuv> without xml:lang through (xml: attributes are special to it).
_TUV_WITH_LANG = re.compile(rb"<tuv\s[^>]*?xml:lang\s*=")


def _empty_required_attribute(raw: bytes) -> bool:
    # A literal search for the empty value first (memchr speed), the name check only around it.
    for empty in (b'""', b"''"):
        at = raw.find(empty)
        while at != -1:
            if _EMPTY_REQUIRED.search(raw[max(0, at - 64):at + 2]):
                return True
            at = raw.find(empty, at + 1)
    return False


def may_have_errors(path: str | os.PathLike, tree: etree._ElementTree) -> bool:
    """A fast screen of a parsed TMX: False guarantees that :func:`validate_tmx` reports no error.

    The structural checks above walk every element in Python (about 8 s per
    100,000 units); this screen runs libxml2's DTD validation against the
    official TMX 1.4 DTD (in C; :func:`validate_tmx` runs the same check after
    the structural ones) and adds what the DTD cannot say: version 1.4,
    required attributes not empty, ``<bpt>``/``<ept>`` pairs, and ``xml:lang``
    on every ``<tuv>`` (which libxml2 does not enforce). The DTD is at least as
    strict as the structural checks (``tests/test_tm.py`` compares them), so a
    file it lets through has no error. It may say True for a valid file
    (inline ``<bpt>``/``<ept>``, UTF-16, an empty required attribute's name in
    the text): run :func:`validate_tmx` then for the exact, located problems.
    Warnings are not screened.
    """
    root = tree.getroot()
    if root.tag != "tmx" or root.get("version") != "1.4":
        return True
    if (tree.docinfo.encoding or "").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return True
    raw = Path(path).read_bytes()
    if b"<bpt" in raw or b"<ept" in raw or _empty_required_attribute(raw):
        return True
    if raw.count(b"<tuv") != len(_TUV_WITH_LANG.findall(raw)):
        return True
    return not _load_dtd(str(official_dtd())).validate(tree)
