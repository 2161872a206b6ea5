"""TMX 1.4b storage and translation-memory operations."""
from .reader import load_bitext, read_tmx
from .writer import write_tmx

__all__ = ["load_bitext", "read_tmx", "write_tmx"]
