"""`alinea tmx` validate, merge, dedupe, filter, convert, stats, and `alinea align`'s TMX options."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from alinea.align.model import Bead, Bitext, Sentence
from alinea.tmx.reader import read_tmx
from alinea.tmx.writer import write_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _bitext(pairs: list[tuple[str, str, float, int]], symbol: str) -> Bitext:
    """pairs: (es, en, score, number of Spanish sentences joined into the bead)."""
    src, tgt, beads = [], [], []
    for es, en, score, n in pairs:
        pieces = es.split(" | ") if n > 1 else [es]
        ids = tuple(range(len(src), len(src) + len(pieces)))
        src += [Sentence(p, len(src) + k) for k, p in enumerate(pieces)]
        beads.append(Bead(ids, (len(tgt),), score))
        tgt.append(Sentence(en, len(tgt)))
    return Bitext(src, tgt, beads, "es", "en", {"symbol": symbol})


@pytest.fixture
def two_tmx(tmp_path) -> tuple[Path, Path]:
    a = tmp_path / "a.tmx"
    b = tmp_path / "b.tmx"
    write_tmx(_bitext([("Uno.", "One.", 0.9, 1), ("Dos.", "Two.", 0.3, 1),
                       ("Tres. | Cuatro.", "Three and four.", 0.7, 2)], "A/1"), a)
    write_tmx(_bitext([("Uno.", "One.", 0.8, 1), ("Cinco muy muy largo.", "5.", 0.95, 1)], "A/2"), b)
    return a, b


def units(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().find("body").findall("tu")


def test_validate_accepts_our_output(run_cli, two_tmx):
    result = run_cli("tmx", "validate", two_tmx[0])
    assert result.exit_code == 0
    assert "valid TMX 1.4 (and valid against tmx14.dtd): 3 translation units, languages en, es" in result.output


def test_validate_locates_problems(run_cli, tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n'
                   '<header creationtool="x" creationtoolversion="1" segtype="word" o-tmf="x" adminlang="en" '
                   'srclang="es" datatype="plaintext"/>\n<body>\n'
                   '<tu><tuv xml:lang="es"><seg>a</seg></tuv><prop type="x">y</prop>'
                   '<tuv xml:lang="en"><seg>b <bpt i="1">{</bpt></seg></tuv></tu>\n'
                   '<tu tuid="7" creationdate="2020-01-01"></tu>\n</body>\n</tmx>\n', encoding="utf-8")
    result = run_cli("tmx", "validate", bad)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{bad}:3:1: error: segtype=\"word\"") for line in lines)
    assert any(line.startswith(f"{bad}:5:42: error: <prop> after <tuv>") for line in lines)
    assert any(line.startswith(f"{bad}:5:") and "<bpt i=\"1\"> is never closed" in line for line in lines)
    assert any(line.startswith(f"{bad}:6:1: error: <tu> has no <tuv>") for line in lines)
    assert any(line.startswith(f"{bad}:6:1: warning: creationdate=\"2020-01-01\" is not a TMX date") for line in lines)
    assert "INVALID: 4 error(s)" in result.output


def test_validate_uses_the_shipped_dtd_unless_told_otherwise(run_cli, tmp_path):
    from test_tmx import DTD, TMX_HEAD, TMX_TAIL

    path = tmp_path / "ude.tmx"
    path.write_text(TMX_HEAD.replace('datatype="plaintext"/>', 'datatype="plaintext"><ude name="MacRoman"/></header>')
                    + '<tu><tuv xml:lang="es"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu>'
                    + TMX_TAIL, encoding="utf-8")
    result = run_cli("tmx", "validate", path)
    assert result.exit_code == 1
    assert f"{path}:3:1: error: tmx14.dtd: Element ude content does not follow the DTD" in result.output
    assert "INVALID: 1 error(s)" in result.output
    result = run_cli("tmx", "validate", path, "--no-dtd")
    assert result.exit_code == 0 and "valid TMX 1.4: 1 translation units" in result.output
    # another DTD file: here a copy of the official one under another name
    mine = tmp_path / "my.dtd"
    mine.write_bytes(DTD.read_bytes())
    result = run_cli("tmx", "validate", path, "--dtd", mine)
    assert result.exit_code == 1 and "error: my.dtd: Element ude" in result.output
    result = run_cli("tmx", "validate", path, "--dtd", tmp_path / "none.dtd")
    assert result.exit_code == 2 and "no such DTD file" in result.output
    (tmp_path / "bad.dtd").write_text("<!ELEMENT", encoding="utf-8")
    result = run_cli("tmx", "validate", path, "--dtd", tmp_path / "bad.dtd")
    assert result.exit_code == 2 and result.output.startswith("alinea: error:") and "not a DTD" in result.output
    assert run_cli("tmx", "validate", path, "--dtd", mine, "--no-dtd").exit_code == 2


def test_validate_malformed_xml_gives_line_and_column(run_cli, tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n  <header>\n</tmx>\n', encoding="utf-8")
    result = run_cli("tmx", "validate", bad)
    assert result.exit_code == 1
    assert f"{bad}:4:" in result.output and "malformed XML" in result.output
    assert "Traceback" not in result.output


def test_validate_missing_file_is_an_input_error(run_cli, tmp_path):
    result = run_cli("tmx", "validate", tmp_path / "nope.tmx")
    assert result.exit_code == 2
    assert "alinea: error:" in result.output and "no such file" in result.output


def test_merge_keeps_properties_and_renames_clashing_tuids(run_cli, two_tmx, tmp_path):
    out = tmp_path / "merged.tmx"
    result = run_cli("tmx", "merge", *two_tmx, "-o", out)
    assert result.exit_code == 0, result.output
    merged = units(out)
    assert len(merged) == 5
    assert [tu.get("tuid") for tu in merged] == ["1", "2", "3", "b-1", "b-2"]
    documents = [tu.find("prop[@type='x-document']").text for tu in merged]
    assert documents == ["A/1", "A/1", "A/1", "A/2", "A/2"]
    assert run_cli("tmx", "validate", out).exit_code == 0
    assert etree.parse(str(out)).getroot().find("header").get("creationtool") == "alinea"


def test_merge_dedupe_and_dedupe(run_cli, two_tmx, tmp_path):
    a, _ = two_tmx
    twice = tmp_path / "twice.tmx"
    assert run_cli("tmx", "merge", a, a, "-o", twice).exit_code == 0
    assert len(units(twice)) == 6
    once = tmp_path / "once.tmx"
    result = run_cli("tmx", "dedupe", twice, "-o", once)
    assert "3 exact duplicates dropped" in result.output
    assert [tu.get("tuid") for tu in units(once)] == ["1", "2", "3"]
    merged = tmp_path / "m.tmx"
    result = run_cli("tmx", "merge", a, a, "-o", merged, "--dedupe")
    assert "(3 duplicates dropped)" in result.output and len(units(merged)) == 3


def test_dedupe_keeps_same_source_with_another_translation(tmp_path, run_cli):
    path = tmp_path / "t.tmx"
    write_tmx(_bitext([("Uno.", "One.", 1, 1), ("Uno.", "One.", 0.5, 1), ("Uno.", "A single one.", 1, 1)],
                      "A/1"), path)
    out = tmp_path / "d.tmx"
    run_cli("tmx", "dedupe", path, "-o", out)
    assert [(s, t) for _, s, t in read_tmx(out).pairs()] == [("Uno.", "One."), ("Uno.", "A single one.")]


def test_filter_by_score_bead_and_ratio(run_cli, two_tmx, tmp_path):
    merged = tmp_path / "m.tmx"
    run_cli("tmx", "merge", *two_tmx, "-o", merged)
    out = tmp_path / "f.tmx"
    result = run_cli("tmx", "filter", merged, "-o", out, "--min-score", "0.5")
    assert "5 units: 4 kept, 1 dropped (1 score below minimum)" in result.output
    assert {round(b.score, 2) for b in read_tmx(out).beads} == {0.9, 0.7, 0.8, 0.95}
    run_cli("tmx", "filter", merged, "-o", out, "--bead", "2-1")
    assert [b.kind for b in read_tmx(out).beads] == ["2-1"]
    run_cli("tmx", "filter", merged, "-o", out, "--bead", "1-1,2-1", "--max-ratio", "3")
    assert "Cinco muy muy largo." not in [s for _, s, _ in read_tmx(out).pairs()]
    assert len(read_tmx(out).beads) == 4
    run_cli("tmx", "filter", merged, "-o", out, "--max-score", "0.5")
    assert [s for _, s, _ in read_tmx(out).pairs()] == ["Dos."]


def test_filter_that_keeps_nothing_says_so(run_cli, two_tmx, tmp_path):
    a, _ = two_tmx
    out = tmp_path / "none.tmx"
    result = run_cli("tmx", "filter", a, "-o", out, "--min-score", "0.99")
    assert result.exit_code == 0, result.output
    assert "3 units: 0 kept, 3 dropped (3 score below minimum)" in result.output
    assert f"alinea: warning: {a} has no unit that meets every condition: {out} has no translation units" \
        in result.output
    assert units(out) == [] and run_cli("tmx", "validate", out).exit_code == 0  # still a valid (empty) TMX
    again = tmp_path / "again.tmx"
    result = run_cli("tmx", "filter", out, "-o", again, "--bead", "1-1")
    assert f"alinea: warning: {out} has no translation units: {again} has no translation units" in result.output
    result = run_cli("tmx", "filter", a, "-o", out, "--min-score", "0.5")
    assert "warning" not in result.output and len(units(out)) == 2


def test_filter_says_why_unscored_units_go(run_cli, tmp_path):
    path = tmp_path / "foreign.tmx"
    path.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
                    'segtype="sentence" o-tmf="x" adminlang="en" srclang="es" datatype="plaintext"/><body>'
                    '<tu><tuv xml:lang="es"><seg>Hola.</seg></tuv><tuv xml:lang="en"><seg>Hi.</seg></tuv></tu>'
                    '</body></tmx>', encoding="utf-8")
    out = tmp_path / "f.tmx"
    result = run_cli("tmx", "filter", path, "-o", out, "--min-score", "0.5")
    assert "1 no x-score" in result.output and len(units(out)) == 0
    run_cli("tmx", "filter", path, "-o", out, "--min-score", "0.5", "--keep-unscored")
    assert len(units(out)) == 1
    result = run_cli("tmx", "filter", path, "-o", out, "--min-ratio", "0.5", "--src-lang", "fr")
    assert result.exit_code == 2 and "unsupported language 'fr'" in result.output
    french = tmp_path / "french.tmx"
    french.write_text(path.read_text(encoding="utf-8").replace('"en"', '"fr"'), encoding="utf-8")
    result = run_cli("tmx", "filter", french, "-o", out, "--min-ratio", "0.5")
    assert result.exit_code == 2 and "languages: es, fr" in result.output
    result = run_cli("tmx", "filter", path, "-o", out, "--bead", "one-one")
    assert result.exit_code == 2 and "bead type looks like" in result.output


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx"])
def test_convert_tmx_to_table_and_back(run_cli, two_tmx, tmp_path, suffix):
    a, _ = two_tmx
    table = tmp_path / f"a{suffix}"
    assert run_cli("tmx", "convert", a, table).exit_code == 0
    import pandas as pd

    frame = pd.read_excel(table) if suffix == ".xlsx" else pd.read_csv(table, sep="," if suffix == ".csv" else "\t")
    assert list(frame["source"]) == ["Uno.", "Dos.", "Tres. Cuatro."]
    assert list(frame["type"]) == ["1-1", "1-1", "2-1"]
    back = tmp_path / "back.tmx"
    result = run_cli("tmx", "convert", table, back, "--src-lang", "es-ES", "--tgt-lang", "en-US")
    assert result.exit_code == 0, result.output
    assert {tuv.get(XML_LANG) for tuv in etree.parse(str(back)).iter("tuv")} == {"es-ES", "en-US"}
    assert [(b.kind, s, t) for b, s, t in read_tmx(back).pairs()] == \
        [(b.kind, s, t) for b, s, t in read_tmx(a).pairs()]


def test_convert_refuses_bad_targets(run_cli, two_tmx, tmp_path):
    a, _ = two_tmx
    result = run_cli("tmx", "convert", a, tmp_path / "a.docx")
    assert result.exit_code == 2 and "TARGET writes a TMX file or a table" in result.output
    result = run_cli("tmx", "convert", a, a)
    assert result.exit_code == 2 and "overwrite the input" in result.output


def test_stats(run_cli, two_tmx, tmp_path):
    merged = tmp_path / "m.tmx"
    run_cli("tmx", "merge", *two_tmx, "-o", merged)
    result = run_cli("tmx", "stats", merged, "--json")
    figures = json.loads(result.output)
    assert figures["units"] == 5 and figures["pairs"] == 5
    assert figures["languages"] == {"en": 5, "es": 5}
    assert figures["bead_types"] == {"1-1": 4, "2-1": 1}
    assert figures["documents"] == {"A/1": 3, "A/2": 2}
    assert figures["scores"]["min"] == 0.3 and figures["scores"]["below_0.5"] == 1
    assert figures["duplicates"] == 1  # "Uno." / "One." is in both files
    text = run_cli("tmx", "stats", merged).output
    assert "translation units: 5" in text and "bead types: 1-1 4, 2-1 1" in text


def test_align_cli_tmx_options(run_cli, es_path, en_path, tmp_path):
    out = tmp_path / "a.tmx"
    result = run_cli("align", es_path, en_path, "-o", out, "--src-lang", "es-ES", "--tgt-lang", "en-US",
                     "--document", "A/58/98", "--keep-unaligned")
    assert result.exit_code == 0, result.output
    root = etree.parse(str(out)).getroot()
    assert root.find("header").get("srclang") == "es-ES"
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {"es-ES", "en-US"}
    assert {p.text for p in root.iter("prop") if p.get("type") == "x-document"} == {"A/58/98"}
    bitext = read_tmx(out, "es", "en")
    null_kinds = [b.kind for b in bitext.beads if b.is_null]
    notes = [tu for tu in root.iter("tu") if tu.find("note") is not None]
    assert len(notes) == len(null_kinds)  # every unaligned unit carries its note
    plain = tmp_path / "plain.tmx"
    run_cli("align", es_path, en_path, "-o", plain)
    assert not [tu for tu in etree.parse(str(plain)).iter("tu") if tu.find("note") is not None]
    assert len(units(plain)) == len(units(out)) - len(notes)


def test_foreign_tmx_survives_validate_merge_and_filter(run_cli, two_tmx, tmp_path):
    from test_tmx import TRADOS

    trados = tmp_path / "trados.tmx"
    trados.write_text(TRADOS, encoding="utf-16")
    result = run_cli("tmx", "validate", trados)
    assert result.exit_code == 0
    assert "3 translation units" in result.output and ":23:5: warning: <tu> has no <tuv> in its source" in result.output
    out = tmp_path / "merged.tmx"
    assert run_cli("tmx", "merge", trados, two_tmx[0], "-o", out).exit_code == 0
    merged = units(out)
    assert len(merged) == 6
    assert merged[0].get("usagecount") == "3"
    assert merged[0].find("prop[@type='x-LastUsedBy']").text == "UN\\reviser"
    assert [e.tag for e in merged[0].find("tuv/seg")] == ["bpt", "ept", "ph"]
    result = run_cli("tmx", "validate", out)
    assert result.exit_code == 0 and "valid against tmx14.dtd" in result.output
    # the merged header says the sources disagree on srclang
    assert etree.parse(str(out)).getroot().find("header").get("srclang") == "*all*"
    kept = tmp_path / "kept.tmx"
    run_cli("tmx", "filter", out, "-o", kept, "--min-ratio", "0.5", "--max-ratio", "2")
    assert [(s, t) for _, s, t in read_tmx(kept).pairs()][0] == \
        ("La Asamblea General aprobó la resolución.", "The General Assembly adopted the resolution.")


# --- what a TMX written without --keep-unaligned left out -------------------

def _with_null_beads() -> Bitext:
    src = [Sentence("Uno.", 0), Sentence("Sin traducción.", 1), Sentence("Otra sin traducción.", 2),
           Sentence("Dos.", 3)]
    tgt = [Sentence("One.", 0), Sentence("No Spanish.", 1), Sentence("Two.", 2)]
    beads = [Bead((0,), (0,), 0.9), Bead((1, 2), (), 0.0), Bead((), (1,), 0.0), Bead((3,), (2,), 0.8)]
    return Bitext(src, tgt, beads, "es", "en", {"symbol": "A/1"})


def test_report_and_stats_say_how_many_sentences_were_left_out(run_cli, tmp_path):
    import lxml.html

    plain, kept = tmp_path / "plain.tmx", tmp_path / "kept.tmx"
    write_tmx(_with_null_beads(), plain)
    write_tmx(_with_null_beads(), kept, keep_unaligned=True)
    header = etree.parse(str(plain)).getroot().find("header")
    assert {p.get("type"): p.text for p in header.iter("prop")} == {"x-unaligned-es": "2", "x-unaligned-en": "1"}
    assert run_cli("tmx", "validate", plain).exit_code == 0  # header props are valid TMX (and DTD)

    result = run_cli("report", plain, "-o", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    assert (f"left out of {plain} when it was written (unaligned, no --keep-unaligned): 2 es and 1 en sentences"
            in result.output)
    row = lxml.html.fromstring((tmp_path / "r.html").read_text(encoding="utf-8")).xpath("//tr[@id='left-out']")
    assert row and "2 (es), 1 (en)" in row[0].text_content()
    result = run_cli("report", kept, "-o", tmp_path / "k.html")
    assert "left out" not in result.output  # nothing was: the unaligned beads are in the file

    stats = run_cli("tmx", "stats", plain)
    assert ("unaligned sentences left out when written: es 2, en 1 (not in the file; --keep-unaligned keeps them)"
            in stats.output)
    assert json.loads(run_cli("tmx", "stats", plain, "--json").output)["left_out"] == {"es": 2, "en": 1}
    assert "unaligned sentences left out when written: es 0, en 0\n" in run_cli("tmx", "stats", kept).output
    # a TMX from another tool does not record it: nothing is claimed
    foreign = tmp_path / "foreign.tmx"
    foreign.write_text(plain.read_text(encoding="utf-8").replace("x-unaligned-", "x-other-"), encoding="utf-8")
    assert "left out" not in run_cli("tmx", "stats", foreign).output
    assert json.loads(run_cli("tmx", "stats", foreign, "--json").output)["left_out"] is None


def test_merge_filter_and_dedupe_carry_the_left_out_counts(run_cli, tmp_path):
    a, b = tmp_path / "a.tmx", tmp_path / "b.tmx"
    write_tmx(_with_null_beads(), a)
    write_tmx(_with_null_beads(), b)
    merged, kept = tmp_path / "m.tmx", tmp_path / "f.tmx"
    run_cli("tmx", "merge", a, b, "-o", merged)
    assert "es 4, en 2" in run_cli("tmx", "stats", merged).output
    run_cli("tmx", "filter", merged, "-o", kept, "--min-score", "0.85")
    assert "es 4, en 2" in run_cli("tmx", "stats", kept).output
    # a file that does not record them makes the sum unknown
    foreign = tmp_path / "foreign.tmx"
    foreign.write_text(a.read_text(encoding="utf-8").replace("x-unaligned-", "x-other-"), encoding="utf-8")
    run_cli("tmx", "merge", a, foreign, "-o", merged)
    assert "left out" not in run_cli("tmx", "stats", merged).output


# --- convert keeps every unit as it was --------------------------------------

def _unit_facts(path: Path, src_lang="es", tgt_lang="en") -> list[tuple]:
    from alinea.tmx.ops import load_tmx

    return [(u.tuid, u.text(src_lang), u.text(tgt_lang), u.props, u.notes) for u in load_tmx(path).units]


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx"])
def test_convert_round_trip_keeps_tuids_props_and_notes(run_cli, two_tmx, tmp_path, suffix):
    from test_tmx import TRADOS

    # tuids that are not positions (merged: b-1, b-2), other tools' props, one-sided units with notes
    trados = tmp_path / "trados.tmx"
    trados.write_text(TRADOS, encoding="utf-16")
    nulls = tmp_path / "nulls.tmx"
    write_tmx(_with_null_beads(), nulls, keep_unaligned=True)
    source = tmp_path / "source.tmx"
    assert run_cli("tmx", "merge", *two_tmx, trados, nulls, "-o", source).exit_code == 0
    table, back = tmp_path / f"t{suffix}", tmp_path / "back.tmx"
    result = run_cli("tmx", "convert", source, table)
    assert result.exit_code == 0, result.output
    # the Trados fr-en unit: its English is a one-sided unit, its French is not converted
    assert "left out: the text in other languages (FR-FR in 1 unit); only es and en are converted" in result.output
    result = run_cli("tmx", "convert", table, back, "--keep-unaligned")
    assert result.exit_code == 0, result.output
    original = [u for u in _unit_facts(source) if u[1] or u[2]]
    assert _unit_facts(back) == original
    assert [u[0] for u in original][:7] == ["1", "2", "3", "b-1", "b-2", "trados-1", "trados-2"]
    assert original[5][3]["x-LastUsedBy"] == "UN\\reviser" and original[3][3]["x-document"] == "A/2"
    assert any(u[4] and u[4][0].startswith("unaligned") for u in original)
    assert run_cli("tmx", "validate", back).exit_code == 0
    # and a table -> table conversion keeps the table
    again = tmp_path / f"again{'.csv' if suffix != '.csv' else '.tsv'}"
    assert run_cli("tmx", "convert", table, again).exit_code == 0
    from alinea.tmx.tabular import read_table

    first, second = read_table(table), read_table(again)
    assert list(first.columns) == list(second.columns)
    assert first.drop(columns="score").equals(second.drop(columns="score"))
    assert "prop:x-LastUsedBy" in first.columns and "note" in first.columns


def test_convert_says_what_it_leaves_out(run_cli, tmp_path):
    nulls = tmp_path / "nulls.tmx"
    write_tmx(_with_null_beads(), nulls, keep_unaligned=True)
    table = tmp_path / "nulls.tsv"
    assert run_cli("tmx", "convert", nulls, table).exit_code == 0
    back = tmp_path / "back.tmx"
    result = run_cli("tmx", "convert", table, back)  # no --keep-unaligned: one-sided units stay out ...
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "(2 units)" in result.output
    assert "left out: 2 es and 1 en sentences of one-sided units (--keep-unaligned keeps them)" in result.output
    # ... but what the table's source left out is unknown: the header claims no count
    assert "left out" not in run_cli("tmx", "stats", back).output
    plain = tmp_path / "plain.tmx"
    write_tmx(_with_null_beads(), plain)
    result = run_cli("tmx", "convert", plain, tmp_path / "plain.xlsx")
    assert f"note: {plain} records 2 es and 1 en sentences left out when it was written" in result.output
    # TMX -> TMX: what the input recorded plus what this conversion leaves out; unknown stays unknown
    run_cli("tmx", "convert", plain, tmp_path / "plain2.tmx", "--src-lang", "es-ES")
    assert "es 2, en 1" in run_cli("tmx", "stats", tmp_path / "plain2.tmx").output
    run_cli("tmx", "convert", nulls, tmp_path / "nulls2.tmx")
    assert "es 2, en 1" in run_cli("tmx", "stats", tmp_path / "nulls2.tmx").output
    foreign = tmp_path / "foreign.tmx"
    foreign.write_text(nulls.read_text(encoding="utf-8").replace("x-unaligned-", "x-other-"), encoding="utf-8")
    result = run_cli("tmx", "convert", foreign, tmp_path / "foreign2.tmx")
    assert "left out: 2 es and 1 en sentences" in result.output
    assert "left out" not in run_cli("tmx", "stats", tmp_path / "foreign2.tmx").output
    french = tmp_path / "fr.tmx"
    french.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
                      'segtype="sentence" o-tmf="x" adminlang="en" srclang="fr" datatype="plaintext"/><body>'
                      '<tu><tuv xml:lang="fr"><seg>Oui.</seg></tuv><tuv xml:lang="de"><seg>Ja.</seg></tuv></tu>'
                      '</body></tmx>', encoding="utf-8")
    result = run_cli("tmx", "convert", french, tmp_path / "fr.tsv")
    assert result.exit_code == 2 and "no unit has 'es' or 'en' text; it has languages: de, fr" in result.output
    assert not (tmp_path / "fr.tsv").exists()


# ----------------------------------------------------------------- language codes (BCP 47)

def _coded(tmp_path, name: str, es_code: str, en_code: str) -> Path:
    path = tmp_path / name
    bitext = _bitext([("Se aprobó la resolución.", "The resolution was adopted.", 0.9, 1),
                      ("Se levantó la sesión.", "The meeting rose.", 0.8, 1)], "A/1")
    write_tmx(bitext, path, "es", "en")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('xml:lang="es"', f'xml:lang="{es_code}"').replace('xml:lang="en"',
                                                                                  f'xml:lang="{en_code}"'),
                    encoding="utf-8")
    return path


def test_language_codes_compare_case_insensitively(tmp_path, run_cli):
    """EN-GB and en-GB, es-ES, ES-ES and es-es are one language each (BCP 47): dedupe and stats agree."""
    from alinea.tmx.ops import dedupe_units, load_tmx, merge_units, tmx_stats

    files = [_coded(tmp_path, "a.tmx", "es-ES", "en-GB"), _coded(tmp_path, "b.tmx", "ES-ES", "EN-GB"),
             _coded(tmp_path, "c.tmx", "es-es", "en-gb")]
    loaded = [load_tmx(f) for f in files]
    merged = merge_units(loaded)
    kept, removed = dedupe_units(merged)
    assert (len(merged), removed) == (6, 4)
    out = tmp_path / "all.tmx"
    assert run_cli("tmx", "merge", *files, "-o", out).exit_code == 0
    stats = tmx_stats(load_tmx(out))
    assert stats.languages == {"en-GB": 6, "es-ES": 6}
    result = run_cli("tmx", "stats", out)
    assert "languages: en-GB 6, es-ES 6" in result.output, result.output


def test_dedupe_compares_exact_variants_unless_by_base_language(tmp_path, run_cli):
    """es/en and es-ES/en-GB units with the same text: two languages each by default, one with --by-base-language."""
    plain, regional = _coded(tmp_path, "a.tmx", "es", "en"), _coded(tmp_path, "b.tmx", "es-ES", "en-GB")
    exact = tmp_path / "exact.tmx"
    result = run_cli("tmx", "merge", plain, regional, "--dedupe", "-o", exact)
    assert result.exit_code == 0 and "(0 duplicates dropped)" in result.output, result.output
    base = tmp_path / "base.tmx"
    result = run_cli("tmx", "merge", plain, regional, "--dedupe", "--by-base-language", "-o", base)
    assert result.exit_code == 0 and "(2 duplicates dropped)" in result.output, result.output
    assert len(units(base)) == 2 and {t.find("tuv").get(XML_LANG) for t in units(base)} == {"es"}  # the first kept
    merged = tmp_path / "m.tmx"
    run_cli("tmx", "merge", plain, regional, "-o", merged)
    result = run_cli("tmx", "dedupe", merged, "--by-base-language", "-o", tmp_path / "d.tmx")
    assert result.exit_code == 0 and "2 exact duplicates dropped" in result.output, result.output
    result = run_cli("tmx", "merge", plain, regional, "--by-base-language", "-o", tmp_path / "x.tmx")
    assert result.exit_code == 2 and "give --dedupe too" in result.output
