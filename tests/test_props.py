"""alinea's unit properties (x-bead, x-score, x-kind): one set of rules, the same answer from every command."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from alinea.align.model import Bead, Bitext, Sentence
from alinea.cli import main
from alinea.tmx.props import bead_numbers, bead_problem, score_problem
from alinea.tmx.reader import read_tmx
from alinea.tmx.writer import write_tmx

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
        'segtype="sentence" o-tmf="t" adminlang="en" srclang="es" datatype="plaintext"/><body>\n')


def tu(n: int, es: str, en: str, **props: str) -> str:
    text = "".join(f'<prop type="{k.replace("_", "-")}">{v}</prop>' for k, v in props.items())
    return (f'<tu tuid="{n}">{text}<tuv xml:lang="es"><seg>{es}</seg></tuv>'
            f'<tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n')


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_bead_rules():
    assert bead_numbers("2-1") == (2, 1) and bead_numbers("12-3") == (12, 3)
    for bad in ("banana", "0-0", "1-1-1", "-1-1", "1 - 1", "", "1-"):
        assert bead_numbers(bad) is None, bad
    assert bead_problem("1-1", "Hola.", "Hello.") is None
    assert bead_problem("2-1", "Uno. Dos.", "One and two.") is None
    assert bead_problem("1-0", "Hola.", None) is None
    assert "9 es sentences" in bead_problem("9-9", "Hola.", "Hello.")
    assert "en side is empty, but it has text" in bead_problem("1-0", "Hola.", "Hello.")
    assert "not a bead type" in bead_problem("banana", "Hola.", "Hello.")
    assert bead_problem("1-1", "Hola.", None) is None  # a unit missing a language: skipped and counted, not refused


def test_score_rules():
    assert score_problem("0") is None and score_problem("1") is None and score_problem("0.9871") is None
    for bad in ("1.7", "-0.1", "nan", "inf", "high"):
        assert "not a confidence between 0 and 1" in score_problem(bad), bad


@pytest.fixture
def bad_tmx(tmp_path):
    def write(**props):
        path = tmp_path / "bad.tmx"
        path.write_text(HEAD + tu(1, "Se aprobó.", "Adopted.", x_score="0.9")
                        + tu(2, "Hola.", "Hello.", **props) + "</body></tmx>\n", encoding="utf-8")
        return path
    return write


@pytest.mark.parametrize("props, fragment", [
    ({"x_bead": "9-9"}, "x-bead '9-9' joins 9 es sentences, but the es side has 1 word"),
    ({"x_bead": "banana"}, "x-bead 'banana' is not a bead type"),
    ({"x_bead": "1-0"}, "x-bead '1-0' says the en side is empty"),
    ({"x_score": "1.7"}, "x-score '1.7' is not a confidence between 0 and 1"),
])
def test_every_reader_refuses_what_validate_warns_about(bad_tmx, tmp_path, props, fragment):
    path = bad_tmx(**props)
    result = run("tmx", "validate", path)
    assert result.exit_code == 0, result.output  # valid TMX 1.4 ...
    assert f"bad.tmx:4:1: warning: unit 2: {fragment}" in result.output
    assert "refuse it: 1 unit(s)" in result.output  # ... that the other commands refuse, said in the summary
    for args in (["tmx", "stats", path], ["report", path, "-o", tmp_path / "r.html"],
                 ["tmx", "convert", path, tmp_path / "t.tsv"], ["tmx", "filter", path, "-o", tmp_path / "f.tmx"],
                 ["tmx", "filter", path, "--bead", "1-1", "-o", tmp_path / "f.tmx"]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"bad.tmx:4: unit 2: {fragment}" in result.output and result.output.count("\n") == 1, result.output
    assert not (tmp_path / "t.tsv").exists() and not (tmp_path / "f.tmx").exists()


def test_a_table_with_a_bad_bead_type_is_refused_both_ways(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("type\tsource\ttarget\nbanana\tHola.\tHello.\n", encoding="utf-8")
    result = run("tmx", "convert", table, tmp_path / "t.tmx")
    assert result.exit_code == 2 and "x-bead 'banana' is not a bead type" in result.output, result.output
    table.write_text("src_ids\ttgt_ids\tsource\ttarget\n1,2,3,4,5,6,7,8,9\t1\tHola.\tHello.\n", encoding="utf-8")
    result = run("tmx", "convert", table, tmp_path / "t.tmx")
    assert result.exit_code == 2 and "x-bead '9-1' joins 9 es sentences" in result.output, result.output


def test_stats_and_report_agree_on_bead_types(tmp_path):
    path = tmp_path / "ok.tmx"
    path.write_text(HEAD + tu(1, "Uno. Dos.", "One and two.", x_bead="2-1") + tu(2, "Hola.", "Hello.", x_bead="1-1")
                    + "</body></tmx>\n", encoding="utf-8")
    stats = run("tmx", "stats", path)
    assert "bead types: 1-1 1, 2-1 1" in stats.output, stats.output
    assert read_tmx(path).bead_counts() == {"1-1": 1, "2-1": 1}


def test_what_alinea_writes_it_reads_even_when_cleaning_empties_a_sentence(tmp_path):
    """A sentence that cleaning empties (control characters only) is not counted in the x-bead written,
    so alinea never writes a bead type its readers refuse."""
    bitext = Bitext([Sentence("\x00\x01", 0), Sentence("Hola.", 1)], [Sentence("Hello.", 0)],
                    [Bead((0, 1), (0,), 0.9)], "es", "en")
    write_tmx(bitext, tmp_path / "t.tmx")
    assert '<prop type="x-bead">1-1</prop>' in (tmp_path / "t.tmx").read_text(encoding="utf-8")
    assert run("tmx", "validate", tmp_path / "t.tmx").output.count("warning") == 0
    assert read_tmx(tmp_path / "t.tmx").bead_counts() == {"1-1": 1}


def test_filter_bead_option_uses_the_same_rules():
    result = run("tmx", "filter", "x.tmx", "--bead", "0-0")
    assert result.exit_code == 2 and "a bead type looks like 1-1" in result.output
