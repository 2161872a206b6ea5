"""TMX 1.4b storage and translation-memory operations.

- :mod:`tmx.writer`: ``write_tmx`` (Bitext -> TMX), ``write_units`` (existing units -> TMX)
- :mod:`tmx.reader`: safe parsing, ``read_tmx`` (TMX -> Bitext), ``load_bitext`` (TMX or table)
- :mod:`tmx.tabular`: bead tables (TSV/CSV/XLSX) both ways
- :mod:`tmx.validate`: structural TMX 1.4 validation with line:column
- :mod:`tmx.ops`: merge, dedupe, filter, convert, stats
- :mod:`tmx.hygiene`: segment cleaning and language codes
"""
from .reader import load_bitext, read_tmx
from .writer import write_tmx

__all__ = ["load_bitext", "read_tmx", "write_tmx"]
