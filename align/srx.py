"""Segmentation rules as SRX 2.0: alinea's own out, a CAT tool's in.

SRX (Segmentation Rules eXchange, LISA/GALA) is how Okapi, OmegaT, Trados and
memoQ exchange sentence-segmentation rules: per language, an ordered list of
break and no-break rules, each a pair of regular expressions for the text
before and after a candidate break; at every position the first rule that
matches decides, and positions no rule matches are not breaks.

- :func:`alinea_rules` writes alinea's Spanish and English segmentation (UN
  abbreviations, numbers, paragraph numbers and enumerators, Punkt's
  abbreviation list and sentence starters) as such ordered rules;
  :func:`srx_xml` serialises them as an SRX 2.0 document and
  :func:`omegat_segmentation_conf` as the ``segmentation.conf`` that OmegaT
  3.x reads from a project's ``omegat/`` folder (:func:`write_omegat_rules`
  writes both that and ``segmentation.srx``, which OmegaT 4 and later read).
- :func:`load_srx` reads a user's SRX file (any tool's) and :class:`SrxRules`
  splits text with it, through the SRX engine of the ``choppa-srx`` package
  (a port of the Java ``segment`` library that LanguageTool uses, with
  Java's regular-expression semantics).

The rules use only constructs that Java's ``java.util.regex`` (OmegaT, Okapi),
ICU and Python's ``regex`` read alike: ``\\p{Lu}``/``\\p{Ll}`` instead of
case-insensitive flags, ``[0-9]`` instead of ``\\d``, bounded look-behind.
What they cannot express is listed in the README ("Segmentation rules for
your CAT tool"): above all, cleaning (page-break repair, footnote markers,
headings and contents lines as units of their own) happens before
segmentation, so a CAT tool must be given the cleaned text.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .errors import InputError
from .utils import atomic_write, check_lang

SRX_NAMESPACE = "http://www.lisa.org/srx20"
#: Language maps of the exported rules: SRX patterns matched against language codes.
LANGUAGE_PATTERNS = {"es": "es.*", "en": "en.*"}
RULE_NAMES = {"es": "alinea Spanish (UN)", "en": "alinea English (UN)"}
#: What OmegaT 3.x writes as its segmentation-rules version; an older one makes
#: it merge its own default rules into the project's.
OMEGAT_SRX_VERSION = "0.2.2"


@dataclass(frozen=True)
class SrxRule:
    """One SRX rule: break or not where ``before`` ends and ``after`` starts."""

    is_break: bool
    before: str
    after: str
    #: why the rule is there (written as an XML comment)
    note: str = ""


# ------------------------------------------------------------------ building blocks

#: Characters that may open a word before its letters ("(Sr.", "«etc.").
_OPENERS = "\"'«“‘([¿¡"
#: Characters that may close a sentence after its final punctuation.
_CLOSERS = "\"'”’»)\\]"
#: Start of a word: the text start or a whitespace before it, then openers.
_WORD_START = "(?<![^\\s])[" + "".join("\\" + c if c in "([" else c for c in _OPENERS) + "]*"
_UPPER = "\\p{Lu}"
_LOWER = "\\p{Ll}"


def _caseless(word: str) -> str:
    """A pattern that matches ``word`` in any case, periods escaped, spaces as ``\\s+``."""
    out = []
    for ch in word:
        if ch == ".":
            out.append("\\.")
        elif ch == " ":
            out.append("\\s+")
        elif ch.lower() != ch.upper():
            low, up = ch.lower(), ch.upper()
            out.append(f"[{low}{up}]" if len(up) == 1 else f"(?:{low}|{up})")
        elif ch.isalnum():
            out.append(ch)
        else:
            out.append("\\" + ch)
    return "".join(out)


def _alternation(words: set[str] | list[str]) -> str:
    """Longest first, so that "ee.uu" is tried before "ee"."""
    return "(?:" + "|".join(_caseless(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _exact_alternation(words: set[str] | list[str]) -> str:
    return "(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _abbreviation_before(words: set[str]) -> str:
    """``word.`` as the last word before a break: "Sr.", "(p. ej.", "EE.UU."."""
    return f"{_WORD_START}{_alternation(words)}\\.+"


def _capitalised(words: set[str]) -> str:
    """One of ``words`` with a capital initial, as a whole word."""
    alternatives = sorted({w[:1].upper() + w[1:] for w in words if w[:1].isalpha()}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(alternatives) + ")(?![\\p{L}\\p{N}])"


# The enumerators of align.segment._ENUMERATOR, in Java syntax: "4.", "12.",
# "(a)", "a)", "1)", "(iv)", "iv.", "A.", "IV.", "1.2.", bullets and dashes.
_ENUMERATOR = (
    "(?:\\(?(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){0,4}|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z]|[IVXLC]{1,6})[.)]"
    "|\\((?:[0-9]{1,3}|[a-z]{1,2}|[ivxlc]{1,6}|[A-Z])\\)"
    "|[•·▪◦\\-–—*])"
)


def alinea_rules(lang: str) -> list[SrxRule]:
    """alinea's segmentation of ``lang`` ("es" or "en") as ordered SRX rules."""
    seg = importlib.import_module(".segment", __package__)  # the module: `from . import segment` is the function

    lang = check_lang(lang)
    params = seg.punkt_parameters(lang)
    starters = seg.STARTERS[lang] | set(params.sent_starters)
    starter_words = {w for w in starters if w.isalpha()}
    number_abbrevs = seg.NUMBER_ABBREVIATIONS[lang]
    soft = seg.SOFT_ABBREVIATIONS[lang]
    clock = seg.CLOCK_ABBREVIATIONS & soft
    # Punkt's own abbreviations (pretrained and UN) that no other rule handles.
    punkt_abbrevs = {a for a in params.abbrev_types
                     if a and a.replace(".", "").replace(" ", "").isalpha()} - soft - seg.NON_FINAL_ABBREVIATIONS[lang]
    punkt_abbrevs -= {a for a in punkt_abbrevs if len(a) == 1}  # initials: their own rule
    next_word = "\\s+[\"'«“‘(\\[¿¡]*"
    two_words = sorted({name for name in seg.NON_FINAL_ABBREVIATIONS[lang] | number_abbrevs | soft
                        | seg.CLOCK_ABBREVIATIONS if ". " in name})
    rules = [
        SrxRule(False, "|".join(f"(?:{_WORD_START}{_caseless(name.split('. ')[0])}\\.)" for name in two_words)
                if two_words else "(?!)",
                "\\s+(?:" + "|".join(_caseless(name.split(". ", 1)[1]) for name in two_words) + ")\\.",
                "the first word of a two-word abbreviation (p. ej., a. m., op. cit.) ends nothing"),
        SrxRule(False, _abbreviation_before(seg.NON_FINAL_ABBREVIATIONS[lang]), "\\s",
                "titles and reference abbreviations never end a sentence (Sr., p. ej., e.g.)"),
        SrxRule(False, "\\.", f"{next_word}(?!{_ENUMERATOR}\\s|[a-z]\\s+[A-ZÁÉÍÓÚÑ]){_LOWER}",
                "a word in lower case after a period continues the sentence"),
        SrxRule(True, f"[0-9]\\s*{_abbreviation_before(clock)}", f"{next_word}{_UPPER}",
                "a clock time before a capitalised word ends its sentence "
                "(at 10 a.m. Delegations; a las 3 p. m. Después)"),
        # Dialogue and quotations: the sentence goes on after a quoted question or exclamation.
        SrxRule(False, f"[?!…][{_CLOSERS}]*",
                f"\\s+[\"'«“‘(\\[¿¡—–-]*(?!{_ENUMERATOR}\\s|[a-z]\\s+[A-ZÁÉÍÓÚÑ]){_LOWER}",
                "a word in lower case after ? ! or … continues the sentence (She said \"Stop!\" and left; "
                "—¿Vienes? —preguntó Ana)"),
        SrxRule(False, f"[.?!…][{_CLOSERS}]*", "\\s+(?:[,;]|:(?!:))",
                "so does a comma, semicolon or colon after a quotation"),
        SrxRule(False, "[(\\[](?:\\.\\.\\.+|…)[)\\]]", "\\s",
                "an omission mark in brackets, (...) or […], ends nothing"),
        SrxRule(True, f"(?<![(\\[])(?:\\.\\.\\.+|…)[{_CLOSERS}]*", f"\\s+[\"'«“‘(\\[¿¡—–-]*{_UPPER}",
                "an ellipsis before a capitalised word ends the sentence, in both languages"),
        SrxRule(False, _abbreviation_before(number_abbrevs), "\\s+[\\[(]?(?:[0-9]|[IVXLC]+(?![\\p{L}\\p{N}]))",
                "number abbreviations before a number (párr. 4, No. 18561, cap. IV)"),
        # A lone enumerator at the start of a sentence stays with the sentence it opens.
        SrxRule(False, f"(?:^|(?<=[.?!:;][{_CLOSERS}]{{0,3}}\\s{{1,20}})){_ENUMERATOR}", "\\s",
                "a paragraph number or enumerator opens its sentence (4., (a), iv))"),
        # "... a las 10.00 horas 1. Acoge ...": the paragraph number opens the next sentence.
        SrxRule(True, f"(?<![^\\s])(?!{_exact_alternation(seg.NUMBER_WORDS[lang])}\\s)[a-záéíóúñü]+",
                f"\\s+[1-9][0-9]{{0,2}}\\.\\s+{_UPPER}",
                "a paragraph number inside a line opens the next sentence"),
        SrxRule(False,
                f"(?<![^\\s])(?!{_exact_alternation(seg.NUMBER_WORDS[lang])}\\s)[a-záéíóúñü]+\\s+[1-9][0-9]{{0,2}}\\.",
                f"\\s+{_UPPER}", "... and is not a sentence of its own"),
        # Soft abbreviations (etc., a.m., EE.UU.) end a sentence only before a new one.
        SrxRule(True, _abbreviation_before(soft), f"\\s+{_ENUMERATOR}\\s+[\"'«“‘(\\[¿¡]*{_UPPER}",
                "a soft abbreviation before a paragraph number ends its sentence"),
        SrxRule(True, _abbreviation_before(soft), f"{next_word}{_capitalised(starter_words)}",
                "a soft abbreviation before a usual sentence starter ends its sentence"),
        SrxRule(False, _abbreviation_before(soft), "\\s", "otherwise a soft abbreviation does not"),
        # Punkt's abbreviation list: a break only before a frequent sentence starter.
        SrxRule(True, _abbreviation_before(punkt_abbrevs), f"{next_word}{_capitalised(starter_words)}",
                "Punkt's abbreviations before a frequent sentence starter end the sentence"),
        SrxRule(False, _abbreviation_before(punkt_abbrevs), "\\s", "otherwise they do not"),
        # Initials ("J. Smith"): no break before a capitalised word that is not a sentence starter.
        SrxRule(True, f"(?<![^\\s]){_UPPER}\\.", f"{next_word}{_capitalised(starter_words)}",
                "an initial before a sentence starter ends the sentence"),
        SrxRule(False, "(?<![^\\s])\\p{L}\\.", f"{next_word}{_UPPER}", "an initial before a name does not"),
        SrxRule(False, "\\.", "\\s+[0-9]+(?:[-–][0-9]+)?(?:\\s+[0-9]+)?\\s*$",
                "a contents line: the paragraph and page numbers that close it are not a sentence"),
        # Sentence ends: full stop, question and exclamation marks, closing quotes and brackets.
        SrxRule(True, f"[.?!]+[{_CLOSERS}]*", "\\s", "final punctuation before a space ends a sentence"),
        SrxRule(True, "[?!]+", "[\\p{L}\\p{N}]", "so do ? and ! before a word"),
    ]
    return rules


# ------------------------------------------------------------------ writing


def srx_xml(langs: tuple[str, ...] = ("es", "en")) -> str:
    """alinea's rules for ``langs`` as an SRX 2.0 document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- alinea's sentence segmentation (UN documents) as SRX 2.0 rules, written by `alinea srx`."
        " Give the CAT tool the cleaned text: the paragraphs format of alinea segment. -->",
        f'<srx xmlns="{SRX_NAMESPACE}" version="2.0">',
        '  <header segmentsubflows="yes" cascade="no">',
        '    <formathandle type="start" include="no"/>',
        '    <formathandle type="end" include="yes"/>',
        '    <formathandle type="isolated" include="no"/>',
        "  </header>",
        "  <body>",
        "    <languagerules>",
    ]
    for lang in langs:
        lines.append(f"      <languagerule languagerulename={quoteattr(RULE_NAMES[lang])}>")
        for rule in alinea_rules(lang):
            if rule.note:
                lines.append(f"        <!-- {escape(rule.note).replace('--', '- -')} -->")
            lines.append(f'        <rule break="{"yes" if rule.is_break else "no"}">')
            lines.append(f"          <beforebreak>{escape(rule.before)}</beforebreak>")
            lines.append(f"          <afterbreak>{escape(rule.after)}</afterbreak>")
            lines.append("        </rule>")
        lines.append("      </languagerule>")
    lines += ["    </languagerules>", "    <maprules>"]
    for lang in langs:
        lines.append(f"      <languagemap languagepattern={quoteattr(LANGUAGE_PATTERNS[lang])} "
                     f"languagerulename={quoteattr(RULE_NAMES[lang])}/>")
    lines += ["    </maprules>", "  </body>", "</srx>", ""]
    return "\n".join(lines)


def omegat_segmentation_conf(langs: tuple[str, ...] = ("es", "en")) -> str:
    """alinea's rules as OmegaT 3.x's ``segmentation.conf`` (a Java XMLEncoder bean).

    OmegaT 3.x reads project-specific segmentation from
    ``PROJECT/omegat/segmentation.conf`` in this form (``SRX.loadSRX``); the
    version is its current one, so that it does not merge its defaults in.
    """
    def prop(name: str, kind: str, value: str, indent: str) -> list[str]:
        return [f'{indent}<void property="{name}">', f"{indent} <{kind}>{escape(value)}</{kind}>",
                f"{indent}</void>"]

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<java version="1.8.0" class="java.beans.XMLDecoder">',
             ' <object class="org.omegat.core.segmentation.SRX">',
             *prop("includeEndingTags", "boolean", "true", "  "),
             *prop("includeIsolatedTags", "boolean", "false", "  "),
             *prop("includeStartingTags", "boolean", "false", "  "),
             '  <void property="mappingRules">']
    for lang in langs:
        lines += ['   <void method="add">', '    <object class="org.omegat.core.segmentation.MapRule">',
                  *prop("language", "string", RULE_NAMES[lang], "     "),
                  *prop("pattern", "string", LANGUAGE_PATTERNS[lang].upper(), "     "),
                  '     <void property="rules">', '      <object class="java.util.ArrayList">']
        for rule in alinea_rules(lang):
            lines += ['       <void method="add">', '        <object class="org.omegat.core.segmentation.Rule">',
                      *prop("afterbreak", "string", rule.after, "         "),
                      *prop("beforebreak", "string", rule.before, "         "),
                      *prop("breakRule", "boolean", "true" if rule.is_break else "false", "         "),
                      "        </object>", "       </void>"]
        lines += ["      </object>", "     </void>", "    </object>", "   </void>"]
    lines += ["  </void>", *prop("segmentSubflows", "boolean", "true", "  "),
              *prop("version", "string", OMEGAT_SRX_VERSION, "  "), " </object>", "</java>", ""]
    return "\n".join(lines)


def write_srx(path: str | os.PathLike) -> Path:
    """Write alinea's rules as an SRX 2.0 file (atomically)."""
    path = Path(path)
    with atomic_write(path) as fh:
        fh.write(srx_xml())
    return path


def write_omegat_rules(project: str | os.PathLike) -> list[Path]:
    """Install alinea's rules as an OmegaT project's own segmentation rules.

    Writes ``PROJECT/omegat/segmentation.conf`` (OmegaT 3.x) and
    ``PROJECT/omegat/segmentation.srx`` (OmegaT 4 and later read it first),
    creating the folders when needed. Returns the files written.
    """
    project = Path(project)
    if project.exists() and not project.is_dir():
        raise InputError(f"{project}: not a folder (give the OmegaT project folder)")
    internal = project / "omegat"
    conf, srx = internal / "segmentation.conf", internal / "segmentation.srx"
    with atomic_write(conf) as fh_conf, atomic_write(srx) as fh_srx:
        fh_conf.write(omegat_segmentation_conf())
        fh_srx.write(srx_xml())
    return [conf, srx]


# ------------------------------------------------------------------ reading and segmenting


class SrxRules:
    """A parsed SRX 2.0 file, ready to split text for one language or another."""

    def __init__(self, document, source: str) -> None:
        self._document = document
        self.source = source

    def rule_count(self, lang: str) -> int:
        return sum(len(r.rules) for r in self._document.get_language_rule_list(lang))

    def spans(self, text: str, lang: str) -> list[tuple[int, int]]:
        """Segment spans of ``text`` by the rules for language code ``lang``, trimmed of whitespace.

        A blank line always ends a segment (paragraphs are CAT-tool units too).
        """
        from choppa.iterators import SrxTextIterator

        if not self._document.get_language_rule_list(lang):
            raise InputError(f"{self.source}: no language map matches {lang!r}")
        spans: list[tuple[int, int]] = []
        for start, end in _paragraphs(text):
            offset = start
            for piece in SrxTextIterator(self._document, lang, text[start:end]):
                stripped = piece.strip()
                if stripped:
                    left = offset + len(piece) - len(piece.lstrip())
                    spans.append((left, left + len(stripped)))
                offset += len(piece)
        return spans

    def split(self, text: str, lang: str) -> list[str]:
        return [text[s:e] for s, e in self.spans(text, lang)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    import re

    spans, start = [], 0
    for match in re.finditer(r"\n[ \t\r\f\v]*\n\s*", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def load_srx(path: str | os.PathLike) -> SrxRules:
    """Read an SRX 2.0 file; any problem is an :class:`InputError` naming the file and the place."""
    from lxml import etree

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not an SRX file: XML error at line {exc.lineno}: {exc.msg}") from None
    return SrxRules(_document_from_xml(root, str(path)), str(path))


def parse_srx_string(text: str, source: str = "<srx>") -> SrxRules:
    """Like :func:`load_srx` for SRX text in memory."""
    from lxml import etree

    try:
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{source}: not an SRX file: XML error at line {exc.lineno}: {exc.msg}") from None
    return SrxRules(_document_from_xml(root, source), source)


def _document_from_xml(root, source: str):
    """Check an SRX 2.0 tree the way the schema does and build the engine's document."""
    import regex
    from choppa.srx_parser import SrxDocument
    from choppa.structures import LanguageRule, Rule

    ns = f"{{{SRX_NAMESPACE}}}"

    def fail(element, message: str):
        line = getattr(element, "sourceline", None)
        raise InputError(f"{source}: not a valid SRX 2.0 file: {message}" + (f" (line {line})" if line else ""))

    if root.tag != f"{ns}srx":
        fail(root, f"the root element is <{_local_name(root.tag)}>, not <srx> in the {SRX_NAMESPACE} namespace")
    if root.get("version") != "2.0":
        fail(root, f"version {root.get('version')!r}, alinea reads SRX 2.0")
    header, body = root.find(f"{ns}header"), root.find(f"{ns}body")
    if header is None or body is None:
        fail(root, "<srx> needs a <header> and a <body>")
    rules_el, maps_el = body.find(f"{ns}languagerules"), body.find(f"{ns}maprules")
    if rules_el is None or maps_el is None:
        fail(body, "<body> needs <languagerules> and <maprules>")
    document = SrxDocument(cascade=header.get("cascade", "no") == "yes")
    by_name: dict[str, LanguageRule] = {}
    for lang_el in rules_el.findall(f"{ns}languagerule"):
        name = lang_el.get("languagerulename")
        if not name:
            fail(lang_el, "a <languagerule> without languagerulename")
        language_rule = LanguageRule(name)
        for rule_el in lang_el.findall(f"{ns}rule"):
            if rule_el.get("break", "yes") not in ("yes", "no"):
                fail(rule_el, f"break={rule_el.get('break')!r} (yes or no)")
            before = rule_el.findtext(f"{ns}beforebreak") or ""
            after = rule_el.findtext(f"{ns}afterbreak") or ""
            if not before and not after:
                fail(rule_el, f"a rule of {name!r} with neither <beforebreak> nor <afterbreak>")
            for kind, pattern in (("beforebreak", before), ("afterbreak", after)):
                try:
                    document.compile(pattern)
                except regex.error as exc:
                    fail(rule_el, f"{kind} {pattern!r} of {name!r} is not a regular expression ({exc})")
            language_rule.add_rule(Rule(rule_el.get("break", "yes") != "no", before, after))
        by_name[name] = language_rule
    maps = maps_el.findall(f"{ns}languagemap")
    if not maps:
        fail(maps_el, "<maprules> has no <languagemap>")
    for map_el in maps:
        name, pattern = map_el.get("languagerulename"), map_el.get("languagepattern")
        if name not in by_name:
            fail(map_el, f"<languagemap> refers to {name!r}, which no <languagerule> defines")
        try:
            document.add_language_map(pattern or "", by_name[name])
            # CAT tools match language patterns regardless of case ("EN.*" and "en-US").
            document.language_map_list[-1].language_pattern = regex.compile(pattern or "", regex.IGNORECASE)
        except regex.error as exc:
            fail(map_el, f"languagepattern {pattern!r} is not a regular expression ({exc})")
    return document


def _local_name(tag: str) -> str:
    return str(tag).rsplit("}", 1)[-1]
