"""Reports for translators: alignment review, consistency check, MT scores."""
from .review import write_review

__all__ = ["write_review"]
