"""jieba, set up in one place: lazy initialisation, the domain user dictionary, tokenizers.

Every module that needs words (search index, classifiers, retrieval) calls these functions, so
jieba's dictionary is loaded once per process and the domain words are always known.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import math
import re
import threading
from importlib import resources

_lock = threading.Lock()
_ready = False
_PUNCT_OR_SPACE = re.compile(r"^[\s\W_]+$")


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                userdict = resources.files("reportmine").joinpath("data/userdict.txt")
                if userdict.is_file():
                    # An open file, not a path: jieba never closes a file it opens itself, and the
                    # ResourceWarning is an error under the test suite's filterwarnings.
                    with resources.as_file(userdict) as path, open(path, "rb") as fh:
                        jieba.load_userdict(fh)
                jieba.initialize()
                _ready = True
    return jieba


def tokenize(text: str) -> list[str]:
    """Words of ``text`` (precise mode), punctuation and spaces dropped.

    Module-level so scikit-learn pipelines can use it as a tokenizer.
    """
    return [w for w in cut(text) if not _PUNCT_OR_SPACE.match(w)]


def cut(text: str) -> list[str]:
    """``jieba.lcut(text)`` (precise mode, HMM for unknown words), word for word, at about
    half its cost: segmentation is the costliest step of ingest, and most of jieba's time goes
    to building each block's word graph and then walking it again to score it (``get_DAG`` then
    ``calc``; here one pass) and to its HMM on runs of unknown characters (cached per run). The
    rest is jieba's own code path; tests/test_fastpaths.py holds it to ``jieba.lcut``.
    """
    jieba = _jieba()
    from jieba import finalseg  # here, not per block: an import statement costs a microsecond

    tokenizer = jieba.dt
    out: list[str] = []
    han, skip = jieba.re_han_default, jieba.re_skip_default
    for block in han.split(text):
        if not block:
            continue
        if han.match(block):
            out += _cut_block(tokenizer, finalseg, block)
        else:
            for piece in skip.split(block):
                if skip.match(piece):
                    out.append(piece)
                else:
                    out += piece  # character by character, as jieba gives them
    return out


def _cut_block(tokenizer, finalseg, block: str) -> list[str]:  # type: ignore[no-untyped-def]
    """jieba's ``Tokenizer.__cut_DAG`` on one block of Chinese and alphanumerics: the best
    route's words, with runs of single characters that are no dictionary word handed to the
    HMM (``finalseg``) as jieba does."""
    ends = _best_route(tokenizer, block)
    freq = tokenizer.FREQ
    out: list[str] = []
    buf = ""
    x, n = 0, len(block)
    while x < n:
        y = ends[x] + 1
        if y - x == 1:
            buf += block[x]
        else:
            if buf:
                out += _flush_singles(buf, freq, finalseg)
                buf = ""
            out.append(block[x:y])
        x = y
    if buf:
        out += _flush_singles(buf, freq, finalseg)
    return out


def _flush_singles(buf: str, freq: dict[str, int], finalseg) -> list[str]:  # type: ignore[no-untyped-def]
    if len(buf) == 1:
        return [buf]
    if not freq.get(buf):
        # jieba only ever adds to its force-split words (del_word): their number keys the cache
        return list(_hmm_cut(buf, len(finalseg.Force_Split_Words)))
    return list(buf)


@functools.lru_cache(maxsize=16384)
def _hmm_cut(buf: str, force_split_words: int) -> tuple[str, ...]:
    """jieba's HMM cut of a run of characters the dictionary has no words for: a function of
    the run and jieba's force-split words alone (a Viterbi pass in Python, a quarter of jieba's
    time), and the same runs (names, rare terms) come back across a batch of documents. Runs
    are a few characters: 16,384 of them take some 5 MB."""
    from jieba import finalseg

    return tuple(finalseg.cut(buf))


def _best_route(tokenizer, block: str) -> list[int]:  # type: ignore[no-untyped-def]
    """For each position, where the best route's word starting there ends (inclusive).

    jieba's ``get_DAG`` + ``calc`` in one right-to-left pass, the same arithmetic in the same
    order: a word's score is ``log(freq) - log(total) + score of the rest``; a character with
    no word is scored as frequency 1; among equal scores the longest word wins (jieba takes
    ``max`` over ``(score, end)`` tuples).
    """
    get, log = tokenizer.FREQ.get, math.log  # local names: this loop runs once per character
    logtotal = log(tokenizer.total)
    unknown = log(1) - logtotal
    n = len(block)
    score = [0.0] * (n + 1)
    ends = [0] * n
    for k in range(n - 1, -1, -1):
        best_end = -1
        best = 0.0
        i = k
        frag = block[k]
        while i < n:
            f = get(frag)
            if f is None:  # no dictionary word starts with frag: the graph stops here
                break
            if f:
                s = log(f) - logtotal + score[i + 1]
                if best_end < 0 or s >= best:
                    best, best_end = s, i
            i += 1
            frag = block[k : i + 1]
        if best_end < 0:
            best, best_end = unknown + score[k + 1], k
        score[k] = best
        ends[k] = best_end
    return ends


def search_tokens(text: str) -> list[str]:
    """Words for the full-text index: search mode adds the sub-words of long words.

    Search-mode indexing found 0.98 of relevant rows for Chinese queries, precise mode 0.90
    (MEASURED.md), so the index and the queries are both cut this way.
    """
    return [w for w in _jieba().lcut_for_search(text) if not _PUNCT_OR_SPACE.match(w)]


class Segmented:
    """A text cut once into precise-mode words with their offsets.

    The search index, the statement classifier and retrieval all need the words of the same
    document; cutting once and slicing by span keeps jieba — the costliest step of ingest —
    to a single pass per document.
    """

    __slots__ = ("text", "words", "starts", "ends", "_expanded")

    def __init__(self, text: str) -> None:
        self.text = text
        # lcut and offsets summed from word lengths: jieba.tokenize is the same cut through a
        # generator of tuples
        words = cut(text)
        ends = list(itertools.accumulate(map(len, words)))
        starts = [0] + ends[:-1] if ends else []
        keep = _keep_flags(words)
        self.words: list[str] = list(itertools.compress(words, keep))
        self.starts: list[int] = list(itertools.compress(starts, keep))
        self.ends: list[int] = list(itertools.compress(ends, keep))
        self._expanded = _sub_word_table()

    def words_in(self, start: int, end: int) -> list[str]:
        """Words lying inside ``[start, end)`` (a word cut by the span's edge is left out)."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.ends, end, lo=lo)
        return self.words[lo:hi]

    def search_words_in(self, start: int, end: int) -> list[str]:
        """Search-mode words inside the span: each word plus its dictionary sub-words, as
        jieba's cut_for_search gives them, derived without cutting the text again."""
        out: list[str] = []
        expanded = self._expanded
        for word in self.words_in(start, end):
            if len(word) <= 2:
                out.append(word)
                continue
            found = expanded.get(word)  # words recur within and across documents: expand each once
            if found is None:
                found = expanded[word] = _with_sub_words(word)
            out += found
        return out


# Per-word facts shared by every document of a process: they depend on the word and jieba's
# dictionary only, and a corpus keeps using the same vocabulary. Capped: emptied when full.
_WORD_TABLE_MAX = 200_000
_sub_words: dict[str, list[str]] = {}
_sub_words_stamp: tuple[int, int] = (0, 0)
_is_word: dict[str, bool] = {}


def _sub_word_table() -> dict[str, list[str]]:
    """The word -> search-mode expansion table, emptied when jieba's dictionary has changed."""
    global _sub_words, _sub_words_stamp
    tokenizer = _jieba().dt
    stamp = (len(tokenizer.FREQ), tokenizer.total)
    if stamp != _sub_words_stamp or len(_sub_words) > _WORD_TABLE_MAX:
        _sub_words, _sub_words_stamp = {}, stamp
    return _sub_words


def _with_sub_words(word: str) -> list[str]:
    """``word``'s dictionary 2- and 3-character sub-words, then ``word`` (cut_for_search order)."""
    freq = _jieba().dt.FREQ
    out: list[str] = []
    for n in (2, 3):
        if len(word) > n:
            out.extend(g for g in (word[i:i + n] for i in range(len(word) - n + 1)) if freq.get(g))
    out.append(word)
    return out


def _keep_flags(words: list[str]) -> list[bool]:
    """Whether each word is a word (not punctuation or space); a word is tested once per process."""
    if len(_is_word) > _WORD_TABLE_MAX:
        _is_word.clear()
    seen = _is_word
    match = _PUNCT_OR_SPACE.match
    out = []
    for w in words:
        flag = seen.get(w)
        if flag is None:
            flag = seen[w] = match(w) is None
        out.append(flag)
    return out


@functools.lru_cache(maxsize=4)
def segment(text: str) -> Segmented:
    """The words of ``text``, cut once per process however many stages ask (small LRU cache)."""
    return Segmented(text)
