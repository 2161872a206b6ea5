"""The command line: outputs, help, and one-line errors with exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest


def test_version(run_cli):
    from alinea import __version__

    result = run_cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("command", [[], ["align"], ["segment"], ["demo"]])
def test_help_on_every_command(run_cli, command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_every_registered_command_has_help(run_cli):
    import click

    from alinea.cli import main

    for name in main.list_commands(click.Context(main)):
        result = run_cli(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_lazy_command_table_matches_the_command_modules():
    """Commands are imported when used: the name -> module table must list every command of every
    command module, under the module that defines it, and nothing else."""
    import importlib
    import pkgutil

    import alinea.cli
    from alinea.cli import COMMAND_MODULES

    defined = {}
    for info in pkgutil.iter_modules(alinea.cli.__path__):
        module = importlib.import_module(f"alinea.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            defined[command.name] = info.name
    assert defined == COMMAND_MODULES


def test_align_writes_tmx_tsv_and_report(run_cli, es_path, en_path, tmp_path):
    out = tmp_path / "a.tmx"
    result = run_cli("align", es_path, en_path, "-o", out, "--tsv", tmp_path / "a.tsv",
                     "--report", tmp_path / "a.html")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("<tu ") > 200
    assert (tmp_path / "a.tsv").read_text(encoding="utf-8").startswith("bead\t")
    assert "<html" in (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "beads:" in result.output and "sentences:" in result.output


def test_demo_writes_three_outputs(run_cli, tmp_path):
    result = run_cli("demo", "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    for name in ("A_58_98.tmx", "A_58_98.tsv", "A_58_98.report.html"):
        assert (tmp_path / name).stat().st_size > 1000, name


def test_segment_prints_one_sentence_per_line(run_cli, es_path):
    result = run_cli("segment", es_path, "--lang", "es")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) > 200
    assert any(line.startswith("4. Varias oficinas") for line in lines)


@pytest.mark.parametrize("code", ["es-ES", "es_419", "ES"])
def test_segment_takes_any_spanish_language_code(run_cli, es_path, code):
    reference = run_cli("segment", es_path, "--lang", "es").output
    result = run_cli("segment", es_path, "--lang", code)
    assert result.exit_code == 0, result.output
    assert result.output == reference


def test_segment_rejects_other_languages(run_cli, es_path):
    result = run_cli("segment", es_path, "--lang", "de-DE")
    assert result.exit_code == 2
    assert "de-DE" in result.output


def _error_case(run_cli, tmp_path, es, en):
    out = tmp_path / "out.tmx"
    result = run_cli("align", es, en, "-o", out)
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("alinea: error:"), result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out.tmx*")), "temporary file left behind"
    return message[0]


def test_missing_file(run_cli, tmp_path, en_path):
    assert "no such file" in _error_case(run_cli, tmp_path, tmp_path / "nope.txt", en_path)


def test_empty_file(run_cli, tmp_path, en_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    assert "empty" in _error_case(run_cli, tmp_path, empty, en_path)


def test_undecodable_bytes(run_cli, tmp_path, en_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    assert "decode" in _error_case(run_cli, tmp_path, junk, en_path)


def test_same_language_on_both_sides(run_cli, tmp_path, en_path):
    assert "both" in _error_case(run_cli, tmp_path, en_path, en_path)


def test_swapped_files(run_cli, tmp_path, es_path, en_path):
    assert "swapped" in _error_case(run_cli, tmp_path, en_path, es_path)


def test_real_process_exit_code_and_no_traceback(tmp_path, en_path):
    """The installed entry point, not just click's runner."""
    proc = subprocess.run([sys.executable, "-m", "alinea", "align", str(tmp_path / "missing.txt"),
                           str(en_path), "-o", str(tmp_path / "x.tmx")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_regional_language_codes_reach_the_tmx(run_cli, es_path, en_path, tmp_path):
    out = tmp_path / "a.tmx"
    result = run_cli("align", es_path, en_path, "-o", out, "--src-lang", "es_419", "--tgt-lang", "en-gb")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert 'srclang="es-419"' in text and 'xml:lang="en-GB"' in text


def test_language_other_than_spanish_or_english_is_refused(run_cli, es_path, en_path, tmp_path):
    result = run_cli("align", es_path, en_path, "-o", tmp_path / "a.tmx", "--src-lang", "fr")
    assert result.exit_code == 2
    assert "unsupported language" in result.output
    assert not (tmp_path / "a.tmx").exists()
