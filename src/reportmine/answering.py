"""Answer a delegate's proposal with evidence from the corpus, and draft the reply.

Each ask of the proposal is answered by passages retrieved with BM25 over jieba words (FTS5),
re-ranked with what an answering bureau prefers: its own region, recent years, passages that
carry figures, and statements that record what was done or is planned. The draft quotes those
passages verbatim and cites each one, so every number in it comes from a stored figure; the
connecting text carries no numbers at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from .document import Extraction
from .errors import InvalidRequest
from .segmentation import search_tokens
from .store import Store

MAX_QUERY_WORDS = 12
COMMON_SHARE = 0.2  # a word in more than this share of passages says little about an ask
REGION_BOOST = 1.5  # a bureau answers from its own record: same-region passages first

# Words every ask shares: they only add noise to retrieval.
_ASK_STOPWORDS = set("建议 加强 进一步 推进 完善 提高 提升 工作 有关 相关 关于 我们 方面 问题 加大 力度 切实 积极 不断 "
                     "全面 持续 深入 强化 推动 落实 开展 实施 建立 健全 管理 情况 部门 单位 我区 我市 我县 您 代表".split())
_DONE = re.compile(r"已|完成|出台|印发|建立了|实现|累计|共计|共有|覆盖|收回|压减|核减|达到")
_PLANNED = re.compile(r"下一步|将|计划|拟|力争|今后|逐步|研究")
_CHROME = re.compile(r"发布(?:时间|日期)|字号|打印本页|关闭窗口|浏览次数|访问次数|分享到")
_ASK_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+是|[(（]?[一二三四五六七八九十\d]+[)）、.．]|建议)")
# A numbered heading on its own ("（三）审核结果与预算安排挂钩。"): it names a topic, the body answers.
_HEADING_ONLY = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])"
                           r"[^，,；;：:]{0,16}[。.]?$")
# The line that introduces a proposal's asks, and the numbers of its points (at a line start, or
# after a clause end for the inline 一是…二是… form).
_ASKS_INTRO = re.compile(r"建议(?:如下)?\s*[:：]\s*$|^\s*(?:[一二三四五六七八九十]+、|【)\s*(?:意见)?建议\s*】?\s*$", re.M)
_POINT_MARK = re.compile(r"(?:^|(?<=[。；;]))\s*(?:[一二三四五六七八九十]+是|[(（][一二三四五六七八九十\d]+[)）]"
                         r"|[一二三四五六七八九十]+、|\d+[.．、](?!\d))")
_PROBLEM_SECTION = re.compile(r"问题|不足|困难|短板|差距")
_ADVICE_SECTION = re.compile(r"建议|意见")


@dataclass(slots=True)
class Evidence:
    doc_id: str
    doc: str
    doc_type: str
    region: str | None
    year: int | None
    section: str
    start: int
    end: int
    text: str
    figures: list[dict[str, Any]]
    kinds: list[str]
    reason: str
    score: float


@dataclass(slots=True)
class AskAnswer:
    text: str
    start: int
    end: int
    evidence: list[Evidence] = field(default_factory=list)
    measures: list[Evidence] = field(default_factory=list)
    related_recommendations: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Answer:
    title: str
    delegate: str | None
    proposal_no: str | None
    region: str | None
    asks: list[AskAnswer]
    suggested_class: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        def ev(e: Evidence) -> dict[str, Any]:
            return {"doc": e.doc, "doc_id": e.doc_id, "doc_type": e.doc_type, "region": e.region, "year": e.year,
                    "section": e.section, "text": e.text, "start": e.start, "end": e.end, "figures": e.figures,
                    "kinds": e.kinds, "reason": e.reason, "score": round(e.score, 4)}

        return {
            "title": self.title, "delegate": self.delegate, "proposal_no": self.proposal_no, "region": self.region,
            "asks": [{"text": a.text, "start": a.start, "end": a.end, "evidence": [ev(e) for e in a.evidence],
                      "measures": [ev(e) for e in a.measures],
                      "related_recommendations": a.related_recommendations} for a in self.asks],
            "suggested_class": self.suggested_class, "reason": self.reason,
        }


def asks_of(extraction: Extraction) -> list[tuple[str, int, int]]:
    """The proposal's asks: the numbered points after its '建议：' line (one ask per point, the
    number dropped), else its recommendation statements, else any enumerated points."""
    text = extraction.document.text
    listed = _listed_asks(text)
    if listed:
        return listed
    recs = [(s.text, s.span.start, s.span.end) for s in extraction.statements if s.kind == "recommendation"]
    if recs:
        return recs
    points = []
    for m in re.finditer(r"[^\n。；;]+", text):
        chunk = m.group().strip()
        if _ASK_MARKER.match(chunk) and len(chunk) >= 8:
            points.append((chunk, m.start(), m.end()))
    return points


def _listed_asks(text: str) -> list[tuple[str, int, int]]:
    """Numbered points after the last line that introduces the asks ("为此建议：", "三、建议",
    "【建议】"). A point runs to the next number or the end of its line, so "一是…；二是…" in one
    paragraph and one point per line both give one ask per point; background enumerations before
    the introduction (the delegate's list of causes) are not asks."""
    intros = list(_ASKS_INTRO.finditer(text))
    if not intros:
        return []
    intro = intros[-1]
    asks = []
    for line in re.finditer(r"[^\n]+", text[intro.end():]):
        base = intro.end() + line.start()
        marks = list(_POINT_MARK.finditer(line.group()))
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(line.group())
            body = line.group()[m.end():end]
            stripped = body.rstrip(" 　\t。；;，,")
            if len(stripped.strip()) >= 6:
                lead = len(body) - len(body.lstrip())
                asks.append((stripped.strip(), base + m.end() + lead, base + m.end() + len(stripped)))
    return asks


def answer_proposal(store: Store, proposal: Extraction, *, region: str | None = None, k: int = 5,
                    retriever: str = "bm25") -> Answer:
    """Retrieve evidence for every ask of ``proposal`` and suggest a handling class.

    Raises:
        InvalidRequest: the proposal has no asks that could be found, or the store is empty.
    """
    doc = proposal.document
    asks = asks_of(proposal)
    if not asks:
        raise InvalidRequest(f"{doc.source}: no asks found (expected points such as 一是… or 1.…)")
    if store.passage_count() == 0:
        raise InvalidRequest("the store holds no documents to answer from: ingest some first")
    region = region or doc.meta.region
    answers = []
    for text, start, end in asks:
        ranked = retrieve(store, text, region=region, k=3 * k, exclude_doc=doc.id, retriever=retriever)
        done = [e for e in ranked if "proposal" != e.doc_type][:k]
        planned = [e for e in ranked if "measure" in e.kinds or _PLANNED.search(e.text)][:3]
        answers.append(AskAnswer(text, start, end, done, planned, _related(store, done)))
    cls, reason = _suggest_class(answers)
    return Answer(doc.title, doc.meta.delegate, doc.meta.proposal_no, region, answers, cls, reason)


def query_words(store: Store, text: str) -> list[str]:
    """The ask's informative words, rarest first: generic words and very common words dropped."""
    words = [w for w in dict.fromkeys(search_tokens(text)) if len(w) > 1 and w not in _ASK_STOPWORDS
             and not w.isdigit()]
    if not words:
        return []
    df = store.token_doc_frequency(words)
    total = max(1, store.passage_count())
    informative = [w for w in words if 0 < df[w] <= COMMON_SHARE * total] or [w for w in words if df[w]]
    return sorted(informative, key=lambda w: df[w])[:MAX_QUERY_WORDS]


def retrieve(store: Store, text: str, *, region: str | None = None, k: int = 10, exclude_doc: str | None = None,
             retriever: str = "bm25") -> list[Evidence]:
    """Passages that answer ``text``, best first, each with the reason it was picked."""
    words = query_words(store, text)
    if retriever == "bm25":
        hits = store.bm25_passages(words, limit=200)
    elif retriever == "tfidf":
        hits = _tfidf_hits(store, words)
    else:
        raise InvalidRequest(f"unknown retriever {retriever!r}; use bm25 or tfidf")
    if not hits:
        return []
    top = max(score for _, score in hits) or 1.0
    base = dict(hits)
    rows = [r for r in store.passage_rows([pid for pid, _ in hits])
            if r["doc_id"] != exclude_doc and not _boilerplate_passage(r["text"])]
    newest = max((r["year"] or 0) for r in rows) if rows else 0
    scored = []
    for row in rows:
        score, reasons = base[row["id"]] / top, [f"{retriever} {base[row['id']]:.2f} on {'/'.join(words[:4])}"]
        if region and row["region"] and (region in row["region"] or row["region"] in region):
            score *= REGION_BOOST
            reasons.append(f"same region {row['region']}")
        if row["year"] and newest:
            score *= 1.0 + 0.03 * max(0, 5 - (newest - row["year"]))
        if row["figures"]:
            score *= 1.1
            reasons.append(f"{len(row['figures'])} figures")
        kinds = sorted({s["kind"] for s in row["statements"]})
        if set(kinds) & {"rectification", "measure"}:
            score *= 1.1
            reasons.append("records action: " + "/".join(kinds))
        else:
            factor, why = _stance(row)
            score *= factor
            if why:
                reasons.append(why)
        section = row["statements"][0]["section"] if row["statements"] else ""
        scored.append(Evidence(row["doc_id"], row["source"], row["doc_type"], row["region"], row["year"],
                               section or "", row["start"], row["end"], row["text"].strip(), row["figures"],
                               kinds, "; ".join(reasons), score))
    scored.sort(key=lambda e: (-e.score, e.doc, e.start))
    return scored[:k]


def _boilerplate_passage(text: str) -> bool:
    """Headings and reply formulas answer nothing: 'XX代表：', '《…》收悉', a bare heading."""
    text = text.strip()
    return (len(text) < 15 or "收悉" in text or bool(_CHROME.search(text))
            or (len(text) < 40 and not re.search(r"[。；;，,]", text)) or bool(_HEADING_ONLY.match(text)))


def _stance(row: dict[str, Any]) -> tuple[float, str]:
    """How far a passage that records no action is from an answer: a proposal only asks, and a
    problem description or an evaluator's advice restates the ask without saying what was done."""
    if row["doc_type"] == "proposal":
        return 0.6, "a proposal: asks, does not answer"
    statements = row["statements"]
    if not statements:
        return 1.0, ""
    if all(s["kind"] == "issue" and _PROBLEM_SECTION.search(s["section"] or "") for s in statements):
        return 0.8, "describes the problem"
    if all(s["kind"] == "recommendation" and _ADVICE_SECTION.search(s["section"] or "") for s in statements):
        return 0.85, "advice, not action"
    return 1.0, ""


def _tfidf_hits(store: Store, words: list[str]) -> list[tuple[int, float]]:
    """TF-IDF cosine over the same candidate set, for comparison with BM25 (``reportmine eval``)."""
    candidates = store.bm25_passages(words, limit=2000)
    if not candidates:
        return []
    total = max(1, store.passage_count())
    df = store.token_doc_frequency(words)
    idf = {w: math.log(total / (1 + df[w])) + 1 for w in words}
    rows = store.passage_rows([pid for pid, _ in candidates])
    out = []
    for row in rows:
        tokens = search_tokens(row["text"])
        counts = {w: tokens.count(w) for w in words}
        dot = sum((1 + math.log(c)) * idf[w] ** 2 for w, c in counts.items() if c)
        norm = math.sqrt(len(tokens)) or 1.0
        out.append((row["id"], dot / norm))
    out.sort(key=lambda h: -h[1])
    return out[:200]


def _related(store: Store, evidence: list[Evidence]) -> list[dict[str, Any]]:
    """Recommendations in the register whose text the evidence passages overlap."""
    from . import tracking

    related: dict[str, dict[str, Any]] = {}
    for e in evidence:
        for item in tracking.recommendations(store, doc_id=e.doc_id, kind=None, limit=200):
            if item["start"] < e.end and item["end"] > e.start:
                related[item["id"]] = {"id": item["id"], "doc": item["doc"], "text": item["text"],
                                       "start": item["start"], "end": item["end"], "status": item["status"],
                                       "category": item["category"]}
    return list(related.values())


def _suggest_class(asks: list[AskAnswer]) -> tuple[str, str]:
    """A: every ask has evidence that something was done; B: planned or partly done; C: little evidence."""
    done = sum(1 for a in asks if any(_DONE.search(e.text) and e.score >= 0.5 for e in a.evidence))
    planned = sum(1 for a in asks if a.measures)
    n = len(asks)
    if done == n:
        return "A", f"all {n} asks have evidence of work already done"
    if done + planned >= max(1, (n + 1) // 2):
        return "B", f"{done} of {n} asks done, {planned} with planned measures: to be solved step by step"
    return "C", f"only {done} of {n} asks have evidence: keep for reference"


_ORDINALS = "一二三四五六七八九十"


def draft_paragraphs(answer: Answer) -> tuple[list[str], list[str]]:
    """The reply's paragraphs and its notes. Quoted evidence is cited as [n]; the connecting text
    contains no digits, so every number in the draft is a cited, stored figure."""
    notes: list[str] = []
    paragraphs = [f"{answer.delegate or ''}代表：",
                  f"您提出的《{answer.title}》收悉。经研究，现答复如下："]

    def cite(e: Evidence) -> str:
        notes.append(f"{e.doc}（{e.doc_type}，{e.region or ''}{e.year or ''}），第{e.start}至{e.end}字符")
        return f"{e.text}[{len(notes)}]"

    for i, ask in enumerate(answer.asks):
        ordinal = _ORDINALS[i] if i < len(_ORDINALS) else "又"
        paragraphs.append(f"{ordinal}、关于“{_strip_digits(ask.text)}”")
        if ask.evidence:
            paragraphs.append("已开展的工作：" + "".join(cite(e) for e in ask.evidence[:3]))
        else:
            paragraphs.append("已开展的工作：现有资料中未检索到相关记录，需承办单位补充。")
        if ask.measures:
            paragraphs.append("下一步打算：" + "".join(cite(e) for e in ask.measures[:2]))
    paragraphs.append(f"建议办理结果：{answer.suggested_class}类。")
    return paragraphs, notes


def _strip_digits(text: str) -> str:
    return re.sub(r"[0-9０-９]+(?:[.．][0-9０-９]+)?", "若干", text)


def write_docx(answer: Answer, path: str) -> None:
    """The draft as an editable .docx in the usual reply layout, with numbered source notes."""
    import docx

    paragraphs, notes = draft_paragraphs(answer)
    d = docx.Document()
    d.add_heading(f"关于《{answer.title}》的答复（草稿）", level=1)
    for p in paragraphs:
        d.add_paragraph(p)
    d.add_heading("引用来源", level=2)
    for i, note in enumerate(notes, start=1):
        d.add_paragraph(f"[{i}] {note}")
    d.save(path)


def proposal_from_text(text: str, source: str = "proposal.txt") -> Extraction:
    """Extract a proposal given as pasted text rather than a file."""
    import hashlib

    from .document import Document
    from .pipeline import extract_document

    if not text.strip():
        raise InvalidRequest("the proposal text is empty")
    doc = Document(id=hashlib.sha256(text.encode("utf-8")).hexdigest(), source=source, format="txt", text=text)
    return extract_document(doc)[0]
