"""Aggregate claims about advice: how many problems and recommendations a report raised, how they
split by category, and how many of them were rectified (ANNOTATION.md ``rectification_claims``).

``形成意见和建议164条,现已全部落实整改`` is a claim of 164 recommendations, rectified;
``4条建议中已完成整改3条,列入计划1条`` is two claims (3 rectified, 1 in progress);
``提出建议4条。请…于…前完成整改`` is a claim of 4 with status required (no record of completion).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import cn2an

from ..document import Document, RectificationClaim, Span, Statement, Tally
from ..normalize import NormalizedText

_NUM = r"(?:\d+|[零一二两三四五六七八九十百千]+)"
_ADVICE = r"(?:意见和建议|意见建议|整改建议|管理建议|建议|意见|问题)"
# "164条意见和建议" / "意见和建议164条" / "94个问题"; the noun tells advice from problems
_COUNT = re.compile(
    rf"(?P<n>{_NUM})(?:条|项|个|类)(?:[\u4e00-\u9fff]{{0,6}}?)(?P<noun>{_ADVICE})"
    rf"|(?P<noun2>{_ADVICE})(?:共)?(?P<n2>{_NUM})(?:条|项|个|类)"
)
_RECTIFIED = re.compile(
    r"(?:已|均已|现已)?全部(?:落实)?整改(?:到位|完毕)?|已(?:完成|落实)?整改(?:到位|完毕)?|整改率(?:均)?(?:达到?|为)?100%"
    r"|已全部办理完毕|办理完毕"
    r"|均(?:已)?得到(?:较好|有效)?(?:的)?落实|已全部(?:采纳|落实)|全部(?:采纳|落实到位)"
)
_DONE = re.compile(r"已(?:完成|落实|全部)?整改|整改到位|整改完毕|整改(?:完成)?率")
_IN_PROGRESS = re.compile(r"正在整改|整改中|逐步解决|列入(?:整改)?计划|持续整改|正在落实|基本完成整改")
_REQUIRED = re.compile(
    r"要求.{0,20}整改|责令.{0,10}整改|限期整改|请.{0,30}(?:完成|进行|落实)(?:.{0,10}的)?整改|应于.{0,20}前完成整改"
    r"|请.{0,40}(?:整改方案|报送整改情况)"
)
# "已完成整改3条" / "列入计划1条" / "已整改问题72个": a status with its own count
_STATUS_COUNT = re.compile(
    r"(?P<status>已完成整改|完成整改|已整改|整改到位|整改完毕|已落实|列入计划|正在整改|逐步解决|正在推进|正在落实|基本完成(?:整改)?)"
    rf"(?:问题|建议|意见)?(?P<n>{_NUM})(?:条|项|个)"
)
# "整改率90.3%", "整改完成率92.7%", "其余10条正在整改": the sentence speaks of the whole batch
_RATE = re.compile(rf"(?:整改|落实|整改完成|办结)率(?:达到?|为)?{_NUM}(?:\.\d+)?%")
_REST = re.compile(rf"其余(?P<n>{_NUM})(?:条|项|个)[^,，。；;]{{0,20}}")
# "按照…督办通知要求，我局制定整改方案": the writer complying, not a request to rectify;
# "建立…制度，要求被评价单位…报送整改情况": a rule proposed, not a request about advice given
_COMPLYING = re.compile(r"(?:按照|根据|依据|遵照|按)[^。；;]{0,40}$")
_RULE = re.compile(r"(?:建立|制定|出台|完善|健全|明确|规定|修订)[^。；;]{0,20}(?:制度|机制|办法|条例|规定|细则)")
# Replies speak of one proposal ("您的建议已全部采纳"); "该问题" is one problem: neither is an aggregate.
_SINGLE = re.compile(r"您|你的|所提|本建议|该(?:问题|建议|项)|此项")
_PLURAL = re.compile(r"均|全部|所有|各项|上述|以上|相关|共")
_COUNT_NEAR = re.compile(rf"{_NUM}(?:条|项|个)")
_SENTENCE = re.compile(r"[^。！？!?;；\n]+[。！？!?;；]?")
_PART = re.compile(rf"(?P<n>{_NUM})(?:条|项|个)")
_PART_KINDS = (
    ("policy", re.compile(r"政策|制度")),
    ("budget", re.compile(r"预算|资金|经费|成本")),
    ("management", re.compile(r"管理|业务")),
)


@dataclass(frozen=True, slots=True)
class ClaimSpan:
    """A claim located in the normalised view (statements.py widens rectification statements to it)."""

    start: int
    end: int
    count: int | None
    status: str


def find_claims(document: Document, view: NormalizedText, statements: list[Statement]) -> list[RectificationClaim]:
    """Rectification claims in text order. ``statements`` is accepted for callers that pass it;
    claims are read from the text itself, because a claim's count often sits in a clause that is
    no statement (``形成意见和建议117条``)."""
    del statements
    out = []
    for c in claim_spans(view.text):
        start, end = view.to_original(c.start, c.end)
        out.append(RectificationClaim(Span(start, end), document.text[start:end], c.count, c.status))
    return out


@functools.lru_cache(maxsize=4)
def claim_spans(text: str) -> tuple[ClaimSpan, ...]:
    """Claims in the view text ``text``, in order (cached: statements and claims both ask)."""
    sentences = [m.span() for m in _SENTENCE.finditer(text)]
    return tuple(c for i in range(len(sentences)) for c in _claims_in(text, sentences, i))


def _claims_in(text: str, sentences: list[tuple[int, int]], i: int) -> list[ClaimSpan]:
    a, b = sentences[i]
    counted = list(_STATUS_COUNT.finditer(text, a, b))
    count, start = _subject(text, a, b)
    partial = len(counted) == 1 and count is not None and (_to_int(counted[0]["n"]) or 0) < count
    # A remainder, or one count with a rate or short of the total, speaks of the whole batch;
    # every part with its own status and count ("已落实5条，正在落实2条") is one claim per part.
    whole = _REST.search(text, a, b) or len(counted) == 1 and (partial or _RATE.search(text, a, b))
    if counted and count is not None and start is not None and whole:
        return [_summed(text, a, b, counted, count, start)]
    if counted:
        return [_itemised(text, a, m) for m in counted]
    request = _REQUIRED.search(text, a, b)
    if request and _in_title(text, a, request.start()):
        request = None  # "《关于…并按要求进行整改的通知》" names a document
    if request and text.startswith("建议", _clause_start(text, a, request.start())):
        request = None  # "建议对…的5个项目限期整改" is one recommendation, not a claim about advice
    if request and (_COMPLYING.search(text[a:request.start()]) or _RULE.search(text, a, request.start())):
        request = None
    if request and not _DONE.search(text, a, b):
        if count is None and i > 0:  # "提出建议4条。请…于…前完成整改": the count is one sentence back
            pa, pb = sentences[i - 1]
            count, prev_start = _subject(text, pa, pb)
            start = prev_start if count is not None else None
        return [ClaimSpan(start if start is not None else _clause_start(text, a, request.start()), request.end(), count, "required")]
    if start is None or _SINGLE.search(text, a, b):
        return []
    if count is None and not _PLURAL.search(text, a, b):
        return []  # "该问题已整改" is one statement, not an aggregate claim
    done, going = _RECTIFIED.search(text, a, b), _IN_PROGRESS.search(text, a, b)
    if done and going and not _COUNT_NEAR.search(text, _clause_start(text, a, going.start()), going.end()):
        going = None  # "3个问题已完成整改，台账电子化正在整改": the count belongs to the done part
    if done or going:
        status = "in_progress" if going else "rectified"  # part still open: the whole is not closed
        end = max(m.end() for m in (done, going) if m)
        return [ClaimSpan(min(start, end - 1), end, count, status)]
    return []


def _in_title(text: str, a: int, pos: int) -> bool:
    """Whether ``pos`` lies inside a 《…》 title opened after ``a``."""
    return text.rfind("《", a, pos) > text.rfind("》", a, pos)


def _subject(text: str, a: int, b: int) -> tuple[int | None, int | None]:
    """(count, where its clause starts) for the advice or problems a sentence speaks of.

    Advice counts win over problem counts; among several, the largest is the total
    (``问题52个，占问题总数58个``). A sentence that names advice without a number gives (None, start).
    """
    best: tuple[int, int, int] | None = None  # (is_advice, count, start)
    for m in _COUNT.finditer(text, a, b):
        noun = m["noun"] or m["noun2"]
        n = _to_int(m["n"] or m["n2"])
        if n is None:
            continue
        key = (int(noun != "问题"), n, _clause_start(text, a, m.start()))
        if best is None or key[:2] > best[:2]:
            best = key
    total = re.search(rf"总数(?P<n>{_NUM})(?:条|项|个)", text[a:b])
    if best is not None:
        n = best[1]
        if total and (t := _to_int(total["n"])) and t > n and not best[0]:
            n = t
        return n, min(best[2], _clause_start(text, a, a + total.start()) if total else best[2])
    m = re.search(r"建议|意见|问题", text[a:b])
    if m is None:
        return None, None
    return None, _clause_start(text, a, a + m.start())


def _summed(text: str, a: int, b: int, counted: list[re.Match[str]], total: int, start: int) -> ClaimSpan:
    """"103条建议，已整改93条，整改率90.3%，其余10条正在整改": one claim about all 103."""
    done = sum(_to_int(m["n"]) or 0 for m in counted if _status_of(m) == "rectified")
    rests = list(_REST.finditer(text, a, b))
    # "已整改问题72个，其余15个问题列入计划": with no total stated, the parts add up to it
    total = max(total, sum(_to_int(m["n"]) or 0 for m in counted) + sum(_to_int(m["n"]) or 0 for m in rests))
    open_ = any(_status_of(m) == "in_progress" for m in counted) or bool(rests)
    status = "rectified" if done >= total and not open_ else "in_progress"
    end = max([m.end() for m in counted] + [m.end() for m in (*_RATE.finditer(text, a, b), *rests)])
    return ClaimSpan(start, end, total, status)


def _status_of(m: re.Match[str]) -> str:
    open_ = ("列入计划", "正在整改", "逐步解决", "正在推进", "正在落实", "基本完成", "基本完成整改")
    return "in_progress" if m["status"] in open_ else "rectified"


def _itemised(text: str, a: int, m: re.Match[str]) -> ClaimSpan:
    status = _status_of(m)
    return ClaimSpan(_clause_start(text, a, m.start()), m.end(), _to_int(m["n"]), status)


def _clause_start(text: str, a: int, pos: int) -> int:
    cut = max(text.rfind(c, a, pos) for c in ",，:：")
    return cut + 1 if cut >= a else a


def _to_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    try:
        return int(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError):
        return None


def find_tallies(document: Document, view: NormalizedText) -> list[Tally]:
    """Sentences that count problems and recommendations (``提出94个问题,102条建议``), with a
    category split when one is given (``25项预算…、36项政策…、103项业务管理…``)."""
    text = view.text
    out = []
    for sm in _SENTENCE.finditer(text):
        a, b = sm.span()
        issues = recs = None
        for m in _COUNT.finditer(text, a, b):
            noun, n = m["noun"] or m["noun2"], _to_int(m["n"] or m["n2"])
            if noun == "问题" and issues is None:
                issues = n
            elif noun != "问题" and recs is None:
                recs = n
        if issues is None and recs is None:
            continue
        parts = _category_parts(text, a, b)
        o_start, o_end = view.to_original(a, b)
        out.append(Tally(Span(o_start, o_end), document.text[o_start:o_end], issues, recs, parts))
    return out


def _category_parts(text: str, a: int, b: int) -> dict[str, int]:
    """``预算…25项、政策…36项、业务管理…103项``: list parts that each name one category and a count.

    At least two categories must be named (one count alone is no breakdown).
    """
    found: dict[str, int] = {}
    for seg in re.split(r"[、,，;；]", text[a:b]):
        m = _PART.search(seg)
        if m is None or re.search(r"意见|建议|问题", seg):
            continue
        for name, rx in _PART_KINDS:
            if rx.search(seg[: m.start()] + seg[m.end():]):
                n = _to_int(m["n"])
                if n is not None and name not in found:
                    found[name] = n
                break
    return found if len(found) >= 2 else {}
