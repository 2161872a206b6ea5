"""Start-up: each command imports only what it uses (issue 17).

Behaviour tests, not timed ones: the command runs in a fresh interpreter and the
test reads which modules it had imported when it exited. The times themselves
are measured by ``scripts/bench_perf``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Heavy libraries that no command needs unless it writes or serves what they are for.
HEAVY = ("pandas", "jinja2", "rich", "translate", "lxml", "matplotlib", "starlette", "uvicorn", "choppa",
         "openpyxl", "docx", "pypdf", "sacrebleu", "charset_normalizer", "numba", "importlib.metadata",
         # a second process or thread is for long documents only (alinea.align.forked)
         "multiprocessing", "concurrent.futures")

_RUNNER = """
import atexit, json, os, sys
def _report():
    with open(os.environ["ALINEA_TEST_MODULES"], "w") as fh:
        json.dump({"modules": sorted(sys.modules),
                   "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}}, fh)
atexit.register(_report)
sys.argv = ["alinea"] + sys.argv[1:]
from alinea.cli import main
main()
"""


def _run(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[set[str], dict, subprocess.CompletedProcess]:
    report = tmp_path / "modules.json"
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    environment.update(env or {}, ALINEA_TEST_MODULES=str(report))
    done = subprocess.run([sys.executable, "-c", _RUNNER, *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    return set(data["modules"]), data["env"], done


def _loaded(modules: set[str], names) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    es = ["La Asamblea General aprobó la resolución 58/98 sobre la cooperación internacional.",
          "El Secretario General presentó su informe el 15 de octubre de 2003.",
          "Se celebraron 12 reuniones con los Estados Miembros."] * 5
    en = ["The General Assembly adopted resolution 58/98 on international cooperation.",
          "The Secretary-General presented his report on 15 October 2003.",
          "Twelve meetings were held with Member States."] * 5
    (tmp_path / "doc.es").write_text("\n".join(es) + "\n", encoding="utf-8")
    (tmp_path / "doc.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    return tmp_path / "doc.es", tmp_path / "doc.en"


def test_help_imports_no_heavy_library_and_no_numpy(tmp_path):
    modules, _, done = _run(tmp_path, "--help")
    assert "align-lines" in done.stdout
    assert _loaded(modules, HEAVY + ("numpy", "nltk")) == []


def test_align_lines_imports_only_the_aligner(tmp_path):
    es, en = _pair(tmp_path)
    modules, env, done = _run(tmp_path, "align-lines", str(es), str(en), "-o", "beads.tsv")
    assert (tmp_path / "beads.tsv").read_text(encoding="utf-8").count("\n") == 16
    assert "numpy" in modules
    # No segmenter (the input is one sentence per line), no table, template or TMX library.
    assert _loaded(modules, HEAVY + ("nltk",)) == []
    # No BLAS thread pool: one thread unless the user said otherwise.
    assert env == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def test_user_thread_settings_are_kept(tmp_path):
    es, en = _pair(tmp_path)
    _, env, _ = _run(tmp_path, "align-lines", str(es), str(en), "-o", "beads.tsv", env={"OMP_NUM_THREADS": "3"})
    assert env == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "3"}


@pytest.mark.parametrize("extra, needed, unused", [
    ((), {"lxml", "translate"}, ("pandas", "jinja2", "openpyxl", "matplotlib")),
    # the bead table is written by alinea.tables: no pandas
    (("--tsv", "out.tsv"), set(), ("pandas", "jinja2", "matplotlib", "translate")),
    # the review report draws its figure with matplotlib and builds its tables with pandas
    (("--report", "out.html"), {"jinja2", "matplotlib"}, ("translate",)),
])
def test_align_imports_the_writers_of_the_outputs_asked_for(tmp_path, extra, needed, unused):
    es, en = _pair(tmp_path)
    args = ("-o", "out.tmx") if not extra else extra
    modules, _, _ = _run(tmp_path, "align", str(es), str(en), *args)
    assert set(_loaded(modules, needed)) == needed
    # Output piped to a file: no progress bar, so no rich; no server, no SRX engine, no compiled kernel.
    assert _loaded(modules, unused + ("rich", "starlette", "uvicorn", "choppa", "numba", "multiprocessing")) == []
