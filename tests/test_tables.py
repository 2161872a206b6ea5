"""alinea's one table module (alinea.tables): one way to write and read TSV, CSV and XLSX everywhere."""
from __future__ import annotations

import csv

import pandas as pd
import pytest
from click.testing import CliRunner

from alinea.align.errors import InputError
from alinea.align.utils import formula_unescape
from alinea.cli import main
from alinea.tables import (
    find_text_columns,
    language_pairs,
    parse_delimited,
    read_table,
    sniff_table_header,
    write_table,
)

QUOTED = '"Who\'s there?"'
TRICKY = [QUOTED, 'He said "no", then left', "tab\there", "line\nbreak", "=1+1", "'=already escaped",
          "-", "plain, with a comma; and a semicolon", "’apostrophe", ""]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def flat(text: str) -> str:
    return " ".join(text.replace("\t", " ").replace("\n", " ").split(" ")) if text else text


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx", ".txt"])
def test_what_is_written_is_read_back(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    rows = [[n, text, 0.25 * n] for n, text in enumerate(TRICKY, start=1)]
    assert write_table(path, ["bead", "source", "score"], rows) == len(rows)
    table = read_table(path)
    assert table.header == ["bead", "source", "score"]
    back = [row + [""] * (3 - len(row)) for row in table.rows[1:]]
    # one line per row in TSV/CSV; a workbook cell keeps its tabs and line breaks
    kept = TRICKY if suffix == ".xlsx" else [t.replace("\t", " ").replace("\n", " ") for t in TRICKY]
    assert [r[1] for r in back] == kept
    assert [r[0] for r in back] == [str(n) for n in range(1, len(TRICKY) + 1)]
    assert [float(r[2]) for r in back] == [0.25 * n for n in range(1, len(TRICKY) + 1)]


@pytest.mark.parametrize("suffix, sep", [(".tsv", "\t"), (".csv", ",")])
def test_other_tools_read_our_tables_as_we_do(tmp_path, suffix, sep):
    """The convention is RFC 4180 quoting: pandas and Python's csv module read the same cells."""
    path = tmp_path / f"t{suffix}"
    texts = [t for t in TRICKY if t]  # (a row of empty cells is a blank row, which alinea skips)
    write_table(path, ["source", "target"], [[t, t.upper()] for t in texts])
    ours = read_table(path).rows
    with open(path, encoding="utf-8", newline="") as fh:
        theirs = [row for row in csv.reader(fh, delimiter=sep) if any(row)]
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    # one line per row, whatever the cell held
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(texts) + 1
    # they see the formula escapes, which alinea removes when it reads the table back
    assert [[formula_unescape(c) for c in row] for row in theirs] == ours
    assert [formula_unescape(c) for c in frame["source"]] == [r[0] for r in ours[1:]]
    assert QUOTED in list(frame["source"])  # its quotes kept: pandas reads what alinea wrote


def test_every_writer_quotes_the_same_way(tmp_path):
    """align --tsv, align-lines and segment --format tsv write a quoted segment alike, and pandas reads it back."""
    es_lines = ["La Asamblea General aprobó el informe de la Comisión.", '"¿Quién está ahí?"',
                "La sesión se levantó a las cinco de la tarde."]
    en_lines = ["The General Assembly adopted the report of the Commission.", QUOTED,
                "The meeting rose at five in the afternoon."]
    es, en = tmp_path / "d.es.txt", tmp_path / "d.en.txt"
    es.write_text("\n".join(es_lines) + "\n", encoding="utf-8")
    en.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
    assert run("align", es, en, "--tsv", tmp_path / "a.tsv").exit_code == 0
    assert run("align-lines", es, en, "-o", tmp_path / "l.tsv").exit_code == 0
    segmented = run("segment", en, "--lang", "en", "--format", "tsv")
    assert segmented.exit_code == 0
    (tmp_path / "s.tsv").write_text(segmented.stdout, encoding="utf-8")
    written = '\t"""Who\'s there?"""'  # the reviewer's example, written alike by all three
    for name, column in (("a.tsv", "target"), ("l.tsv", "target"), ("s.tsv", "text")):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert written in text and f"\t{QUOTED}\t" not in text, (name, text)
        frame = pd.read_csv(tmp_path / name, sep="\t", dtype=str, keep_default_na=False)
        assert en_lines[1] in list(frame[column]), name


def test_header_recognition():
    assert find_text_columns(["source", "target"]) == (0, 1)
    assert find_text_columns(["Spanish", "English"]) == (0, 1)
    assert find_text_columns(["English", "Spanish"]) == (1, 0)
    assert find_text_columns(["Español", "Inglés", "nota"]) == (0, 1)
    assert find_text_columns(["id", "EN-GB", "ES-es"]) == (2, 1)
    assert find_text_columns(["es-MX", "es-ES", "en"], "es-ES", "en") == (1, 2)  # the exact code first
    assert find_text_columns(["src", "tgt", "score", "src_text", "tgt_text"]) == (3, 4)  # alinea 0.2's align-lines
    assert find_text_columns(["term", "translation"]) is None
    assert find_text_columns(["es", "es"]) is None


def test_glossary_header_is_the_tables_header(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("Spanish,English\nremesa,remittance\n", encoding="utf-8")
    assert [p[:2] for p in language_pairs(read_table(path))] == [("remesa", "remittance")]
    path.write_text("remesa,remittance\nmigrante,migrant\n", encoding="utf-8")  # no header: two entries
    assert [p[:2] for p in language_pairs(read_table(path))] == [("remesa", "remittance"), ("migrante", "migrant")]


@pytest.mark.parametrize("header", ["Spanish,English", "es,en", "source,target", "español,inglés", "ES-ES,EN-US"])
def test_one_header_for_every_reader(tmp_path, header):
    """A header the glossary accepts is accepted by convert, report and check too, and the other way round."""
    table = tmp_path / "t.csv"
    table.write_text(f"{header}\nSe aprobó la resolución 5.,Resolution 5 was adopted.\n", encoding="utf-8")
    glossary = tmp_path / "g.csv"
    glossary.write_text(f"{header}\nresolución,resolution\n", encoding="utf-8")
    assert run("tmx", "convert", table, tmp_path / "t.tmx").exit_code == 0
    assert run("report", table, "-o", tmp_path / "r.html").exit_code == 0
    result = run("check", table, "--glossary", glossary)
    assert result.exit_code == 0 and "segments: 1" in result.output, result.output
    assert "<seg>Resolution 5 was adopted.</seg>" in (tmp_path / "t.tmx").read_text(encoding="utf-8")


def test_excel_csv_in_windows_1252_with_semicolons(tmp_path):
    """What Excel writes in a Spanish locale: cp1252, ';', CRLF, quoted cells. Read without options."""
    path = tmp_path / "excel.csv"
    path.write_bytes("Español;Inglés\r\nSe aprobó la resolución;The resolution was adopted\r\n"
                     '"Dijo ""sí""; luego salió";"He said ""yes""; then left"\r\n'.encode("cp1252"))
    out = tmp_path / "e.tmx"
    result = run("tmx", "convert", path, out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<seg>Se aprobó la resolución</seg>" in text and "<seg>Dijo &quot;sí&quot;; luego salió</seg>" in \
        text.replace('"', "&quot;")
    # --encoding says what it is; a wrong one is a one-line error naming where it fails
    assert run("tmx", "convert", path, tmp_path / "e2.tmx", "--encoding", "cp1252").exit_code == 0
    wrong = run("tmx", "convert", path, tmp_path / "e3.tmx", "--encoding", "utf-8")
    assert wrong.exit_code == 2 and "not utf-8 text: line 1" in wrong.output, wrong.output
    assert not (tmp_path / "e3.tmx").exists()
    for args in (["report", path, "-o", tmp_path / "r.html"], ["check", path]):
        assert run(*args).exit_code == 0


def test_utf16_table_from_excel_unicode_text(tmp_path):
    """Excel's 'Unicode text' is UTF-16 with a BOM, tab-separated."""
    path = tmp_path / "unicode.txt"
    path.write_bytes("es\ten\r\nAcción\tAction\r\n".encode("utf-16"))
    assert read_table(path).rows == [["es", "en"], ["Acción", "Action"]]


def test_a_misplaced_quote_is_an_error_at_its_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text('source\ttarget\nUno.\tOne.\n"Hola" dijo\tHello\nDos.\tTwo.\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.tsv: line 3: .*double quote"):
        read_table(path)
    path.write_text('source\ttarget\n"Hola\tHello\nDos.\tTwo.\n', encoding="utf-8")  # never closed
    with pytest.raises(InputError, match=r"line 2"):
        read_table(path)
    result = run("tmx", "convert", path, tmp_path / "x.tmx")
    assert result.exit_code == 2 and result.output.count("\n") == 1


def test_excel_multiline_cell_is_one_cell(tmp_path):
    table = parse_delimited('source,target\n"Línea uno\nlínea dos","Line one\nline two"\nB,b\n', "x.csv")
    assert table.rows[1] == ["Línea uno\nlínea dos", "Line one\nline two"] and table.lines == [1, 2, 5]


def test_sniffing_a_table_header():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        table, lines = Path(folder) / "t.txt", Path(folder) / "l.txt"
        table.write_text("bead\ttype\tsource\ttarget\n1\t1-1\tHola.\tHello.\n", encoding="utf-8")
        lines.write_text("Hello.\tWorld.\nSecond line.\n", encoding="utf-8")
        assert sniff_table_header(table) and not sniff_table_header(lines)


def test_score_reads_a_table_reference_and_refuses_tables_as_lines(tmp_path):
    beads = tmp_path / "beads.tsv"
    write_table(beads, ["source", "target"], [["Hola.", "Hello."], ["Adiós.", "Goodbye."]])
    hyp = tmp_path / "mt.txt"
    hyp.write_text("Hello.\nGood bye.\n", encoding="utf-8")
    result = run("score", "--hyp", hyp, "--ref", beads, "-j", "1", "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    assert "segments: 2" in result.output  # the header row is not a reference segment
    assert "Hello." in (tmp_path / "s.json").read_text(encoding="utf-8")
    renamed = tmp_path / "beads.txt"
    renamed.write_bytes(beads.read_bytes())
    result = run("score", "--hyp", hyp, "--ref", renamed, "-j", "1")
    assert result.exit_code == 2 and "is a table" in result.output and result.output.count("\n") == 1
    result = run("score", "--hyp", beads, "--ref", hyp, "-j", "1")
    assert result.exit_code == 2 and "--hyp" in result.output and "is a table" in result.output
