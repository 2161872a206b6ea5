"""The distribution installs one import package, ``alinea``, and nothing else."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the tracked sources (the checkout stays untouched)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout to know the tracked files")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    src = tmp_path_factory.mktemp("src")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(src)], check=True, capture_output=True)
    (built,) = out.glob("alinea-*.whl")
    return built


def test_wheel_has_one_top_level_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"alinea"}


def test_wheel_carries_stages_and_data_but_not_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("alinea/align/aligner.py", "alinea/tmx/writer.py", "alinea/report/review.py",
                   "alinea/corpora/A_58_98/es.txt", "alinea/corpora/A_58_98/meta.json",
                   "alinea/align/resources/un_bodies.tsv", "alinea/report/templates/base.html.j2",
                   "alinea/tmx/schema/tmx14.dtd",
                   "alinea/cli/__init__.py", "alinea/review/static/index.html", "alinea/review/static/review.js",
                   "alinea/review/static/review.css"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") or "/tests/" in n for n in names)
    assert not any(n.startswith("scripts/") for n in names)


def test_installed_package_does_not_expose_stage_folders(tmp_path):
    """Outside the checkout, only `alinea` is importable: no top-level `align`/`tmx`/`report`."""
    code = ("import importlib.util, sys\n"
            "import alinea.align, alinea.tmx, alinea.report, alinea.corpora\n"
            "print(' '.join(n for n in ('align', 'tmx', 'report', 'corpora')"
            " if importlib.util.find_spec(n) is not None))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
