"""README's Python example of `alinea review` runs as printed, on a TMX written by `alinea align`."""
from __future__ import annotations

import re

from conftest import CORPUS, ROOT

from alinea.tmx.reader import iter_units, parse_tmx

SECTION = "## Correcting an alignment in the browser"


def _review_python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return re.findall(r"```python\n(.*?)```", readme[start:end if end > 0 else None], flags=re.S)


def test_readme_review_python_example_runs(run_cli, tmp_path, monkeypatch, capsys):
    blocks = _review_python_blocks()
    assert len(blocks) == 1 and "ReviewSession.open(\"tm.tmx\")" in blocks[0]
    monkeypatch.chdir(tmp_path)
    result = run_cli("align", CORPUS / "es.txt", CORPUS / "en.txt", "-o", "tm.tmx")
    assert result.exit_code == 0, result.output
    capsys.readouterr()
    exec(compile(blocks[0], "README.md (alinea review, Python API)", "exec"), {"__name__": "readme_example"})
    printed = capsys.readouterr().out.splitlines()
    assert re.match(r"^1-1 0\.\d+ \[\d+\] \[\d+\]$", printed[0]), printed[0]
    assert printed[1].startswith(("re-align the rest (", "nothing to re-align: ")), printed[1]
    units = list(iter_units(parse_tmx(tmp_path / "tm.reviewed.tmx")))
    assert [u.props["x-reviewed"] for u in units].count("yes") == 1  # bead 12, confirmed after the split
    assert (tmp_path / "tm.tmx.review.sqlite").exists()
