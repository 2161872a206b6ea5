"""SRX 2.0: alinea's rules out (valid, same sentences back), other tools' rules in.

``tests/data/srx20.xsd`` is the SRX 2.0 schema of the LISA OSCAR recommendation
(2008, with its permission notice), as the ``segment`` library and the
``choppa-srx`` package distribute it (the xml.xsd import made local).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from alinea.align.errors import InputError
from alinea.align.model import BODY
from alinea.align.normalize import normalize
from alinea.align.read import read_document
from alinea.align.segment import segment
from alinea.align.srx import (
    SRX_NAMESPACE,
    alinea_rules,
    load_srx,
    omegat_segmentation_conf,
    parse_srx_string,
    write_omegat_rules,
    write_srx,
)

XSD = Path(__file__).parent / "data" / "srx20.xsd"
NS = {"srx": SRX_NAMESPACE}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    return write_srx(tmp_path_factory.mktemp("srx") / "alinea.srx")


# ------------------------------------------------------------------ export


def test_export_is_valid_srx20(schema, exported):
    tree = etree.parse(str(exported))
    assert schema.validate(tree), schema.error_log
    maps = {m.get("languagepattern"): m.get("languagerulename")
            for m in tree.iterfind(".//srx:languagemap", NS)}
    assert set(maps) == {"es.*", "en.*"}
    names = {r.get("languagerulename") for r in tree.iterfind(".//srx:languagerule", NS)}
    assert set(maps.values()) == names
    for rule in tree.iterfind(".//srx:rule", NS):
        assert rule.get("break") in ("yes", "no")
    # Both kinds of rule, exceptions first: a no-break rule after the catch-all break would never fire.
    breaks = [r.get("break") for r in tree.find(".//srx:languagerule", NS).iterfind("srx:rule", NS)]
    assert "no" in breaks and breaks[-2:] == ["yes", "yes"]


def test_schema_rejects_what_it_should(schema, exported):
    """The schema check is not a formality: a header without cascade fails it."""
    data = exported.read_bytes().replace(b' cascade="no"', b"")
    assert not schema.validate(etree.fromstring(data))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_exported_rules_carry_the_un_lists(lang, exported):
    text = exported.read_text(encoding="utf-8")
    word = {"es": "[pP][áÁ][rR][rR]", "en": "[pP][aA][rR][aA]"}[lang]  # párr. / para.
    assert word in text
    assert any(not r.is_break for r in alinea_rules(lang))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_round_trip_gives_alinea_sentences_on_a58(lang, exported, es_path, en_path):
    doc = normalize(read_document(es_path if lang == "es" else en_path), lang)
    native = segment(doc, lang)
    rules = load_srx(exported)
    for code in (lang, f"{lang}-{'ES' if lang == 'es' else 'US'}"):
        via_srx = segment(doc, code, srx=rules)
        assert [(s.text, s.kind, s.number) for s in via_srx] == [(s.text, s.kind, s.number) for s in native]
    assert sum(s.kind == BODY for s in native) > 200


def test_exported_rules_cut_dialogue_clock_times_and_ellipses_as_alinea(exported):
    """The acceptance review found the SRX splitting "waited... Then" where alinea did not."""
    from test_segment import DIALOGUE_CASES

    rules = load_srx(exported)
    for lang, text, expected in DIALOGUE_CASES:
        assert rules.split(text, lang) == expected, text


def test_omegat_conf_is_what_omegat_writes(tmp_path):
    """OmegaT 3.x reads omegat/segmentation.conf (java.beans.XMLDecoder): the bean, its version, our rules."""
    written = write_omegat_rules(tmp_path / "new" / "project")
    assert [p.name for p in written] == ["segmentation.conf", "segmentation.srx"]
    conf = etree.parse(str(written[0]))
    root = conf.getroot()
    assert root.tag == "java" and root.get("class") == "java.beans.XMLDecoder"
    bean = root.find("object")
    assert bean.get("class") == "org.omegat.core.segmentation.SRX"
    assert bean.find("void[@property='version']/string").text == "0.2.2"
    patterns = [p.text for p in bean.iterfind(".//object[@class='org.omegat.core.segmentation.MapRule']"
                                              "/void[@property='pattern']/string")]
    assert patterns == ["ES.*", "EN.*"]
    rules = bean.findall(".//object[@class='org.omegat.core.segmentation.Rule']")
    assert len(rules) == len(alinea_rules("es")) + len(alinea_rules("en"))
    first = alinea_rules("es")[0]
    assert rules[0].find("void[@property='beforebreak']/string").text == first.before
    assert rules[0].find("void[@property='breakRule']/boolean").text == "false"
    assert omegat_segmentation_conf() == written[0].read_text(encoding="utf-8")
    assert load_srx(written[1]).rule_count("es") == len(alinea_rules("es"))


# ------------------------------------------------------------------ other tools' rules

#: The example rule set of the SRX 2.0 specification: language rules for a
#: default, English, French and Japanese, mapped by language patterns.
SPEC_EXAMPLE = """<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="{cascade}">
    <formathandle type="start" include="no"/>
    <formathandle type="end" include="yes"/>
    <formathandle type="isolated" include="yes"/>
  </header>
  <body>
    <languagerules>
      <languagerule languagerulename="Default">
        <rule break="no"><beforebreak>^\\s*[0-9]+\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="yes"><beforebreak>[\\.\\?!]+</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="English">
        <rule break="no"><beforebreak>\\s[Ee][Tt][Cc]\\.</beforebreak><afterbreak>\\s[a-z]</afterbreak></rule>
        <rule break="no"><beforebreak>\\sMr\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="no"><beforebreak>\\sU\\.K\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="French">
        <rule break="no"><beforebreak>\\sM\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="Japanese">
        <rule break="yes"><beforebreak>[\\u3002\\ufe57\\uff0e\\uff61]+</beforebreak><afterbreak></afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="[Ee][Nn].*" languagerulename="English"/>
      <languagemap languagepattern="[Ff][Rr].*" languagerulename="French"/>
      <languagemap languagepattern="[Jj][Aa].*" languagerulename="Japanese"/>
      <languagemap languagepattern=".*" languagerulename="Default"/>
    </maprules>
  </body>
</srx>
"""


def test_spec_example_cascades_english_then_default():
    rules = parse_srx_string(SPEC_EXAMPLE.format(cascade="yes"))
    text = "The U.K. Prime Minister, Mr. Blair, met the press etc. and left. Then he spoke."
    assert rules.split(text, "en-GB") == [
        "The U.K. Prime Minister, Mr. Blair, met the press etc. and left.", "Then he spoke."]
    # French rules know "M." but not "Mr.": English exceptions do not apply to fr-FR.
    assert rules.split("Voici M. Dupont. Il part. Mr. Smith aussi.", "fr-FR") == [
        "Voici M. Dupont.", "Il part.", "Mr.", "Smith aussi."]
    # "etc." before a capital is not covered by the English exception: the default break applies.
    assert rules.split("Apples, pears etc. Then more.", "en") == ["Apples, pears etc.", "Then more."]
    # The default no-break rule on a paragraph number at the very start.
    assert rules.split("1. First point. Second point.", "de") == ["1. First point.", "Second point."]
    assert rules.split("文です。次の文。", "ja") == ["文です。", "次の文。"]


def test_spec_example_without_cascade_stops_at_the_first_map():
    rules = parse_srx_string(SPEC_EXAMPLE.format(cascade="no"))
    # English alone has no break rule: nothing is split.
    assert rules.split("One sentence. Another one.", "en") == ["One sentence. Another one."]
    assert rules.split("One sentence. Another one.", "de") == ["One sentence.", "Another one."]


#: Written by hand in the style of Okapi's default rules (okpsrx options in the
#: header, a language rule per language plus a catch-all, Unicode classes).
OKAPI_STYLE = """<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" xmlns:okpsrx="http://okapi.sf.net/srx-extensions" version="2.0">
  <header segmentsubflows="yes" cascade="yes">
    <formathandle type="start" include="no"/>
    <formathandle type="end" include="yes"/>
    <formathandle type="isolated" include="no"/>
    <okpsrx:options oneSegmentIncludesAll="no" trimLeadingWhitespaces="yes" trimTrailingWhitespaces="yes"/>
    <okpsrx:sample language="es" useMappedRules="yes">Sr. Gómez. Hola.</okpsrx:sample>
  </header>
  <body>
    <languagerules>
      <languagerule languagerulename="Spanish">
        <rule break="no"><beforebreak>\\b(?:Sr|Sra|Dr|pág|núm)\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
        <rule break="no"><beforebreak>\\b[Ee]tc\\.</beforebreak><afterbreak>\\s+\\p{Ll}</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="default">
        <rule break="no"><beforebreak>\\b\\p{Lu}\\.</beforebreak><afterbreak>\\s\\p{Lu}</afterbreak></rule>
        <rule break="yes"><beforebreak>[\\.!\\?…]+['"”’»\\)]*</beforebreak>
          <afterbreak>\\s+[\\p{Lu}\\p{N}¿¡"“«\\(]</afterbreak></rule>
        <rule break="yes"><beforebreak>\\n</beforebreak><afterbreak></afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="es.*" languagerulename="Spanish"/>
      <languagemap languagepattern=".*" languagerulename="default"/>
    </maprules>
  </body>
</srx>
"""


def test_okapi_style_rules_segment_as_they_say(tmp_path):
    path = tmp_path / "okapi.srx"
    path.write_text(OKAPI_STYLE, encoding="utf-8")
    rules = load_srx(path)
    assert rules.rule_count("es-ES") == 5 and rules.rule_count("en") == 3
    text = "El Sr. Gómez llegó. ¿Vino la Dra. Ruiz? Sí, etc. y más. Véase la pág. 4. «Nada» dijo J. Pérez."
    assert rules.split(text, "es-ES") == [
        "El Sr. Gómez llegó.", "¿Vino la Dra.", "Ruiz?", "Sí, etc. y más.", "Véase la pág. 4.",
        "«Nada» dijo J. Pérez."]
    # The break rules need a capital, a digit or an opener after the space.
    assert rules.split("It is done. and more! (Really.) Yes.\nNext line", "en") == [
        "It is done. and more!", "(Really.)", "Yes.", "Next line"]


def test_srx_segments_a_document_through_the_cli(run_cli, tmp_path, es_path):
    path = tmp_path / "okapi.srx"
    path.write_text(OKAPI_STYLE, encoding="utf-8")
    native = run_cli("segment", es_path, "--lang", "es").output.splitlines()
    result = run_cli("segment", es_path, "--lang", "es-ES", "--srx", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Okapi-style rules split UN paragraph numbers off ("4." then the sentence); alinea's do not.
    assert "4." not in native and "4." in lines
    out = tmp_path / "a.tmx"
    result = run_cli("align", es_path, es_path.with_name("en.txt"), "-o", out, "--srx", path)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_srx_command_writes_file_and_omegat_project(run_cli, tmp_path, schema):
    out = tmp_path / "rules.srx"
    project = tmp_path / "omegat-project"
    result = run_cli("srx", "-o", out, "--omegat", project)
    assert result.exit_code == 0, result.output
    assert schema.validate(etree.parse(str(out)))
    assert (project / "omegat" / "segmentation.conf").exists()
    assert (project / "omegat" / "segmentation.srx").read_bytes() == out.read_bytes()
    assert run_cli("srx").exit_code == 2  # nowhere to write: usage error


# ------------------------------------------------------------------ errors

BROKEN = {
    "not XML": ("<srx version='2.0'><header>", "XML error at line"),
    "not SRX": ('<?xml version="1.0"?><tmx version="1.4"/>', "not <srx>"),
    "SRX 1.0": (SPEC_EXAMPLE.format(cascade="yes").replace('version="2.0"', 'version="1.0"'), "'1.0'"),
    "bad regex": (SPEC_EXAMPLE.format(cascade="yes").replace("[\\.\\?!]+", "[\\.\\?!+"),
                  "is not a regular expression"),
    "unknown rule name": (SPEC_EXAMPLE.format(cascade="yes").replace(
        'languagerulename="French"/>', 'languagerulename="Français"/>'), "'Français'"),
    "no body": ('<srx xmlns="http://www.lisa.org/srx20" version="2.0"><header segmentsubflows="yes" '
                'cascade="no"/></srx>', "<header> and a <body>"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_srx_is_a_one_line_error(case, run_cli, tmp_path, es_path):
    text, expected = BROKEN[case]
    path = tmp_path / "rules.srx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="rules.srx"):
        load_srx(path)
    result = run_cli("segment", es_path, "--lang", "es", "--srx", path)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alinea: error:") and expected in lines[0], result.output


def test_missing_srx_file_and_unmapped_language(run_cli, tmp_path, es_path):
    result = run_cli("segment", es_path, "--lang", "es", "--srx", tmp_path / "nope.srx")
    assert result.exit_code == 2 and "no such file" in result.output
    only_french = SPEC_EXAMPLE.format(cascade="yes").replace(
        '<languagemap languagepattern=".*" languagerulename="Default"/>', "")
    path = tmp_path / "fr.srx"
    path.write_text(only_french, encoding="utf-8")
    result = run_cli("segment", es_path, "--lang", "es", "--srx", path)
    assert result.exit_code == 2
    assert result.output.strip() == f"alinea: error: {path}: no language map matches 'es'"


def test_omegat_target_must_be_a_folder(run_cli, tmp_path):
    plain = tmp_path / "file.txt"
    plain.write_text("x", encoding="utf-8")
    result = run_cli("srx", "--omegat", plain)
    assert result.exit_code == 2
    assert not (tmp_path / "omegat").exists()


# ------------------------------------------------------------------ the text for the CAT tool


def test_paragraphs_format_is_the_cleaned_text(run_cli, es_path):
    from alinea.tmx.hygiene import clean_segment

    result = run_cli("segment", es_path, "--lang", "es", "--format", "paragraphs")
    assert result.exit_code == 0
    paragraphs = result.output.rstrip("\n").split("\n\n")
    doc = normalize(read_document(es_path), "es")
    assert paragraphs == [clean_segment(b.text) for b in doc.blocks]
    assert all(p and "\n" not in p and "\t" not in p for p in paragraphs)
    # Every sentence of alinea's TMX is found, as the TMX writes it, in one paragraph.
    sentences = [clean_segment(s.text) for s in segment(doc, "es")]
    assert all(any(s in p for p in paragraphs) for s in sentences)
