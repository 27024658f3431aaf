"""Scores the recommendation register against hand-made link gold (corpora/tracking/*.gold.json).

Gold entries: {"recommendation": {"doc", "text"}, "evidence": [{"doc", "text"}], "status"}.
A gold recommendation is found when a register item of the same document overlaps its text by
at least half of the shorter span. A link is a (recommendation, evidence document) pair and is
right when its best evidence span in that document overlaps one of the gold evidence texts there.
Same-document batch claims are not links (they are claims) and are left out of link scores.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import tracking
from .errors import NotFound
from .ingest import ingest
from .store import Store


@dataclass(slots=True)
class RegisterScore:
    gold_items: int = 0
    found_items: int = 0
    link_tp: int = 0
    link_pred: int = 0
    link_gold: int = 0
    status_right: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        p = self.link_tp / self.link_pred if self.link_pred else 0.0
        r = self.link_tp / self.link_gold if self.link_gold else 0.0
        return {
            "items_found": f"{self.found_items}/{self.gold_items}",
            "link_precision": round(p, 3), "link_recall": round(r, 3),
            "link_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "status_accuracy": round(self.status_right / self.gold_items, 3) if self.gold_items else 0.0,
            "status_confusion": {f"{g}->{p}": n for (g, p), n in sorted(self.confusion.items())},
        }


def evaluate_register(corpora_dir: str | Path, workers: int = 2) -> RegisterScore:
    """Ingest every document under ``corpora_dir`` into a scratch store, link, and score."""
    corpora = Path(corpora_dir)
    gold = [g for path in sorted((corpora / "tracking").glob("*.gold.json"))
            for g in json.loads(path.read_text(encoding="utf-8"))]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "register.db")
        ingest([corpora / "samples"], store, workers=workers)
        tracking.relink(store)
        return score_register(store, gold)


def score_register(store: Store, gold: list[dict[str, Any]]) -> RegisterScore:
    items = tracking.recommendations(store, kind=None, limit=1000) + _rest(store)
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        by_doc.setdefault(it["doc"], []).append(it)
    texts: dict[str, str] = {}
    score = RegisterScore()
    for entry in gold:
        rec = entry["recommendation"]
        score.gold_items += 1
        gold_evidence = [(e["doc"], e["text"]) for e in entry["evidence"]]
        score.link_gold += len({d for d, _ in gold_evidence})
        item = _find(by_doc.get(rec["doc"], []), _span(store, texts, by_doc, rec["doc"], rec["text"]))
        predicted = item["status"] if item else "no_record"
        score.status_right += predicted == entry["status"]
        score.confusion[(entry["status"], predicted)] += 1
        if item is None:
            score.misses.append(f"{rec['doc']}: {rec['text']}")
            continue
        score.found_items += 1
        best: dict[str, dict[str, Any]] = {}  # per evidence document, its best link (links come best first)
        for link in item["links"]:
            if link["evidence"] != "item" or (link["suggestion"] and link["decided"] != "confirm"):
                continue
            if link["doc"] == rec["doc"] and not any(d == rec["doc"] for d, _ in gold_evidence):
                continue  # a same-document restatement is not counted either way unless gold lists one
            best.setdefault(link["doc"], link)
        for doc, link in best.items():
            score.link_pred += 1
            spans = _evidence_spans(_text(store, texts, doc), [t for d, t in gold_evidence if d == doc])
            score.link_tp += any(_overlap((link["start"], link["end"]), s) for s in spans)
    return score


def _rest(store: Store) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset = 1000
    while True:
        page = tracking.recommendations(store, kind=None, limit=1000, offset=offset)
        if not page:
            return out
        out += page
        offset += 1000


def _evidence_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where an entry's evidence texts stand. A short text that occurs more than once (已完成整改
    in the opening count and in every section) is taken at the occurrence nearest to the
    entry's texts that occur once, which fix the answering section."""
    found = {n: [m.start() for m in re.finditer(re.escape(n), text)] for n in needles}
    anchors = [p[0] for p in found.values() if len(p) == 1]
    spans = []
    for needle, starts in found.items():
        if not starts:
            continue
        # A status line follows the evidence it concludes: the first occurrence after the first
        # anchor, else the nearest before it.
        first = min(anchors) if anchors else 0
        after = [s for s in starts if s >= first]
        start = after[0] if after else starts[-1]
        spans.append((start, start + len(needle)))
    return spans


def _text(store: Store, texts: dict[str, str], doc: str) -> str:
    """A document's text by source name; empty when the gold names a document not ingested."""
    if doc not in texts:
        try:
            texts[doc] = store.document_text(store.document(doc)["id"])
        except NotFound:
            texts[doc] = ""
    return texts[doc]


def _span(store: Store, texts: dict[str, str], by_doc: dict[str, list[dict[str, Any]]], doc: str,
          needle: str) -> tuple[int, int] | None:
    i = _text(store, texts, doc).find(needle)
    return (i, i + len(needle)) if i >= 0 else None


def _find(items: list[dict[str, Any]], span: tuple[int, int] | None) -> dict[str, Any] | None:
    if span is None:
        return None
    best = max(items, key=lambda it: _overlap_len((it["start"], it["end"]), span), default=None)
    return best if best and _overlap((best["start"], best["end"]), span) else None


def _overlap_len(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return _overlap_len(a, b) >= 0.5 * min(a[1] - a[0], b[1] - b[0])
