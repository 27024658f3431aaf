"""Statement kind and category classifiers: TF-IDF features and linear models stored as plain arrays.

Both models share one feature space (jieba words, word bigrams, character 2-3-grams and the
first/last two characters), so a batch of texts is segmented once and scored by both. Weights
live in ``models/statements.json`` (classes, vocabulary) and ``models/statements.npz`` (idf,
coefficients, intercepts). Loading rebuilds the predictor from those arrays: no pickle, no
scikit-learn import at prediction time (it costs ~1 s per process, MEASURED.md).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..segmentation import tokenize

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MODEL_NAME = "statements"
KIND_LABELS = ("issue", "recommendation", "measure", "rectification", "none")
CATEGORY_LABELS = ("budget", "policy", "management")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_PUNCT = re.compile(r"[\s,，。；;：:、！？!?()（）“”\"'《》【】\[\]]+")


def featurize(text: str, tokens: Sequence[str] | None = None, context: Sequence[str] = ()) -> list[str]:
    """The feature strings of one text; training and prediction both call this.

    Numbers are folded to ``0`` so that "117条" and "164条" share features. ``context`` adds
    where the text stands (``sec=issue``, ``doc=work_report``): the same "加强绩效目标管理" is
    advice in an evaluation report and a plan in a work report.
    """
    words = _folded_words(text, tokens)
    feats = ["w:" + w for w in words]
    feats += ["b:" + a + "|" + b for a, b in zip(words, words[1:])]
    chars = _folded_chars(text)
    # the n-grams with no "|" are those inside the pieces between them, in the same order
    pieces = chars.split("|")
    for n in (2, 3):
        feats += ["c:" + p[i : i + n] for p in pieces for i in range(len(p) - n + 1)]
    core = chars.strip("|")
    if core:
        feats += ["^" + core[:2], core[-2:] + "$"]
    feats += ["x:" + c for c in context]
    feats += _conjunctions(words, context)
    return feats


def _folded_words(text: str, tokens: Sequence[str] | None) -> Sequence[str]:
    """The words features are made of: jieba's (unless given), numbers folded to ``0``
    (the given sequence itself when it holds none: callers only read it)."""
    if tokens is None:
        tokens = tokenize(text)
    # most clauses hold no number: one search over the words instead of one substitution each
    return [_DIGITS.sub("0", t) for t in tokens] if _DIGITS.search("".join(tokens)) else tokens


def _folded_chars(text: str) -> str:
    """The text character n-grams are cut from: numbers folded, punctuation runs made ``|``."""
    return _PUNCT.sub("|", _DIGITS.sub("0", text))


def _folded_texts(texts: list[str]) -> list[str]:
    """``[_folded_chars(t) for t in texts]`` in one pass over the texts joined by NULs: neither
    a number nor a punctuation run reaches across a NUL (texts holding one are folded alone)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [_folded_chars(t) for t in texts]
    return _folded_chars(joined).split("\x00")


# Features that tie the text to where it stands. A linear model cannot weigh "sec=none" one way
# in a self-evaluation and another in a work report, or "加强" one way under 建议 and another under
# 下一步 or in a reply, without them (grouped CV: kind macro-F1 +0.035). They say nothing about a
# category, so the category model is fitted without them (training.py).
CONJUNCTION_PREFIXES = ("xx:", "sw:", "dw:")


def _conjunctions(words: Sequence[str], context: Sequence[str]) -> list[str]:
    pairs, heads = _context_conjunctions(tuple(context))
    out = list(pairs)
    for head in heads:
        out += [head + w for w in words]
    return out


@functools.lru_cache(maxsize=256)
def _context_conjunctions(context: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The context's own pairs and the prefixes its words are joined to (``sw:issue|``), worked
    out once per context rather than once per clause (a document has a handful of contexts)."""
    pairs = tuple("xx:" + a + "&" + b for i, a in enumerate(context) for b in context[i + 1 :])
    heads = []
    for token, prefix in (("sec=", "sw:"), ("doc=", "dw:")):
        value = next((c[4:] for c in context if c.startswith(token)), None)
        if value is not None:
            heads.append(prefix + value + "|")
    return pairs, tuple(heads)


class _ColumnLookup:
    """The vocabulary split by feature family, so that texts' columns are found from their words
    and characters as they are: ``featurize`` then ``vocabulary.get`` builds some 55 strings per
    clause ("c:" + n-gram, "sw:issue|" + word, ...) only to hash and drop them, and was the
    costliest step of statement extraction after jieba.

    Lookups run for a whole batch of texts (a document's clauses) at once, in numpy:

    - every word any word feature can hold gets a number, and each family (``w:``, each
      conjunction head such as ``sw:issue|``) an array from word number to column, so a word
      is looked up once in Python however many features it is part of; a word pair ``b:a|b``
      is the number ``a * words + b``, found by binary search;
    - a character n-gram is one integer (its characters' code points side by side), found by
      binary search in the vocabulary's n-grams made into integers the same way.

    Every family keeps exactly the vocabulary's answers (test_fastpaths checks the matrices).
    """

    __slots__ = ("vocabulary", "word_ids", "word_cols", "pair_keys", "pair_cols", "gram_keys", "gram_cols",
                 "openings", "endings", "_conjoined", "_heads", "_contexts")

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        words: dict[str, int] = {}  # "w:" + word
        pairs: list[tuple[str, str, int]] = []  # "b:" + a + "|" + b
        grams: dict[int, int] = {}  # "c:" + n-gram (featurize cuts 2- and 3-grams only)
        self._conjoined: list[tuple[str, int]] = []  # "sw:…|word", "dw:…|word"
        known: set[str] = set()  # every string that can stand for a word in some feature
        # "^" + first two characters, last two + "$": small tables of their own, so that a
        # clause's two look-ups stay in the CPU cache
        self.openings: dict[str, int] = {}
        self.endings: dict[str, int] = {}
        for feature, col in vocabulary.items():
            if feature.startswith("^"):
                self.openings[feature[1:]] = col
            if feature.endswith("$"):
                self.endings[feature[:-1]] = col
            prefix, rest = feature[:2], feature[2:]
            if prefix == "w:":
                words[rest] = col
                known.add(rest)
            elif prefix == "c:" and len(rest) in (2, 3):
                grams[_gram_key(rest)] = col
            elif prefix == "b:":
                # filed under every "|" the entry holds: a word with a "|" of its own still
                # finds it (a + "|" + b is one split of the entry)
                for k in _bars(rest):
                    pairs.append((rest[:k], rest[k + 1 :], col))
                    known.update((rest[:k], rest[k + 1 :]))
            elif feature.startswith(("sw:", "dw:")):  # _context_conjunctions' heads, each ending in "|"
                self._conjoined.append((feature, col))
                known.update(feature[k + 1 :] for k in _bars(feature))
        # numbers from 1 in sorted order (deterministic); 0 is any word no feature holds
        self.word_ids = {w: i for i, w in enumerate(sorted(known), start=1)}
        self.word_cols = self._table(words)
        keys = {self.word_ids[a] * self._span + self.word_ids[b]: col for a, b, col in pairs}
        self.pair_keys, self.pair_cols = _sorted_arrays(keys)
        self.gram_keys, self.gram_cols = _sorted_arrays(grams)
        self._heads: dict[str, np.ndarray] = {}  # conjunction head ("sw:issue|") -> word number -> column
        self._contexts: dict[tuple[str, ...], tuple[list[int], tuple[str, ...]]] = {}

    @property
    def _span(self) -> int:
        return len(self.word_ids) + 1

    def _table(self, columns: dict[str, int]) -> np.ndarray:
        """Word number -> column (-1: none) for one family's word -> column dict."""
        table = np.full(self._span, -1, dtype=np.int64)
        for word, col in columns.items():
            table[self.word_ids[word]] = col
        return table

    def entries(self, texts: Sequence[tuple[str, Sequence[str] | None, Sequence[str]]]) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every feature of ``featurize(text, tokens, context)``, for each
        text in turn, that the vocabulary holds, with repeats (in no particular order: counts
        do not depend on it)."""
        rows: list[int] = []  # context and edge features, found one by one
        cols: list[int] = []
        folded = _folded_texts([text for text, _, _ in texts])
        ids: list[int] = []  # the words of all texts, one after another, as word numbers
        lengths: list[int] = []
        heads_of: list[tuple[str, ...]] = []
        get_id, opening, ending = self.word_ids.get, self.openings.get, self.endings.get
        for row, ((text, tokens, context), chars) in enumerate(zip(texts, folded)):
            words = _folded_words(text, tokens)
            ids += [get_id(w, 0) for w in words]
            lengths.append(len(words))
            fixed, heads = self._context(tuple(context))
            heads_of.append(heads)
            core = chars.strip("|")
            found = [j for j in (opening(core[:2]), ending(core[-2:])) if j is not None] if core else []
            found += fixed
            rows += [row] * len(found)
            cols += found
        parts = [(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)),
                 self._word_columns(np.array(ids, dtype=np.int64), np.array(lengths, dtype=np.int64), heads_of),
                 self._gram_columns(folded)]
        return np.concatenate([r for r, _ in parts]), np.concatenate([c for _, c in parts])

    def _word_columns(self, ids: np.ndarray, lengths: np.ndarray, heads_of: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the word, conjunction-word and word-pair features."""
        row_of = np.repeat(np.arange(len(lengths)), lengths)
        rows, cols = [], []

        def keep(r: np.ndarray, c: np.ndarray) -> None:
            hit = c >= 0
            rows.append(r[hit])
            cols.append(c[hit])

        keep(row_of, self.word_cols[ids])
        for head in sorted({h for heads in heads_of for h in heads}):
            with_head = np.array([head in heads for heads in heads_of], dtype=bool)[row_of]
            keep(row_of[with_head], self._head(head)[ids[with_head]])
        # pairs of neighbouring words of one text, both known
        paired = (row_of[:-1] == row_of[1:]) & (ids[:-1] > 0) & (ids[1:] > 0)
        keys = ids[:-1][paired] * self._span + ids[1:][paired]
        at = _find(self.pair_keys, keys)
        keep(row_of[:-1][paired], np.where(at >= 0, self.pair_cols[np.maximum(at, 0)], -1))
        return np.concatenate(rows), np.concatenate(cols)

    def _gram_columns(self, folded: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows and columns of the character 2- and 3-grams of the folded texts: the n-grams
        inside the pieces between "|"s, i.e. the windows of the joined texts holding no "|"."""
        joined = "|".join(folded)  # the "|" between texts keeps windows from crossing them
        # code points as they are, lone surrogates too (a damaged PDF's text can hold them)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
        row_of = np.repeat(np.arange(len(folded)), [len(f) + 1 for f in folded])[: len(codes)]
        clear = codes != ord("|") + 1
        rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for n in (2, 3):
            starts = len(codes) - n + 1
            if starts <= 0:
                continue
            ok = clear[:starts].copy()
            key = codes[:starts].copy()
            for k in range(1, n):
                ok &= clear[k : k + starts]
                key = (key << _CODE_BITS) | codes[k : k + starts]
            at = _find(self.gram_keys, key)
            hit = ok & (at >= 0)
            rows.append(row_of[:starts][hit])
            cols.append(self.gram_cols[at[hit]])
        return np.concatenate(rows), np.concatenate(cols)

    def _context(self, context: tuple[str, ...]) -> tuple[list[int], tuple[str, ...]]:
        """A context's own columns (``x:``, ``xx:``) and its conjunction heads, worked out once
        per context (a document has a handful)."""
        found = self._contexts.get(context)
        if found is None:
            pairs, heads = _context_conjunctions(context)
            own = [self.vocabulary.get(f) for f in ["x:" + c for c in context] + list(pairs)]
            found = self._contexts[context] = ([j for j in own if j is not None], heads)
        return found

    def _head(self, head: str) -> np.ndarray:
        table = self._heads.get(head)
        if table is None:
            n = len(head)
            table = self._heads[head] = self._table({f[n:]: j for f, j in self._conjoined if f.startswith(head)})
        return table


# An n-gram as an integer: code points + 1 (so no character is 0 and a 2-gram's key never equals
# a 3-gram's) in 21-bit fields; 3 x 21 bits fit an int64.
_CODE_BITS = 21


def _gram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << _CODE_BITS) | (ord(ch) + 1)
    return key


def _bars(text: str) -> list[int]:
    return [k for k, ch in enumerate(text) if ch == "|"]


def _sorted_arrays(columns: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    order = sorted(columns)
    return np.array(order, dtype=np.int64), np.array([columns[k] for k in order], dtype=np.int64)


def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each wanted key in the sorted ``keys``, -1 where it is not there."""
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.searchsorted(keys, wanted)
    at[at == len(keys)] = 0
    return np.where(keys[at] == wanted, at, -1)


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """Vocabulary and idf weights: sublinear tf * idf, then each row scaled to unit length."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    _lookup: _ColumnLookup | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], min_df: int = 2) -> FeatureSpace:
        df: dict[str, int] = {}
        for feats in docs:
            for f in set(feats):
                df[f] = df.get(f, 0) + 1
        kept = sorted(f for f, n in df.items() if n >= min_df)
        n_docs = len(docs)
        idf = np.array([np.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept], dtype=np.float64)
        return cls({f: i for i, f in enumerate(kept)}, idf)

    def transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Rows of sublinear-tf * idf weights, each scaled to unit length."""
        return self.weigh(self.counts(docs))

    def counts(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Raw feature counts, one row per document, indices sorted (vectorised: the
        per-feature Python work is one dict lookup). Counts add up: the counts of texts made
        of several clauses are sums of the clauses' rows, with no features rebuilt."""
        get = self.vocabulary.get
        cols: list[int] = []
        indptr = [0]
        for feats in docs:
            cols += [j for j in map(get, feats) if j is not None]
            indptr.append(len(cols))
        return self._count_matrix(cols, indptr)

    def text_counts(self, texts: Sequence[tuple[str, Sequence[str] | None, Sequence[str]]]) -> sparse.csr_matrix:
        """``counts([featurize(text, tokens, context) for text, tokens, context in texts])``,
        the same matrix, from the texts directly (no feature strings built: see _ColumnLookup)."""
        lookup = self._lookup
        if lookup is None:  # built on first use: training and tests that only fit never need it
            lookup = _ColumnLookup(self.vocabulary)
            object.__setattr__(self, "_lookup", lookup)
        rows, cols = lookup.entries(texts)
        order = np.argsort(rows, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(texts)))])
        return self._count_matrix(cols[order], indptr)

    def _count_matrix(self, cols: list[int] | np.ndarray, indptr: list[int] | np.ndarray) -> sparse.csr_matrix:
        """Rows of columns (with repeats) as a canonical count matrix: sorted, summed."""
        m = sparse.csr_matrix(
            (np.ones(len(cols)), np.array(cols, dtype=np.int32), np.array(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, len(self.idf)),
        )
        m.sum_duplicates()
        return m

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear tf * idf of a canonical count matrix (sorted indices, no duplicates), each
        row scaled to unit length; row by row, so stacking rows changes no value.

        Plain numpy, in the very operations (and order) of scipy's
        ``diags(1 / norms) @ m`` with ``norms`` from ``m.multiply(m).sum(axis=1)``, so
        the weights and the model's sums over them are bit for bit those of the scipy
        expression, at a sixth of its cost on one document's rows.
        """
        indptr = counts.indptr
        data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        lengths = np.diff(indptr)
        filled = np.flatnonzero(lengths)
        sums = np.zeros(len(lengths))
        if len(filled):
            sums[filled] = np.add.reduceat(data * data, indptr[filled])
        norms = np.sqrt(sums)
        norms[norms == 0] = 1.0
        data = np.repeat(1.0 / norms, lengths) * data
        # the sparse product leaves each row's entries in reverse order; a dot product sums in
        # storage order, so keep that order
        reverse = np.repeat(indptr[:-1] + indptr[1:] - 1, lengths) - np.arange(len(data))
        return sparse.csr_matrix((data[reverse], counts.indices[reverse], indptr.copy()), shape=counts.shape)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A multinomial logistic regression as arrays: ``coef`` is (classes, features)."""

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    # coef.T laid out row-major once: a sparse @ dense product copies a transposed view into that
    # layout on every call (the whole model, for a few rows)
    coef_t: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "coef_t", np.ascontiguousarray(self.coef.T))

    def proba(self, x: sparse.csr_matrix) -> np.ndarray:
        return self.proba_of_scores(np.asarray(x @ self.coef_t) + self.intercept)

    def proba_of_scores(self, scores: np.ndarray) -> np.ndarray:
        """Class probabilities from the linear scores ``x @ coef.T + intercept``."""
        if len(self.classes) == 2 and scores.shape[1] == 1:
            scores = np.hstack([-scores, scores]) / 2
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True, slots=True)
class StatementModels:
    space: FeatureSpace
    kind: LinearModel
    category: LinearModel
    meta: dict[str, Any]
    # both models' coefficients side by side: one sparse product scores a batch for both (each
    # output column sums the same terms in the same order as the model's own product)
    _joint_t: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_joint_t", np.ascontiguousarray(np.hstack([self.kind.coef_t, self.category.coef_t])))

    def proba(self, x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Kind and category probabilities of the weighted rows ``x``, from one product."""
        scores = np.asarray(x @ self._joint_t)
        n = self.kind.coef_t.shape[1]
        return (self.kind.proba_of_scores(scores[:, :n] + self.kind.intercept),
                self.category.proba_of_scores(scores[:, n:] + self.category.intercept))


@dataclass(frozen=True, slots=True)
class Scores:
    """Class probabilities for one text, keyed by label."""

    kind: dict[str, float]
    category: dict[str, float]


def model_dir() -> Path:
    """``$REPORTMINE_MODELS`` if set, else the repository's ``models/``."""
    env = os.environ.get("REPORTMINE_MODELS")
    if env:
        return Path(env)
    return _repository_models()


@functools.lru_cache(maxsize=1)
def _repository_models() -> Path:
    # resolved once: every document asks for its models, and resolve() is a system call per
    # path component
    return Path(__file__).resolve().parents[3] / "models"


def save_models(models: StatementModels, directory: Path) -> None:
    """Write the JSON header and the npz arrays (``allow_pickle`` is never needed to read them)."""
    directory.mkdir(parents=True, exist_ok=True)
    vocab = sorted(models.space.vocabulary, key=models.space.vocabulary.__getitem__)
    header = {
        "format_version": FORMAT_VERSION,
        "kind_classes": list(models.kind.classes),
        "category_classes": list(models.category.classes),
        "vocabulary": vocab,
        "meta": models.meta,
    }
    (directory / f"{MODEL_NAME}.json").write_text(
        json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    arrays = {
        "idf": models.space.idf.astype(np.float32),
        "kind_coef": models.kind.coef.astype(np.float32),
        "kind_intercept": models.kind.intercept.astype(np.float32),
        "category_coef": models.category.coef.astype(np.float32),
        "category_intercept": models.category.intercept.astype(np.float32),
    }
    # np.savez_compressed stamps zip entries with the current time; write entries ourselves so
    # that `reportmine train` twice gives byte-identical files.
    _write_npz(directory / f"{MODEL_NAME}.npz", arrays)


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def load_models(directory: Path) -> StatementModels:
    header = json.loads((directory / f"{MODEL_NAME}.json").read_text(encoding="utf-8"))
    if header.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{directory}: model format {header.get('format_version')}, expected {FORMAT_VERSION}")
    with np.load(directory / f"{MODEL_NAME}.npz", allow_pickle=False) as z:
        arrays = {k: z[k].astype(np.float64) for k in z.files}
    space = FeatureSpace({f: i for i, f in enumerate(header["vocabulary"])}, arrays["idf"])
    kind = LinearModel(tuple(header["kind_classes"]), arrays["kind_coef"], arrays["kind_intercept"])
    category = LinearModel(
        tuple(header["category_classes"]), arrays["category_coef"], arrays["category_intercept"]
    )
    return StatementModels(space, kind, category, header.get("meta", {}))


_lock = threading.Lock()
_cache: dict[Path, StatementModels | None] = {}


def get_models() -> StatementModels | None:
    """The trained models, loaded once per process; None (logged) when models/ has none."""
    directory = model_dir()
    with _lock:
        if directory not in _cache:
            if (directory / f"{MODEL_NAME}.npz").is_file():
                _cache[directory] = load_models(directory)
            else:
                log.warning("no statement models in %s: run `reportmine train`; using cues only", directory)
                _cache[directory] = None
        return _cache[directory]


def score(texts: Sequence[str]) -> list[Scores] | None:
    """Kind and category probabilities for a batch of texts (one jieba pass per text)."""
    return score_features([featurize(t) for t in texts])


def score_features(features: Sequence[Sequence[str]]) -> list[Scores] | None:
    """Like :func:`score` for texts already turned into features (a sentence's features are
    its clauses' features together, so nothing is segmented twice). None without models."""
    models = get_models()
    if models is None:
        return None
    if not features:
        return []
    x = models.space.transform(features)
    kp = models.kind.proba(x)
    cp = models.category.proba(x)
    kinds, cats = models.kind.classes, models.category.classes
    return [
        Scores(dict(zip(kinds, map(float, k))), dict(zip(cats, map(float, c)))) for k, c in zip(kp, cp)
    ]
