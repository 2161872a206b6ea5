"""alinea: Spanish-English sentence alignment and translation memories.

The stages live in their own packages: :mod:`align` (read, normalize, segment,
align), :mod:`tmx` (translation-memory storage and operations) and
:mod:`report` (review, consistency and MT-score reports). This package holds
the version, the end-to-end pipeline and the command line.
"""

__version__ = "0.1.0"
