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
  so comisión/commission, migración/migration and inmigrantes/immigrants share a key.

Keys are interned as integers in a :class:`Vocabulary` shared by both sides of
one alignment, and a document side is encoded as a :class:`SideFeatures`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np

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


@lru_cache(maxsize=None)
def word_lexicon() -> dict[str, str]:
    """Spanish word -> English word, from ``resources/es_en_words.tsv``."""
    text = (resources.files(__package__) / "resources" / "es_en_words.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            es, en = line.split("\t")[:2]
            table[es.strip().lower()] = en.strip().lower()
    return table


@lru_cache(maxsize=None)
def _lexicon_targets() -> frozenset[str]:
    return frozenset(word_lexicon().values())


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=1 << 17)
def word_keys(token: str, lang: str) -> tuple[str, ...]:
    """Keys of one word token (possibly hyphenated) in language ``lang`` ("es"/"en")."""
    if lang == "es":
        targets = acronym_map("es-en").get(token)
        if targets:
            return tuple(sorted("@" + t for t in targets))
        lexicon = word_lexicon()
    else:
        if token in _english_acronyms():
            return ("@" + token,)
        targets = _lexicon_targets()
    keys = []
    for part in token.split("-") if "-" in token else (token,):
        lower = part.lower()
        if lang == "es":
            english = lexicon.get(lower)
            if english is not None:
                keys.append(cognate_key(english))
                continue
        elif lower in targets:
            keys.append(cognate_key(lower))
            continue
        if len(lower) >= MIN_WORD:
            keys.append(cognate_key(lower))
    return tuple(keys)


def _numeric_text(text: str) -> str:
    """Only the digit-bearing tokens of ``text``, runs of other tokens replaced by "~".

    ``numeric_tokens`` on this shorter text finds the same numbers and symbols
    ("175 000" stays together, "5 y 100" becomes "5 ~ 100", not 5100).
    """
    out, gap = [], False
    for token in text.split():
        if _DIGIT.search(token):
            out.append(token)
            gap = False
        elif not gap:
            out.append("~")
            gap = True
    return " ".join(out)


@lru_cache(maxsize=1 << 14)
def _number_keys(digits: str, lang: str) -> tuple[str, ...]:
    """``numeric_tokens`` as keys, without building Counters (the same multiset)."""
    return tuple("#" + token for token in symbols(digits) + numbers(digits, lang))


def sentence_keys(text: str, lang: str) -> list[str]:
    """The bag of keys of one sentence, with repetitions."""
    lang = "es" if lang.startswith("es") else "en"
    keys = [key for token in _WORD.findall(text) for key in word_keys(token, lang)]
    keys += [_PUNCT[c] for c in _PUNCT_RE.findall(text)]
    if _DIGIT.search(text):
        keys += _number_keys(_numeric_text(text), lang)
    return keys


class Vocabulary:
    """Interns keys as consecutive integers; shared by the two sides of an alignment.

    Also interns lower-cased words (per language, for ``alinea.align.ibm1``) and
    remembers the key ids and word id of each token, so a word is analysed once.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens: dict[str, dict[str, tuple[list[int], int]]] = {"es": {}, "en": {}}
        self.word_ids: dict[tuple[str, str], int] = {}
        self.words: list[str] = []

    def __len__(self) -> int:
        return len(self.ids)

    def word_lengths(self) -> np.ndarray:
        """Length of each interned word, by word id (extended as words are added)."""
        known = getattr(self, "_lengths", np.zeros(0, np.int64))
        if len(known) < len(self.words):
            extra = np.fromiter((len(w) for w in self.words[len(known):]), np.int64)
            known = self._lengths = np.concatenate((known, extra))
        return known

    def encode(self, keys: list[str]) -> np.ndarray:
        ids = self.ids
        return np.fromiter((ids.setdefault(k, len(ids)) for k in keys), dtype=np.int64, count=len(keys))

    def _analyse(self, token: str, lang: str) -> tuple[list[int], int]:
        ids = self.ids
        key_ids = [ids.setdefault(k, len(ids)) for k in word_keys(token, lang)]
        word = token.lower()
        word_id = self.word_ids.setdefault((lang, word), len(self.words))
        if word_id == len(self.words):
            self.words.append(word)
        found = self.tokens[lang][token] = (key_ids, word_id)
        return found

    def analyse_many(self, tokens: list[str], lang: str) -> None:
        """Analyse new word tokens in bulk (same result as ``word_keys`` one by one)."""
        table = self.tokens[lang]
        simple, lowers = [], []
        if lang == "es":
            acronyms_, lexicon = acronym_map("es-en"), word_lexicon()
        else:
            acronyms_, targets = _english_acronyms(), _lexicon_targets()
        for token in tokens:
            if token in table:
                continue
            if "-" in token or token in acronyms_:
                self._analyse(token, lang)
            else:
                simple.append(token)
        lowers = [t.lower() for t in simple]
        if lang == "es":
            sources = [lexicon.get(w) or (w if len(w) >= MIN_WORD else None) for w in lowers]
        else:
            sources = [w if (w in targets or len(w) >= MIN_WORD) else None for w in lowers]
        keyed = [w for w in sources if w is not None]
        keys = iter(cognate_keys(keyed))
        ids, word_ids, words = self.ids, self.word_ids, self.words
        for token, lower, source in zip(simple, lowers, sources):
            key_ids = [ids.setdefault(next(keys), len(ids))] if source is not None else []
            word_id = word_ids.setdefault((lang, lower), len(words))
            if word_id == len(words):
                words.append(lower)
            table[token] = (key_ids, word_id)

    def encode_text(self, text: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        """The key ids (as ``sentence_keys``) and the distinct word ids of one sentence."""
        tokens, ids, words = self.tokens[lang], [], set()
        for token in _WORD.findall(text):
            found = tokens.get(token) or self._analyse(token, lang)
            ids += found[0]
            words.add(found[1])
        extra = [_PUNCT[c] for c in _PUNCT_RE.findall(text)]
        if _DIGIT.search(text):
            extra += _number_keys(_numeric_text(text), lang)
        if extra:
            ids += [self.ids.setdefault(k, len(self.ids)) for k in extra]
        return np.array(ids, dtype=np.int64), np.array(sorted(words), dtype=np.int64)


@dataclass(frozen=True)
class SideFeatures:
    """One side of a bitext as the aligner sees it."""

    #: character length of each sentence
    lengths: np.ndarray
    #: key ids of each sentence (with repetitions)
    keys: tuple[np.ndarray, ...]
    #: number of keys of each sentence
    key_counts: np.ndarray
    #: distinct word ids of each sentence (``Vocabulary.words``)
    words: tuple[np.ndarray, ...] = ()

    def __len__(self) -> int:
        return len(self.lengths)

    @cached_property
    def length_cum(self) -> np.ndarray:
        """Prefix sums of the lengths: the length of sentences [a, b) is length_cum[b] - length_cum[a]."""
        return np.concatenate(([0.0], np.cumsum(self.lengths)))


#: Joins the sentences of a side for one tokenizer pass; a letter, so it is a token of its own.
_SEPARATOR = "\u01c2"


def encode_side(texts: list[str], lang: str, vocab: Vocabulary) -> SideFeatures:
    """Encode the sentences of one side (the same features as ``encode_text`` sentence by sentence).

    The word tokens of the whole side are found in one regex pass over the joined
    text and mapped to keys with array operations; only punctuation and numbers
    are looked at sentence by sentence.
    """
    lang = "es" if lang.startswith("es") else "en"
    if any(_SEPARATOR in t for t in texts):
        encoded = [vocab.encode_text(t, lang) for t in texts]
        keys, words = tuple(k for k, _ in encoded), tuple(w for _, w in encoded)
    else:
        keys, words = _encode_words(texts, lang, vocab)
        keys = tuple(_with_marks(k, t, lang, vocab) for k, t in zip(keys, texts))
    return SideFeatures(
        lengths=np.fromiter((len(t) for t in texts), dtype=np.float64, count=len(texts)),
        keys=keys,
        key_counts=np.fromiter((len(k) for k in keys), dtype=np.float64, count=len(keys)),
        words=words,
    )


def _encode_words(texts: list[str], lang: str, vocab: Vocabulary) -> tuple[tuple[np.ndarray, ...], ...]:
    """Word-token key ids and distinct word ids of every sentence, in one pass."""
    tokens = _WORD.findall(f" {_SEPARATOR} ".join(texts) + f" {_SEPARATOR}")
    table = vocab.tokens[lang]
    distinct = list(dict.fromkeys(tokens))
    position = {token: n for n, token in enumerate(distinct)}
    vocab.analyse_many([t for t in distinct if t != _SEPARATOR], lang)
    analysed = [table[t] if t != _SEPARATOR else ([], -1) for t in distinct]
    codes = np.fromiter((position[t] for t in tokens), dtype=np.int64, count=len(tokens))
    ends = codes == position[_SEPARATOR]
    sentence = np.cumsum(ends) - ends          # sentence number of every token
    codes, sentence = codes[~ends], sentence[~ends]
    # Keys: each distinct token has 0-2 key ids; expand them token by token.
    key_len = np.array([len(k) for k, _ in analysed], dtype=np.int64)
    key_flat = np.array([i for k, _ in analysed for i in k], dtype=np.int64)
    key_start = np.cumsum(key_len) - key_len
    span = key_len[codes]
    total = int(span.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(span) - span, span)
    token_keys = key_flat[np.repeat(key_start[codes], span) + offsets]
    key_bounds = np.searchsorted(np.repeat(sentence, span), np.arange(len(texts) + 1))
    keys = tuple(token_keys[key_bounds[n]:key_bounds[n + 1]] for n in range(len(texts)))
    # Distinct words of each sentence, sorted.
    word_of = np.array([w for _, w in analysed], dtype=np.int64)[codes]
    width = max(len(vocab.words), 1)
    pairs = np.unique(sentence * width + word_of)
    pair_sentence, pair_word = pairs // width, pairs % width
    word_bounds = np.searchsorted(pair_sentence, np.arange(len(texts) + 1))
    words = tuple(pair_word[word_bounds[n]:word_bounds[n + 1]] for n in range(len(texts)))
    return keys, words


def _with_marks(keys: np.ndarray, text: str, lang: str, vocab: Vocabulary) -> np.ndarray:
    """A sentence's word keys plus its punctuation and number keys."""
    extra = [_PUNCT[c] for c in _PUNCT_RE.findall(text)]
    if _DIGIT.search(text):
        extra += _number_keys(_numeric_text(text), lang)
    if not extra:
        return keys
    ids = vocab.ids
    return np.concatenate((keys, np.array([ids.setdefault(k, len(ids)) for k in extra], dtype=np.int64)))


def with_link_keys(side: SideFeatures, link_words: np.ndarray, link_keys: np.ndarray) -> SideFeatures:
    """The same side where each sentence also has key ``link_keys[n]`` if it holds word ``link_words[n]``."""
    order = np.argsort(link_words, kind="stable")
    link_words, link_keys = link_words[order], link_keys[order]
    counts = np.array([len(w) for w in side.words], dtype=np.int64)
    words = np.concatenate(side.words) if len(side.words) else np.zeros(0, np.int64)
    lo = np.searchsorted(link_words, words, "left")
    span = np.searchsorted(link_words, words, "right") - lo
    total = int(span.sum())
    if not total:
        return side
    starts = np.repeat(lo - (np.cumsum(span) - span), span)
    new_keys = link_keys[starts + np.arange(total)]
    sentence = np.repeat(np.repeat(np.arange(len(counts)), counts), span)
    bounds = np.searchsorted(sentence, np.arange(len(counts) + 1))
    keys = tuple(np.concatenate((k, new_keys[bounds[n]:bounds[n + 1]])) if bounds[n + 1] > bounds[n] else k
                 for n, k in enumerate(side.keys))
    return replace(side, keys=keys, key_counts=np.array([len(k) for k in keys], dtype=np.float64))


def shares_key(src_word: str, tgt_word: str) -> bool:
    """Whether a Spanish and an English word already share a key (cognates, lexicon)."""
    return bool(set(word_keys(src_word, "es")) & set(word_keys(tgt_word, "en")))


def document_frequencies(side: SideFeatures, vocab_size: int) -> np.ndarray:
    """For each key id, the share of the side's sentences that contain it."""
    if not len(side):
        return np.zeros(vocab_size)
    sent = np.repeat(np.arange(len(side)), [len(k) for k in side.keys])
    flat = np.concatenate(side.keys) if len(sent) else np.zeros(0, np.int64)
    pairs = np.unique(sent * vocab_size + flat) % vocab_size if len(flat) else flat
    return np.bincount(pairs, minlength=vocab_size) / len(side)


def _cross(rows_a: np.ndarray, keys_a: np.ndarray, weights_a: np.ndarray,
           rows_b: np.ndarray, keys_b: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """For every (sentence a, sentence b): summed weights and count of a's key occurrences found in b.

    Enumerates the (occurrence in a, sentence of b holding the same key) pairs
    with a ragged ``np.repeat`` and sums them with ``np.bincount``: no dense
    vocabulary matrices, no BLAS threads.
    """
    n_b = shape[1]
    present = np.unique(keys_b * n_b + rows_b)          # sorted by key, then by sentence
    p_keys, p_rows = present // n_b, present % n_b
    lo = np.searchsorted(p_keys, keys_a, "left")
    span = np.searchsorted(p_keys, keys_a, "right") - lo
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
    s_keys = [src.keys[i] for i in src_rows]
    t_keys = [tgt.keys[j] for j in tgt_cols]
    shape = (len(s_keys), len(t_keys))
    if not shape[0] or not shape[1]:
        return tuple(np.zeros(shape) for _ in range(4))
    s_rows = np.repeat(np.arange(shape[0]), [len(k) for k in s_keys])
    t_rows = np.repeat(np.arange(shape[1]), [len(k) for k in t_keys])
    s_flat, t_flat = np.concatenate(s_keys), np.concatenate(t_keys)
    s_keep, t_keep = src_weights[s_flat] > 0, tgt_weights[t_flat] > 0
    s_flat, s_rows, t_flat, t_rows = s_flat[s_keep], s_rows[s_keep], t_flat[t_keep], t_rows[t_keep]
    src_w, src_n = _cross(s_rows, s_flat, src_weights[s_flat], t_rows, t_flat, shape)
    tgt_w, tgt_n = _cross(t_rows, t_flat, tgt_weights[t_flat], s_rows, s_flat, shape[::-1])
    return src_w, tgt_w.T, src_n, tgt_n.T
