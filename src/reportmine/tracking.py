"""The recommendation register: every recommendation, issue and commitment, followed to its
recorded rectification.

Linking never compares every pair of statements in the corpus. Documents are first paired by
what they say about each other (tracking_pairs: a title in 《》, a proposal number, a later
report of the same body that follows up earlier findings); only inside a pair are texts
compared (tracking_match). The later document is read as blocks and evidence units
(tracking_text): a rectification report answers problem by problem, each in its own section,
so an item is matched to units of the section that answers its problem, and the unit's status
is the one that section states nearest after it (tracking_status: 整改结果：已完成整改).

Commitments are items too: a work report's plans (2023年工作打算) and a reply's promises are
what the next year's report says it did, and a rectification that says part is still open
(其余10条正在整改) is followed to where it closes.

Status is kept twice: what a document *claims* in aggregate (共提出建议117条，已全部整改) and
what is *evidenced* item by item, from the latest document that answers the item; the register's
status prefers the evidence, then the claim, and a person's decision overrides both. Decisions
live in their own table and are re-applied after every relink; link ids hash the item and the
evidence span, so they survive relinking and re-ingest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .errors import InvalidRequest
from .normalize import normalize
from .store import Store
from .tracking_match import (
    WITHIN_BLOCK,
    Candidate,
    Vectoriser,
    assign_blocks,
    best_in_block,
    best_units,
)
from .tracking_pairs import Pair, document_pairs, norm_number
from .tracking_status import (
    CLASS_STATUS,
    Mention,
    block_status,
    evidence_status,
    mentions,
    reply_class,
)
from .tracking_status import status_of as _status_of
from .tracking_text import DocView, build_view

log = logging.getLogger(__name__)

STATUSES = ("rectified", "in_progress", "not_rectified", "no_record")
# A later report that follows up the item's document: unit similarity (cosine) needed for a
# link anywhere, for a link in a passage that names the earlier document, for a suggestion.
THRESHOLDS = {"number": (0.30, 0.10, 0.15), "restates": (0.25, 0.25, 0.15)}
# A document that answers the item's document (a rectification report, a reply): the item's
# group must match an answering section, and the item that section or a sentence in it.
ANSWER_SECTION = 0.08
ANSWER_LINK = 0.08
ANSWER_SUGGEST = 0.05
# The IDF weights come from a sample: the sentences of FIT_DOCS answering documents and about
# FIT_ITEMS items give stable weights, and fitting on everything would grow with the store.
FIT_DOCS = 300
FIT_ITEMS = 20000

_DEADLINE = re.compile(r"(?:于|在)?(20\d{2})年(\d{1,2})月(?:(\d{1,2})日|底|末)?(?:之?前|以前)(?:完成|整改|落实|报送)")
# 请…于…前完成整改 / 应在6个月内报送整改情况: a deadline for the whole report, answered by the
# rectification report's batch line (4条建议中已完成整改3条，列入计划1条).
_DEADLINE_ITEM = re.compile(r"(?:请|要求|应|须)[^。；]{0,40}(?:前|内)[^。；]{0,20}(?:整改|报送)")
_PROJECT = re.compile(r"([\u4e00-\u9fff（）()“”]{4,40}?(?:项目|工程|资金|政策|专项))")
_UNIT = re.compile(r"([\u4e00-\u9fff]{2,12}(?:局|委|办|中心|医院|学校|公司|站|所|院|馆))")
# Sentences of a reply that address the delegate rather than answer a point.
_COURTESY = re.compile(r"^(?:关于)?您|收悉|感谢您|联系人|联系电话|抄送")
_ITEM_KINDS = ("recommendation", "issue", "measure")
# Where a later report says it follows up earlier findings or plans.
_FOLLOW_UP = re.compile(r"上年度|上一年度|上年|去年|针对.{0,30}(?:提出|指出|反馈|发现)|按照.{0,10}(?:确定|提出)的")
_ANSWERING_TYPES = ("rectification_report", "proposal_reply")
# A sentence that passes judgement on the section's point (此项基本完成, 该条建议正在整改).
_VERDICT = re.compile(r"(?:此项|该项|本项|该问题|此问题|该条建议|该建议)")
_DONE_BY_BLOCK = {"achieved": "rectified", "plan": "in_progress", "problem": "not_rectified"}


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    items: int
    links: int
    suggestions: int
    by_status: dict[str, int]


def status_of(text: str) -> tuple[str | None, list[str]]:
    """The normalised status a passage states, with the source words that say it."""
    return _status_of(normalize(text).text)


def relink(store: Store, today: date | None = None) -> RegisterSummary:
    """Rebuild the register and its links from what the store holds, then re-apply decisions."""
    inputs = store.register_inputs()
    builder = _Builder(store, inputs, today or date.today())
    register, links = builder.build()
    fingerprint, _ = store.register_fingerprint()
    store.replace_register(register, links, fingerprint)
    by_status: dict[str, int] = defaultdict(int)
    for row in register:
        by_status[row["status"]] += 1
    return RegisterSummary(len(register), len(links), sum(1 for lk in links if lk["suggestion"]), dict(by_status))


def ensure_linked(store: Store) -> None:
    """Relink only if documents were added since the register was built."""
    now, built = store.register_fingerprint()
    if now != built:
        relink(store)


def recommendations(store: Store, *, status: str | None = None, region: str | None = None,
                    category: str | None = None, kind: str | None = "recommendation", year: int | None = None,
                    doc_id: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict[str, Any]]:
    """Register items with their links, in the shape ``reportmine track --json`` prints."""
    if status is not None and status not in STATUSES + ("overdue",):
        raise InvalidRequest(f"unknown status {status!r}; use one of {', '.join(STATUSES)} or overdue")
    ensure_linked(store)
    page = store.register_rows(status=None if status == "overdue" else status, region=region, category=category,
                               kind=kind, year=year, doc_id=doc_id, limit=limit, offset=offset)
    rows = [r for r in page.rows if status != "overdue" or r["overdue"]]
    links = store.links_for([r["id"] for r in rows])
    return [_item_json(r, links[r["id"]]) for r in rows]


def open_items(store: Store, limit: int = 1000) -> list[dict[str, Any]]:
    """Recommendations not yet rectified, oldest first."""
    items = recommendations(store, limit=limit)
    return [i for i in items if i["status"] != "rectified"]


def rates(store: Store, by: str) -> list[dict[str, Any]]:
    """Rectification rates grouped by doc, unit, region, year or category."""
    column = {"doc": "source", "unit": "unit", "region": "region", "year": "year", "category": "category"}.get(by)
    if column is None:
        raise InvalidRequest("group by one of doc, unit, region, year, category")
    ensure_linked(store)
    groups: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in _all_register(store):
        groups[row.get(column)][row["status"]] += 1
    out = []
    for key, counts in sorted(groups.items(), key=lambda kv: str(kv[0])):
        total = sum(counts.values())
        out.append({by: key, "total": total, **counts,
                    "rectified_rate": round(counts["rectified"] / total, 4) if total else None})
    return out


def confirm_link(store: Store, link_id: str, note: str | None = None) -> dict[str, Any]:
    store.link(link_id)
    return _decide(store, "link", link_id, "confirm", note)


def reject_link(store: Store, link_id: str, note: str | None = None) -> dict[str, Any]:
    store.link(link_id)
    return _decide(store, "link", link_id, "reject", note)


def set_status(store: Store, rec_id: str, status: str, note: str | None = None) -> dict[str, Any]:
    if status not in STATUSES:
        raise InvalidRequest(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    ensure_linked(store)
    item = store.register_item(rec_id)
    return _decide(store, "status", item["id"], status, note)


def _decide(store: Store, target: str, target_id: str, decision: str, note: str | None) -> dict[str, Any]:
    """Store a decision and re-derive the one item it touches (a relink of a large store takes
    a minute; a click must not). The next full relink re-applies every decision the same way."""
    ensure_linked(store)
    row = store.add_decision(target, target_id, decision, note)
    rec_id = store.link(target_id)["rec_id"] if target == "link" else target_id
    item = store.register_item(rec_id)
    links = store.links_for([rec_id])[rec_id]
    decisions = _latest_decisions(store.decisions())
    for lk in links:
        decided = decisions.get(("link", lk["id"]))
        lk["decided"] = decided["decision"] if decided else None
    docs = {d: store.document(d) for d in {lk["doc_id"] for lk in links}}
    claimed, evidenced, status, words = _statuses(links, docs, decisions.get(("status", rec_id)))
    deadline = item["deadline"]
    store.update_register_item(rec_id, links, {
        "claimed_status": claimed, "evidenced_status": evidenced, "status": status,
        "source_status_words": json.dumps(words, ensure_ascii=False),
        "overdue": int(bool(deadline and deadline < date.today().isoformat() and status != "rectified")),
        "decided_note": (decisions.get(("status", rec_id)) or {}).get("note"),
    })
    return row


def _all_register(store: Store) -> Iterable[dict[str, Any]]:
    offset = 0
    while True:
        page = store.register_rows(kind="recommendation", limit=1000, offset=offset)
        yield from page.rows
        offset += len(page.rows)
        if offset >= page.total or not page.rows:
            return


def _item_json(row: dict[str, Any], links: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"], "doc": row["source"], "doc_id": row["doc_id"], "doc_type": row["doc_type"],
        "text": row["text"], "start": row["start"], "end": row["end"], "kind": row["kind"],
        "category": row["category"], "year": row["year"], "region": row["region"], "unit": row["unit"],
        "project": row["project"], "deadline": row["deadline"], "overdue": bool(row["overdue"]),
        "status": row["status"], "claimed_status": row["claimed_status"],
        "evidenced_status": row["evidenced_status"],
        "source_status_words": json.loads(row["source_status_words"] or "[]"), "note": row["decided_note"],
        "links": [
            {"id": lk["id"], "doc": lk["source"], "doc_id": lk["doc_id"], "text": lk["text"], "start": lk["start"],
             "end": lk["end"], "evidence": lk["evidence"], "reason": lk["reason"], "score": lk["score"],
             "status": lk["status"], "suggestion": bool(lk["suggestion"]), "decided": lk["decided"]}
            for lk in links
        ],
    }



class _Builder:
    """One relink: pairs documents, matches items inside pairs, derives statuses."""

    def __init__(self, store: Store, inputs: dict[str, list[dict[str, Any]]], today: date) -> None:
        self.store = store
        self.today = today
        self.docs = {d["id"]: d for d in inputs["documents"]}
        self.items = [s for s in inputs["statements"] if _is_item(s)]
        self._norm = {it["id"]: normalize(it["text"]).text for it in self.items}
        self._groups: dict[str, tuple[list[str], list[str], Any]] = {}
        self.claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in inputs["claims"]:
            self.claims[c["doc_id"]].append(c)
        self._doc_deadlines: dict[str, str | None] = {}
        self._decisions = _latest_decisions(store.decisions())

    def doc_deadline(self, doc_id: str) -> str | None:
        """A deadline stated for a whole document's rectification (请…于2024年8月31日前完成整改)."""
        if doc_id not in self._doc_deadlines:
            self._doc_deadlines[doc_id] = _deadline(self.store.document_text(doc_id))
        return self._doc_deadlines[doc_id]

    def build(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        items_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for it in self.items:
            items_by_doc[it["doc_id"]].append(it)
        heads = {d_id: d["head"] or "" for d_id, d in self.docs.items()}
        pairs = document_pairs(self.docs, heads, set(items_by_doc))
        log.info("register: %d items, %d document pairs", len(self.items), len(pairs))
        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if pairs:
            self._link_pairs(pairs, items_by_doc, links)
        for doc_id, claims in self.claims.items():
            for claim in claims:
                for it in items_by_doc.get(doc_id, []):
                    if claim["status"] and it["kind"] == "recommendation":
                        links[it["id"]].append(self._claim_link(it, claim))
        register = [self._register_row(it, links[it["id"]]) for it in self.items]
        return register, [lk for lks in links.values() for lk in lks]

    # -- matching inside pairs -------------------------------------------------------------

    def _link_pairs(self, pairs: list[Pair], items_by_doc: dict[str, list[dict[str, Any]]],
                    links: dict[str, list[dict[str, Any]]]) -> None:
        by_ev: dict[str, list[Pair]] = defaultdict(list)
        for p in pairs:
            by_ev[p.ev_doc].append(p)
        paired = [it for d in sorted({p.item_doc for p in pairs}) for it in items_by_doc[d]]
        row = {it["id"]: k for k, it in enumerate(paired)}
        item_texts = [self._norm[it["id"]] for it in paired]
        vec = Vectoriser(item_texts[:: max(1, len(item_texts) // FIT_ITEMS)] + self._fit_sentences(sorted(by_ev)))
        item_m = vec.transform(item_texts)
        # One evidence document at a time: its units are built, compared and dropped.
        for ev_id, ev_pairs in sorted(by_ev.items()):
            dv = self._view(ev_id)
            unit_m = vec.transform_units(dv).T.tocsr() if dv.units else None
            block_m = vec.transform([dv.blocks[b].heading + dv.block_text(b) for b in range(len(dv.blocks))]).T.tocsr()
            found = mentions(dv.text)
            for pair in ev_pairs:
                its = items_by_doc[pair.item_doc]
                idx = [row[it["id"]] for it in its]
                cands = self._candidates(pair, its, item_m[idx], unit_m, block_m, dv, vec)
                for link in self._pair_links(pair, its, cands, dv, found):
                    links[link["rec_id"]].append(link)

    def _candidates(self, pair: Pair, items: list[dict[str, Any]], item_m: Any, unit_m: Any, block_m: Any,
                    dv: DocView, vec: Vectoriser) -> list[Candidate | None]:
        """A report that answers the item's document answers it section by section: assign each
        group of items (one heading of the earlier report) to a section first, then take the best
        unit inside it. Other pairs take the best unit anywhere, helped by its section's likeness."""
        if unit_m is None:
            return [None] * len(items)
        eligible = self._eligible(dv, pair)
        if pair.kind != "answers":
            return best_units(item_m, [self._norm[it["id"]] for it in items], unit_m, dv, eligible,
                              self._anchored(dv, pair))
        keys, order, group_m = self._item_groups(pair.item_doc, items, vec)
        answer = np.array([b.kind == "answer" for b in dv.blocks], dtype=bool)
        if not answer.any():
            answer = np.ones(len(dv.blocks), dtype=bool)
        blocks, sims = assign_blocks(group_m, block_m, answer)
        where = {k: (b, s) for k, b, s in zip(order, blocks, sims)}
        row = {k: i for i, k in enumerate(order)}
        cands = best_in_block(item_m, group_m[[row[k] for k in keys]], unit_m, block_m, dv,
                              [where[k][0] for k in keys], [where[k][1] for k in keys], eligible)
        # A heading that is one recommendation (（二）科学编制项目预算) is answered when its
        # group's section is; a heading of two (强化资产管理，提高设施使用效益) must show its own.
        heads: dict[str, list[int]] = defaultdict(list)
        for i, (it, key) in enumerate(zip(items, keys)):
            if key != it["id"] and _is_headline(it):
                heads[key].append(i)
        for members in heads.values():
            c = cands[members[0]]
            if len(members) == 1 and c is not None:
                cands[members[0]] = dataclasses.replace(c, score=max(c.score, c.block_sim), headline=True)
        return cands

    def _item_groups(self, doc_id: str, items: list[dict[str, Any]], vec: Vectoriser) -> tuple[list[str], list[str], Any]:
        """(group key per item, groups in reading order, group vectors), once per document."""
        if doc_id not in self._groups:
            keys = _group_keys(items)
            groups: dict[str, list[str]] = {}
            for it, key in zip(items, keys):
                heading = (it["section"] or "").split(">")[-1].strip() if key != it["id"] else ""
                groups.setdefault(key, [normalize(heading).text]).append(self._norm[it["id"]])
            order = list(groups)
            self._groups[doc_id] = (keys, order, vec.transform([" ".join(groups[k]) for k in order]))
        return self._groups[doc_id]

    def _fit_sentences(self, ev_ids: list[str]) -> list[str]:
        step = max(1, len(ev_ids) // FIT_DOCS)
        out: list[str] = []
        for ev_id in ev_ids[::step]:
            text = normalize(self.store.document_text(ev_id)).text
            out.extend(s for s in re.split(r"[。；;！？!?\n]", text) if s.strip())
        return out

    def _view(self, doc_id: str) -> DocView:
        doc = self.store.load_document(doc_id)
        return build_view(self.docs[doc_id], doc.text, doc.sections,
                          answering=self.docs[doc_id]["doc_type"] in _ANSWERING_TYPES)

    def _anchored(self, dv: DocView, pair: Pair) -> np.ndarray:
        """Units in the sections that name the item's document: its proposal number for a
        proposal's follow-up, words of follow-up (针对上年度…, 按照上年确定的) for a later report."""
        needle = _number_pattern(self.docs[pair.item_doc]["proposal_no"]) if pair.kind == "number" else _FOLLOW_UP
        if needle is None:
            return np.zeros(len(dv.units), dtype=bool)
        blocks = {i for i in range(len(dv.blocks)) if needle.search(dv.block_text(i))}
        return np.array([u.block in blocks for u in dv.units], dtype=bool)

    def _eligible(self, dv: DocView, pair: Pair) -> np.ndarray:
        """Units that may answer: in a report that answers point by point, those of its answer
        sections (not its preamble or closing plans) and never its courtesies."""
        answer_blocks = {i for i, b in enumerate(dv.blocks) if b.kind == "answer"}
        use_blocks = pair.kind == "answers" and bool(answer_blocks)
        courtesy = {i for i, (s, e) in enumerate(dv.sentence_spans) if _COURTESY.search(dv.text[s:e].lstrip())}
        return np.array([(not use_blocks or u.block in answer_blocks) and u.sentence not in courtesy
                         for u in dv.units], dtype=bool)

    def _pair_links(self, pair: Pair, items: list[dict[str, Any]], cands: list[Candidate | None], dv: DocView,
                    found: list[Mention]) -> list[dict[str, Any]]:
        batch = _batch_sentence(dv, found, pair, self.docs[pair.item_doc])
        # The batch line (5条建议已全部落实) is about the proposal's points; a reply's own
        # commitments that the later report follows up are not among them.
        batch_covers = batch is not None and self.docs[pair.item_doc]["doc_type"] == "proposal"
        out = []
        for it, cand in zip(items, cands):
            norm = self._norm[it["id"]]
            if it["kind"] == "recommendation" and "整改" in norm and _DEADLINE_ITEM.search(norm) and pair.kind == "answers":
                out.extend(self._deadline_links(it, dv, found, batch, pair))
                continue
            confident = False
            verdict = _verdict(pair, cand)
            if verdict == "anchored" and batch_covers and _unanimous(dv, found, batch):
                # Weak wording in the passage about the proposal, and a sentence that says all of
                # it was handled one way (5条建议已全部落实): that sentence is the better evidence.
                verdict = "suggest"
            if cand is not None and verdict:
                confident = verdict in ("link", "anchored")
                unit = cand.unit
                # A link shows the whole sentence; a topic clause, the paragraph it opens.
                vstart, vend = (unit.vstart, unit.vend) if unit.topic else dv.sentence_spans[unit.sentence]
                focus = (vstart, vend) if unit.topic else (unit.vstart, unit.vend)
                if pair.kind == "answers" and (cand.unit_sim < WITHIN_BLOCK or cand.headline):
                    # A headline (（四）强化资产管理) or a point no sentence of the answering section
                    # restates: the section's concluding result line answers it.
                    result = _result_sentence(dv, found, unit.block)
                    if result is not None:
                        vstart, vend = focus = result
                status, words = self._span_status(dv, found, focus, unit.block, pair, it)
                reason = (f"{pair.reason}; similar wording (cosine {cand.unit_sim:.2f}, item/section "
                          f"{cand.item_block_sim:.2f}, problem/section {cand.block_sim:.2f}"
                          f"{', where it names the earlier document' if cand.anchored else ''})")
                out.append(self._link_row(it, dv, vstart, vend, "item", reason, cand.score, status, words,
                                          suggestion=not confident))
                if confident:
                    out.extend(self._also_links(it, cand, dv, found, pair))
            if not confident and batch_covers and pair.kind == "number":
                out.append(self._batch_link(it, dv, batch, pair, found))
        return out

    def _also_links(self, item: dict[str, Any], cand: Candidate, dv: DocView, found: list[Mention],
                    pair: Pair) -> list[dict[str, Any]]:
        """Further confident evidence in other sentences of a follow-up report."""
        out = []
        for other in cand.also:
            if _verdict(pair, other) in ("link", "anchored"):
                s0, s1 = dv.sentence_spans[other.unit.sentence]
                status, words = self._span_status(dv, found, (other.unit.vstart, other.unit.vend), other.unit.block,
                                                  pair, item)
                out.append(self._link_row(item, dv, s0, s1, "item", f"{pair.reason}; also similar "
                                          f"(cosine {other.unit_sim:.2f})", other.score, status, words, suggestion=False))
        return out

    def _span_status(self, dv: DocView, found: list[Mention], focus: tuple[int, int], block_idx: int,
                     pair: Pair, item: dict[str, Any]) -> tuple[str | None, list[str]]:
        """What the answering document says about this evidence (tracking_status.evidence_status);
        failing that, a reply's 办理结果 class, then what a report's section holds (achievements:
        done, plans: in progress, problems: open)."""
        text = self._norm[item["id"]]
        status, words = evidence_status(dv, found, focus, block_idx, text)
        block = dv.blocks[block_idx] if block_idx >= 0 else None
        if status is None and dv.doc["doc_type"] == "proposal_reply":
            cls = reply_class(dv.text)
            if cls:
                status, words = CLASS_STATUS[cls], [f"{cls}类"]
        if status is None and block is not None and block.kind in _DONE_BY_BLOCK and pair.kind != "answers":
            status, words = _DONE_BY_BLOCK[block.kind], []
        return status, words

    def _deadline_links(self, item: dict[str, Any], dv: DocView, found: list[Mention],
                        batch: tuple[int, int] | None, pair: Pair) -> list[dict[str, Any]]:
        """A report-wide deadline is answered by the whole rectification report: its batch line
        when it has one, else the status of every answer section (all done: rectified)."""
        answer_status = [m for m in (block_status(dv, found, b.vend - 1, b.vend) for b in dv.blocks
                                     if b.kind == "answer") if m is not None]
        first_result = next((r for r in (_result_sentence(dv, found, i) for i, b in enumerate(dv.blocks)
                                         if b.kind == "answer") if r), None)
        if batch is not None:
            in_batch = [m for m in found if batch[0] <= m.vstart < batch[1]]
            span, words = batch, [m.word for m in in_batch]
            statuses = {m.status for m in in_batch}
        elif answer_status and first_result:
            span = first_result
            words, statuses = [m.word for m in answer_status], {m.status for m in answer_status}
        else:
            return []
        status = "rectified" if statuses == {"rectified"} else "in_progress" if statuses else None
        return [self._link_row(item, dv, span[0], span[1], "item", f"{pair.reason}; the report's overall result",
                               0.5, status, words, suggestion=False)]

    def _batch_link(self, item: dict[str, Any], dv: DocView, batch: tuple[int, int], pair: Pair,
                    found: list[Mention]) -> dict[str, Any]:
        # A mixed count (已落实4条，其余2条正在推进) cannot say which points are which.
        status, words = _status_of(dv.text[batch[0]:batch[1]]) if _unanimous(dv, found, batch) else (None, [])
        return self._link_row(item, dv, batch[0], batch[1], "item", f"{pair.reason}; says how the proposal as a whole was handled",
                              0.2, status, words, suggestion=False)

    # -- link rows ------------------------------------------------------------------------

    def _link_row(self, item: dict[str, Any], dv: DocView, vstart: int, vend: int, evidence: str, reason: str,
                  score: float, status: str | None, words: list[str], *, suggestion: bool) -> dict[str, Any]:
        start, end = dv.to_original(vstart, vend)
        return self._row(item, dv.doc["id"], start, end, dv.original[start:end], evidence, reason, score, status,
                         words, suggestion=suggestion)

    def _claim_link(self, item: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
        status = {"rectified": "rectified", "in_progress": "in_progress"}.get(claim["status"])
        count = claim["recommendation_count"]
        reason = "batch claim in the same document" + (f" covering {count} items" if count else "")
        return self._row(item, claim["doc_id"], claim["start"], claim["end"], claim["text"], "claim",
                         reason, 0.5, status, status_of(claim["text"])[1], suggestion=False)

    def _row(self, item: dict[str, Any], doc_id: str, start: int, end: int, text: str, evidence: str,
             reason: str, score: float, status: str | None, words: list[str], *, suggestion: bool) -> dict[str, Any]:
        link_id = hashlib.sha1(f"{item['id']}|{doc_id}|{start}|{end}".encode()).hexdigest()[:16]
        decided = self._decisions.get(("link", link_id))
        return {"id": link_id, "rec_id": item["id"], "doc_id": doc_id, "start": start, "end": end, "text": text,
                "evidence": evidence, "reason": reason, "score": round(score, 4), "status": status,
                "status_words": json.dumps(words, ensure_ascii=False),
                "suggestion": int(suggestion and decided is None),
                "decided": decided["decision"] if decided else None}

    # -- status ----------------------------------------------------------------------------

    def _register_row(self, item: dict[str, Any], links: list[dict[str, Any]]) -> dict[str, Any]:
        doc = self.docs[item["doc_id"]]
        decided = self._decisions.get(("status", item["id"]))
        claimed, evidenced, status, words = _statuses(links, self.docs, decided)
        deadline = _deadline(item["text"]) or (self.doc_deadline(item["doc_id"]) if item["kind"] == "recommendation" else None)
        return {
            "id": item["id"], "doc_id": item["doc_id"], "start": item["start"], "end": item["end"],
            "text": item["text"], "kind": item["kind"], "category": item["category"], "year": doc["year"],
            "region": doc["region"], "unit": _unit(item["text"]) or doc["issuer"], "project": _project(doc),
            "doc_type": doc["doc_type"], "deadline": deadline, "claimed_status": claimed,
            "evidenced_status": evidenced, "status": status,
            "source_status_words": json.dumps(words, ensure_ascii=False),
            "overdue": int(bool(deadline and deadline < self.today.isoformat() and status != "rectified")),
            "decided_note": decided["note"] if decided else None,
        }



def _is_item(statement: dict[str, Any]) -> bool:
    if statement["kind"] in _ITEM_KINDS:
        return True
    return statement["kind"] == "rectification" and status_of(statement["text"])[0] == "in_progress"


def _group_keys(items: list[dict[str, Any]]) -> list[str]:
    """Items that share a heading which is itself one of them (（一）加快预算执行，盘活沉淀资金
    followed by its details) answer one problem together; other items stand alone (a
    proposal's points share only 为此建议)."""
    headed = {it["section"] for it in items if _is_headline(it)}
    return [it["section"] if it["section"] in headed else it["id"] for it in items]


def _is_headline(item: dict[str, Any]) -> bool:
    """Whether the item is (part of) the heading it stands under; compared on the normalised
    view, since headings and sentences may differ in comma width."""
    heading = (item["section"] or "").split(">")[-1].strip()
    return bool(heading) and normalize(item["text"]).text in normalize(heading).text


def _verdict(pair: Pair, cand: Candidate | None) -> str | None:
    """"link", "anchored" (a link only for where it stands), "suggest" or None for an item's
    best candidate in a paired document."""
    if cand is None:
        return None
    if pair.kind == "answers":
        if cand.block_sim >= ANSWER_SECTION and cand.score >= ANSWER_LINK:
            return "link"
        return "suggest" if cand.score >= ANSWER_SUGGEST else None
    link_at, anchored_at, suggest_at = THRESHOLDS[pair.kind]
    if cand.unit_sim >= link_at:
        return "link"
    if cand.anchored and cand.unit_sim >= anchored_at:
        return "anchored"
    return "suggest" if cand.unit_sim >= suggest_at else None


def _result_sentence(dv: DocView, found: list[Mention], block: int) -> tuple[int, int] | None:
    """The sentence that concludes a section: its last 整改结果/整改状态 line, status phrase
    about 整改 (该问题已完成整改) or verdict on the point (此项基本完成), outside the paragraphs that answer one named
    point (关于…的建议，…暂未整改), which conclude only that point."""
    if block < 0:
        return None
    b = dv.blocks[block]
    topics = dv.topic_spans(block)
    inside = [m for m in found if b.vstart <= m.vstart < b.vend
              and ("整改" in m.word or dv.sentence_of(m.vstart) in dv.result_sentences
                   or _VERDICT.match(dv.text, dv.sentence_spans[dv.sentence_of(m.vstart)][0]))]
    general = [m for m in inside if not any(t[0] <= m.vstart < t[1] for t in topics)] or inside
    return dv.sentence_spans[dv.sentence_of(general[-1].vstart)] if general else None


def _batch_sentence(dv: DocView, found: list[Mention], pair: Pair, item_doc: dict[str, Any]) -> tuple[int, int] | None:
    """A sentence that reports on the item's document as a whole: names its proposal number and
    says how it was handled (DH117号建议提出的5条建议已全部落实), or, in a rectification report's
    opening, counts the recommendations by status (4条建议中已完成整改3条，列入计划1条)."""
    needle = _number_pattern(item_doc["proposal_no"]) if pair.kind == "number" else None
    for i, (s0, s1) in enumerate(dv.sentence_spans):
        inside = [m for m in found if s0 <= m.vstart < s1]
        if not inside:
            continue
        sentence = dv.text[s0:s1]
        if needle is not None and needle.search(sentence):
            return s0, s1
        if pair.kind == "answers" and dv.blocks and dv.blocks[0].kind == "preamble" and s1 <= dv.blocks[0].vend \
                and re.search(r"\d+\s*[条项个]", sentence) and len({m.status for m in inside}) >= 1:
            return s0, s1
    return None


def _unanimous(dv: DocView, found: list[Mention], span: tuple[int, int]) -> bool:
    """Whether a sentence states one status only."""
    return len({m.status for m in found if span[0] <= m.vstart < span[1]}) == 1


def _number_pattern(number: str | None) -> re.Pattern[str] | None:
    """第0087号 / 第 0087 号 / DH117号 as written in a later document's text."""
    if not number:
        return None
    core = norm_number(number)
    m = re.match(r"([A-Z]*)(\d+)$", core)
    if not m:
        return re.compile(re.escape(core))
    return re.compile(rf"{m.group(1)}\s*0*{m.group(2)}\s*号")


def _statuses(links: list[dict[str, Any]], docs: dict[str, dict[str, Any]],
              decided: dict[str, Any] | None) -> tuple[str | None, str | None, str, list[str]]:
    """(claimed, evidenced, final status, source words) of one item from its links: rejected
    links drop out, confirmed ones take precedence, suggestions count only once confirmed, and a
    person's status decision overrides the lot."""
    live = [lk for lk in links if lk["decided"] != "reject"]
    confirmed = [lk for lk in live if lk["decided"] == "confirm"]
    items = [lk for lk in (confirmed or live) if lk["evidence"] == "item" and lk["status"]
             and (lk["decided"] == "confirm" or not lk["suggestion"])]
    claims = [lk for lk in live if lk["evidence"] == "claim" and lk["status"]]
    evidenced = _latest_status(items, docs)
    claimed = _strongest(claims)
    status = decided["decision"] if decided else evidenced or claimed or "no_record"
    words = sorted({w for lk in items + claims for w in json.loads(lk["status_words"])})
    return claimed, evidenced, status, words


def _latest_status(links: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> str | None:
    """The status the most recent answering document gives (a work report that records the
    rules issued overrides the reply that promised them)."""
    if not links:
        return None
    latest = max({lk["doc_id"] for lk in links}, key=lambda d: _chronology(docs[d]))
    statuses = {lk["status"] for lk in links if lk["doc_id"] == latest}
    if len(statuses) == 1:
        return str(statuses.pop())
    # Done in one place, still open in another of the same document: in progress.
    return "in_progress" if "rectified" in statuses or "in_progress" in statuses else "not_rectified"


def _chronology(doc: dict[str, Any]) -> tuple[str, int]:
    stage = {"proposal": 0, "evaluation_report": 0, "proposal_reply": 1, "rectification_report": 1}
    when = doc["date"] or (f"{doc['year'] + 1}-01-01" if doc["year"] else "")
    return when, stage.get(doc["doc_type"], 2)


def _strongest(links: list[dict[str, Any]]) -> str | None:
    """The status of the best-scoring link; ties go to the more cautious status."""
    if not links:
        return None
    caution = {"not_rectified": 0, "in_progress": 1, "rectified": 2}
    best = max(links, key=lambda lk: (lk["score"], -caution.get(lk["status"], 0)))
    return str(best["status"])


def _latest_decisions(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["target"], r["target_id"]): r for r in rows}


def _project(doc: dict[str, Any]) -> str | None:
    m = _PROJECT.search(doc["title"] or "")
    return m.group(1) if m else None


def _unit(text: str) -> str | None:
    m = _UNIT.search(text)
    return m.group(1) if m else None


def _deadline(text: str) -> str | None:
    """The first deadline date a text states (于2024年6月30日前完成整改, 2023年8月底前报送)."""
    for m in _DEADLINE.finditer(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if not 1 <= month <= 12:
            continue
        if not day:
            day = (date(year + month // 12, month % 12 + 1, 1) - date.resolution).day
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None
