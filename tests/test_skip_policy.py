"""The tests that need a real program skip only when it is not installed; installed but broken, they fail.

CI's only browser test (Chromium driving `alinea review`) and the CAT-tool test
(OmegaT) run in a child pytest twice: once with none of the programs on PATH
(each test is skipped, with its reason), once with programs of those names that
do not work (each test fails or errors, with a message saying the program is
installed but does not run: never a skip, which CI would count as green).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from conftest import ROOT

TESTS = ["tests/test_review_browser.py::test_review_session_in_chromium",
         "tests/test_omegat.py::test_omegat_pretranslates_from_our_tmx[tmx_langs0]"]
BROKEN = ("chromium", "chromedriver", "omegat", "java")


def _run(tmp_path: Path, bin_dir: Path) -> dict[str, tuple[str, str]]:
    """Run TESTS in a child pytest with only ``bin_dir`` on PATH: test name -> (outcome, message)."""
    report = tmp_path / f"{bin_dir.name}.xml"
    pytest_exe = Path(sys.executable).with_name("pytest")
    env = {**os.environ, "PATH": str(bin_dir)}
    proc = subprocess.run([str(pytest_exe), *TESTS, "-p", "no:cacheprovider", "-o", "addopts=", "-q",
                           f"--junitxml={report}", f"--basetemp={tmp_path / ('t-' + bin_dir.name)}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert report.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        found = [(child.tag, child.get("message", "")) for child in case
                 if child.tag in ("skipped", "failure", "error")]
        outcomes[case.get("name")] = found[0] if found else ("passed", "")
    assert len(outcomes) == len(TESTS), (outcomes, proc.stdout[-2000:])
    return outcomes


def test_absent_programs_skip_and_broken_ones_fail(tmp_path):
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    for name, (outcome, message) in _run(tmp_path, nothing).items():
        assert outcome == "skipped" and "not installed" in message, (name, outcome, message)

    broken = tmp_path / "broken"
    broken.mkdir()
    for program in BROKEN:  # on PATH, but exits at once with an error, as a damaged installation would
        path = broken / program
        path.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n", encoding="utf-8")
        path.chmod(0o755)
    for name, (outcome, message) in _run(tmp_path, broken).items():
        assert outcome in ("failure", "error"), (name, outcome, message)
        assert "installed but" in message, (name, message)
