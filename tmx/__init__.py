"""TMX 1.4b storage and translation-memory operations.

- :mod:`alinea.tmx.writer`: ``write_tmx`` (Bitext -> TMX), ``write_units`` (existing units -> TMX)
- :mod:`alinea.tmx.reader`: safe parsing, ``read_tmx`` (TMX -> Bitext), ``load_bitext`` (TMX or table)
- :mod:`alinea.tmx.tabular`: bead tables (TSV/CSV/XLSX) both ways
- :mod:`alinea.tmx.validate`: structural TMX 1.4 validation with line:column
- :mod:`alinea.tmx.ops`: merge, dedupe, filter, convert, stats
- :mod:`alinea.tmx.hygiene`: segment cleaning and language codes
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {"load_bitext": "reader", "read_tmx": "reader", "write_tmx": "writer"}
# Spelled out so that linters and type checkers see the re-exports (tests/test_packaging.py
# checks that it agrees with _EXPORTS).
__all__ = ["load_bitext", "read_tmx", "write_tmx"]

if TYPE_CHECKING:  # pragma: no cover
    from .reader import load_bitext, read_tmx
    from .writer import write_tmx


def __getattr__(name: str):
    # Imported on first use so that `alinea` commands start without pandas/lxml.
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
