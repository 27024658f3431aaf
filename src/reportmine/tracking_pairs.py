"""Which documents can answer which: the blocking step of linking.

Statements are only ever compared inside a pair of documents, and pairs come from what the
documents say about each other, found through indexes (never by comparing every document with
every other):

- ``answers``: the later document cites the earlier one's title in 《》 (a rectification report
  naming the evaluation it answers, a reply naming the proposal);
- ``number``: both carry the same proposal number (第0087号, DH117) and compatible regions: a
  proposal, its reply, and the work report that reports on it, in that order;
- ``restates``: same region and kind of document, one or two years later, and the later text
  says it follows up earlier findings or plans (上年度, 针对…提出的…).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_TITLE_REF = re.compile(r"《([^《》]{6,80})》")
_RESTATES = re.compile(r"上年度|上一年度|上年|去年|此前|以往年度|针对.{0,30}(?:提出|指出|反馈|发现)")
_ADMIN = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|新区|地区|省|市|州|盟|县|区|旗)")
# Where a document stands in the life of a piece of advice, for ordering undated documents.
_STAGE = {"proposal": 0, "evaluation_report": 0, "self_evaluation": 0, "proposal_reply": 1,
          "rectification_report": 1, "work_report": 2, "compilation": 2, "other": 2}
RESTATE_YEARS = 2


@dataclass(frozen=True, slots=True)
class Pair:
    item_doc: str
    ev_doc: str
    kind: str  # answers, number, restates
    reason: str


def document_pairs(docs: dict[str, dict[str, Any]], heads: dict[str, str], has_items: set[str]) -> list[Pair]:
    """Pairs (document with register items, later document that may answer them)."""
    pairs: dict[tuple[str, str], Pair] = {}
    for pair in (*_title_pairs(docs, heads, has_items), *_number_pairs(docs, has_items),
                 *_restatement_pairs(docs, heads, has_items)):
        pairs.setdefault((pair.item_doc, pair.ev_doc), pair)
    return sorted(pairs.values(), key=lambda p: (p.item_doc, p.ev_doc))


def region_key(region: str | None) -> str | None:
    """The smallest administrative unit named: 重庆市青岚区 -> 青岚区."""
    if not region:
        return None
    parts = _ADMIN.findall(region)
    return parts[-1] if parts else region


def norm_title(title: str) -> str:
    return re.sub(r"[\s《》“”\"'（）()]", "", title)


def norm_number(number: str) -> str:
    core = re.sub(r"[\s第号]", "", number).upper()
    m = re.match(r"^([A-Z]*)0*(\d+)$", core)
    return f"{m.group(1)}{m.group(2)}" if m else core


def later(ev: dict[str, Any], item: dict[str, Any]) -> bool:
    """Whether ``ev`` can answer ``item``: dated after it, or a later stage in the same year."""
    if ev["date"] and item["date"] and ev["date"] != item["date"]:
        return bool(ev["date"] > item["date"])
    if (ev["year"] or 0) != (item["year"] or 0) and ev["year"] and item["year"]:
        return bool(ev["year"] > item["year"])
    return _STAGE.get(ev["doc_type"], 2) > _STAGE.get(item["doc_type"], 2)


def _title_pairs(docs: dict[str, dict[str, Any]], heads: dict[str, str], has_items: set[str]) -> Iterable[Pair]:
    """A later document that cites an earlier one's title. Titles repeat across regions (关于
    加强预算绩效管理的建议 is proposed everywhere), so a cited title is looked up with the citing
    document's region; a title held by one document only needs no region to agree."""
    by_title: dict[str, list[str]] = defaultdict(list)
    by_place: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for d in docs.values():
        if d["title"] and d["id"] in has_items:
            key = norm_title(d["title"])
            by_title[key].append(d["id"])
            by_place[(key, region_key(d["region"]))].append(d["id"])
    for ev_id, head in heads.items():
        place = region_key(docs[ev_id]["region"])
        for title in _TITLE_REF.findall(head):
            key = norm_title(title)
            everywhere = by_title.get(key, [])
            targets = everywhere if len(everywhere) == 1 else by_place.get((key, place), []) + by_place.get((key, None), [])
            for target in targets:
                if target != ev_id and later(docs[ev_id], docs[target]):
                    yield Pair(target, ev_id, "answers", f"cites 《{title}》")


def _number_pairs(docs: dict[str, dict[str, Any]], has_items: set[str]) -> Iterable[Pair]:
    """Documents with the same proposal number in the same place (numbers restart in every
    region and every session, so the region is part of the key)."""
    by_key: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for d in docs.values():
        if d["proposal_no"]:
            by_key[(norm_number(d["proposal_no"]), region_key(d["region"]))].append(d["id"])
    for (number, place), ids in by_key.items():
        # A document whose region is unknown may belong to any place with this number.
        candidates = ids + (by_key.get((number, None), []) if place else
                            [i for (n, p), more in by_key.items() if n == number and p for i in more])
        for item_id in ids:
            if item_id not in has_items:
                continue
            for ev_id in candidates:
                item, ev = docs[item_id], docs[ev_id]
                if ev_id != item_id and later(ev, item) and ev["doc_type"] != "proposal":
                    kind = "answers" if ev["doc_type"] == "proposal_reply" and item["doc_type"] == "proposal" else "number"
                    yield Pair(item_id, ev_id, kind, f"same proposal number {ev['proposal_no']}")


def _restatement_pairs(docs: dict[str, dict[str, Any]], heads: dict[str, str], has_items: set[str]) -> Iterable[Pair]:
    buckets: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for d in docs.values():
        key = region_key(d["region"])
        if key and d["year"] and d["doc_type"] in ("work_report", "self_evaluation"):
            buckets[(key, d["doc_type"])].append(d)
    for (key, _), group in buckets.items():
        by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for d in group:
            by_year[d["year"]].append(d)
        for d in group:
            if d["id"] not in has_items:
                continue
            for year in range(d["year"] + 1, d["year"] + RESTATE_YEARS + 1):
                for ev in by_year.get(year, []):
                    if _same_issuer(d, ev) and _RESTATES.search(heads.get(ev["id"], "")):
                        yield Pair(d["id"], ev["id"], "restates", f"same region {key}, {year} report follows up")


def _same_issuer(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ia, ib = (a["issuer"] or "").split("市")[-1], (b["issuer"] or "").split("市")[-1]
    return not ia or not ib or ia.endswith(ib) or ib.endswith(ia)
