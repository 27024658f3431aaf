"""Similarity between register items and the evidence units of a paired document.

Texts are compared as TF-IDF vectors of character bigrams and trigrams on the normalised
view: Chinese has no spaces, and a rectification report rewords advice (测算 / 预算测算 /
按工程量清单编制预算), which word segmentation cuts inconsistently; character n-grams still
overlap, and figures (579.13万元, 3,280亩) match as they are written.

A document that answers the item's document (a rectification report, a reply) is read section
by section: each group of items (one heading of the earlier report) is first assigned to the
section that answers it, then each item to its most similar unit there. A later report that
only follows up is searched as a whole, preferring the passages that name the earlier document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .tracking_text import DocView, Unit

ANCHOR_BONUS = 0.10  # added to units in passages that name the item's document
WITHIN_BLOCK = 0.12  # below this no unit of the answering block restates the item itself


@dataclass(frozen=True, slots=True)
class Candidate:
    """The best evidence for one item in one document."""

    unit: Unit
    score: float  # what thresholds apply to (see best_units, best_in_block)
    unit_sim: float
    block_sim: float
    block_rank: int  # 0 when the unit's block is the item's most similar block
    item_block_sim: float = 0.0  # the item alone against the unit's block
    anchored: bool = False  # the unit stands where the document names the item's document
    headline: bool = False  # the item is the one recommendation its group's heading states
    also: tuple[Candidate, ...] = ()  # runners-up in other sentences (follow-up reports)


class Vectoriser:
    """One TF-IDF space for a whole relink, so scores are comparable across pairs.

    Matching functions take the evidence side transposed (features x units, CSR), made once per
    evidence document: a product with a transposed CSR matrix otherwise converts it every time.

    Character n-grams are hashed (no vocabulary to build or hold), and the IDF weights come
    from a sample of the texts: an n-gram the sample never saw is weighted as the rarest, which
    is what a name or a figure found in two paired documents deserves.
    """

    def __init__(self, fit_texts: list[str]) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        self._hash = HashingVectorizer(analyzer="char", ngram_range=(2, 3), n_features=2 ** 18,
                                       alternate_sign=False, norm=None, dtype=np.float32)
        self._idf = TfidfTransformer(sublinear_tf=True)
        self._idf.fit(self._hash.transform(fit_texts or [""]))

    def counts(self, texts: list[str]) -> Any:
        return self._hash.transform(texts)

    def weigh(self, counts: Any) -> Any:
        return self._idf.transform(counts)

    def transform(self, texts: list[str]) -> Any:
        return self.weigh(self.counts(texts))

    def transform_units(self, dv: DocView) -> Any:
        """Unit vectors (one row per unit) from clause counts: a unit of several clauses is the sum of its clauses,
        so each clause is analysed once."""
        from scipy.sparse import csr_matrix

        clause_counts = self.counts([dv.text[a:b] for a, b in dv.clauses])
        rows, cols = [], []
        for i, u in enumerate(dv.units):
            for c in range(u.clauses[0], u.clauses[1] + 1):
                rows.append(i)
                cols.append(c)
        member = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(dv.units), len(dv.clauses)))
        return self.weigh(member @ clause_counts)


def best_units(item_vecs: Any, item_texts: list[str], unit_t: Any, dv: DocView, eligible: np.ndarray,
               anchored: np.ndarray) -> list[Candidate | None]:
    """For every item (rows of ``item_vecs``), its best unit anywhere in ``dv``.

    ``anchored`` marks units in the passages that name the item's document (第0087号建议, 上年度
    报告指出): a later report says what it did about a proposal there, so they are preferred.
    Figures the item and a unit share count too (see figure_bonus).
    """
    if not dv.units or item_vecs.shape[0] == 0:
        return [None] * item_vecs.shape[0]
    unit_sim = (item_vecs @ unit_t).toarray() + figure_bonus(item_texts, dv)
    score = np.where(eligible[None, :], unit_sim + ANCHOR_BONUS * anchored[None, :], -1.0)
    out: list[Candidate | None] = []
    for i in range(score.shape[0]):
        order = np.argsort(-score[i])
        j = int(order[0])
        if score[i, j] < 0:
            out.append(None)
            continue
        out.append(Candidate(dv.units[j], float(unit_sim[i, j]), float(unit_sim[i, j]), 0.0, 0, 0.0,
                             bool(anchored[j]), also=_also(dv, order, score[i], unit_sim[i], anchored)))
    return out


def _also(dv: DocView, order: np.ndarray, score: np.ndarray, sim: np.ndarray,
          anchored: np.ndarray) -> tuple[Candidate, ...]:
    """Runners-up in other sentences scoring within ALSO_RATIO of the best: a later report often
    tells one point in two places (what was done; what is still missing)."""
    best = float(score[order[0]])
    seen = {dv.units[int(order[0])].sentence}
    out: list[Candidate] = []
    for j in order[1:ALSO_SCAN]:
        j = int(j)
        if score[j] < ALSO_RATIO * best:
            break
        if dv.units[j].sentence not in seen:
            seen.add(dv.units[j].sentence)
            out.append(Candidate(dv.units[j], float(sim[j]), float(sim[j]), 0.0, 0, 0.0, bool(anchored[j])))
            if len(out) == ALSO_MAX:
                break
    return tuple(out)


ALSO_RATIO = 0.75
ALSO_MAX = 2
ALSO_SCAN = 60


def figure_bonus(item_texts: list[str], dv: DocView) -> np.ndarray:
    """FIGURE_BONUS for every figure (two or more digits: 58个, 2021年度, 10条) an item shares with
    a unit, up to two: a later report restates the earlier figures it follows up (其余10条正在整改
    -> 2021年度10条建议也已全部整改到位), which wording alone weighs too lightly."""
    unit_figs = [set(_FIGURE.findall(u.text)) for u in dv.units]
    out = np.zeros((len(item_texts), len(dv.units)), dtype=np.float32)
    for i, text in enumerate(item_texts):
        figs = set(_FIGURE.findall(text))
        if figs:
            out[i] = [FIGURE_BONUS * min(2, len(figs & u)) for u in unit_figs]
    return out


_FIGURE = re.compile(r"\d{2,}(?:[.,]\d+)*")
FIGURE_BONUS = 0.08


def assign_blocks(group_vecs: Any, block_t: Any, eligible_blocks: np.ndarray) -> tuple[list[int], list[float]]:
    """For every group of items (the recommendations under one heading of the earlier report),
    the block of the answering report that answers it, and how similar the two are.

    Answers usually follow the order of the problems, so among blocks of near-equal similarity
    the one that keeps the order wins: a dynamic programme over groups in reading order, where
    going back to an earlier block costs ORDER_PENALTY.
    """
    n, m = group_vecs.shape[0], block_t.shape[1]
    if n == 0 or not eligible_blocks.any():
        return [-1] * n, [0.0] * n
    sim = (group_vecs @ block_t).toarray()
    sim = np.where(eligible_blocks[None, :], sim, -1.0)
    # best[j]: best total with the last group answered in block j; back-pointers per group.
    best = sim[0].copy()
    back = np.zeros((n, m), dtype=int)
    for i in range(1, n):
        prev_max = np.maximum.accumulate(best)  # any block j' <= j: in order, free
        prev_arg = np.array([int(best[: j + 1].argmax()) for j in range(m)])
        glob = int(best.argmax())
        back_ok = prev_max
        penal = best[glob] - ORDER_PENALTY
        use_glob = penal > back_ok
        back[i] = np.where(use_glob, glob, prev_arg)
        best = np.where(use_glob, penal, back_ok) + sim[i]
    blocks = [0] * n
    blocks[-1] = int(best.argmax())
    for i in range(n - 1, 0, -1):
        blocks[i - 1] = int(back[i, blocks[i]])
    return blocks, [float(sim[i, b]) for i, b in enumerate(blocks)]


ORDER_PENALTY = 0.05


def best_in_block(item_vecs: Any, group_vecs: Any, unit_t: Any, block_t: Any, dv: DocView,
                  blocks: list[int], block_sims: list[float], eligible: np.ndarray) -> list[Candidate | None]:
    """Each item's most similar unit inside the block its group was assigned to.

    ``item_block_sim`` is the item's own likeness to that block: a headline such as 加快预算执行
    matches the block's heading (加快预算执行、盘活沉淀资金方面) better than any one sentence in
    it. When no unit restates the item, the headline is evidenced by what evidences its group, so
    the unit most like the whole group (``group_vecs``, one row per item) is taken.
    """
    if not dv.units or item_vecs.shape[0] == 0:
        return [None] * item_vecs.shape[0]
    unit_sim = (item_vecs @ unit_t).toarray()
    group_sim = (group_vecs @ unit_t).toarray()
    item_block = (item_vecs @ block_t).toarray()
    unit_block = np.array([u.block for u in dv.units])
    out: list[Candidate | None] = []
    for i, (b, bs) in enumerate(zip(blocks, block_sims)):
        mask = eligible & (unit_block == b)
        if b < 0 or not mask.any():
            out.append(None)
            continue
        j = int(np.where(mask, unit_sim[i], -1.0).argmax())
        if unit_sim[i, j] < WITHIN_BLOCK:
            j = int(np.where(mask, group_sim[i], -1.0).argmax())
        out.append(Candidate(dv.units[j], float(max(unit_sim[i, j], item_block[i, b])), float(unit_sim[i, j]), bs, 0,
                             float(item_block[i, b])))
    return out
