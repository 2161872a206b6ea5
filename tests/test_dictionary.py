"""Spanish-English dictionaries as lexical evidence: every file format, FreeDict, and the CLI options."""
from __future__ import annotations

import base64
import gzip

import pytest

from alinea.align.dictionary import (
    Dictionary,
    builtin_dictionary,
    freedict_dictionary,
    load_dictionaries,
    read_dictd,
    read_dictionary,
    stems,
)
from alinea.align.errors import InputError

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en">
 <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="t1">
   <langSet xml:lang="es"><tig><term>mantenimiento de la paz</term></tig></langSet>
   <langSet xml:lang="en"><tig><term>peacekeeping</term></tig></langSet>
  </termEntry>
  <termEntry id="t2">
   <langSet xml:lang="es-ES"><tig><term>desminado</term></tig></langSet>
   <langSet xml:lang="en-GB"><tig><term>demining</term></tig><tig><term>mine clearance</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""


def es_stem(word: str) -> str:
    return stems([word], "es")[0]


def en_stem(word: str) -> str:
    return stems([word], "en")[0]


def test_stems_join_the_forms_of_a_word():
    assert len({es_stem(w) for w in ("hablar", "hablaron", "hablaba", "habló")}) == 1
    assert len({es_stem(w) for w in ("niño", "niños", "niñito")}) == 1
    assert len({en_stem(w) for w in ("walk", "walked", "walking", "walks")}) == 1
    assert len({en_stem(w) for w in ("run", "running", "box", "boxes")}) == 2
    assert es_stem("año") != es_stem("ano")          # ñ is a letter of its own


def _reference_stems(words: list[str], lang: str) -> list[str]:
    """The stemmer's specification as one regular expression (the implementation of alinea 0.2):
    the shortest prefix of at least three letters after which a whole suffix remains."""
    import re

    from alinea.align.dictionary import _DOUBLED_END, _MIN_STEM, _SUFFIXES, _fold

    suffixes = sorted(set(_SUFFIXES[lang].split()), key=len, reverse=True)
    if lang == "en":
        suffixes.insert(0, r"(?:(?<=[sxzo])|(?<=[cs]h))es")
    pattern = re.compile(rf"^(.{{0,{_MIN_STEM - 1}}}$|.{{{_MIN_STEM},}}?)(?:{'|'.join(suffixes)})?$")
    found = [pattern.match(w).group(1) for w in _fold("\n".join(words)).split("\n")]
    if lang == "en":
        found = [_DOUBLED_END.sub(r"\1", w) for w in found]
    return found


@pytest.mark.parametrize("lang", ["es", "en"])
def test_stems_equal_the_reference_regular_expression(lang):
    import random

    rng = random.Random(17)
    letters = "abcdehilmnorstxyzñáéíóúüç"
    suffixes = [s for lang_ in ("es", "en") for s in __import__("alinea.align.dictionary", fromlist=["x"])
                ._SUFFIXES[lang_].split()]
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 9))) + rng.choice(suffixes + [""])
             for _ in range(20_000)]
    words += ["es", "ses", "boxes", "houses", "churches", "ashes", "goes", "oes", "hes", "running", "stopped",
              "Hablándoselo", "NIÑITOS", "", "a", "ab", "abc"]
    assert stems(words, lang) == _reference_stems(words, lang)


def test_stems_remembered_or_not_are_the_same(monkeypatch):
    import alinea.align.dictionary as dictionary

    words = ["hablaron", "Niñitos", "boxes", "hablaron", "", "casas"] * 3
    first = {lang: stems(words, lang) for lang in ("es", "en")}
    monkeypatch.setattr(dictionary, "_KNOWN_STEMS_LIMIT", 3)     # the memory is cleared on every call
    for lang in ("es", "en"):
        assert stems(words, lang) == first[lang] == _reference_stems(words, lang)
        assert stems(list(reversed(words)), lang) == list(reversed(first[lang]))


def _fresh_general_dictionary():
    from alinea.align.dictionary import GENERAL_TABLE, _concept_lines, from_entries
    from alinea.align.utils import resource_rows

    return from_entries(_concept_lines(resource_rows(GENERAL_TABLE, 2)), "fresh")


def test_shipped_stems_are_up_to_date_with_the_table():
    """es_en_general.stems.tsv must be what the stemmer makes of es_en_general.tsv today
    (after editing either: scripts/build_resources)."""
    from alinea.align.dictionary import GENERAL_STEMS, GENERAL_TABLE, stem_table
    from alinea.align.utils import resource_text

    fresh = _fresh_general_dictionary()
    shipped = resource_text(GENERAL_STEMS)
    assert shipped == stem_table(fresh, resource_text(GENERAL_TABLE)), "run scripts/build_resources"
    builtin_dictionary.cache_clear()
    loaded = builtin_dictionary()
    assert (loaded.pairs, loaded.phrases) == (fresh.pairs, fresh.phrases)
    assert len(loaded.phrases) > 10 and len(loaded.pairs) > 1000


def test_stale_stems_are_not_used(monkeypatch):
    """A table edited without regenerating the stems: the checksum differs and the table is stemmed afresh."""
    import alinea.align.dictionary as dictionary

    real = dictionary._resource_text

    def edited(name, missing_ok=False):
        text = real(name, missing_ok)
        return text + "ornitorrinco\tplatypus\n" if name == dictionary.GENERAL_TABLE else text

    monkeypatch.setattr(dictionary, "_resource_text", edited)
    builtin_dictionary.cache_clear()
    try:
        assert (es_stem("ornitorrinco"), en_stem("platypus")) in builtin_dictionary().pairs
    finally:
        builtin_dictionary.cache_clear()


def test_hunalign_dictionary_lines_are_english_at_spanish(tmp_path):
    path = tmp_path / "es-en.dic"
    path.write_text("house @ casa\nboarding house @ casa de huéspedes\n\ndog @ perro\n", encoding="utf-8")
    d = read_dictionary(path)
    assert (es_stem("casa"), en_stem("house")) in d.pairs
    assert (es_stem("perro"), en_stem("dog")) in d.pairs
    assert ((es_stem("casa"), "de", es_stem("huéspedes")), (en_stem("boarding"), en_stem("house"))) in d.phrases


def test_a_malformed_hunalign_line_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.dic"
    path.write_text("house @ casa\ndog perro\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: expected 'english @ spanish'"):
        read_dictionary(path)


@pytest.mark.parametrize("name, text", [
    ("terms.csv", "perro,dog\ngato,cat\n"),
    ("terms.tsv", "perro\tdog\ngato\tcat\n"),
    ("terms.csv", "en;es\ndog;perro\ncat;gato\n"),        # a header naming the languages, other order
])
def test_two_column_tables(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    d = read_dictionary(path)
    assert d.pairs == {(es_stem("perro"), en_stem("dog")), (es_stem("gato"), en_stem("cat"))}


def test_tbx_termbase_gives_every_spanish_english_pair_of_an_entry(tmp_path):
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    d = read_dictionary(path)
    assert (es_stem("desminado"), en_stem("demining")) in d.pairs
    assert ((es_stem("desminado"),), (en_stem("mine"), en_stem("clearance"))) in d.phrases
    assert ((es_stem("mantenimiento"), "de", "la", es_stem("paz")), (en_stem("peacekeeping"),)) in d.phrases


@pytest.mark.parametrize("name, text, message", [
    ("missing.csv", None, "no such dictionary file"),
    ("empty.tsv", "", "is empty"),
    ("one.csv", "perro\n", "a dictionary needs a Spanish and an English column"),
    ("broken.tbx", "<martif><text>", "not a readable TBX"),
])
def test_bad_dictionary_files_are_input_errors(tmp_path, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_dictionary(path)


def _b64(number: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = alphabet[number % 64] + out
        number //= 64
        if not number:
            return out


def _dictd(tmp_path, entries: dict[str, str], name: str = "freedict-spa-eng"):
    """A dictd dictionary like Debian's FreeDict files: an index and a gzip-compressed body."""
    body, index = b"", []
    for head, text in entries.items():
        chunk = f"{head} /x/\n{text}\n".encode()
        index.append(f"{head}\t{_b64(len(body))}\t{_b64(len(chunk))}")
        body += chunk
    (tmp_path / f"{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    (tmp_path / f"{name}.dict.dz").write_bytes(gzip.compress(body))
    return tmp_path


def test_freedict_files_are_read_at_run_time(tmp_path):
    directory = _dictd(tmp_path, {"cartera": "1. wallet\n2. briefcase, file", "casa": "house (building)"})
    pairs = read_dictd(directory / "freedict-spa-eng.index", directory / "freedict-spa-eng.dict.dz")
    assert set(pairs) == {("cartera", "wallet"), ("cartera", "briefcase"), ("cartera", "file"), ("casa", "house")}
    d = freedict_dictionary(directory)
    assert (es_stem("cartera"), en_stem("wallet")) in d.pairs
    assert freedict_dictionary(tmp_path / "nowhere") is None
    assert base64  # the dictd offsets are base64 numbers (see _b64)


def test_freedict_on_request_is_an_error_when_it_is_not_installed(monkeypatch, tmp_path):
    from alinea.align import dictionary

    monkeypatch.setattr(dictionary, "FREEDICT_DIR", tmp_path)
    with pytest.raises(InputError, match="dict-freedict-spa-eng"):
        load_dictionaries(["freedict"])


def test_the_shipped_table_is_general_vocabulary_and_user_files_add_to_it(tmp_path):
    table = builtin_dictionary()
    assert len(table.pairs) > 1000
    assert (es_stem("puerta"), en_stem("door")) in table.pairs
    path = tmp_path / "terms.tsv"
    path.write_text("desminado\tdemining\n", encoding="utf-8")
    merged = load_dictionaries([path])
    assert table.pairs < merged.pairs and (es_stem("desminado"), en_stem("demining")) in merged.pairs
    assert len(Dictionary()) == 0


def test_a_user_dictionary_links_terms_the_table_does_not_know():
    from alinea.align.aligner import align_sentences
    from alinea.align.encoder import word_keys

    d = builtin_dictionary() | Dictionary(frozenset({(es_stem("desminado"), en_stem("demining"))}))
    builtin = builtin_dictionary()
    assert not set(word_keys("desminado", "es", builtin)) & set(word_keys("demining", "en", builtin))
    assert set(word_keys("desminado", "es", d)) & set(word_keys("demining", "en", d))
    beads = align_sentences(["El desminado avanza.", "Nada más."], ["Demining is progressing.", "Nothing else."],
                            dictionary=d)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,))]


# -- the command line ----------------------------------------------------------------------------

def _pair(tmp_path):
    from test_aligner import ALL_EN, ALL_ES

    numbers = [str(1 + k // 4) for k in range(20)]
    shifted = list(numbers)
    shifted[8:10] = ["2", "2"]
    es = "\n\n".join(f"{n}. " + " ".join(ALL_ES[k:k + 4]) for n, k in zip(range(1, 6), range(0, 20, 4)))
    en_paragraphs, current = [], []
    for k, number in enumerate(shifted):
        if k and number != shifted[k - 1]:
            en_paragraphs.append(current)
            current = []
        current.append(ALL_EN[k])
    en_paragraphs.append(current)
    en = "\n\n".join(f"{n}. " + " ".join(p) for n, p in enumerate(en_paragraphs, start=1))
    (tmp_path / "doc.es.txt").write_text(es + "\n", encoding="utf-8")
    (tmp_path / "doc.en.txt").write_text(en + "\n", encoding="utf-8")
    return tmp_path / "doc.es.txt", tmp_path / "doc.en.txt"


def test_align_names_a_dropped_anchor_in_the_summary_and_the_review(run_cli, tmp_path):
    es, en = _pair(tmp_path)
    report = tmp_path / "review.html"
    result = run_cli("align", es, en, "--tsv", tmp_path / "out.tsv", "--report", report)
    assert result.exit_code == 0, result.output
    assert "warning: anchor dropped: paragraph 3" in result.output
    html = report.read_text(encoding="utf-8")
    assert html.index('id="warnings"') < html.index('id="summary"')
    assert "paragraph 3" in html[html.index('id="warnings"'):html.index('id="summary"')]


def test_align_without_anchors_has_nothing_to_drop(run_cli, tmp_path):
    es, en = _pair(tmp_path)
    result = run_cli("align", es, en, "--tsv", tmp_path / "out.tsv", "--no-anchors")
    assert result.exit_code == 0, result.output
    assert "anchor dropped" not in result.output


def test_align_with_a_dictionary_file_and_a_bad_one(run_cli, tmp_path):
    es, en = _pair(tmp_path)
    good = tmp_path / "terms.dic"
    good.write_text("peacekeeping @ mantenimiento de la paz\n", encoding="utf-8")
    result = run_cli("align", es, en, "--tsv", tmp_path / "out.tsv", "--dictionary", good)
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.dic"
    bad.write_text("no separator here\n", encoding="utf-8")
    out = tmp_path / "out2.tsv"
    result = run_cli("align", es, en, "--tsv", out, "--dictionary", bad)
    assert result.exit_code == 2
    assert "alinea: error:" in result.output and "line 1" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_align_lines_warns_about_a_long_run_of_unaligned_sentences(run_cli, tmp_path):
    from test_aligner import ALL_EN, ALL_ES

    es, en = tmp_path / "a.es", tmp_path / "a.en"
    es.write_text("\n".join(ALL_ES) + "\n", encoding="utf-8")
    # Six English sentences that the Spanish does not have, in the middle.
    extra = [f"Annex {k}: list of {k * 7} participants in the {k}th informal meeting." for k in range(1, 7)]
    en.write_text("\n".join(ALL_EN[:10] + extra + ALL_EN[10:]) + "\n", encoding="utf-8")
    result = run_cli("align-lines", es, en, "-o", tmp_path / "beads.tsv")
    assert result.exit_code == 0, result.output
    assert "warning: 6 unaligned sentences in a row" in result.output
    assert "warning: 6 of 46 sentences (13.0 %) are unaligned" in result.output
