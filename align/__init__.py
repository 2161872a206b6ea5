"""Reading, cleaning, segmentation and alignment of Spanish-English documents.

Data flows one way: ``read_document -> normalize -> segment -> align_sentences``.
"""
from .errors import InputError
from .model import Bead, Bitext, Block, Document, Sentence
from .normalize import normalize
from .read import read_document
from .segment import segment, segment_text, split_sentences
from .aligner import align_sentences

__all__ = [
    "Bead", "Bitext", "Block", "Document", "InputError", "Sentence",
    "align_sentences", "normalize", "read_document", "segment", "segment_text",
    "split_sentences",
]
