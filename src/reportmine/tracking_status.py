"""Status words: what a passage says about whether advice was acted on.

Statuses: rectified (已完成整改, 已采纳, 全部落实, A类), in_progress (正在整改, 逐步解决,
列入计划, 拟于…, B类), not_rectified (暂不具备条件, 留作参考, 暂未调整, C类). A rectification
report states the status of each answer in its own section (整改结果：已完成整改), sometimes
several for one section; the status of a piece of evidence is the mention nearest to it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tracking_text import DocView

# Most cautious first: when one passage says both, the caveat is what is still open.
_PATTERNS: list[tuple[str, str]] = [
    ("not_rectified", (
     r"C类|暂不具备|不具备.{0,4}条件|留作参考|作为参考|暂未整改|尚未整改|未采纳|无法解决|难以落实"
     r"|暂未(?:调整|实施|开展|落实|出台|解决)|依据现行规定|没有根本解决|(?:仍|依然|仍然)(?:不高|不足|较弱|偏高|薄弱|存在|没有)")),
    ("in_progress", (
     r"正在整改|整改中|逐步(?:解决|落实|推进|到位)|分步(?:解决|实施|推进)|分两年|列入.{0,12}计划|纳入.{0,12}计划"
     r"|部分完成|部分整改|部分落实|基本完成|基本落实|尚未完成|仍未完成|[仅只]完成|仍有差距|尚未开展|尚未全部|暂未整合|持续推进|推进中"
     r"|正在(?:研究|修订|起草|征求|协调|推进|核实|制定|办理|实施|建设)|正会同|已启动|已起草|征求意见稿?"
     r"|拟(?:于|在|将|结合|对|从|按)|计划(?:于|在|分|到)|预计(?:于|在)?\s*20\d\d|将于|力争|B类")),
    ("rectified", (
     r"已完成整改|已整改|整改到位|整改完毕|已全部整改|全部(?:落实|整改)|已落实|已采纳|采纳并落实|已全部采纳|已解决"
     r"|均得到.{0,4}落实|整改率达100%|办理完毕|A类|已全部(?:收回|拨付|支付|公开|登记|完成|追回|下线)|已完成")),
]
# Words of accomplishment without a status word: weaker evidence, read only when no status
# phrase is near (我局已于2023年4月印发…, 区政府门户网站专栏已于2024年3月上线).
_DONE = re.compile(r"已(?:于|在|经|按|会同|将|全部|完成|印发|出台|制定|建立|建成|要求|实现|开展|举办|上线|公开|收回|拨付|下达"
                   r"|纳入|修订|增加|设立|明确|对|与|通过|实行)|均已|已经|自20\d\d年(?:\d{1,2}月)?(?:起|以来)"
                   r"|(?:进行|开展|实施|印发|出台|建成|上线|制定|增加|设立|修订|完成|建立|明确|配备|举办|制定)了")
_COMPILED = [(status, re.compile(p)) for status, p in _PATTERNS]
_CLASS = re.compile(r"办理(?:结果|类别|情况)?(?:为|是|属于|确定为|[:：\s])*([ABC])类|(?:列为|属于|确定为)([ABC])类"
                    r"|(?<![A-Za-z])([ABC])类(?:答复|办理|[（(])")
_ATTRIBUTIVE = re.compile(r"[^，,。；;：:、\s]{0,3}的")
CLASS_STATUS = {"A": "rectified", "B": "in_progress", "C": "not_rectified"}


@dataclass(frozen=True, slots=True)
class Mention:
    vstart: int
    vend: int
    status: str
    word: str


def status_of(text: str) -> tuple[str | None, list[str]]:
    """The status a passage states (its most cautious one), with the words that say it."""
    for status, pattern in _COMPILED:
        words = [m.group(0) for m in pattern.finditer(text)]
        if words:
            return status, words
    return None, []


def mentions(text: str) -> list[Mention]:
    """Every status phrase in ``text`` in reading order; overlapping phrases keep the most cautious."""
    found: list[Mention] = []
    for status, pattern in _COMPILED:
        for m in pattern.finditer(text):
            if _ATTRIBUTIVE.match(text, m.end()):
                continue  # 尚未完成整改的10条建议: describes what it names, says nothing of it now
            if not any(f.vstart < m.end() and m.start() < f.vend for f in found):
                found.append(Mention(m.start(), m.end(), status, m.group(0)))
    return sorted(found, key=lambda f: f.vstart)


def done_words(text: str) -> list[str]:
    """Words saying something was already done, for evidence that states no status."""
    return [m.group(0) for m in _DONE.finditer(text)]


def reply_class(text: str) -> str | None:
    """A reply's 办理结果 class (A/B/C), if it states one."""
    m = _CLASS.search(text)
    return next((g for g in m.groups() if g), None) if m else None


def evidence_status(dv: DocView, found: list[Mention], focus: tuple[int, int], block: int,
                    item_text: str) -> tuple[str | None, list[str]]:
    """What the document says about one piece of evidence for ``item_text``, or (None, []).

    1. Status words in the evidence's own sentence, the most cautious.
    2. In a rectification report's answer section: the result statement most like the item,
       when the section's results differ (运维考核办法已完成；统筹管理办法正在整改).
    3. Words of accomplishment in the evidence's sentence (已印发, 制定了, 自2023年6月起).
    4. In a rectification report's answer section: the status stated nearest after the
       evidence (整改结果：正在整改), else before it. In a reply's section: a verdict on the
       point (该建议已采纳并落实), else words of accomplishment anywhere in it.
    """
    vstart, vend = focus
    si = dv.sentence_of(vstart)
    s0, s1 = dv.sentence_spans[si][0], max(vend, dv.sentence_spans[si][1])
    inside = [m for m in found if s0 <= m.vstart < s1]
    if inside:
        # Done in part, open in part (已完成修订9项，其余2项正在修订): in progress.
        worst = _most_cautious(inside)
        return worst.status, [m.word for m in inside]
    answer = block >= 0 and dv.blocks[block].kind == "answer"
    reply = dv.doc["doc_type"] == "proposal_reply"
    if answer:
        found = _scoped(dv, found, block, vstart)
    if answer and not reply:
        results = _result_statements(dv, found, block, vstart)
        if len({st for st, _, _ in results}) > 1:
            best = max(results, key=lambda r: _shared_bigrams(item_text, r[2]))
            if _shared_bigrams(item_text, best[2]) >= 2:
                return best[0], best[1]
    done = done_words(dv.text[s0:s1])
    if done:
        return "rectified", done
    if not answer:
        return None, []
    if reply:
        return _reply_verdict(dv, found, block)
    m = block_status(dv, found, vstart, vend)
    return (m.status, [m.word]) if m else (None, [])


def _scoped(dv: DocView, found: list[Mention], block: int, vstart: int) -> list[Mention]:
    """Mentions that can speak for evidence at ``vstart``: a paragraph that answers one named
    point (关于实行“以奖代补”的建议，…暂未整改) speaks only for evidence inside it."""
    topics = dv.topic_spans(block)
    mine = [t for t in topics if t[0] <= vstart < t[1]]
    if mine:
        return [m for m in found if mine[0][0] <= m.vstart < mine[0][1]]
    return [m for m in found if not any(t[0] <= m.vstart < t[1] for t in topics)]


def _same_topic(dv: DocView, block: int, pos: int, vstart: int) -> bool:
    """Whether text at ``pos`` speaks for evidence at ``vstart`` (see _scoped)."""
    def topic(p: int) -> tuple[int, int] | None:
        return next((t for t in dv.topic_spans(block) if t[0] <= p < t[1]), None)
    return topic(pos) == topic(vstart)


def _result_statements(dv: DocView, found: list[Mention], block: int, vstart: int) -> list[tuple[str, list[str], str]]:
    """(status, words, sentence) for each sentence of a section's result part: from its first
    整改结果/整改情况 line or 整改 status phrase to the section's end."""
    b = dv.blocks[block]
    first = dv.sentence_of(b.vstart)
    last = dv.sentence_of(max(b.vstart, b.vend - 1))
    out: list[tuple[str, list[str], str]] = []
    started = False
    for si in range(first, last + 1):
        s0, s1 = dv.sentence_spans[si]
        inside = [m for m in found if s0 <= m.vstart < s1]
        started = started or si in dv.result_sentences or any("整改" in m.word for m in inside)
        if not started or not _same_topic(dv, block, s0, vstart):
            continue
        if inside:
            m = _most_cautious(inside)
            out.append((m.status, [m.word], dv.text[s0:s1]))
        elif done_words(dv.text[s0:s1]):
            out.append(("rectified", done_words(dv.text[s0:s1]), dv.text[s0:s1]))
    return out


def _reply_verdict(dv: DocView, found: list[Mention], block: int) -> tuple[str | None, list[str]]:
    b = dv.blocks[block]
    inside = [m for m in found if b.vstart <= m.vstart < b.vend]
    verdicts = [m for m in inside if re.search(r"建议|采纳|该项|此项", dv.text[slice(*dv.sentence_spans[dv.sentence_of(m.vstart)])])]
    if verdicts:
        return verdicts[0].status, [verdicts[0].word]
    done = done_words(dv.text[b.vstart:b.vend])
    return ("rectified", done) if done else (None, [])


def _shared_bigrams(a: str, b: str) -> int:
    grams = {b[i:i + 2] for i in range(len(b) - 1)}
    return len({a[i:i + 2] for i in range(len(a) - 1) if "\u4e00" <= a[i] <= "\u9fff"} & grams - _STATUS_GRAMS)


_STATUS_GRAMS = {"整改", "完成", "已完", "正在", "在整", "落实", "计划", "列入", "纳入", "建议", "该项", "此项"}


def block_status(dv: DocView, found: list[Mention], vstart: int, vend: int) -> Mention | None:
    """The status that answers evidence at [vstart, vend): a mention in the evidence itself, else
    the nearest after it in the same block (a 整改结果 line closes the answer it follows), else
    the nearest before it there."""
    inside = [m for m in found if vstart <= m.vstart < vend]
    if inside:
        return _most_cautious(inside)
    block = dv.block_at(vstart)
    if block < 0:
        return None
    b = dv.blocks[block]
    after = [m for m in found if vend <= m.vstart < b.vend]
    if after:
        return after[0]
    before = [m for m in found if b.vstart <= m.vstart < vstart]
    return before[-1] if before else None


def _most_cautious(found: list[Mention]) -> Mention:
    order = {"not_rectified": 0, "in_progress": 1, "rectified": 2}
    return min(found, key=lambda m: order[m.status])
