"""Confidence that also asks whether the two sides are translations at all (alinea.align.evidence)."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from alinea.align import aligner
from alinea.align.aligner import TRANSLATED_WARNING, align, align_sentences, alignment_warnings
from alinea.align.evidence import chance_distribution, translation_evidence, two_state_posterior

# A short story and its English translation, written for these tests (no benchmark text).
STORY_ES = [
    "El viejo pescador salió de su casa antes de que amaneciera.",
    "Llevaba una red rota al hombro y un pan duro en el bolsillo.",
    "En la playa lo esperaba su nieto, que tenía diez años.",
    "—¿Hoy vamos a pescar lejos, abuelo? —preguntó el niño.",
    "El viejo miró el cielo gris y no contestó enseguida.",
    "Después dijo que el mar estaba tranquilo y que podían ir hasta la isla.",
    "Empujaron juntos la barca hasta el agua fría.",
    "El niño remaba mientras el abuelo cosía la red con una aguja de madera.",
    "A mediodía comieron el pan y bebieron agua de una botella verde.",
    "De pronto algo muy pesado tiró de la línea.",
    "El abuelo se levantó, sujetó la línea con las dos manos y esperó.",
    "Durante una hora el pez luchó contra la barca.",
    "Al final apareció junto a la barca un pez enorme y plateado.",
    "El niño gritó de alegría y casi se cayó al agua.",
    "Volvieron al puerto cuando el sol ya se escondía detrás de las montañas.",
    "Esa noche toda la familia cenó pescado y escuchó la historia tres veces.",
]
STORY_EN = [
    "The old fisherman left his house before dawn.",
    "He carried a torn net on his shoulder and a piece of hard bread in his pocket.",
    "His grandson, who was ten years old, was waiting for him on the beach.",
    "\u201cAre we going fishing far away today, Grandfather?\u201d the boy asked.",
    "The old man looked at the grey sky and did not answer at once.",
    "Then he said that the sea was calm and that they could go as far as the island.",
    "Together they pushed the boat into the cold water.",
    "The boy rowed while his grandfather mended the net with a wooden needle.",
    "At noon they ate the bread and drank water from a green bottle.",
    "Suddenly something very heavy pulled on the line.",
    "The grandfather stood up, held the line with both hands and waited.",
    "For an hour the fish fought against the boat.",
    "In the end a huge silver fish appeared next to the boat.",
    "The boy shouted with joy and almost fell into the water.",
    "They returned to the harbour when the sun was already hiding behind the mountains.",
    "That night the whole family ate fish and listened to the story three times.",
]
# The same story translated freely (few shared words), as literary translators do.
FREE_EN = [
    "Long before sunrise the old man was already out of doors.",
    "Over one shoulder hung a net full of holes; in a pocket, yesterday's crust.",
    "Down by the shore his grandson was waiting, ten years old and impatient.",
    "\u201cFar out today, Grandpa?\u201d the child wanted to know.",
    "For a while the fisherman just studied the heavy clouds.",
    "Calm enough, he decided at last, to make it out to the island.",
    "Side by side they shoved the little craft into the icy sea.",
    "The youngster pulled at the oars; the grandfather repaired the mesh with a needle of wood.",
    "Around midday they shared the crust and drank from a green bottle.",
    "All at once the line went taut under some great weight.",
    "Rising to his feet, the grandfather gripped it with both fists and bided his time.",
    "For a whole hour the creature fought them.",
    "When it finally surfaced alongside, it was enormous and silver.",
    "The child whooped and nearly tumbled overboard.",
    "The sun was slipping behind the hills as they came back into port.",
    "At supper the whole family feasted on fish and made them tell it three times over.",
]
# Another story, in English only: not a translation of the Spanish one.
OTHER_EN = [
    "Maria moved to the capital in the spring of her twentieth year.",
    "Her apartment had one window, and it looked onto a brick wall.",
    "Every morning she took the tram to the library where she worked.",
    "The head librarian was a tall woman who never smiled before ten o'clock.",
    "Maria spent her days cataloguing maps of forgotten railways.",
    "One evening a stray dog followed her home through the rain.",
    "She gave it the rest of her soup and a blanket by the stove.",
    "The landlord said that dogs were not allowed in the building.",
    "So Maria hid the dog in her wardrobe whenever he came to collect the rent.",
    "By the summer the dog knew the sound of his footsteps on the stairs.",
    "It would climb into the wardrobe on its own and wait in silence.",
    "The neighbours began to leave bones outside her door.",
    "In autumn the landlord retired and sold the building to his daughter.",
    "The daughter, it turned out, kept three cats and a parrot.",
    "Nobody ever mentioned the wardrobe again.",
    "Maria still has the blanket, although the dog prefers the sofa now.",
]


def test_a_translated_story_keeps_high_confidence_and_gets_no_warning():
    result = align(STORY_ES, STORY_EN)
    assert result.translated > 0.9
    assert [(b.src, b.tgt) for b in result.beads] == [((k,), (k,)) for k in range(len(STORY_ES))]
    assert sum(b.score >= 0.9 for b in result.beads) >= 0.75 * len(result.beads)
    assert not alignment_warnings(result.beads, len(STORY_ES), len(STORY_EN), translated=result.translated)


def test_a_story_against_another_story_has_no_confident_bead_and_is_warned_about():
    result = align(STORY_ES, OTHER_EN)
    # Every link is wrong here; a bead may still be a null bead or a guess, but none may claim 0.5.
    assert max(b.score for b in result.beads) < 0.5
    assert result.translated < TRANSLATED_WARNING
    warnings = alignment_warnings(result.beads, len(STORY_ES), len(OTHER_EN), translated=result.translated)
    assert warnings[0].startswith("the two documents do not look like translations of each other")


def test_the_un_report_keeps_its_confidence_and_its_halves_crossed_lose_it(a58_bitext):
    # The real pair: the evidence says translation throughout, and the confidence is that of the path.
    assert a58_bitext.translated > 0.95
    assert not any("translations of each other" in w for w in a58_bitext.warnings)
    assert sum(b.score >= 0.9 for b in a58_bitext.beads) >= 0.85 * len(a58_bitext.beads)
    # The first half of the Spanish against the second half of the English: the same subject,
    # the same vocabulary, the same kind of sentences, but no sentence is a translation of another.
    src = [s.text for s in a58_bitext.src[: len(a58_bitext.src) // 2]]
    tgt = [s.text for s in a58_bitext.tgt[len(a58_bitext.tgt) // 2:]]
    crossed = align(src, tgt)
    scores = [b.score for b in crossed.beads]
    assert crossed.translated < TRANSLATED_WARNING
    assert sum(s >= 0.5 for s in scores) <= 0.05 * len(scores)
    assert not any(s >= 0.9 for s in scores)


def test_a_foreign_passage_inside_a_translation_loses_confidence_there_only():
    # The story's first half translated, then eight English sentences of another story where
    # the translation of the second half should be.
    result = align(STORY_ES, STORY_EN[:8] + OTHER_EN[:8])
    translated = [b.score for b in result.beads if b.src and b.src[-1] < 6]
    foreign = [b.score for b in result.beads if any(j >= 9 for j in b.tgt)]
    assert min(translated) >= 0.8
    assert foreign and max(foreign) < 0.5


def test_align_lines_warns_about_documents_that_are_not_translations(tmp_path, run_cli):
    es, en = tmp_path / "cuento.es.txt", tmp_path / "story.en.txt"
    es.write_text("\n".join(STORY_ES) + "\n", encoding="utf-8")
    en.write_text("\n".join(OTHER_EN) + "\n", encoding="utf-8")
    result = run_cli("align-lines", es, en, "-o", tmp_path / "beads.tsv")
    assert result.exit_code == 0
    assert "warning: the two documents do not look like translations of each other" in result.output
    en.write_text("\n".join(STORY_EN) + "\n", encoding="utf-8")
    result = run_cli("align-lines", es, en, "-o", tmp_path / "beads.tsv")
    assert result.exit_code == 0 and "translations of each other" not in result.output


def test_two_state_posterior_follows_the_evidence_and_pools_neighbours():
    # Even start, no switching: the posterior is the logistic of the summed evidence.
    llr = np.array([0.5, -0.2, 1.0])
    flat = two_state_posterior(llr, 1e-12, 0.5)
    assert np.allclose(flat, 1 / (1 + np.exp(-llr.sum())))
    # One lucky bead among chance-level ones does not make its stretch a translation ...
    chance = np.full(40, -1.0)
    chance[20] = 4.0
    assert two_state_posterior(chance, 0.005, 0.9)[20] < 0.1
    # ... and one doubtful bead among translations does not make its stretch chance.
    translated = np.full(40, 2.0)
    translated[20] = -4.0
    assert two_state_posterior(translated, 0.005, 0.9)[20] > 0.99


def test_the_chance_level_is_measured_and_falls_back_to_the_default_on_little_data():
    measured = np.random.default_rng(3).normal(-1.0, 0.6, size=2000)
    mu, sd = chance_distribution(measured)
    assert mu == pytest.approx(-1.0, abs=0.05) and sd == pytest.approx(0.6, abs=0.05)
    mu_small, _ = chance_distribution(np.array([3.0]))
    assert mu_small < 0.0     # one bead does not move the chance level far from the default


def test_evidence_at_chance_level_gives_a_low_posterior_and_well_above_it_a_high_one():
    rng = np.random.default_rng(5)
    chance = rng.normal(-0.5, 1.0, size=200)
    linked = np.ones(60, dtype=bool)
    assert translation_evidence(rng.normal(-0.5, 1.0, size=60), linked, chance).translated < 0.1
    assert translation_evidence(rng.normal(4.0, 1.5, size=60), linked, chance).translated > 0.99


def test_a_merge_in_a_free_translation_is_a_2_1_bead_not_a_link_and_a_null(monkeypatch):
    # The translator made one sentence of Spanish sentences 3 and 4.
    merged = ("\u201cFar out today, Grandpa?\u201d the child wanted to know, but for a while the fisherman "
              "just studied the heavy clouds.")
    en = FREE_EN[:3] + [merged] + FREE_EN[5:]
    beads = [(b.src, b.tgt) for b in align_sentences(STORY_ES, en)]
    assert ((3, 4), (3,)) in beads
    assert not any(not s or not t for s, t in beads)
    assert len(beads) == len(en)
    # What makes the difference: the free translation shares far fewer keys than the match
    # rates expect, so its misses are priced at the rate measured on the document. With the
    # rates as they are, the same pair cuts the merge into a 1-1 and a 1-0.
    monkeypatch.setattr(aligner, "CostModel", functools.partial(aligner.CostModel, refit_below=0.0))
    unrefitted = [(b.src, b.tgt) for b in align_sentences(STORY_ES, en)]
    assert ((4,), ()) in unrefitted


def test_the_match_share_is_measured_on_the_document():
    from alinea.align.dictionary import default_dictionary
    from alinea.align.encoder import Vocabulary, encode_side

    def share(es, en):
        vocab = Vocabulary(default_dictionary())
        src, tgt = encode_side(es, "es", vocab), encode_side(en, "en", vocab)
        model = aligner.CostModel()
        weights = aligner.KeyWeights.build(src, tgt, vocab, model)
        beads = [((k,), (k,)) for k in range(len(es))]
        return aligner.observed_match_share(beads, src, tgt, model, weights)
    literal, free = share(STORY_ES, STORY_EN), share(STORY_ES, FREE_EN)
    assert free < aligner.CostModel.refit_below < literal


def test_upper_quartile_is_numpys_default_quantile():
    import numpy as np

    from alinea.align.evidence import upper_quartile

    rng = np.random.default_rng(7)
    for size in (1, 2, 3, 4, 5, 7, 10, 101, 1000):
        for _ in range(20):
            values = rng.normal(size=size) * rng.uniform(0.1, 50)
            assert upper_quartile(values) == float(np.quantile(values, 0.75))
