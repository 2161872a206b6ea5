"""End-to-end pipeline on the embedded A/58/98 pair."""
from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_sentence_is_in_exactly_one_bead(a58_bitext):
    src = sorted(i for b in a58_bitext.beads for i in b.src)
    tgt = sorted(i for b in a58_bitext.beads for i in b.tgt)
    assert src == list(range(len(a58_bitext.src)))
    assert tgt == list(range(len(a58_bitext.tgt)))


def test_beads_are_monotone_and_scored(a58_bitext):
    last_s = last_t = -1
    for bead in a58_bitext.beads:
        assert 0.0 <= bead.score <= 1.0
        for i in bead.src:
            assert i == last_s + 1
            last_s = i
        for j in bead.tgt:
            assert j == last_t + 1
            last_t = j


def test_public_api_imports():
    """Every name the README's "Python API" section imports, imported as it is written there."""
    from alinea.align import align_sentences, normalize, read_document, segment, split_sentences
    from alinea.align.model import Bitext
    from alinea.pipeline import align_files
    from alinea.report.review import write_review
    from alinea.tm import TranslationMemory
    from alinea.tmx.tabular import bitext_frame, write_table
    from alinea.tmx.writer import write_tmx

    for function in (align_sentences, normalize, read_document, segment, split_sentences, align_files,
                     write_review, bitext_frame, write_table, write_tmx):
        assert callable(function) and not isinstance(function, types.ModuleType), function
    assert isinstance(Bitext, type) and isinstance(TranslationMemory, type)

    sentences = split_sentences("El Sr. Pérez llegó. Luego se fue.", "es")
    assert sentences == ["El Sr. Pérez llegó.", "Luego se fue."]
    beads = align_sentences(sentences, ["Mr. Pérez arrived.", "Then he left."])
    assert [b.kind for b in beads] == ["1-1", "1-1"]


def test_corpus_metadata_says_english_is_not_official():
    from alinea.corpora import corpus

    pair = corpus("A_58_98")
    assert pair.meta["symbol"] == "A/58/98"
    assert pair.path("es").is_file() and pair.path("en").is_file()
    assert "NOT the official" in pair.meta["provenance"]["en"]


def _python_api_imports() -> list[tuple[str, list[str]]]:
    """The ``from X import a, b`` lines of the code blocks of README's "## Python API" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    code = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
    imports = re.findall(r"^from ([\w.]+) import ([\w, ]+)", code, re.M)
    return [(module, [n.strip() for n in names.split(",") if n.strip()]) for module, names in imports]


def test_readme_python_api_section_imports_work():
    """The README's imports themselves, read from the README, in a fresh interpreter where the
    submodules alinea.align.normalize and .segment were imported first (they used to shadow the
    functions of the same name)."""
    imports = _python_api_imports()
    assert ("alinea.align", ["read_document", "normalize", "segment", "split_sentences", "align_sentences"]) \
        in imports
    lines = ["import types", "import alinea.pipeline  # imports the submodules normalize and segment"]
    for module, names in imports:
        lines.append(f"from {module} import {', '.join(names)}")
        lines += [f"assert not isinstance({name}, types.ModuleType), {name!r}" for name in names]
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_align_package_names_are_functions_after_submodule_imports():
    import importlib

    import alinea.align
    from alinea.align.normalize import clean_text  # noqa: F401  (imports the submodule)
    from alinea.align.segment import sentence_spans  # noqa: F401

    assert callable(alinea.align.normalize) and not isinstance(alinea.align.normalize, types.ModuleType)
    assert alinea.align.segment is importlib.import_module("alinea.align.segment").segment
    assert isinstance(importlib.import_module("alinea.align.normalize"), types.ModuleType)


def test_importing_align_loads_no_nltk_or_numpy():
    """The lazy names stay lazy: `import alinea.align` (every command does) costs no NLTK or numpy."""
    script = ("import sys, alinea.align\n"
              "heavy = [m for m in ('nltk', 'numpy', 'alinea.align.normalize', 'alinea.align.segment') "
              "if m in sys.modules]\n"
              "assert not heavy, heavy\n"
              "from alinea.align import normalize\n"
              "assert 'alinea.align.normalize' in sys.modules and callable(normalize)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
