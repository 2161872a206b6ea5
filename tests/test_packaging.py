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


def test_the_version_has_one_source(wheel):
    """pyproject.toml takes the version from alinea/_version.py, which alinea reads at run time
    (no importlib.metadata): the wheel's metadata must say the same."""
    from alinea import __version__

    archive = zipfile.ZipFile(wheel)
    (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    assert f"\nVersion: {__version__}\n" in archive.read(metadata).decode("utf-8")


def test_wheel_carries_stages_and_data_but_not_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("alinea/align/aligner.py", "alinea/tmx/writer.py", "alinea/report/review.py",
                   "alinea/corpora/A_58_98/es.txt", "alinea/corpora/A_58_98/meta.json",
                   "alinea/align/resources/un_bodies.tsv", "alinea/align/resources/es_en_general.stems.tsv",
                   "alinea/report/templates/base.html.j2",
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


# --- one import package: no module imports the stage folders by their top-level names

STAGE_FOLDERS = ("align", "tmx", "report", "corpora")


def _absolute_stage_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, statement) of each import of ``align``, ``tmx``, ``report`` or ``corpora`` as a
    top-level package: ``import tmx``, ``from align.model import …``, ``import_module("report.x")``.
    Installed, those names are someone else's packages (or nothing); ``alinea.…`` and relative
    imports are the ones that work."""
    import ast

    def is_stage(dotted: str) -> bool:
        return dotted.split(".")[0] in STAGE_FOLDERS

    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if is_stage(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and is_stage(node.module):
            found.append((node.lineno, f"from {node.module} import …"))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            target = node.args[0].value
            if name in ("import_module", "__import__") and isinstance(target, str) and is_stage(target):
                found.append((node.lineno, f"{name}({target!r})"))
    return found


def test_the_import_check_finds_absolute_stage_imports():
    source = ("import tmx\nimport os, report.review\nfrom align.model import Bead\n"
              "from corpora import corpus\nimportlib.import_module('align.segment')\n"
              "from . import model\nfrom .align import x\nfrom alinea.align import segment\n"
              "import alinea.tmx\nimport aligned\nimportlib.import_module('.segment', __name__)\n")
    assert [line for line, _ in _absolute_stage_imports(source)] == [1, 2, 3, 4, 5]


def test_no_module_imports_the_stage_folders_as_top_level_packages():
    offenders = []
    for folder in (*STAGE_FOLDERS, "alinea"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = _absolute_stage_imports(path.read_text(encoding="utf-8"), str(path))
            offenders += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found]
    assert not offenders, "import these as alinea.… or relatively:\n" + "\n".join(offenders)


@pytest.mark.parametrize("package", ["alinea.align", "alinea.tmx", "alinea.tm"])
def test_lazy_exports_match_all(package):
    # __all__ is spelled out for linters and type checkers; _EXPORTS drives the lazy imports.
    import importlib

    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(module._EXPORTS)
    for name in module.__all__:
        assert getattr(module, name) is not None
