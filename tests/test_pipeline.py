"""End-to-end pipeline on the embedded A/58/98 pair."""
from __future__ import annotations


def test_every_sentence_is_in_exactly_one_bead(a58_bitext):
    src = sorted(i for b in a58_bitext.beads for i in b.src)
    tgt = sorted(i for b in a58_bitext.beads for i in b.tgt)
    assert src == list(range(len(a58_bitext.src)))
    assert tgt == list(range(len(a58_bitext.tgt)))


def test_beads_are_monotone_and_scored(a58_bitext):
    last_s = last_t = -1
    for bead in a58_bitext.beads:
        assert 0.0 <= bead.score <= 1.0
        for i in bead.src:
            assert i == last_s + 1
            last_s = i
        for j in bead.tgt:
            assert j == last_t + 1
            last_t = j


def test_public_api_imports():
    from alinea.align import align_sentences, split_sentences

    sentences = split_sentences("El Sr. Pérez llegó. Luego se fue.", "es")
    assert sentences == ["El Sr. Pérez llegó.", "Luego se fue."]
    beads = align_sentences(sentences, ["Mr. Pérez arrived.", "Then he left."])
    assert [b.kind for b in beads] == ["1-1", "1-1"]


def test_corpus_metadata_says_english_is_not_official():
    from alinea.corpora import corpus

    pair = corpus("A_58_98")
    assert pair.meta["symbol"] == "A/58/98"
    assert pair.path("es").is_file() and pair.path("en").is_file()
    assert "NOT the official" in pair.meta["provenance"]["en"]
