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
    ("not_rectified",
     r"C类|暂不具备|不具备.{0,4}条件|留作参考|作为参考|暂未整改|尚未整改|未采纳|无法解决|难以落实"
     r"|暂未(?:调整|实施|开展|落实|出台|解决)|依据现行规定|没有根本解决|(?:仍|依然|仍然)(?:不高|不足|较弱|偏高|薄弱|存在|没有)"),
    ("in_progress",
     r"正在整改|整改中|逐步(?:解决|落实|推进|到位)|分步(?:解决|实施|推进)|分两年|列入.{0,12}计划|纳入.{0,12}计划"
     r"|部分完成|部分整改|部分落实|尚未完成|仍未完成|仍有差距|尚未开展|尚未全部|暂未整合|持续推进|推进中"
     r"|正在(?:研究|修订|起草|征求|协调|推进|核实|制定|办理|实施|建设)|正会同|已启动|已起草|征求意见稿?"
     r"|拟(?:于|在|将|结合|对|从|按)|计划(?:于|在|分|到)|预计(?:于|在)?\s*20\d\d|将于|力争|B类"),
    ("rectified",
     r"已完成整改|已整改|整改到位|整改完毕|已全部整改|全部(?:落实|整改)|已落实|已采纳|采纳并落实|已全部采纳|已解决"
     r"|均得到.{0,4}落实|整改率达100%|办理完毕|A类|已全部(?:收回|拨付|支付|公开|登记|完成|追回|下线)"),
]
# Words of accomplishment without a status word: weaker evidence, read only when no status
# phrase is near (我局已于2023年4月印发…, 区政府门户网站专栏已于2024年3月上线).
_DONE = re.compile(r"已(?:于|在|经|按|会同|将|全部|完成|印发|出台|制定|建立|建成|要求|实现|开展|举办|上线|公开|收回|拨付|下达"
                   r"|纳入|修订|增加|设立|明确|对|与|通过|实行)|均已|已经|自20\d\d年(?:\d{1,2}月)?(?:起|以来)"
                   r"|(?:进行|开展|实施|印发|出台|建成|上线|制定|增加|设立|修订|完成|建立|明确|配备|举办|制定)了")
_COMPILED = [(status, re.compile(p)) for status, p in _PATTERNS]
_CLASS = re.compile(r"办理(?:结果|类别|情况)?(?:为|是|属于|确定为|[:：\s])*([ABC])类|(?:列为|属于|确定为)([ABC])类"
                    r"|(?<![A-Za-z])([ABC])类(?:答复|办理|[（(])")
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
