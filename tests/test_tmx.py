"""TMX export and import: structure, metadata, hygiene, safety, round trips, DTD conformance."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from alinea.align.errors import InputError
from alinea.align.model import Bead, Bitext, Sentence
from alinea.tmx.hygiene import clean_segment, tmx_lang
from alinea.tmx.reader import load_bitext, read_tmx
from alinea.tmx.tabular import bitext_frame, write_table
from alinea.tmx.validate import official_dtd
from alinea.tmx.writer import write_tmx

ROOT = Path(__file__).resolve().parents[1]
#: the official TMX 1.4 DTD, shipped inside the package (tmx/schema/tmx14.dtd)
DTD = official_dtd()
SHARED_DTD = ROOT.parent / "shared" / "spec" / "tmx14.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def make_bitext(src: list[str], tgt: list[str], beads: list[Bead], numbers: dict[int, str] | None = None,
                symbol: str = "A/58/98") -> Bitext:
    numbers = numbers or {}
    return Bitext([Sentence(t, i, number=numbers.get(i)) for i, t in enumerate(src)],
                  [Sentence(t, i) for i, t in enumerate(tgt)], beads, "es", "en", {"symbol": symbol})


@pytest.fixture
def small_bitext() -> Bitext:
    src = ["La Asamblea General aprobó la resolución 58/203.", "El Consejo examinó el informe.",
           "También tomó nota.", "Frase sin traducción.", "El PNUD & la OIT <cooperan>."]
    tgt = ["The General Assembly adopted resolution 58/203.",
           "The Council considered the report and took note of it.", "UNDP & ILO <cooperate>.",
           "An English sentence without Spanish."]
    beads = [Bead((0,), (0,), 0.91), Bead((1, 2), (1,), 0.62), Bead((3,), (), 0.0),
             Bead((4,), (2,), 0.8), Bead((), (3,), 0.0)]
    return make_bitext(src, tgt, beads, numbers={0: "4", 1: "5", 2: "5"})


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


# --- export ----------------------------------------------------------------

def test_header_has_every_required_attribute(tmp_path, small_bitext):
    from alinea import __version__

    write_tmx(small_bitext, tmp_path / "t.tmx")
    root = parse(tmp_path / "t.tmx")
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("creationtool") == "alinea"
    assert header.get("creationtoolversion") == __version__
    assert header.get("segtype") == "sentence"
    assert header.get("datatype") == "plaintext"
    assert header.get("srclang") == "es"
    assert header.get("o-tmf") and header.get("adminlang")
    assert len(header.get("creationdate")) == 16 and header.get("creationdate").endswith("Z")


def test_one_unit_per_aligned_bead_with_props_before_tuvs(tmp_path, small_bitext):
    units = write_tmx(small_bitext, tmp_path / "t.tmx")
    tus = parse(tmp_path / "t.tmx").find("body").findall("tu")
    assert units == len(tus) == 3  # the 1-0 and 0-1 beads are left out by default
    assert [tu.get("tuid") for tu in tus] == ["1", "2", "4"]
    for tu in tus:
        names = [child.tag for child in tu]
        assert names.index("tuv") > max(i for i, n in enumerate(names) if n in ("prop", "note"))
        assert all(n == "tuv" for n in names[names.index("tuv"):])
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props == {"x-document": "A/58/98", "x-paragraph": "5", "x-bead": "2-1", "x-score": "0.6200",
                     "x-kind": "body"}
    # the header counts the sentences of the 1-0 and 0-1 beads that were left out
    header = parse(tmp_path / "t.tmx").find("header")
    assert {p.get("type"): p.text for p in header.findall("prop")} == {"x-unaligned-es": "1", "x-unaligned-en": "1"}
    # a multi-sentence bead is joined with one space
    assert tus[1].find("tuv/seg").text == "El Consejo examinó el informe. También tomó nota."
    assert [tuv.get(XML_LANG) for tuv in tus[0].findall("tuv")] == ["es", "en"]


def test_keep_unaligned_writes_null_beads_with_a_note(tmp_path, small_bitext):
    assert write_tmx(small_bitext, tmp_path / "t.tmx", keep_unaligned=True) == 5
    tus = parse(tmp_path / "t.tmx").find("body").findall("tu")
    one_zero, zero_one = tus[2], tus[4]
    assert one_zero.find("note").text.startswith("unaligned")
    assert [t.get(XML_LANG) for t in one_zero.findall("tuv")] == ["es"]
    assert [t.get(XML_LANG) for t in zero_one.findall("tuv")] == ["en"]
    assert zero_one.get("srclang") == "en"  # its only variant is its source
    # read back as the null beads they were
    bitext = read_tmx(tmp_path / "t.tmx")
    assert [b.kind for b in bitext.beads] == ["1-1", "2-1", "1-0", "1-1", "0-1"]


@pytest.mark.parametrize("src_lang,tgt_lang", [("es", "en"), ("es-ES", "en-US"), ("es_mx", "EN-gb")])
def test_language_codes_are_configurable(tmp_path, small_bitext, src_lang, tgt_lang):
    write_tmx(small_bitext, tmp_path / "t.tmx", src_lang, tgt_lang)
    root = parse(tmp_path / "t.tmx")
    want_src, want_tgt = tmx_lang(src_lang), tmx_lang(tgt_lang)
    assert root.find("header").get("srclang") == want_src
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {want_src, want_tgt}
    back = read_tmx(tmp_path / "t.tmx", "es", "en")  # base-language lookup finds them
    assert [(s, t) for _, s, t in back.pairs()] == [(s, t) for _, s, t in _expected(small_bitext)]


def test_language_codes_are_checked(tmp_path, small_bitext):
    with pytest.raises(InputError, match="not 'en-US'"):
        write_tmx(small_bitext, tmp_path / "t.tmx", "en-US", "es")
    with pytest.raises(InputError, match="invalid language code"):
        write_tmx(small_bitext, tmp_path / "t.tmx", "spanish!", "en")
    assert not (tmp_path / "t.tmx").exists()


def test_text_hygiene(tmp_path):
    src = ["Control\x00chars\x1b gone\x85 and  \t spaces\n normalized.", "Old <b>markup</b> &amp;nbsp;debris&#233;."]
    tgt = ["A & B < C > D stays <Enter>.", "Zero\u200bwidth and soft\u00adhyphen."]
    bitext = make_bitext(src, tgt, [Bead((0,), (0,), 1.0), Bead((1,), (1,), 1.0)])
    write_tmx(bitext, tmp_path / "t.tmx")
    raw = (tmp_path / "t.tmx").read_text(encoding="utf-8")
    assert "A &amp; B &lt; C &gt; D stays &lt;Enter&gt;." in raw
    assert "<b>" not in raw and "&amp;amp;" not in raw and "nbsp" not in raw
    pairs = [(s, t) for _, s, t in read_tmx(tmp_path / "t.tmx").pairs()]
    assert pairs == [("Controlchars gone and spaces normalized.", "A & B < C > D stays <Enter>."),
                     ("Old markup debrisé.", "Zerowidth and softhyphen.")]


def test_write_is_atomic_on_failure(tmp_path, small_bitext, monkeypatch):
    out = tmp_path / "t.tmx"
    out.write_text("previous", encoding="utf-8")
    from translate.storage import tmx as tt_tmx

    def broken(self, fh):
        fh.write(b"<?xml half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(tt_tmx.tmxfile, "serialize", broken)
    with pytest.raises(RuntimeError):
        write_tmx(small_bitext, out)
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["t.tmx"]


# --- conformance -----------------------------------------------------------

def test_the_official_dtd_ships_with_its_header():
    text = DTD.read_text(encoding="utf-8")
    assert text.startswith("<!-- TMX (Translation Memory eXchange)")
    assert '"-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN"' in text
    assert "<!ELEMENT tu              ((note|prop)*, tuv+) >" in text
    if SHARED_DTD.is_file():  # the copy is the shared one, byte for byte
        assert DTD.read_bytes() == SHARED_DTD.read_bytes()


def test_output_is_valid_against_the_official_dtd(tmp_path, a58_bitext, small_bitext):
    dtd = etree.DTD(str(DTD))
    for name, bitext, keep in (("a58", a58_bitext, False), ("small", small_bitext, True)):
        for langs in (("es", "en"), ("es-ES", "en-US")):
            path = tmp_path / f"{name}-{langs[0]}.tmx"
            assert write_tmx(bitext, path, *langs, keep_unaligned=keep) > 0
            tree = etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True))
            assert dtd.validate(tree), dtd.error_log.filter_from_errors()


def test_the_dtd_catches_what_our_validator_catches(tmp_path):
    """Keep our structural validator honest: a prop after a tuv is wrong for both."""
    from alinea.tmx.validate import validate_against_dtd, validate_tmx

    bad = tmp_path / "bad.tmx"
    bad.write_text(TMX_HEAD + '<tu><tuv xml:lang="es"><seg>a</seg></tuv><prop type="x">y</prop>'
                   '<tuv xml:lang="en"><seg>b</seg></tuv></tu>' + TMX_TAIL, encoding="utf-8")
    assert any("tu" in p.message for p in validate_against_dtd(bad))
    result = validate_tmx(bad)
    assert not result.ok and not validate_tmx(bad, dtd=False).ok
    assert result.dtd == ""  # structurally invalid: the DTD (which would repeat it) is not run
    good = tmp_path / "good.tmx"
    good.write_text(TMX_HEAD + '<tu><tuv xml:lang="es"><seg>a</seg></tuv>'
                    '<tuv xml:lang="en"><seg>b</seg></tuv></tu>' + TMX_TAIL, encoding="utf-8")
    assert validate_against_dtd(good) == []
    assert validate_tmx(good).ok and validate_tmx(good).dtd == "tmx14.dtd"


def test_the_dtd_catches_what_the_structural_checks_miss(tmp_path):
    from alinea.tmx.validate import validate_tmx

    path = tmp_path / "ude.tmx"
    path.write_text(TMX_HEAD.replace('datatype="plaintext"/>', 'datatype="plaintext"><ude name="MacRoman"/></header>')
                    + '<tu><tuv xml:lang="es"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu>'
                    + TMX_TAIL, encoding="utf-8")
    assert validate_tmx(path, dtd=False).ok  # an empty <ude> passes the structural checks
    result = validate_tmx(path)
    assert not result.ok
    assert [(p.line, p.level) for p in result.errors] == [(3, "error")]
    assert result.errors[0].message.startswith("tmx14.dtd: ") and "ude" in result.errors[0].message


# --- import ----------------------------------------------------------------

TMX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="t" '
            'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="es" '
            'datatype="plaintext"/>\n<body>\n')
TMX_TAIL = "\n</body>\n</tmx>\n"

TRADOS = """<?xml version="1.0" encoding="utf-16"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 Format"
          datatype="xml" segtype="sentence" adminlang="EN-US" srclang="ES-ES" creationdate="20200101T101010Z">
    <prop type="x-Recognizers">RecognizeAll</prop>
  </header>
  <body>
    <tu creationdate="20200101T101010Z" creationid="UN\\translator" changedate="20200102T000000Z" usagecount="3">
      <prop type="x-LastUsedBy">UN\\reviser</prop>
      <prop type="x-Context">0, 0</prop>
      <tuv xml:lang="ES-ES">
        <seg>La <bpt i="1" type="bold" x="1">&lt;b&gt;</bpt>Asamblea General<ept i="1">&lt;/b&gt;</ept> aprobó la resolución<ph x="2" type="footnote">&lt;fn id="3"/&gt;</ph>.</seg>
      </tuv>
      <tuv xml:lang="EN-US">
        <seg>The <bpt i="1" type="bold" x="1">{\\b </bpt>General Assembly<ept i="1">}</ept> adopted the resolution<ph x="2"/>.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv xml:lang="ES-ES"><seg><it pos="begin" x="1">&lt;i&gt;</it>Texto <hi type="emphasis">destacado</hi> aquí</seg></tuv>
      <tuv xml:lang="EN-US"><seg><it pos="begin" x="1">&lt;i&gt;</it>Highlighted <hi type="emphasis">text</hi> here</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="FR-FR"><seg>Seulement en français</seg></tuv>
      <tuv xml:lang="EN-US"><seg>French only</seg></tuv>
    </tu>
  </body>
</tmx>
"""  # noqa: E501 (a line break inside <seg> would be part of the segment)


def test_reads_trados_style_tmx_in_utf16_with_inline_tags(tmp_path):
    path = tmp_path / "trados.tmx"
    path.write_text(TRADOS, encoding="utf-16")
    bitext = read_tmx(path, "es", "en")
    assert [(s, t) for _, s, t in bitext.pairs()] == [
        ("La Asamblea General aprobó la resolución.", "The General Assembly adopted the resolution."),
        ("Texto destacado aquí", "Highlighted text here"),
    ]
    assert bitext.meta["skipped_units"] == "1"  # the fr-en unit
    assert bitext.meta["scores"] == "no"
    # the same with full regional codes, and the other direction
    assert len(read_tmx(path, "es-ES", "en-US").beads) == 2
    assert len(read_tmx(path, "fr", "en").beads) == 1


def test_reads_omegat_tmx_1_1_with_deprecated_lang(tmp_path):
    path = tmp_path / "omegat.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx11.dtd">\n'
                    '<tmx version="1.1"><header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" '
                    'datatype="plaintext" creationtoolversion="3.6" segtype="sentence" srclang="es"/><body>\n'
                    '<!-- Default translations -->\n<tu><tuv lang="es"><seg>Hola.</seg></tuv>'
                    '<tuv lang="en"><seg>Hello.</seg></tuv></tu></body></tmx>', encoding="utf-8")
    assert [(s, t) for _, s, t in read_tmx(path).pairs()] == [("Hola.", "Hello.")]


def test_tuids_with_commas_are_recorded_as_a_json_list_of_strings(tmp_path):
    # Bitext.meta holds strings; it once held a Python list when a tuid had a comma.
    import json

    path = tmp_path / "commas.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="es" '
                    'datatype="plaintext"/><body>\n'
                    '<tu tuid="A,1"><tuv xml:lang="es"><seg>Hola.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>Hello.</seg></tuv></tu>'
                    '<tu tuid="B"><tuv xml:lang="es"><seg>Adiós.</seg></tuv>'
                    '<tuv xml:lang="en"><seg>Bye.</seg></tuv></tu>'
                    '</body></tmx>', encoding="utf-8")
    tuids = read_tmx(path).meta["tuids"]
    assert isinstance(tuids, str) and json.loads(tuids) == ["A,1", "B"]


def test_recovers_bead_structure_for_reports(tmp_path, small_bitext):
    write_tmx(small_bitext, tmp_path / "t.tmx")
    bitext = read_tmx(tmp_path / "t.tmx")
    assert [b.kind for b in bitext.beads] == ["1-1", "2-1", "1-1"]
    assert [round(b.score, 4) for b in bitext.beads] == [0.91, 0.62, 0.8]
    assert [bitext.paragraph_number(b) for b in bitext.beads] == ["4", "5", None]
    assert bitext.meta["symbol"] == "A/58/98"
    assert bitext.meta["tuids"] == "1,2,4"  # the 1-0 bead 3 was not written
    # the 2-1 bead is split back into its two Spanish sentences
    assert [bitext.src[i].text for i in bitext.beads[1].src] == ["El Consejo examinó el informe.",
                                                                 "También tomó nota."]


def test_missing_languages_are_named(tmp_path, small_bitext):
    write_tmx(small_bitext, tmp_path / "t.tmx", "es-ES", "en-US")
    with pytest.raises(InputError, match=r"no translation unit has both 'fr' and 'en'.*languages: en-US, es-ES"):
        read_tmx(tmp_path / "t.tmx", "fr", "en")


@pytest.mark.parametrize("text,where", [
    ('<tu><tuv xml:lang="es"><seg>a</seg></tuv>\n<tuv xml:lang="en"><seg>b</sg></tuv></tu>', ":6:"),
    ('<tu><tuv xml:lang="es"><seg>R&D</seg></tuv></tu>', ":5:"),
])
def test_malformed_xml_is_located(tmp_path, text, where):
    path = tmp_path / "bad.tmx"
    path.write_text(TMX_HEAD + text + TMX_TAIL, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tmx:\d+:\d+: malformed XML") as info:
        read_tmx(path)
    assert where in str(info.value)
    assert "\n" not in str(info.value)


def test_not_a_tmx(tmp_path):
    (tmp_path / "x.tmx").write_text("<xliff><file/></xliff>", encoding="utf-8")
    with pytest.raises(InputError, match="not a TMX file"):
        read_tmx(tmp_path / "x.tmx")
    (tmp_path / "empty.tmx").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_tmx(tmp_path / "empty.tmx")
    with pytest.raises(InputError, match="no such file"):
        read_tmx(tmp_path / "absent.tmx")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tmx [
 <!ENTITY lol "lol">
""" + "".join(f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
              for n in range(1, 10)) + """]>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en"
 srclang="es" datatype="plaintext"/><body><tu><tuv xml:lang="es"><seg>&lol9;</seg></tuv>
<tuv xml:lang="en"><seg>&lol9;</seg></tuv></tu></body></tmx>
"""


@pytest.mark.parametrize("padding,encoding,where", [
    ("", "utf-8", ":3:2:"),
    ("<!--" + "x" * 200_000 + "-->\n", "utf-8", ":4:2:"),  # a long comment does not hide the DOCTYPE
    ("", "utf-16", ":3:2:"),
])
def test_billion_laughs_is_refused(tmp_path, padding, encoding, where):
    path = tmp_path / "laughs.tmx"
    text = BILLION_LAUGHS.replace("<!DOCTYPE", padding + "<!DOCTYPE", 1)
    if encoding == "utf-16":
        text = text.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    path.write_text(text, encoding=encoding)
    with pytest.raises(InputError, match=rf"laughs\.tmx{where} .*declares the XML entity 'lol'"):
        read_tmx(path)
    from alinea.tmx.validate import validate_tmx

    assert "declares the XML entity" in validate_tmx(path).problems[0].message


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "xxe.tmx"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>\n'
                    + TMX_HEAD.split("\n", 1)[1] + '<tu><tuv xml:lang="es"><seg>a &xxe;</seg></tuv>'
                    '<tuv xml:lang="en"><seg>b</seg></tuv></tu>' + TMX_TAIL, encoding="utf-8")
    with pytest.raises(InputError, match="refused for safety") as info:
        read_tmx(path)
    assert "TOP-SECRET" not in str(info.value)


def test_external_dtd_is_not_fetched(tmp_path):
    # An unreachable DTD address and a local DTD that would add a default attribute:
    # neither is loaded, parsing needs no network and the DTD has no effect.
    (tmp_path / "evil.dtd").write_text('<!ATTLIST seg evil CDATA "yes">', encoding="utf-8")
    for system in ("http://127.0.0.1:9/tmx14.dtd", str(tmp_path / "evil.dtd")):
        path = tmp_path / "dtd.tmx"
        path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "{system}">\n'
                        + TMX_HEAD.split("\n", 1)[1] + '<tu><tuv xml:lang="es"><seg>a</seg></tuv>'
                        '<tuv xml:lang="en"><seg>b</seg></tuv></tu>' + TMX_TAIL, encoding="utf-8")
        from alinea.tmx.reader import parse_tmx

        assert parse_tmx(path).getroot().find(".//seg").get("evil") is None
        assert [(s, t) for _, s, t in read_tmx(path).pairs()] == [("a", "b")]


# --- round trips -----------------------------------------------------------

def _expected(bitext: Bitext) -> list[tuple[str, str, str]]:
    return [(b.kind, clean_segment(s), clean_segment(t)) for b, s, t in bitext.pairs()
            if not b.is_null and clean_segment(s) and clean_segment(t)]


def test_round_trip_of_the_a58_alignment(tmp_path, a58_bitext):
    write_tmx(a58_bitext, tmp_path / "a58.tmx")
    back = read_tmx(tmp_path / "a58.tmx")
    assert [(b.kind, s, t) for b, s, t in back.pairs()] == _expected(a58_bitext)
    aligned = [b for b in a58_bitext.beads if not b.is_null]
    assert [round(b.score, 4) for b in back.beads] == [round(b.score, 4) for b in aligned]
    assert [back.paragraph_number(b) for b in back.beads] == [a58_bitext.paragraph_number(b) for b in aligned]


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx"])
def test_table_round_trip_through_load_bitext(tmp_path, small_bitext, suffix):
    path = tmp_path / f"beads{suffix}"
    write_table(bitext_frame(small_bitext), path)
    back = load_bitext(path, "es", "en")
    assert [(b.kind, s, t) for b, s, t in back.pairs()] == \
        [(b.kind, s, t) for b, s, t in small_bitext.pairs()]
    assert [round(b.score, 4) for b in back.beads] == [round(b.score, 4) for b in small_bitext.beads]
    assert [back.paragraph_number(b) for b in back.beads] == [small_bitext.paragraph_number(b)
                                                              for b in small_bitext.beads]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    bitext = make_bitext(["=HYPERLINK(\"http://x\")", "NA"], ["=1+1", "null"],
                         [Bead((0,), (0,), 1.0), Bead((1,), (1,), 1.0)])
    write_table(bitext_frame(bitext), tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    back = load_bitext(tmp_path / "t.xlsx", "es", "en")
    assert [(s, t) for _, s, t in back.pairs()] == [("=HYPERLINK(\"http://x\")", "=1+1"), ("NA", "null")]


def test_load_bitext_reads_a_plain_two_language_table(tmp_path):
    (tmp_path / "glossary.csv").write_text("es,en\nHola.,Hello.\nAdiós.,Bye.\n", encoding="utf-8")
    assert [(s, t) for _, s, t in load_bitext(tmp_path / "glossary.csv", "es", "en").pairs()] == \
        [("Hola.", "Hello."), ("Adiós.", "Bye.")]
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="it has: a, b"):
        load_bitext(tmp_path / "other.csv", "es", "en")
    with pytest.raises(InputError, match="unsupported bitext format"):
        load_bitext(tmp_path / "x.pdf", "es", "en")


HOSTILE = st.text(alphabet=st.sampled_from(list("ab &<>;#\"'\t\n\r\x00\x01\x0b\x1f\x7f\x85\u200b\ufeff"
                                                 "ñé€𝄞中\u00a0")) | st.characters(), min_size=0, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(HOSTILE, min_size=0, max_size=3), st.lists(HOSTILE, min_size=0, max_size=3)),
                min_size=1, max_size=6),
       st.sampled_from([("es", "en"), ("es-ES", "en-US")]))
def test_round_trip_property_with_hostile_text(groups, langs):
    src, tgt, beads = [], [], []
    for src_texts, tgt_texts in groups:
        s_ids = tuple(range(len(src), len(src) + len(src_texts)))
        t_ids = tuple(range(len(tgt), len(tgt) + len(tgt_texts)))
        src += src_texts
        tgt += tgt_texts
        if s_ids or t_ids:
            beads.append(Bead(s_ids, t_ids, 0.5))
    bitext = make_bitext(src, tgt, beads)
    expected = _expected(bitext)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.tmx"
        assert write_tmx(bitext, path, *langs) == len(expected)
        if not expected:
            with pytest.raises(InputError, match="no translation units"):
                read_tmx(path, *langs)
            return
        back = read_tmx(path, *langs)
    got = [(b.kind, s, t) for b, s, t in back.pairs()]
    assert [(s, t) for _, s, t in got] == [(s, t) for _, s, t in expected]
    # the beads that became units (a bead whose text cleans to nothing on a side writes none)
    written = [b for b, s, t in bitext.pairs() if not b.is_null and clean_segment(s) and clean_segment(t)]
    for (kind, s, t), (want, *_), bead in zip(got, expected, written, strict=True):
        # the bead type survives whenever the joined text still has room for every sentence
        n_src, n_tgt = map(int, want.split("-"))
        if all(clean_segment(bitext.src[i].text) for i in bead.src) and s.count(" ") >= n_src - 1 and \
                all(clean_segment(bitext.tgt[i].text) for i in bead.tgt) and t.count(" ") >= n_tgt - 1:
            assert kind == want


@given(HOSTILE)
def test_clean_segment_is_idempotent_and_xml_safe(text):
    cleaned = clean_segment(text)
    assert clean_segment(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned
    element = etree.Element("seg")
    element.text = cleaned  # lxml refuses XML-illegal characters
    assert etree.fromstring(etree.tostring(element)).text in (cleaned, None)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=5), st.sampled_from([".tsv", ".csv"]))
def test_table_round_trip_property_with_hostile_text(pairs, suffix):
    # lone surrogates are not characters, and C0 controls (but line breaks and tabs, which become
    # spaces) and DEL cannot be stored in XML: the writer drops them, as the TMX and XLSX writers do
    dropped = "[\ud800-\udfff\x00-\x08\x0e-\x1b\x1f\x7f]"
    pairs = [(re.sub(dropped, "", s), re.sub(dropped, "", t)) for s, t in pairs]
    pairs = [(s, t) for s, t in pairs if s.split() and t.split()]
    if not pairs:
        return
    bitext = make_bitext([s for s, _ in pairs], [t for _, t in pairs],
                         [Bead((i,), (i,), 0.5) for i in range(len(pairs))])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        write_table(bitext_frame(bitext), path)  # tabs and line breaks in cells must not split rows
        back = load_bitext(path, "es", "en")
    assert [(s, t) for _, s, t in back.pairs()] == [(" ".join(s.split()), " ".join(t.split())) for s, t in pairs]


def test_unit_kind_travels_through_tmx_and_table(tmp_path):
    src = [Sentence("Índice", 0, kind="heading"), Sentence("I. Introducción\t1-3\t3", 1, kind="contents"),
           Sentence("1. Texto.", 2, kind="body"), Sentence("Más texto.", 3, kind="heading")]
    tgt = [Sentence("Contents", 0, kind="heading"), Sentence("I. Introduction\t1-3\t3", 1, kind="contents"),
           Sentence("1. Text and more text.", 2, kind="body")]
    bitext = Bitext(src, tgt, [Bead((0,), (0,), 1.0), Bead((1,), (1,), 1.0), Bead((2, 3), (2,), 0.7)], "es", "en", {})
    assert [bitext.unit_kind(b) for b in bitext.beads] == ["heading", "contents", "body"]  # mixed: body
    write_tmx(bitext, tmp_path / "t.tmx")
    kinds = [tu.find("prop[@type='x-kind']").text for tu in parse(tmp_path / "t.tmx").iter("tu")]
    assert kinds == ["heading", "contents", "body"]
    back = read_tmx(tmp_path / "t.tmx")
    assert [back.unit_kind(b) for b in back.beads] == kinds
    assert {back.src[i].kind for i in back.beads[2].src} == {"body"}
    frame = bitext_frame(bitext)
    assert list(frame["kind"]) == kinds and list(frame["tuid"]) == ["1", "2", "3"]
    write_table(frame, tmp_path / "t.tsv")
    from_table = load_bitext(tmp_path / "t.tsv")
    assert [from_table.unit_kind(b) for b in from_table.beads] == kinds


def _unit_through_translate_toolkit(store, tuid, src, tgt, src_lang, tgt_lang, props, notes):
    """The reference: a <tu> made by translate-toolkit's addsourceunit/settarget, as alinea did before
    building the <tuv>s itself (the notes and props added as alinea adds them)."""
    if src and tgt:
        unit = store.addsourceunit(src)
        unit.settarget(tgt, tgt_lang)
    else:
        unit = store.addsourceunit(src, src_lang) if src else store.addsourceunit(tgt, tgt_lang)
        if src:
            unit.xmlelement.attrib.pop("srclang", None)
    for note in notes:
        unit.addnote(note)
    unit.xmlelement.set("tuid", tuid)
    first_tuv = unit.xmlelement.find("tuv")
    for ptype, value in props:
        prop = etree.Element("prop", type=ptype)
        prop.text = value
        first_tuv.addprevious(prop)


_SEGMENT_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("<>&\"' \t"),
                        max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_SEGMENT_TEXT, _SEGMENT_TEXT, st.booleans()), min_size=1, max_size=6),
       st.sampled_from([("es", "en"), ("es-ES", "en-US"), ("en", "es")]))
def test_units_are_the_bytes_translate_toolkits_own_unit_methods_write(rows, langs):
    import io

    from alinea.tmx.writer import _add_unit, _new_store

    src_lang, tgt_lang = langs
    stores = [_new_store(src_lang, tgt_lang, {"es": 1, "en": 2}) for _ in range(2)]
    for n, (src, tgt, one_sided) in enumerate(rows, start=1):
        src, tgt = clean_segment(src) or "a", clean_segment(tgt) or "b"
        if one_sided:  # one side only, alternately the source and the target
            src, tgt = (src, "") if n % 2 else ("", tgt)
        props = [("x-document", "A/58/98"), ("x-bead", f"{int(bool(src))}-{int(bool(tgt))}")]
        notes = [] if src and tgt else ["unaligned: no counterpart"]
        _add_unit(stores[0], str(n), src, tgt, src_lang, tgt_lang, props, notes)
        _unit_through_translate_toolkit(stores[1], str(n), src, tgt, src_lang, tgt_lang, props, notes)
    written = []
    for store in stores:
        out = io.BytesIO()
        store.serialize(out)
        written.append(re.sub(rb'creationdate="[^"]*"', b"", out.getvalue()))
    assert written[0] == written[1]
    assert written[0].count(b"<tu ") == len(rows)


def test_the_plain_text_test_of_the_cleaning_fast_path_holds_for_every_character():
    # The fast path of clean_segment/clean_attribute returns "printable" text as it is: no character
    # the cleaning removes, and no whitespace but the space, may be printable (checked for all of Unicode).
    import sys

    from alinea.tmx import hygiene

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable():
            assert not hygiene._ILLEGAL.match(char) and not hygiene._INVISIBLE.match(char), hex(code)
            assert char == " " or not char.isspace(), hex(code)


_HYGIENE_PIECES = st.sampled_from(["a", "Z", "é", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u200b", "\u00ad",
                                   "\x00", "\x0b", "\x85", "\x9f", "\ufeff", "\ufffe", "\ud800", "&", "&amp;",
                                   "&#233;", "&nbsp;", "<", ">", "<b>", "</b>", "<br/>", "&lt;i&gt;", "«", "—"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_HYGIENE_PIECES, max_size=30).map("".join))
def test_segment_and_attribute_cleaning_fast_paths_give_the_full_cleaning(text):
    from alinea.tmx import hygiene

    assert hygiene.clean_segment(text) == hygiene._clean_segment_fully(text)
    assert hygiene.clean_attribute(text) == hygiene._clean_attribute_fully(text)
