"""The version of alinea: its one source (pyproject.toml reads it from here when the package is built)."""
__version__ = "0.2.0"
