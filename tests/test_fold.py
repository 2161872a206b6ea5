"""One folding for search: the review's filter box and the memory's concordance agree."""
from alinea.align.utils import fold


def test_case_accents_and_compatibility_characters_are_folded():
    assert fold("Migración") == fold("MIGRACION") == "migracion"
    assert fold("ﬁnanciación Ñandú") == "financiacion nandu"
    assert fold("Straße") == "strasse"  # casefold, not lower


def test_the_review_and_the_memory_use_the_same_folding():
    from alinea.review import view
    from alinea.tm import search

    assert view.fold is fold and search.fold is fold
