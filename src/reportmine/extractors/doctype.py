"""Which kind of document this is (ANNOTATION.md ``doc_type``), from cue words.

A Chinese title ends in its head noun (关于X建议**的复函**, X绩效评价问题**整改情况的报告**), so the
cue that ends last in the title decides. Without a telling title, cue phrases of the opening
and the headings vote (收悉/答复如下 for a reply, 评价结论/综合得分 for an evaluation …).
"""

from __future__ import annotations

import re

# Title cues, each with its type. Order matters only for cues ending at the same character.
_TITLE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("compilation", re.compile(r"汇编|选编|合集|文集")),
    ("proposal_reply", re.compile(r"复函|答[复覆]|回复|办理(?:情况|结果)(?:的)?函")),
    ("rectification_report", re.compile(r"整改(?:工作)?(?:落实)?(?:情况)?(?:的)?(?:报告|说明|汇报|方案|清单)?")),
    ("self_evaluation", re.compile(r"自评(?:价)?(?:工作)?(?:情况)?(?:的)?(?:报告|表)?|自我评价(?:报告)?")),
    ("evaluation_report", re.compile(r"(?:绩效|重点|综合|再|财政)?评[价估](?:结果)?(?:情况)?(?:的)?报告|绩效评价(?:情况)?")),
    ("proposal", re.compile(r"(?:的|代表)?(?:建议|议案|提案)$")),
    ("other", re.compile(r"实施方案|工作方案|方案$|通知$|办法$|细则$|规定$|意见$|决定$|公告$|预算$|决算$|目录$|指南$|"
                         r"绩效目标(?:表|申报表)?$|预算(?:草案|执行情况)(?:的)?报告$")),
    ("work_report", re.compile(
        r"工作(?:开展)?情况(?:的)?(?:报告|汇报|总结)?|工作(?:总结|报告|汇报|要点)|开展情况(?:的)?(?:报告)?|"
        r"情况(?:的)?(?:报告|汇报)|总结(?:报告)?|年报|管理报告")),
]

_INTRO = re.compile(r"现(?:将|就)([^。\n]{2,60}?)(报告|汇报|总结|说明|答复|回复)(?:如下|于后)")

# Body cues: (type, pattern, weight). The opening 3000 characters and the headings are scored.
_BODY_CUES: list[tuple[str, re.Pattern[str], int]] = [
    # A类, not [ABC]类: alternatives that all open with a literal let the regex engine skip ahead.
    ("proposal_reply", re.compile(r"收悉|答复如下|现答复|现将.{0,20}答复|此复|办理(?:结果|类别)|A类|B类|C类"), 3),
    ("proposal_reply", re.compile(r"您(?:提出|所提|领衔)"), 3),
    ("proposal", re.compile(r"领衔代表|附议|案由|建议人|提出人|代表姓名|建议编号|提案人"), 3),
    ("proposal", re.compile(r"为此建议|特提出如下建议|建议如下"), 2),
    ("rectification_report", re.compile(r"整改措施|整改结果|整改情况如下|整改落实情况|已整改|整改完成"), 2),
    ("self_evaluation", re.compile(r"自评(?:得分|结论|等级|报告|工作)|我(?:局|单位|委|中心)对.{0,30}(?:进行|开展)了?自评"), 3),
    ("evaluation_report", re.compile(r"评价结论|综合(?:评分|得分)|评价得分|评价组|绩效评价报告"), 3),
    ("evaluation_report", re.compile(r"评价等级|评价对象|评价范围|评价指标体系"), 1),
    ("work_report", re.compile(r"现将.{0,40}(?:情况|工作)(?:汇报|报告|总结)如下|工作开展情况|主要(?:做法|成效)|下一步工作"), 2),
]


_OUTVOTE_WORK = ("proposal_reply", "proposal", "evaluation_report")


def title_type(title: str) -> str | None:
    """The type the title's last cue names, or None when the title has no cue.

    >>> title_type("关于区人大三次会议第12号建议的复函"), title_type("关于整治老旧小区的建议")
    ('proposal_reply', 'proposal')
    """
    best: tuple[int, int, str] | None = None
    for rank, (kind, pattern) in enumerate(_TITLE_CUES):
        for m in pattern.finditer(title):
            key = (m.end(), -rank, kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def classify(title: str, text: str, headings: list[str]) -> str:
    """One of document.DOC_TYPES for a document with this title, text and headings."""
    by_title = title_type(title) if title else None
    if by_title is None:
        # An untitled report names itself in its opening: 现将我县2024年……工作开展情况总结如下.
        m = _INTRO.search(text[:1500])
        by_title = title_type(m.group(1) + m.group(2)) if m else None
    if by_title == "compilation":
        by_title = None  # a compilation is only one when its parts are found (split_compilation)
    scores = _body_scores(text[:3000] + "\n" + "\n".join(headings))
    if by_title and by_title != "work_report":
        return by_title
    best = max(scores, key=scores.get) if scores else None
    # A title (or opening) naming a work report yields only to a document full of another kind's cues.
    # Work reports discuss self-evaluations and rectification at length, so only a reply's,
    # proposal's or evaluation's own cues can outvote such a title.
    if best and scores[best] >= 4 and (by_title is None or scores[best] >= 9 and best in _OUTVOTE_WORK):
        return best
    if by_title:
        return by_title
    return best if best and scores[best] >= 2 else "other"


def _body_scores(text: str) -> dict[str, int]:
    scores: dict[str, int] = {}
    for kind, pattern, weight in _BODY_CUES:
        hits = len(pattern.findall(text))
        if hits:
            scores[kind] = scores.get(kind, 0) + weight * min(hits, 3)
    return scores
