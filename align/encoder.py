"""Sentence features for the aligner: length and language-neutral lexical keys.

Each sentence becomes its character length and a bag of *keys*. A key is a
string that a Spanish token and its English counterpart both map to, so that
"shared keys" between two sentences is evidence that they translate each other:

- numbers and document symbols (``alinea.align.numbers``): 1.000 and 1,000 both give
  ``#1000``; A/56/329 gives ``#A/56/329``;
- UN bodies and acronyms (``alinea.align.lexicon``): OIT and ILO both give ``@ILO``;
- punctuation patterns: parentheses, quotes, colons, semicolons, question marks,
  percent signs (``«`` and ``"`` are the same key);
- words from a small Spanish-English lexicon of function words and frequent
  non-cognate UN words (``resources/es_en_words.tsv``): mujeres and women share a key;
- cognates: the first letters of a word after light spelling normalization
  (accents stripped, doubled letters collapsed, ph->f, th->t, y->i, k->c, nm->m),
  so comisión/commission, migración/migration and inmigrantes/immigrants share a key;
- dictionary stems (``alinea.align.dictionary``): dijo carries ``E:dij`` and so do said
  and told; these keys count as evidence from one side only (see ``ES_ACTIVE``);
- dictionary phrases: ``P:n`` where every word of entry n's side occurs in the sentence.

``token_keys`` holds every rule for words. Keys are interned as integers in a
:class:`Vocabulary` made for one alignment (both sides), and a document side is
encoded as a :class:`SideFeatures`.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import overload

import numpy as np

from . import kernels
from .dictionary import Dictionary, lang_code, stems
from .lexicon import acronym_map
from .numbers import numbers, symbols

#: Letters of a word prefix used as its cognate key (Simard et al. 1992 used 4).
COGNATE_PREFIX = 4
#: Words shorter than this are keys only when the lexicon lists them.
MIN_WORD = 4

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PUNCT = {"(": "p(", "«": 'p"', "“": 'p"', '"': 'p"', "„": 'p"', "?": "p?", "!": "p!",
          ":": "p:", ";": "p;", "%": "p%"}
_PUNCT_RE = re.compile("[" + re.escape("".join(_PUNCT)) + "]")
_SPELLING = (("ph", "f"), ("th", "t"), ("y", "i"), ("k", "c"), ("nm", "m"))
_DOUBLED = re.compile(r"(.)\1+")


@cache
def word_lexicon() -> dict[str, str]:
    """Spanish word -> English word, from ``resources/es_en_words.tsv``."""
    from .utils import resource_rows

    return {es.lower(): en.lower() for es, en in resource_rows("es_en_words.tsv", 2)}


@cache
def _lexicon_targets() -> frozenset[str]:
    return frozenset(word_lexicon().values())


@cache
def _english_acronyms() -> frozenset[str]:
    return frozenset(v for values in acronym_map("es-en").values() for v in values)


_ACCENTS = str.maketrans("áéíóúüñàèìòùâêîôûäëïöçÁÉÍÓÚÜÑ", "aeiouunaeiouaeiouaeiocAEIOUUN")


def strip_accents(word: str) -> str:
    """The word without diacritics (a table for Spanish letters, Unicode decomposition for the rest)."""
    word = word.translate(_ACCENTS)
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def cognate_key(word: str) -> str:
    """The spelling-normalized prefix of a word: comisión and commission -> "comi"."""
    # Only the first letters matter; every rewrite below keeps or shortens the word.
    word = strip_accents(word[:3 * COGNATE_PREFIX].lower())
    for old, new in _SPELLING:
        word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)[:COGNATE_PREFIX]


def cognate_keys(words: list[str]) -> list[str]:
    """``cognate_key`` of many words at once: each string operation runs once over all of them."""
    if not words:
        return []
    text = "\n".join(w[:3 * COGNATE_PREFIX] for w in words).lower().translate(_ACCENTS)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    for old, new in _SPELLING:
        text = text.replace(old, new)
    return [w[:COGNATE_PREFIX] for w in _DOUBLED.sub(r"\1", text).split("\n")]


#: Prefixes of dictionary keys. A Spanish word whose stem the dictionary knows carries the key
#: "E:stem", and every English word that translates it carries "E:stem" too; likewise "N:stem" for
#: English words. "E:" keys are evidence only from the Spanish side ("is a translation of this
#: Spanish word in the English sentence?"), "N:" keys only from the English side, so a word with
#: five dictionary translations is one piece of evidence, not five (four of them misses).
ES_ACTIVE, EN_ACTIVE = "E:", "N:"
#: Direction codes of keys (``Vocabulary.directions``): evidence from both sides, or from one.
BOTH, FROM_ES, FROM_EN = 0, 1, 2


def token_keys(tokens: list[str], lang: str, dictionary: Dictionary | None = None) -> list[tuple[str, ...]]:
    """The keys of each word token (possibly hyphenated) in language ``lang`` ("es"/"en").

    The one place where the keying rules live: acronyms, the word list, cognate prefixes and
    dictionary stems. Works on many tokens at once (each string operation runs once over all).
    """
    lang = lang_code(lang)
    if lang == "es":
        acronyms_, lexicon = acronym_map("es-en"), word_lexicon()
    else:
        acronyms_, targets = _english_acronyms(), _lexicon_targets()
    # Split into parts (hyphenated words key each part); acronyms are whole-token keys.
    parts: list[str] = []
    owner: list[int] = []
    fixed: dict[int, tuple[str, ...]] = {}
    for n, token in enumerate(tokens):
        if token in acronyms_:
            fixed[n] = (tuple(sorted("@" + t for t in acronyms_[token])) if lang == "es" else ("@" + token,))
            continue
        for part in token.split("-") if "-" in token else (token,):
            if part:
                parts.append(part)
                owner.append(n)
    lowers = [p.lower() for p in parts]
    if lang == "es":
        sources = [lexicon.get(w) or (w if len(w) >= MIN_WORD else None) for w in lowers]
    else:
        sources = [w if (w in targets or len(w) >= MIN_WORD) else None for w in lowers]
    cognates = iter(cognate_keys([w for w in sources if w is not None]))
    part_keys: list[list[str]] = [[next(cognates)] if w is not None else [] for w in sources]
    if dictionary is not None and len(dictionary):
        table = dictionary.translations[lang]
        active, passive = (ES_ACTIVE, EN_ACTIVE) if lang == "es" else (EN_ACTIVE, ES_ACTIVE)
        for keys, stem in zip(part_keys, stems(lowers, lang)):
            others = table.get(stem)
            if others:
                keys.append(active + stem)
                keys.extend(passive + other for other in sorted(others))
    out: list[list[str]] = [[] for _ in tokens]
    for n, keys in zip(owner, part_keys):
        out[n].extend(keys)
    for n, keys in fixed.items():
        out[n] = list(keys)
    return [tuple(k) for k in out]


def word_keys(token: str, lang: str, dictionary: Dictionary | None = None) -> tuple[str, ...]:
    """Keys of one word token: ``token_keys`` of a list of one."""
    return token_keys([token], lang, dictionary)[0]


#: A run of whitespace-separated tokens none of which holds a digit.
_NON_NUMERIC_RUN = re.compile(r"(?<!\S)[^\s\d]+(?:\s+[^\s\d]+)*(?!\S)")


def _numeric_text(text: str) -> str:
    """Only the digit-bearing tokens of ``text``, runs of other tokens replaced by "~".

    ``numeric_tokens`` on this shorter text finds the same numbers and symbols
    ("175 000" stays together, "5 y 100" becomes "5 ~ 100", not 5100). One regex
    substitution instead of a test per token.
    """
    return " ".join(_NON_NUMERIC_RUN.sub("~", text).split())


@lru_cache(maxsize=1 << 14)
def _number_keys(digits: str, lang: str) -> tuple[str, ...]:
    """``numeric_tokens`` as keys, without building Counters (the same multiset)."""
    return tuple("#" + token for token in symbols(digits) + numbers(digits, lang))


def mark_keys(text: str, lang: str) -> list[str]:
    """The punctuation and number keys of one sentence."""
    keys = [_PUNCT[c] for c in _PUNCT_RE.findall(text)]
    if _DIGIT.search(text):
        keys += _number_keys(_numeric_text(text), lang_code(lang))
    return keys


def word_tokens(text: str) -> list[str]:
    """``_WORD.findall(text)``, faster: a whitespace-separated token made of letters only is one
    match as it is (most are), the regex runs on the others. (``[^\\W\\d_]`` holds every letter
    ``str.isalpha`` knows, and whitespace ends a match.)"""
    out: list[str] = []
    append, extend, findall = out.append, out.extend, _WORD.findall
    for token in text.split():
        if token.isalpha():
            append(token)
        else:
            extend(findall(token))
    return out


class _Numbering(dict):
    """Numbers keys in order of first appearance: ``numbering[key]`` of a new key is the count so far."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


class Vocabulary:
    """Interns keys and words as consecutive integers, for the two sides of one alignment.

    Made anew by each call of the aligner (ids only name things; results do not
    depend on them). Remembers the key ids and word id of each token, so that a
    word is analysed once per alignment, and each key's direction (``BOTH``,
    ``FROM_ES``, ``FROM_EN``).
    """

    def __init__(self, dictionary: Dictionary | None = None) -> None:
        self.dictionary = dictionary
        self.ids: dict[str, int] = {}
        self.directions: list[int] = []
        self.tokens: dict[str, dict[str, tuple[list[int], int]]] = {"es": {}, "en": {}}
        self.word_ids: dict[tuple[str, str], int] = {}
        self.words: list[str] = []
        #: the dictionary stem of each word (``dictionary.stems``), by word id
        self.word_stems: list[str] = []

    def __len__(self) -> int:
        return len(self.ids)

    def word_lengths(self) -> np.ndarray:
        """Length of each interned word, by word id."""
        return np.fromiter((len(w) for w in self.words), np.int64, count=len(self.words))

    def key_id(self, key: str) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.directions)
            self.directions.append(FROM_ES if key.startswith(ES_ACTIVE)
                                   else FROM_EN if key.startswith(EN_ACTIVE) else BOTH)
        return found

    def encode(self, keys: list[str]) -> np.ndarray:
        return np.fromiter((self.key_id(k) for k in keys), dtype=np.int64, count=len(keys))

    def analyse(self, tokens: list[str], lang: str) -> None:
        """Key ids and word id of each token not seen yet (``token_keys`` on all of them at once)."""
        table = self.tokens[lang]
        new = [t for t in dict.fromkeys(tokens) if t not in table]
        for token, keys in zip(new, token_keys(new, lang, self.dictionary)):
            lower = token.lower()
            word_id = self.word_ids.setdefault((lang, lower), len(self.words))
            if word_id == len(self.words):
                self.words.append(lower)
            table[token] = ([self.key_id(k) for k in keys], word_id)
        if len(self.word_stems) < len(self.words):
            # Words are added per side, so the new ones are all of this language.
            self.word_stems += stems(self.words[len(self.word_stems):], lang)

    def adopt(self, features: SideFeatures, keys: list[str], words: list[str], word_stems: list[str],
              tokens: dict[str, tuple[list[int], int]], lang: str) -> SideFeatures:
        """A side encoded into another vocabulary (``keys``: its keys in id order, ``words`` its
        words, all of language ``lang``, none of them in this vocabulary yet), renumbered into this
        one. Keys are numbered in the order that vocabulary met them, so each gets the id it would
        have got had the side been encoded here."""
        key_map = self.encode(keys)
        word_offset = len(self.words)
        for word in words:
            self.word_ids[lang, word] = len(self.words)
            self.words.append(word)
        self.word_stems += word_stems
        table = self.tokens[lang]
        mapped = key_map.tolist()
        for token, (key_ids, word_id) in tokens.items():
            table[token] = ([mapped[k] for k in key_ids], word_id + word_offset)
        return replace(features, keys=Ragged(key_map[features.keys.flat].astype(np.int32), features.keys.bounds),
                       words=Ragged((features.words.flat + word_offset).astype(np.int32), features.words.bounds))


class Ragged(Sequence[np.ndarray]):
    """Rows of integers of different lengths, stored as one flat array and row bounds (CSR).

    One array per sentence would cost about 100 bytes of object overhead each (more than
    its ids on a long document); here a row is a view made when asked for. ``flat`` holds
    int32 ids (cast to int64 before multiplying them into composite codes).
    """

    __slots__ = ("flat", "bounds")

    def __init__(self, flat: np.ndarray, bounds: np.ndarray) -> None:
        self.flat = flat
        self.bounds = bounds

    @classmethod
    def from_rows(cls, rows, dtype=np.int32) -> Ragged:
        """From a sequence of integer arrays (or lists)."""
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        flat = np.concatenate([np.asarray(r, dtype=dtype) for r in rows]) if len(rows) else np.zeros(0, dtype)
        return cls(flat.astype(dtype, copy=False), np.concatenate(([0], np.cumsum(counts))))

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @overload
    def __getitem__(self, row: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, row: slice) -> Ragged: ...

    def __getitem__(self, row: int | slice) -> np.ndarray | Ragged:
        if isinstance(row, slice):
            return self.take(np.arange(len(self))[row])
        return self.flat[self.bounds[row]:self.bounds[row + 1]]

    def __iter__(self):
        bounds = self.bounds.tolist()
        for lo, hi in zip(bounds, bounds[1:]):
            yield self.flat[lo:hi]

    def counts(self) -> np.ndarray:
        """Length of each row."""
        return np.diff(self.bounds)

    def row_of_each(self, dtype=np.int64) -> np.ndarray:
        """The row number of every entry of ``flat``."""
        return np.repeat(np.arange(len(self), dtype=dtype), self.counts())

    def span(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``lo .. hi - 1``: their entries (a view) and the row of each, counted from ``lo``."""
        flat = self.flat[self.bounds[lo]:self.bounds[hi]]
        return flat, np.repeat(np.arange(hi - lo), np.diff(self.bounds[lo:hi + 1]))

    def take(self, order: np.ndarray) -> Ragged:
        """The rows in ``order`` (repetitions allowed)."""
        order = np.asarray(order, dtype=np.int64)
        counts = np.diff(self.bounds)[order]
        bounds = np.concatenate(([0], np.cumsum(counts)))
        source = np.repeat(self.bounds[order] - bounds[:-1], counts) + np.arange(bounds[-1])
        return Ragged(self.flat[source], bounds)

    def where(self, keep: np.ndarray) -> Ragged:
        """The same rows with only the entries where ``keep`` (one flag per entry of ``flat``) is true."""
        kept = np.concatenate(([0], np.cumsum(keep)))
        return Ragged(self.flat[keep], kept[self.bounds])


_NO_ROWS = Ragged(np.zeros(0, np.int32), np.zeros(1, np.int64))


@dataclass(frozen=True)
class SideFeatures:
    """One side of a bitext as the aligner sees it."""

    #: character length of each sentence
    lengths: np.ndarray
    #: key ids of each sentence (with repetitions)
    keys: Ragged
    #: number of keys of each sentence
    key_counts: np.ndarray
    #: distinct word ids of each sentence (``Vocabulary.words``)
    words: Ragged = _NO_ROWS

    def __len__(self) -> int:
        return len(self.lengths)

    @cached_property
    def length_cum(self) -> np.ndarray:
        """Prefix sums of the lengths: the length of sentences [a, b) is length_cum[b] - length_cum[a]."""
        return np.concatenate(([0.0], np.cumsum(self.lengths)))

    @cached_property
    def log_lengths(self) -> np.ndarray:
        """log(max(length, 1)) of each sentence (the share discount of merged beads)."""
        return np.log(np.maximum(self.lengths, 1.0))


#: Joins the sentences of a side for one tokenizer pass; a letter, so it is a token of its own.
_SEPARATOR = "\u01c2"
#: Sentences tokenized in one regex pass.
_TOKEN_BLOCK = 4096


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of an integer array by sorting (numpy 2's hashing ``np.unique`` is far slower here)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def encode_side(texts: list[str], lang: str, vocab: Vocabulary) -> SideFeatures:
    """Encode the sentences of one side: lengths, key ids and distinct word ids of each.

    Each distinct token is analysed once (``Vocabulary.analyse``); the keys of the
    sentences are then assembled with array operations.
    """
    lang = lang_code(lang)
    # One regex pass over the side: sentences joined by a separator that is a word of its own
    # (removed from the texts first, so it cannot occur inside them). The pass goes a block of
    # sentences at a time, so that only one block's token strings exist at once (memory stays
    # a few hundred bytes per sentence); tokens are numbered in order of first appearance.
    position = _Numbering()
    parts = []
    for start in range(0, len(texts), _TOKEN_BLOCK):
        block = texts[start:start + _TOKEN_BLOCK]
        tokens = word_tokens(f" {_SEPARATOR} ".join(t.replace(_SEPARATOR, " ") for t in block) + f" {_SEPARATOR}")
        parts.append(np.fromiter(map(position.__getitem__, tokens), dtype=np.int64, count=len(tokens)))
        del tokens
    position.setdefault(_SEPARATOR, len(position))   # (no sentences: no token at all)
    codes = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    distinct = list(position)
    ends = codes == position[_SEPARATOR]
    # Sentence numbers fit in 32 bits; the arrays below have one entry per token or key of the
    # side, so they are freed as soon as they are used (the peak stays a few arrays of that size).
    sentence = (np.cumsum(ends, dtype=np.int32) - ends)[~ends]     # sentence number of every word token
    codes = codes[~ends]
    del ends, parts
    distinct[position[_SEPARATOR]] = ""            # not a word: analysed as one without keys
    vocab.analyse(distinct, lang)
    table = vocab.tokens[lang]
    analysed = [table[t] for t in distinct]
    # Keys: each distinct token has a few key ids; expand them token by token.
    key_len = np.array([len(k) for k, _ in analysed], dtype=np.int64)
    key_flat = np.array([i for k, _ in analysed for i in k], dtype=np.int64)
    key_start = np.cumsum(key_len) - key_len
    span = key_len[codes]
    first_key = np.repeat(key_start[codes] - (np.cumsum(span) - span), span)
    token_keys_ = key_flat[first_key + np.arange(len(first_key))]
    del first_key
    token_sentence = np.repeat(sentence, span)     # sentence number of every word key
    del span
    # Distinct words of each sentence, sorted.
    width = max(len(vocab.words), 1)
    pairs = sorted_unique(sentence * np.int64(width) + np.array([w for _, w in analysed], dtype=np.int64)[codes])
    del sentence, codes
    words = Ragged((pairs % width).astype(np.int32), np.searchsorted(pairs // width, np.arange(len(texts) + 1)))
    del pairs
    phrases = _phrase_keys(words, lang, vocab)
    # Punctuation, number and phrase keys of all sentences in one list, encoded in sentence order
    # (so keys get the ids a sentence-by-sentence pass would give), then placed after each
    # sentence's word keys by one stable sort: one buffer for the side, no array per sentence built.
    extra: list[str] = []
    extra_count: list[int] = []
    for n, text in enumerate(texts):
        found = mark_keys(text, lang) + phrases.get(n, [])
        extra += found
        extra_count.append(len(found))
    all_keys = np.concatenate((token_keys_, vocab.encode(extra)))
    del token_keys_, extra
    all_sentences = np.concatenate((token_sentence, np.repeat(np.arange(len(texts), dtype=np.int32), extra_count)))
    del token_sentence
    order = np.argsort(all_sentences, kind="stable")
    all_keys = all_keys[order]
    bounds = np.searchsorted(all_sentences[order], np.arange(len(texts) + 1))
    del order, all_sentences
    return SideFeatures(
        lengths=np.fromiter((len(t) for t in texts), dtype=np.float64, count=len(texts)),
        keys=Ragged(all_keys.astype(np.int32), bounds),
        key_counts=np.diff(bounds).astype(np.float64),
        words=words,
    )


def encode_sides(src_texts: list[str], src_lang: str, tgt_texts: list[str], tgt_lang: str,
                 vocab: Vocabulary) -> tuple[SideFeatures, SideFeatures]:
    """``encode_side`` of the source side, then of the target side, into one fresh ``vocab``.

    Long documents (``alinea.align.forked``): the target side is encoded by a forked process into a
    vocabulary of its own while this process encodes the source side; its keys are then renumbered
    into ``vocab`` in the order it met them (:meth:`Vocabulary.adopt`), which gives every key and
    word the id the serial order gives it.
    """
    from . import forked

    # The ids of a side's words depend on the words already met in its language: the sides must be
    # in two languages, the vocabulary fresh.
    if (not forked.wanted(min(len(src_texts), len(tgt_texts))) or lang_code(src_lang) == lang_code(tgt_lang)
            or len(vocab) or vocab.words):
        return encode_side(src_texts, src_lang, vocab), encode_side(tgt_texts, tgt_lang, vocab)
    target = forked.Forked(_encoded_alone, tgt_texts, tgt_lang, vocab.dictionary)
    src_f = encode_side(src_texts, src_lang, vocab)
    tgt_f, state = target.result()
    return src_f, vocab.adopt(tgt_f, *state)


def _encoded_alone(texts: list[str], lang: str, dictionary: Dictionary | None):
    """``texts`` encoded into a vocabulary of their own, with its keys (in id order), words, stems and
    token table: what :meth:`Vocabulary.adopt` takes."""
    vocab = Vocabulary(dictionary)
    features = encode_side(texts, lang, vocab)
    lang = lang_code(lang)
    return features, (list(vocab.ids), vocab.words, vocab.word_stems, vocab.tokens[lang], lang)


def _phrase_keys(words: Ragged, lang: str, vocab: Vocabulary) -> dict[int, list[str]]:
    """Keys of the dictionary's multi-word entries: "P:n" where every word of entry n's side occurs."""
    dictionary = vocab.dictionary
    if dictionary is None or not dictionary.phrases:
        return {}
    by_first = dictionary.phrase_index[lang]
    word_stems = vocab.word_stems
    out: dict[int, list[str]] = {}
    # Only sentences holding the first word of some phrase can hold a phrase.
    opens = np.fromiter((stem in by_first for stem in word_stems), dtype=bool, count=len(word_stems))
    for s in sorted_unique(words.row_of_each()[opens[words.flat]]).tolist():
        present = {word_stems[w] for w in words[s].tolist()}
        for stem in sorted(present & by_first.keys()):   # sorted: the same order in every process
            out.setdefault(s, []).extend(f"P:{n}" for n, needed in by_first[stem] if needed <= present)
    return out


def with_link_keys(side: SideFeatures, link_words: np.ndarray, link_keys: np.ndarray) -> SideFeatures:
    """The same side where each sentence also has key ``link_keys[n]`` if it holds word ``link_words[n]``."""
    order = np.argsort(link_words, kind="stable")
    link_words, link_keys = link_words[order], link_keys[order]
    words = side.words.flat
    lo = np.searchsorted(link_words, words, "left")
    span = np.searchsorted(link_words, words, "right") - lo
    total = int(span.sum())
    if not total:
        return side
    starts = np.repeat(lo - (np.cumsum(span) - span), span)
    new_keys = link_keys[starts + np.arange(total)]   # in sentence order
    # Each sentence's keys, then its new keys: the new ones take the last slots of each sentence,
    # the old ones the other slots in order (no sort, no index array as long as the keys).
    added = np.bincount(side.words.row_of_each(), span, minlength=len(side)).astype(np.int64)
    bounds = side.keys.bounds + np.concatenate(([0], np.cumsum(added)))
    flips = np.zeros(int(bounds[-1]) + 1, dtype=np.int8)
    np.add.at(flips, bounds[1:] - added, 1)
    np.add.at(flips, bounds[1:], -1)
    is_new = np.cumsum(flips[:-1], dtype=np.int8).astype(bool)
    flat = np.empty(int(bounds[-1]), dtype=np.int32)
    flat[~is_new] = side.keys.flat
    flat[is_new] = new_keys
    return replace(side, keys=Ragged(flat, bounds), key_counts=np.diff(bounds).astype(np.float64))


def shares_key(src_word: str, tgt_word: str) -> bool:
    """Whether a Spanish and an English word already share a key (cognates, word list)."""
    return bool(set(word_keys(src_word, "es")) & set(word_keys(tgt_word, "en")))


def document_frequencies(side: SideFeatures, vocab_size: int) -> np.ndarray:
    """For each key id, the share of the side's sentences that contain it."""
    if not len(side):
        return np.zeros(vocab_size)
    if kernels.wanted(len(side)):   # compiled: the same counts
        return kernels.document_counts(side.keys.bounds, side.keys.flat, vocab_size) / len(side)
    sent = side.keys.row_of_each()
    flat = side.keys.flat.astype(np.int64)
    pairs = sorted_unique(sent * vocab_size + flat) % vocab_size if len(flat) else flat
    return np.bincount(pairs, minlength=vocab_size) / len(side)


_tables = threading.local()


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.flatnonzero(first)


def _key_runs(sorted_keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``wanted`` starts in ``sorted_keys`` and how many times it occurs there.

    What two ``np.searchsorted`` calls give (the start is only meaningful where the count is
    not 0), through a table indexed by key: a binary search per key costs more on these
    sizes. The table (per thread) is left all zeros after each call.
    """
    if not len(sorted_keys) or not len(wanted):
        return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), np.int64)
    size = int(max(sorted_keys[-1], wanted.max())) + 1
    table = getattr(_tables, "runs", None)
    if table is None or table.shape[1] < size:
        table = _tables.runs = np.zeros((2, max(size, 2 * (0 if table is None else table.shape[1]))), np.int64)
    starts = _run_starts(sorted_keys)
    keys = sorted_keys[starts]
    table[0, keys] = starts
    table[1, keys] = np.diff(np.append(starts, len(sorted_keys)))
    lo, span = table[0, wanted], table[1, wanted]
    table[1, keys] = 0
    return lo, span


def _cross(rows_a: np.ndarray, keys_a: np.ndarray, weights_a: np.ndarray,
           rows_b: np.ndarray, keys_b: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """For every (sentence a, sentence b): summed weights and count of a's key occurrences found in b.

    Enumerates the (occurrence in a, sentence of b holding the same key) pairs
    with a ragged ``np.repeat`` and sums them with ``np.bincount``: no dense
    vocabulary matrices, no BLAS threads.
    """
    n_b = shape[1]
    present = sorted_unique(keys_b * n_b + rows_b)      # sorted by key, then by sentence
    p_keys, p_rows = present // n_b, present % n_b
    lo, span = _key_runs(p_keys, keys_a)
    total = int(span.sum())
    starts = np.repeat(lo - (np.cumsum(span) - span), span)
    b_rows = p_rows[starts + np.arange(total)]
    flat = np.repeat(rows_a, span) * n_b + b_rows
    size = shape[0] * shape[1]
    weighted = np.bincount(flat, np.repeat(weights_a, span), minlength=size).reshape(shape)
    counted = np.bincount(flat, minlength=size).reshape(shape).astype(np.float64)
    return weighted, counted


def hit_counts(src: SideFeatures, tgt: SideFeatures, src_rows: range, tgt_cols: range,
               src_weights: np.ndarray, tgt_weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """Shared-key evidence for a block of sentence pairs.

    Returns four arrays of shape (len(src_rows), len(tgt_cols)):
    ``src_w[a, b]``, the summed weights of the keys of source sentence
    ``src_rows[a]`` that occur in target sentence ``tgt_cols[b]``; ``tgt_w``, the
    converse; ``src_n`` and ``tgt_n``, the same as plain counts. Keys of weight 0
    are ignored; weights are looked up by key id.
    """
    shape = (len(src_rows), len(tgt_cols))
    if not shape[0] or not shape[1]:
        return tuple(np.zeros(shape) for _ in range(4))
    if kernels.wanted(len(src)):   # compiled: the same numbers
        flat = kernels.hit_blocks(src.keys.bounds, src.keys.flat, tgt.keys.bounds, tgt.keys.flat, src_weights,
                                  tgt_weights, np.array([[src_rows.start, src_rows.stop]]),
                                  np.array([[tgt_cols.start, tgt_cols.stop]]), np.zeros(1, np.int64),
                                  shape[0] * shape[1])
        return tuple(values.reshape(shape) for values in flat)
    s_flat, s_rows = src.keys.span(src_rows.start, src_rows.stop)
    t_flat, t_rows = tgt.keys.span(tgt_cols.start, tgt_cols.stop)
    s_flat, t_flat = s_flat.astype(np.int64), t_flat.astype(np.int64)
    # A source key counts where it has weight; it is found wherever the target holds it
    # (a dictionary key that is evidence only from one side is still present on the other).
    s_active, t_active = src_weights[s_flat] > 0, tgt_weights[t_flat] > 0
    s_found, t_found = tgt_weights[s_flat] > 0, src_weights[t_flat] > 0
    src_w, src_n = _cross(s_rows[s_active], s_flat[s_active], src_weights[s_flat[s_active]],
                          t_rows[t_found], t_flat[t_found], shape)
    tgt_w, tgt_n = _cross(t_rows[t_active], t_flat[t_active], tgt_weights[t_flat[t_active]],
                          s_rows[s_found], s_flat[s_found], shape[::-1])
    return src_w, tgt_w.T, src_n, tgt_n.T


def _cross_blocks(problem_a: np.ndarray, rows_a: np.ndarray, keys_a: np.ndarray, weights_a: np.ndarray,
                  problem_b: np.ndarray, rows_b: np.ndarray, keys_b: np.ndarray, cell_a: np.ndarray,
                  stride_b: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``_cross`` of many blocks at once: a key of block p's side a is looked for in block p's side b only.

    The cell of (occurrence in a, sentence ``rows_b`` of b) is ``cell_a`` of the occurrence plus
    that row times the block's ``stride_b``. Per cell, the weights are summed in the order
    ``_cross`` sums them (the occurrences of a in order), so each block's sums are ``_cross``'s.
    """
    vocab = int(max(keys_a.max(initial=0), keys_b.max(initial=0))) + 1
    width = int(rows_b.max(initial=0)) + 1
    present = sorted_unique((problem_b * vocab + keys_b) * width + rows_b)   # by block and key, then row
    p_keys, p_rows = present // width, present % width
    # Each (block, key)'s run of sentences in ``present``: one binary search per occurrence of a,
    # in the list of runs (shorter than ``present``), instead of two in ``present``.
    run_starts = _run_starts(p_keys)
    run_keys = p_keys[run_starts]
    run_lengths = np.diff(np.append(run_starts, len(p_keys)))
    if not len(run_keys):
        return np.zeros(size), np.zeros(size)
    wanted = problem_a * vocab + keys_a
    run = np.minimum(np.searchsorted(run_keys, wanted), len(run_keys) - 1)
    lo = run_starts[run]
    span = np.where(run_keys[run] == wanted, run_lengths[run], 0)
    total = int(span.sum())
    starts = np.repeat(lo - (np.cumsum(span) - span), span)
    b_rows = p_rows[starts + np.arange(total)]
    flat = np.repeat(cell_a, span) + b_rows * np.repeat(stride_b, span)
    weighted = np.bincount(flat, np.repeat(weights_a, span), minlength=size)
    counted = np.bincount(flat, minlength=size).astype(np.float64)
    return weighted, counted


def hit_count_blocks(src: SideFeatures, tgt: SideFeatures, src_ranges: np.ndarray, tgt_ranges: np.ndarray,
                     src_weights: np.ndarray, tgt_weights: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """``hit_counts`` of many blocks at once: block p is source sentences ``src_ranges[p, 0] ..
    src_ranges[p, 1] - 1`` by target sentences ``tgt_ranges[p, 0] .. tgt_ranges[p, 1] - 1``.

    Returns the four arrays of ``hit_counts`` of every block, each block's cells row by row one
    after the other in one flat array, and where each block starts in it. The same numbers as
    ``hit_counts`` block by block, without its fixed cost per call (the second pass of the
    aligner searches thousands of small stretches).
    """
    rows_n = (src_ranges[:, 1] - src_ranges[:, 0]).astype(np.int64)
    cols_n = (tgt_ranges[:, 1] - tgt_ranges[:, 0]).astype(np.int64)
    sizes = rows_n * cols_n
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    size = int(offsets[-1])
    if kernels.wanted(len(src)):   # compiled: the same numbers
        return kernels.hit_blocks(src.keys.bounds, src.keys.flat, tgt.keys.bounds, tgt.keys.flat, src_weights,
                                  tgt_weights, src_ranges, tgt_ranges, offsets[:-1], size), offsets[:-1]

    def occurrences(side: SideFeatures, ranges: np.ndarray, counts: np.ndarray):
        """The block, row in the block and key of every key occurrence of the blocks' sentences
        that has weight on either side (the others are neither counted nor looked for)."""
        problem = np.repeat(np.arange(len(ranges)), counts)
        local = np.arange(len(problem)) - np.repeat(np.cumsum(counts) - counts, counts)
        taken = side.keys.take(ranges[problem, 0] + local)
        flat = taken.flat
        keep = np.flatnonzero((src_weights[flat] > 0) | (tgt_weights[flat] > 0))
        which = taken.row_of_each()[keep]
        return problem[which], local[which], flat[keep].astype(np.int64)

    s_problem, s_rows, s_flat = occurrences(src, src_ranges, rows_n)
    t_problem, t_rows, t_flat = occurrences(tgt, tgt_ranges, cols_n)
    # As hit_counts: a key counts where it has weight and is found wherever the other side holds it.
    s_active, t_active = src_weights[s_flat] > 0, tgt_weights[t_flat] > 0
    s_found, t_found = tgt_weights[s_flat] > 0, src_weights[t_flat] > 0
    src_cell = offsets[s_problem] + s_rows * cols_n[s_problem]          # cell (row, column 0)
    tgt_cell = offsets[t_problem] + t_rows                                # cell (row 0, column)
    src_w, src_n = _cross_blocks(s_problem[s_active], s_rows[s_active], s_flat[s_active],
                                 src_weights[s_flat[s_active]], t_problem[t_found], t_rows[t_found],
                                 t_flat[t_found], src_cell[s_active], np.ones(int(s_active.sum()), np.int64), size)
    tgt_w, tgt_n = _cross_blocks(t_problem[t_active], t_rows[t_active], t_flat[t_active],
                                 tgt_weights[t_flat[t_active]], s_problem[s_found], s_rows[s_found],
                                 s_flat[s_found], tgt_cell[t_active], cols_n[t_problem[t_active]], size)
    return (src_w, tgt_w, src_n, tgt_n), offsets[:-1]
