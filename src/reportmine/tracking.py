"""The recommendation register: every recommendation and issue, followed to its recorded rectification.

Linking never compares every pair of statements. Documents are first paired by what they say
about each other (a title in 《》, a proposal number, a project name) or, for restatements of
earlier advice, blocked by region; only statements inside a pair are compared, by TF-IDF cosine
over jieba words (with the evidence's section heading, which in a rectification report names
the problem being answered). Every link keeps its reason and score; weak ones are suggestions.

Status is kept twice: what a document *claims* in aggregate (共提出建议117条，已全部整改) and
what is *evidenced* item by item; the register's status prefers the evidence, then the claim,
and a person's decision overrides both. Decisions live in their own table and are re-applied
after every relink, so they survive re-ingest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import InvalidRequest
from .store import Store

STATUSES = ("rectified", "in_progress", "not_rectified", "no_record")
LINK_THRESHOLD = 0.30  # cosine at or above: a link; between SUGGEST and this: a suggestion
SUGGEST_THRESHOLD = 0.18
REFERENCED_BONUS = 0.12  # the evidence document names the recommendation's document

# Source words -> normalised status, most specific first (逐步解决 before 解决, 未整改 before 整改).
_STATUS_PATTERNS: list[tuple[str, str]] = [
    (r"C类|暂不具备|不具备条件|留作参考|作为参考|未整改|尚未整改|未落实|未采纳|无法解决", "not_rectified"),
    (r"正在整改|整改中|逐步解决|分步解决|列入计划|纳入计划|已列入|持续推进|推进中|部分整改|B类|尚未完成|计划于", "in_progress"),
    (r"已完成整改|已整改|整改到位|整改完毕|已全部整改|全部落实|已落实|已完成|已采纳|采纳|已解决|A类|均得到.{0,4}落实|整改率达100%", "rectified"),
]
_STATUS_RE = [(re.compile(p), s) for p, s in _STATUS_PATTERNS]
_CLASS_RE = re.compile(r"办理(?:结果|类别)?[:：\s]*([ABC])类|(?:列为|属于|确定为)([ABC])类|(?<![A-Za-z])([ABC])类(?:答复|办理)")
_TITLE_REF = re.compile(r"《([^《》]{6,80})》")
_PROPOSAL_NO = re.compile(r"(?:[A-Z]{1,3}\d{2,4}|第\s*\d{2,5}\s*号)")
_PROJECT = re.compile(r"([\u4e00-\u9fff（）()“”]{4,40}?(?:项目|工程|资金|政策|专项))")
_DEADLINE = re.compile(r"(?:于|在)?(20\d{2})年(\d{1,2})月(?:(\d{1,2})日|底|末)?(?:之?前|以前)(?:完成|整改|落实|报送)")
_RESTATES = re.compile(r"(?:针对|对照|根据|按照|关于).{0,40}(?:提出|反馈|指出|发现).{0,20}(?:建议|问题|意见)|上年度|上一年度|去年|此前")
_UNIT = re.compile(r"([\u4e00-\u9fff]{2,12}(?:局|委|办|中心|医院|学校|公司|站|所|院|馆))")
_ITEM_KINDS = ("recommendation", "issue")
_EVIDENCE_KINDS = ("rectification", "measure")


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    items: int
    links: int
    suggestions: int
    by_status: dict[str, int]


def status_of(text: str) -> tuple[str | None, list[str]]:
    """The normalised status a passage states, with the source words that say it."""
    for pattern, status in _STATUS_RE:
        words = [m.group(0) for m in pattern.finditer(text)]
        if words:
            return status, words
    return None, []


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
    row = store.add_decision(target, target_id, decision, note)
    relink(store)  # statuses depend on decisions: recompute so every view agrees at once
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
    """One relink: pairs documents, compares statements inside pairs, derives statuses."""

    def __init__(self, store: Store, inputs: dict[str, list[dict[str, Any]]], today: date) -> None:
        self.store = store
        self.today = today
        self.docs = {d["id"]: d for d in inputs["documents"]}
        self.items = [s for s in inputs["statements"] if s["kind"] in _ITEM_KINDS]
        self.evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in inputs["statements"]:
            if s["kind"] in _EVIDENCE_KINDS:
                self.evidence[s["doc_id"]].append(s)
        self.claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in inputs["claims"]:
            self.claims[c["doc_id"]].append(c)
        self._texts: dict[str, str] = {}
        self._decisions = _latest_decisions(store.decisions())

    def text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = self.store.document_text(doc_id)
        return self._texts[doc_id]

    def build(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        items_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for it in self.items:
            items_by_doc[it["doc_id"]].append(it)
        pairs = self._document_pairs(items_by_doc)
        vectors = self._vectorise(items_by_doc, pairs)
        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item_doc, ev_doc, reason in pairs:
            for link in self._match(items_by_doc[item_doc], ev_doc, reason, vectors):
                links[link["rec_id"]].append(link)
        for doc_id, claims in self.claims.items():
            for claim in claims:
                for it in items_by_doc.get(doc_id, []):
                    if claim["status"]:
                        links[it["id"]].append(self._claim_link(it, claim))
        register = [self._register_row(it, links[it["id"]]) for it in self.items]
        return register, [lk for lks in links.values() for lk in lks]

    # -- pairing ---------------------------------------------------------------------------

    def _document_pairs(self, items_by_doc: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, str]]:
        """(document with items, document with evidence, why they are paired)."""
        pairs: dict[tuple[str, str], str] = {}
        for doc_id in items_by_doc:
            if self.evidence.get(doc_id):
                pairs[(doc_id, doc_id)] = "same document"
        by_title = _title_index(self.docs.values())
        by_number: dict[str, list[str]] = defaultdict(list)
        for d in self.docs.values():
            if d["proposal_no"]:
                by_number[_norm_no(d["proposal_no"])].append(d["id"])
        for ev_id in self.evidence:
            ev = self.docs[ev_id]
            text = self.text(ev_id)
            for title in _TITLE_REF.findall(text[:4000]):
                for target in by_title.get(_norm_title(title), []):
                    if target != ev_id and target in items_by_doc:
                        pairs.setdefault((target, ev_id), f"cites 《{title}》")
            if ev["proposal_no"]:
                for target in by_number.get(_norm_no(ev["proposal_no"]), []):
                    if target != ev_id and target in items_by_doc:
                        pairs.setdefault((target, ev_id), f"same proposal number {ev['proposal_no']}")
        self._restatement_pairs(items_by_doc, pairs)
        return [(a, b, why) for (a, b), why in sorted(pairs.items())]

    def _restatement_pairs(self, items_by_doc: dict[str, list[dict[str, Any]]],
                           pairs: dict[tuple[str, str], str]) -> None:
        """Later documents of the same region that say they acted on earlier advice or problems."""
        by_region: dict[str, list[str]] = defaultdict(list)
        for doc_id in items_by_doc:
            region = self.docs[doc_id]["region"]
            if region:
                by_region[region].append(doc_id)
        for ev_id, statements in self.evidence.items():
            ev = self.docs[ev_id]
            if not ev["region"] or not any(_RESTATES.search(s["text"] + (s["section"] or "")) for s in statements):
                continue
            for region, doc_ids in by_region.items():
                if not (region.endswith(ev["region"]) or ev["region"].endswith(region)):
                    continue
                for doc_id in doc_ids:
                    earlier = self.docs[doc_id]["year"] or 0
                    if doc_id != ev_id and (ev["year"] or 0) >= earlier:
                        pairs.setdefault((doc_id, ev_id), f"same region {region}, later document restates advice")

    # -- matching --------------------------------------------------------------------------

    def _vectorise(self, items_by_doc: dict[str, list[dict[str, Any]]],
                   pairs: list[tuple[str, str, str]]) -> dict[str, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        from .segmentation import tokenize

        needed_items = sorted({a for a, _, _ in pairs})
        needed_ev = sorted({b for _, b, _ in pairs})
        rows = [it for d in needed_items for it in items_by_doc[d]]
        evs = [s for d in needed_ev for s in self.evidence[d]]
        if not rows or not evs:
            return {}
        texts = [it["text"] for it in rows] + [_evidence_context(s) for s in evs]
        vec = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, sublinear_tf=True)
        matrix = vec.fit_transform(texts)
        out: dict[str, Any] = {}
        for i, it in enumerate(rows):
            out[it["id"]] = matrix[i]
        for j, s in enumerate(evs):
            out[s["id"]] = matrix[len(rows) + j]
        return out

    def _match(self, items: list[dict[str, Any]], ev_doc: str, reason: str,
               vectors: dict[str, Any]) -> list[dict[str, Any]]:
        evidence = [s for s in self.evidence[ev_doc] if s["id"] in vectors]
        if not evidence:
            return []
        from scipy.sparse import vstack

        ev_matrix = vstack([vectors[s["id"]] for s in evidence])
        bonus = 0.0 if reason == "same document" else REFERENCED_BONUS if not reason.startswith("same region") else 0.0
        out = []
        for it in items:
            if it["id"] not in vectors:
                continue
            scores = (ev_matrix @ vectors[it["id"]].T).toarray().ravel()
            for j in scores.argsort()[::-1][:3]:
                score = float(scores[j]) + bonus
                if score < SUGGEST_THRESHOLD or (evidence[j]["start"] == it["start"] and ev_doc == it["doc_id"]):
                    continue
                out.append(self._item_link(it, evidence[j], reason, score))
        return out

    def _item_link(self, item: dict[str, Any], ev: dict[str, Any], reason: str, score: float) -> dict[str, Any]:
        status, words = self._evidence_status(ev)
        return self._link_row(item, ev["doc_id"], ev["start"], ev["end"], ev["text"], "item",
                              f"{reason}; similar wording (cosine {score:.2f})", score, status, words,
                              suggestion=score < LINK_THRESHOLD)

    def _claim_link(self, item: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
        status = {"rectified": "rectified", "in_progress": "in_progress"}.get(claim["status"])
        count = claim["recommendation_count"]
        reason = "batch claim in the same document" + (f" covering {count} items" if count else "")
        return self._link_row(item, claim["doc_id"], claim["start"], claim["end"], claim["text"], "claim",
                              reason, 0.5, status, status_of(claim["text"])[1], suggestion=False)

    def _link_row(self, item: dict[str, Any], doc_id: str, start: int, end: int, text: str, evidence: str,
                  reason: str, score: float, status: str | None, words: list[str], *, suggestion: bool) -> dict[str, Any]:
        link_id = hashlib.sha1(f"{item['id']}|{doc_id}|{start}|{end}".encode()).hexdigest()[:16]
        decided = self._decisions.get(("link", link_id))
        return {"id": link_id, "rec_id": item["id"], "doc_id": doc_id, "start": start, "end": end, "text": text,
                "evidence": evidence, "reason": reason, "score": round(score, 4), "status": status,
                "status_words": json.dumps(words, ensure_ascii=False),
                "suggestion": int(suggestion and decided is None),
                "decided": decided["decision"] if decided else None}

    def _evidence_status(self, ev: dict[str, Any]) -> tuple[str | None, list[str]]:
        """Status words in the evidence itself, else in its section (整改结果：已完成整改), else the reply's class."""
        status, words = status_of(ev["text"])
        if status:
            return status, words
        text = self.text(ev["doc_id"])
        section = _section_text(text, ev["start"], ev["end"])
        status, words = status_of(section)
        if status:
            return status, words
        doc = self.docs[ev["doc_id"]]
        if doc["doc_type"] == "proposal_reply":
            m = _CLASS_RE.search(text)
            if m:
                cls = next(g for g in m.groups() if g)
                return {"A": "rectified", "B": "in_progress", "C": "not_rectified"}[cls], [f"{cls}类"]
        return None, []

    # -- status ----------------------------------------------------------------------------

    def _register_row(self, item: dict[str, Any], links: list[dict[str, Any]]) -> dict[str, Any]:
        doc = self.docs[item["doc_id"]]
        live = [lk for lk in links if lk["decided"] != "reject"]
        confirmed = [lk for lk in live if lk["decided"] == "confirm"]
        items = [lk for lk in (confirmed or live) if lk["evidence"] == "item" and lk["status"]
                 and (lk["decided"] == "confirm" or not lk["suggestion"])]
        claims = [lk for lk in live if lk["evidence"] == "claim" and lk["status"]]
        evidenced = _strongest(items)
        claimed = _strongest(claims)
        status = evidenced or claimed or "no_record"
        words = sorted({w for lk in items + claims for w in json.loads(lk["status_words"])})
        decided = self._decisions.get(("status", item["id"]))
        if decided:
            status = decided["decision"]
        deadline = _deadline(self.text(item["doc_id"]), item)
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


def _strongest(links: list[dict[str, Any]]) -> str | None:
    """The status of the best-scoring link; ties go to the more cautious status."""
    if not links:
        return None
    caution = {"not_rectified": 0, "in_progress": 1, "rectified": 2}
    best = max(links, key=lambda lk: (lk["score"], -caution.get(lk["status"], 0)))
    return str(best["status"])


def _latest_decisions(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["target"], r["target_id"]): r for r in rows}


def _evidence_context(statement: dict[str, Any]) -> str:
    # The section heading of a rectification item usually names the problem it answers.
    return f"{statement['section'] or ''} {statement['text']}"


def _section_text(text: str, start: int, end: int) -> str:
    """The paragraph block around a span, up to the next numbered heading (where 整改结果 lines sit)."""
    head = max(text.rfind("\n一", 0, start), text.rfind("\n二", 0, start), text.rfind("\n三", 0, start),
               text.rfind("\n四", 0, start), text.rfind("\n五", 0, start), text.rfind("\n六", 0, start))
    tail = len(text)
    for m in re.finditer(r"\n[一二三四五六七八九十]+、", text[end:]):
        tail = end + m.start()
        break
    return text[max(head, start - 600):min(tail, end + 600)]


def _title_index(docs: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d["title"]:
            index[_norm_title(d["title"])].append(d["id"])
    return index


def _norm_title(title: str) -> str:
    return re.sub(r"[\s《》“”\"'（）()]", "", title)


def _norm_no(number: str) -> str:
    return re.sub(r"[\s第号]", "", number).upper()


def _project(doc: dict[str, Any]) -> str | None:
    m = _PROJECT.search(doc["title"] or "")
    return m.group(1) if m else None


def _unit(text: str) -> str | None:
    m = _UNIT.search(text)
    return m.group(1) if m else None


def _deadline(text: str, item: dict[str, Any]) -> str | None:
    """A deadline stated in the item itself, else one stated for the whole document's rectification."""
    for source in (item["text"], text):
        m = _DEADLINE.search(source)
        if m:
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
