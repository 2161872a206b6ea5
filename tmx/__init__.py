"""TMX 1.4b storage and translation-memory operations."""
from .writer import write_tmx

__all__ = ["write_tmx"]
