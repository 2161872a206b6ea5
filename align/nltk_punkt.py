"""NLTK's Punkt module (``nltk.tokenize.punkt``) without the rest of NLTK.

``from nltk.tokenize.punkt import ...`` first runs ``nltk/__init__.py`` and
``nltk/tokenize/__init__.py``, which import all of NLTK (numpy, nltk.corpus,
nltk.translate, nltk.metrics, every tokenizer ...): about 220 ms of an ``alinea
align`` run, for the one module the segmenter uses.

When the program has not imported NLTK, :func:`punkt_module` executes
``nltk/tokenize/punkt.py`` and the few NLTK modules it imports itself
(``nltk.pathsec``, ``nltk.probability``, ``nltk.tokenize.api`` ...) under
placeholder parent packages that are never executed, then takes every ``nltk``
module it added back out of ``sys.modules``. The program's own ``import nltk``,
before or after alinea's, is therefore a complete, ordinary import; alinea keeps
a private copy of the Punkt module (NLTK's code, run unchanged). When NLTK is
already imported, its Punkt module is used as it is.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from functools import cache
from types import ModuleType

_PUNKT = "nltk.tokenize.punkt"
#: The packages above the Punkt module, whose ``__init__`` imports all of NLTK.
_PARENTS = ("nltk", "nltk.tokenize")


def _is_nltk(name: str) -> bool:
    return name == "nltk" or name.startswith("nltk.")


@cache
def punkt_module() -> ModuleType:
    """``nltk.tokenize.punkt``: the program's own if NLTK is imported, else a private copy loaded alone."""
    if "nltk" in sys.modules:
        return importlib.import_module(_PUNKT)
    before = set(sys.modules)
    try:
        for name in _PARENTS:
            spec = importlib.util.find_spec(name)  # "nltk.tokenize": found on the placeholder's __path__
            if spec is None:
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            # A package with its real name, file and __path__, but its __init__ not run:
            # the submodules below it import as they would under the real one.
            sys.modules[name] = importlib.util.module_from_spec(spec)
        return importlib.import_module(_PUNKT)
    finally:
        # Placeholders and submodules alike: a later `import nltk` starts from scratch
        # (a submodule left behind would miss its attribute on the real package).
        for name in [n for n in sys.modules if n not in before and _is_nltk(n)]:
            del sys.modules[name]
