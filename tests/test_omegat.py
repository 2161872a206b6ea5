"""A real CAT tool loads our TMX: OmegaT, headless, pre-translates a Spanish text from tm/auto.

OmegaT segments the source with its own SRX rules (sentence-level by default)
and inserts exact (100 %) matches from TMX files in ``tm/auto`` into the
translation, so the English sentences of our TMX must appear in ``target/``.
`.ci/run` installs the Debian package ``omegat`` when it is missing; these tests
skip only where omegat is not installed. An omegat that is installed but does
not run (no Java, a broken launcher, a version without console mode) fails them.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from alinea.tmx.reader import read_tmx
from alinea.tmx.writer import write_tmx

TIMEOUT = 180  # seconds for one OmegaT run (about 2 s on a laptop)
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>{tgt}</target_lang>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
#: A sentence OmegaT's default rules and ours cut the same way: one final full stop,
#: no other sentence punctuation, no abbreviation or number with a dot inside.
SIMPLE = re.compile(r"^[A-ZÁÉÍÓÚÑ][^.!?;:()\[\]\"«»0-9]{30,240}\.$")


def _omegat() -> str:
    """The installed omegat, checked to run; a skip only when it is not installed at all."""
    exe = shutil.which("omegat")
    if exe is None:
        pytest.skip("omegat is not installed (Debian: apt-get install omegat; .ci/run installs it)")
    if shutil.which("java") is None:
        pytest.fail(f"{exe} is installed but no java runtime is on PATH (a broken installation)", pytrace=False)
    try:
        probe = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"{exe} is installed but does not run: {exc}", pytrace=False)
    if "console-translate" not in probe.stdout + probe.stderr:
        pytest.fail(f"{exe} is installed but has no console mode (--mode=console-translate): "
                    f"{(probe.stdout + probe.stderr).strip()[-300:]}", pytrace=False)
    return exe


def _project(root: Path, src_lang: str = "es", tgt_lang: str = "en") -> Path:
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "omegat.project").write_text(PROJECT.format(src=src_lang, tgt=tgt_lang), encoding="utf-8")
    return root


def _translate(exe: str, project: Path, config: Path) -> subprocess.CompletedProcess:
    # The Debian launcher passes $* unquoted: project paths must not contain spaces.
    assert " " not in str(project)
    result = subprocess.run([exe, "--mode=console-translate", f"--config-dir={config}", "--disable-project-locking",
                             "--no-team", "--quiet", str(project)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def simple_pairs(a58_bitext) -> list[tuple[str, str]]:
    """1-1 beads of A/58/98 whose Spanish side is one plain sentence."""
    pairs = [(s, t) for b, s, t in a58_bitext.pairs()
             if b.kind == "1-1" and SIMPLE.match(" ".join(s.split())) and len(t.split()) > 3]
    assert len(pairs) >= 6, "A/58/98 should give several plain one-sentence beads"
    return pairs[:12]


@pytest.mark.parametrize("tmx_langs", [("es", "en"), ("es-ES", "en-US")])
def test_omegat_pretranslates_from_our_tmx(tmp_path, a58_bitext, simple_pairs, tmx_langs):
    exe = _omegat()
    project = _project(tmp_path / "proj")
    tmx_path = project / "tm" / "auto" / "A_58_98.tmx"
    write_tmx(a58_bitext, tmx_path, *tmx_langs, keep_unaligned=True)
    spanish = [" ".join(s.split()) for s, _ in simple_pairs]
    english = [" ".join(t.split()) for _, t in simple_pairs]
    untranslated = "Esta frase inventada no figura en la memoria de traducción."
    # Paragraphs of one sentence, one paragraph of two sentences (OmegaT must cut it
    # where alinea did) and one sentence the memory does not have.
    paragraphs = spanish[2:] + [f"{spanish[0]} {spanish[1]}", untranslated]
    (project / "source" / "informe.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")

    _translate(exe, project, tmp_path / "config")

    target = (project / "target" / "informe.txt").read_text(encoding="utf-8")
    missing = [e for e in english if e not in target]
    assert not missing, f"OmegaT did not insert these TMX matches: {missing}"
    assert f"{english[0]} {english[1]}" in target  # the two-sentence paragraph, both matched
    assert untranslated in target  # no match: the source stays
    assert not any(s in target for s in spanish)

    # OmegaT's own TMX exports (1.4 with xml:lang, 1.1 with lang) read back into bitexts.
    for export in ("proj-level2.tmx", "proj-omegat.tmx"):
        pairs = {(s, t) for _, s, t in read_tmx(project / export, "es", "en").pairs()}
        assert set(zip(spanish, english)) <= pairs


def test_omegat_with_alinea_rules_applies_the_one_to_one_units(tmp_path, a58_bitext, es_path):
    """Issue 16: with `alinea srx --omegat` rules, OmegaT cuts the cleaned text like alinea.

    The setting a translator has: the cleaned Spanish A/58/98 (`alinea segment
    --format paragraphs`), sentence segmentation on, alinea's TMX in tm/auto.
    OmegaT's own default rules apply about two thirds of the 1-1 units (they split
    UN abbreviations, paragraph numbers and symbols differently); alinea's rules
    must let it apply at least 98 % of them.
    """
    from click.testing import CliRunner

    from alinea.cli import main
    from alinea.tmx.hygiene import clean_segment

    exe = _omegat()
    project = _project(tmp_path / "proj")
    write_tmx(a58_bitext, project / "tm" / "auto" / "A_58_98.tmx", "es", "en")
    runner = CliRunner()
    cleaned = runner.invoke(main, ["segment", str(es_path), "--lang", "es", "--format", "paragraphs"])
    assert cleaned.exit_code == 0, cleaned.output
    (project / "source" / "A_58_98.es.txt").write_text(cleaned.output, encoding="utf-8")
    installed = runner.invoke(main, ["srx", "--omegat", str(project)])
    assert installed.exit_code == 0, installed.output

    _translate(exe, project, tmp_path / "config")

    target = (project / "target" / "A_58_98.es.txt").read_text(encoding="utf-8")
    units = [(clean_segment(s), clean_segment(t)) for b, s, t in a58_bitext.pairs() if b.kind == "1-1"]
    assert len(units) > 200
    missed = [s for s, t in units if t not in target]
    applied = len(units) - len(missed)
    assert applied >= 0.98 * len(units), f"OmegaT applied {applied} of {len(units)} 1-1 units; missed: {missed}"
