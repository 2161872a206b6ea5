"""The translation-consistency check: planted problems, a clean TMX, reports, exit codes."""
from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from alinea.report.consistency import (
    ERROR,
    WARNING,
    Finding,
    Term,
    check_bitext,
    check_file,
    default_checks,
    load_glossary,
    looks_spanish,
    term_pattern,
)

# (tuid, Spanish, English): one planted problem per unit whose tuid names the check.
PLANTED = [
    ("incons-1", "Se aprueba el informe del Comité.", "The report of the Committee is approved."),
    ("incons-2", "Se aprueba el informe del Comité.", "The Committee's report was adopted."),
    ("source-1", "El Consejo examinó la cuestión.", "The Council considered the matter."),
    ("source-2", "La Junta examinó la cuestión.", "The Council considered the matter."),
    ("numbers", "En 2003 había 1.000 migrantes en la región.", "In 2002 there were 1,000 migrants in the region."),
    ("percent", "La tasa aumentó un 4% en la región.", "The rate rose by 4 points in the region."),
    ("bodies", "La OIT publicó un estudio sobre la migración laboral.",
     "A study on labour migration was published by the Organization."),
    ("identical", "Los trabajadores migrantes tienen derechos en el país de destino.",
     "Los trabajadores migrantes tienen derechos en el país de destino."),
    ("spanish", "Los países de origen y de destino deben cooperar.",
     "Los paises de origen y de destino deben cooperar en la gestion de la migracion."),
    ("empty", "Esta oración no tiene traducción.", ""),
    ("glossary", "Los trabajadores migratorios enviaron dinero a sus familias.",
     "Migrant labourers sent money to their families."),
    ("brackets", "Véase el anexo (en inglés solamente).", "See the annex (in English only."),
    ("endpunc", "¿Qué medidas se adoptaron?", "What measures were taken."),
    ("quotes", "El llamado «desarrollo humano» continúa.", "So-called human development continues."),
    ("month", "El 1° de julio de 2003 se publicó el estudio.", "The study was issued on 1 June 2003."),
    ("words", "Dos millones de personas migraron.", "Three million people migrated."),
    ("words-one-side", "En 1990 había 154 millones de migrantes.",
     "Ten years earlier, in 1990, there were 154 million."),
    ("empty-unit", "", ""),
]
EXPECTED = {
    "incons-1": "inconsistent-translation", "source-1": "inconsistent-source", "numbers": "numbers",
    "percent": "numbers", "bodies": "un-bodies", "identical": "untranslated", "spanish": "untranslated",
    "empty": "empty-target", "glossary": "glossary", "brackets": "tt-brackets", "endpunc": "tt-endpunc",
    "quotes": "tt-doublequoting", "month": "numbers", "words": "numbers", "words-one-side": "numbers-in-words",
    "empty-unit": "empty-unit",
}

# Pairs that must not be flagged: number formats, dates, percentages in words, acronyms,
# spelled-out numbers, Spanish punctuation and quotes, plurals of glossary terms.
CLEAN = [
    ("1", "El 1° de julio de 2003 se publicó el documento A/58/98.", "Document A/58/98 was issued on 1 July 2003."),
    ("2", "La tasa de crecimiento fue del 3,5% en 2002.", "The growth rate was 3.5 per cent in 2002."),
    ("3", "La OIT y el ACNUR cooperan con 1.000 organizaciones.", "ILO and UNHCR cooperate with 1,000 organizations."),
    ("4", "Véase la resolución 56/203 de la Asamblea General.", "See General Assembly resolution 56/203."),
    ("5", "Se examinaron 2 informes sobre el VIH/SIDA.", "Two reports on HIV/AIDS were considered."),
    ("6", "¿Qué medidas se adoptaron?", "What measures were taken?"),
    ("7", "Participaron representantes de «todos» los países (véase el anexo).",
     "Representatives of “all” countries took part (see annex)."),
    ("8", "Las remesas de los trabajadores migratorios aumentaron.", "Remittances from migrant workers increased."),
    ("9", "La OIT presentó 175.000 datos.",
     "The International Labour Organization presented 175,000 data points."),
    ("10", "Se aplicaron las medidas a), b) y c).", "Measures (a), (b) and (c) were applied."),
    ("11", "UNICEF", "UNICEF"),
    ("12", "Se necesitan US$ 80.000 millones, es decir, 3,5 millones por país.",
     "That is $80 billion, or 3,500,000 per country."),
    ("13", "La sesión se celebrará el jueves 5 de febrero de 2015, a las 15.00 horas.",
     "The meeting will be held on Thursday, 5 February 2015, at 3 p.m."),
    ("14", "59º período de sesiones", "Fifty-ninth session"),
    ("15", "29. Se examinaron veinticinco casos relativos a la meta 3.3.",
     "25 cases relating to target 3.3 were considered."),
    # numbers in words: each form against every form of the other side
    ("16", "Los países que no habían establecido un sistema eran 111.",
     "One hundred and eleven countries had no system."),
    ("17", "Dos millones de personas migraron en 2003.", "2 million people migrated in 2003."),
    ("18", "Los representantes de ambos organismos hablaron.", "The two agency representatives spoke."),
    ("19", "Se eligió a Alemania para un mandato de tres años.", "Germany was elected for a three-year term."),
    ("20", "Se invita tanto a los Estados como a las organizaciones.", "Both States and organizations are invited."),
    ("21", "El informe de mil doscientas páginas.", "The 1,200-page report."),
    ("22", "Las dos terceras partes del presupuesto.", "Two thirds of the budget."),
    ("23", "La reunión se celebró en julio de 2003 y el 5 de agosto.",
     "The meeting was held in July 2003 and on 5 August."),
    ("24", "El Fondo, que cuenta con un millón de miembros.", "The Fund, with one million members."),
]
GLOSSARY_CSV = "es,en\ntrabajador migratorio,migrant worker\nremesa,remittance\n"


def write_tmx(path: Path, units, langs=("es", "en")) -> Path:
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="test", creationtoolversion="1", segtype="sentence",
                     datatype="plaintext", adminlang="en", srclang=langs[0], **{"o-tmf": "test"})
    body = etree.SubElement(root, "body")
    for tuid, es, en in units:
        tu = etree.SubElement(body, "tu", tuid=tuid)
        for lang, text in zip(langs, (es, en)):
            tuv = etree.SubElement(tu, "tuv", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
            etree.SubElement(tuv, "seg").text = text
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return path


@pytest.fixture
def planted(tmp_path) -> Path:
    return write_tmx(tmp_path / "planted.tmx", PLANTED)


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_tmx(tmp_path / "clean.tmx", CLEAN)


@pytest.fixture
def glossary(tmp_path) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(GLOSSARY_CSV, encoding="utf-8")
    return path


def _by_tuid(findings: list[Finding]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in findings:
        found.setdefault(f.segment.tuid, set()).add(f.check)
    return found


def test_every_planted_problem_is_found_with_its_check(planted, glossary):
    found = _by_tuid(check_file(planted, glossary).findings)
    for tuid, check in EXPECTED.items():
        assert check in found.get(tuid, set()), (tuid, check, found.get(tuid))


def test_planted_findings_stay_on_their_units(planted, glossary):
    """No check fires on a unit planted for another check (beyond known companions)."""
    companions = {"bodies": {"un-bodies"}, "spanish": {"untranslated"}, "identical": {"untranslated"},
                  "empty": {"empty-target"}}
    found = _by_tuid(check_file(planted, glossary).findings)
    for tuid, checks in companions.items():
        assert found.get(tuid) == checks, (tuid, found.get(tuid))
    assert found["numbers"] == {"numbers"}
    assert found["glossary"] == {"glossary"}


def test_clean_tmx_has_no_findings(clean, glossary):
    result = check_file(clean, glossary)
    assert result.segments == len(CLEAN)
    assert result.findings == [], [(f.segment.tuid, f.check, f.message) for f in result.findings]


def test_inconsistent_translation_names_the_other_place(planted):
    finding = next(f for f in check_file(planted).findings if f.check == "inconsistent-translation")
    assert finding.segment.tuid == "incons-1"
    assert [s.tuid for s in finding.related] == ["incons-2"]
    assert finding.related[0].target != finding.segment.target


def test_number_message_says_which_numbers_differ(planted):
    finding = next(f for f in check_file(planted).findings
                   if f.check == "numbers" and f.segment.tuid == "numbers")
    assert "2003" in finding.message and "2002" in finding.message
    assert "1000" not in finding.message
    assert finding.severity == ERROR


def test_un_body_message_names_the_expected_acronym(planted):
    finding = next(f for f in check_file(planted).findings if f.check == "un-bodies")
    assert "OIT" in finding.message and "ILO" in finding.message


def test_severities_split_errors_from_warnings():
    names = {c.name: c.severity for c in default_checks([Term("remesa", ("remittance",))])}
    assert names["numbers"] == names["empty-target"] == names["glossary"] == ERROR
    assert names["inconsistent-translation"] == names["tt-brackets"] == WARNING


def test_python_api_on_a_bitext():
    from alinea.align.model import Bead, Bitext, Sentence

    src = [Sentence("Se registraron 1.500 casos.", 0), Sentence("Hay  dos espacios.", 1)]
    tgt = [Sentence("There were 1,600 cases.", 0), Sentence("There are two spaces.", 1)]
    bitext = Bitext(src, tgt, [Bead((0,), (0,)), Bead((1,), (1,))])
    findings = check_bitext(bitext)
    assert {(f.check, f.segment.number) for f in findings} >= {("numbers", 1)}
    assert all(f.check != "numbers" or f.segment.number == 1 for f in findings)


def test_glossary_inflection_tolerance():
    assert term_pattern("trabajador migratorio", "es").search("Los Trabajadores Migratorios")
    assert term_pattern("migrant worker", "en").search("MIGRANT WORKERS")
    assert term_pattern("country", "en").search("developing countries")
    assert term_pattern("vez", "es").search("muchas veces")
    assert not term_pattern("remesa", "es").search("remesero")


def test_tbx_glossary(tmp_path):
    tbx = tmp_path / "terms.tbx"
    tbx.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc>
</martifHeader><text><body>
<termEntry id="1"><langSet xml:lang="en"><tig><term>migrant worker</term></tig></langSet>
<langSet xml:lang="es"><tig><term>trabajador migratorio</term></tig>
<tig><term>trabajador migrante</term></tig></langSet>
</termEntry></body></text></martif>""", encoding="utf-8")
    terms = load_glossary(tbx)
    assert {t.source for t in terms} == {"trabajador migratorio", "trabajador migrante"}
    assert all(t.targets == ("migrant worker",) for t in terms)


@pytest.mark.parametrize("content, message", [("", "empty"), ("solo una columna\n", "column")])
def test_bad_glossary_is_input_error(tmp_path, content, message):
    from alinea.align.errors import InputError

    path = tmp_path / "g.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_glossary(path)


def test_looks_spanish():
    assert looks_spanish("Los países de origen y de destino deben cooperar en la gestión.")
    assert not looks_spanish("The countries of origin and destination should cooperate.")
    assert not looks_spanish("The report of the Comisión Económica para América Latina y el Caribe was presented.")


# ------------------------------------------------------------------------------- CLI

def test_cli_exit_1_on_errors_and_json_shape(run_cli, planted, glossary, tmp_path):
    out = tmp_path / "findings.json"
    result = run_cli("check", planted, "--glossary", glossary, "--json", out)
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["segments"] == len(PLANTED)
    assert data["counts"]["errors"] > 0
    assert sum(c["count"] for c in data["checks"]) == len(data["findings"])
    first = data["findings"][0]
    assert set(first) >= {"check", "severity", "message", "location", "source", "target", "related"}
    assert set(first["location"]) == {"tuid", "bead", "paragraph"}
    assert {f["check"] for f in data["findings"]} >= set(EXPECTED.values())


def test_cli_exit_0_on_clean_tmx(run_cli, clean, glossary, tmp_path):
    result = run_cli("check", clean, "--glossary", glossary, "--json", tmp_path / "c.json",
                     "--report", tmp_path / "c.html")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["findings"] == []
    assert "errors: 0, warnings: 0" in result.output


def test_cli_fail_on_warning(run_cli, tmp_path):
    path = write_tmx(tmp_path / "w.tmx", [("1", "Véase el anexo (en inglés).", "See the annex (in English.")])
    assert run_cli("check", path).exit_code == 0
    assert run_cli("check", path, "--fail-on", "warning").exit_code == 1


def test_cli_bad_input_exit_2(run_cli, tmp_path, clean):
    for args in (["check", tmp_path / "missing.tmx"],
                 ["check", clean, "--glossary", tmp_path / "missing.csv"],
                 ["check", write_tmx(tmp_path / "fr.tmx", [("1", "Bonjour", "Hallo")], ("fr", "de"))]):
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("alinea: error:"), result.output


def test_cli_checks_an_alinea_table(run_cli, tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("bead\ttype\tscore\tparagraph\tsrc_ids\ttgt_ids\tsource\ttarget\n"
                     "1\t1-1\t0.9\t4\t1\t1\tHubo 12 casos.\tThere were 13 cases.\n", encoding="utf-8")
    out = tmp_path / "t.json"
    assert run_cli("check", table, "--json", out).exit_code == 1
    finding = json.loads(out.read_text(encoding="utf-8"))["findings"][0]
    assert finding["check"] == "numbers" and finding["location"]["paragraph"] == "4"


def test_html_report_sections_and_escaping(run_cli, tmp_path, glossary):
    hostile = [("x1", "<script>alert('es')</script> Se registraron 5 casos.",
                "<script>alert('en')</script> There were 6 cases.")] + PLANTED
    path = write_tmx(tmp_path / "hostile.tmx", hostile)
    html_path = tmp_path / "report.html"
    result = run_cli("check", path, "--glossary", glossary, "--report", html_path)
    assert result.exit_code == 1
    text = html_path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in text
    doc = lxml.html.fromstring(text)
    assert doc.xpath("//script") == []
    assert doc.xpath("//section[@id='summary']") and doc.xpath("//section[@id='findings']")
    for check in set(EXPECTED.values()):
        section = doc.xpath(f"//section[@id='check-{check}']")
        assert section, check
    numbers = doc.xpath("//section[@id='check-numbers']//td[@class='loc']/text()")
    assert any("x1" in t for t in numbers)
    assert not doc.xpath("//link[@href] | //img[not(starts-with(@src, 'data:'))]")


def test_cli_json_to_stdout(run_cli, clean):
    result = run_cli("check", clean, "--json", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["segments"] == len(CLEAN)


@pytest.mark.parametrize("es, en, problem", [
    ("Hay 3 millones de migrantes.", "There are 3 billion migrants.", "different scale"),
    ("La tasa aumentó un 4%.", "The rate rose by 4 points.", "percentage"),
    ("Se aprobó la resolución 56/203.", "Resolution 56/230 was adopted.", "56/203"),
    ("El documento A/58/98 se publicó.", "The document was issued.", "A/58/98"),
    ("Hubo 1.500 casos.", "There were 1.500 cases.", "1500"),
    ("Se reunirá a las 18.00 horas.", "It will meet at 5 p.m.", "times differ"),
    ("29. Hubo 4 casos.", "30. There were 4 cases.", "29"),
    ("El 1° de julio de 2003 se publicó.", "It was issued on 1 June 2003.",
     "months differ: julio in the Spanish, June"),
    ("Dos millones de personas.", "Three million people.", "Dos millones (2,000,000)"),
    ("Dos millones de personas.", "3 million people.", "in the English only: 3"),
    ("Se publicaron veinticinco informes.", "Twenty-six reports were issued.", "Twenty-six (26)"),
    ("Un millón doscientos mil niños.", "1,300,000 children.", "Un millón doscientos mil (1,200,000)"),
    ("Se celebró el 5 de agosto de 2004.", "It was held on August 6, 2004.", "in the Spanish only: 5"),
])
def test_number_mismatches(es, en, problem):
    from alinea.report.consistency import NumberMismatch

    messages = list(NumberMismatch().problems(es, en))
    assert len(messages) == 1 and problem in messages[0], messages


def test_numbers_helpers_are_additive():
    from alinea.align.numbers import numeric_tokens, percentages, scaled_numbers

    assert percentages("un 3,5 % y 12 por ciento", "es") == ["3.5%", "12%"]
    assert percentages("3.5 per cent and 7 percent", "en") == ["3.5%", "7%"]
    assert scaled_numbers("80.000 millones", "es") == [("80000", "80000000000")]
    assert scaled_numbers("80 billion", "en") == [("80", "80000000000")]
    assert numeric_tokens("3,5 millones", "es") == numeric_tokens("3.5 million", "en")


# --------------------------------------------------------- contents lines and sales numbers

def _kind_bitext(pairs: list[tuple[str, str, str]]):
    """(kind, Spanish, English) per 1-1 bead."""
    from alinea.align.model import Bead, Bitext, Sentence

    src = [Sentence(es, i, kind=kind) for i, (kind, es, _) in enumerate(pairs)]
    tgt = [Sentence(en, i, kind=kind) for i, (kind, _, en) in enumerate(pairs)]
    return Bitext(src, tgt, [Bead((i,), (i,), 0.9) for i in range(len(pairs))], "es", "en", {"symbol": "A/1"})


CONTENTS_AND_SALES = [
    # contents lines: the page numbers (last) differ between language versions by right ...
    ("contents", "A. Secretaría de las Naciones Unidas\t4-12\t4", "A. United Nations Secretariat\t4-12\t3"),
    ("contents", "IV. Conclusiones ........ 18", "IV. Conclusions ........ 16"),
    # ... but a number in the title, or in the paragraph range, is still compared
    ("contents", "B. Aplicación de la resolución 58/203\t13-31\t7",
     "B. Implementation of resolution 58/208\t13-31\t6"),
    ("contents", "C. Organizaciones ajenas al sistema\t32-39\t12", "C. Organizations outside the system\t32-40\t11"),
    # the same trailing numbers in running text are an error
    ("body", "El número de casos fue 4", "The number of cases was 3"),
    # a sales number's language prefix (E. English edition, S. Spanish edition) is not a difference ...
    ("footnote", "³ ST/ESA/SER.A/220. Publicación de las Naciones Unidas, número de venta: 03.XIII.4.",
     "³ ST/ESA/SER.A/220. United Nations publication, Sales No. E.03.XIII.4."),
    ("footnote", "⁴ Publicación de las Naciones Unidas, número de venta: S.98.XVII.14.",
     "⁴ United Nations publication, Sales No. E.98.XVII.14."),
    # ... the number itself is
    ("footnote", "⁵ Publicación de las Naciones Unidas, número de venta: S.04.II.A.2.",
     "⁵ United Nations publication, Sales No. E.04.II.A.3."),
]


def _number_findings(path) -> dict[str, str]:
    return {f.segment.tuid: f.message for f in check_file(path).findings if f.check == "numbers"}


def test_contents_page_numbers_and_sales_prefixes_are_not_number_errors(tmp_path):
    from alinea.tmx.writer import write_tmx as write_alinea_tmx

    path = tmp_path / "kinds.tmx"
    write_alinea_tmx(_kind_bitext(CONTENTS_AND_SALES), path)
    found = _number_findings(path)
    assert set(found) == {"3", "4", "5", "8"}, found
    assert found["3"] == "in the Spanish only: 58/203; in the English only: 58/208"
    assert found["4"] == "in the Spanish only: 39; in the English only: 40"
    assert found["5"] == "in the Spanish only: 4; in the English only: 3"
    assert found["8"] == "sales numbers differ: 04.II.A.2 in the Spanish, 04.II.A.3 in the English"


def test_the_kind_travels_in_the_tmx_and_the_table(tmp_path, run_cli):
    """Without x-kind a contents line is running text: its page numbers are compared."""
    from alinea.tmx.tabular import bitext_frame, write_table
    from alinea.tmx.writer import write_tmx as write_alinea_tmx

    bitext = _kind_bitext(CONTENTS_AND_SALES[:1])
    path = tmp_path / "contents.tmx"
    write_alinea_tmx(bitext, path)
    assert "<prop type=\"x-kind\">contents</prop>" in path.read_text(encoding="utf-8")
    assert _number_findings(path) == {}
    stripped = tmp_path / "stripped.tmx"
    stripped.write_text(path.read_text(encoding="utf-8").replace('<prop type="x-kind">contents</prop>', ""),
                        encoding="utf-8")
    assert _number_findings(stripped) == {"1": "in the English only: 3"}  # (4 is in the range 4-12 too)
    table = tmp_path / "contents.tsv"
    write_table(bitext_frame(bitext), table)
    assert run_cli("check", table).exit_code == 0
    assert check_bitext(bitext) == []  # the Python API on a Bitext knows the kind too


def test_the_demo_tmx_checks_clean(run_cli, tmp_path):
    """`alinea check` on `alinea demo`'s own TMX: no errors (the contents lines and the sales number
    were its only number findings), and the findings that are left are warnings."""
    assert run_cli("demo", "--out-dir", tmp_path).exit_code == 0
    out = tmp_path / "check.json"
    result = run_cli("check", tmp_path / "A_58_98.tmx", "--json", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["counts"]["errors"] == 0, [f for f in data["findings"] if f["severity"] == ERROR]
    contents = [f for f in data["findings"] if f["target"].startswith(("A. United Nations Secretariat", "IV."))]
    assert contents == []


@pytest.mark.parametrize("text, lang, expected", [
    ("Dos millones de personas", "es", [("Dos millones", 2_000_000)]),
    ("dos mil millones", "es", [("dos mil millones", 2_000_000_000)]),
    ("un millón doscientos mil", "es", [("un millón doscientos mil", 1_200_000)]),
    ("ciento treinta y dos", "es", [("ciento treinta y dos", 132)]),
    ("mil doscientas páginas", "es", [("mil doscientas", 1200)]),
    ("100 mil nacidos", "es", []),  # digits and a scale: scaled_numbers' business
    ("millones de personas, uno de los países", "es", []),
    ("three hundred thousand", "en", [("three hundred thousand", 300_000)]),
    ("one hundred and twenty-five", "en", [("one hundred and twenty-five", 125)]),
    ("a million people", "en", [("a million", 1_000_000)]),
    ("Fifty-ninth session, two thirds, one of them, thousands", "en", []),
    ("veinte treinta", "es", [("veinte", 20), ("treinta", 30)]),
])
def test_number_words(text, lang, expected):
    from alinea.align.numbers import number_words

    assert [(w.text, w.value) for w in number_words(text, lang) if w.certain] == expected


def test_date_months():
    from alinea.align.numbers import date_months

    assert date_months("El 1° de julio de 2003, en agosto de 2004 y el primero de mayo", "es") == [7, 8, 5]
    assert date_months("on 1 June 2003, July 1, 2003, Sept. 2003; it may 2", "en") == [6, 7, 9]
    assert date_months("en julio hubo reuniones", "es") == []  # a month without a day or a year: not a date
