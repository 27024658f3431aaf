"""A document as the register reads it: blocks (the sections that answer one problem each),
evidence units (clauses and runs of clauses inside sentences) and status mentions.

Everything is matched on the normalised view (simplified characters, hard wraps joined) and
reported in original offsets, so a link highlights the source text exactly.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from .document import Section
from .extractors.structure import sentences
from .normalize import NormalizedText, normalize

MAX_WINDOW = 3  # clauses per evidence unit: a point is rarely stated in more than three

# A heading that only labels part of an answer (整改措施：…), not a problem of its own.
_LABEL_HEADING = re.compile(r"^(?:整改|落实|办理)?(?:措施|情况|结果|成效|状态|进展|责任)(?:及成效|及结果|情况)?[。.:：]?$"
                            r"|^整改(?:措施|情况|结果|成效|状态|责任科室)")
# A leading label inside a sentence: 整改措施：… / （二）整改情况。… / 一是…
_LEAD_LABEL = re.compile(r"(?:[(（][一二三四五六七八九十\d]+[)）]\s*)?(?:整改|办理)?(?:措施及成效|措施|结果|情况|状态|成效)[:：。.]"
                         r"|(?:[一二三四五六七八九十]+是|首先|其次|再次|最后)[，,:：]?"
                         r"|(?:[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|[一二三四五六七八九十]+、)")
_RESULT_LABEL = re.compile(r"^(?:[(（][一二三四五六七八九十\d]+[)）]\s*)?(?:整改|办理|完成|落实)?(?:结果|状态|情况|成效)[:：。.]")
# Headings found in the text when the structure extractor found none (问题一：… lines).
_FALLBACK_HEADING = re.compile(r"^(?:问题[一二三四五六七八九十\d]+|关于|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]"
                               r"|第[一二三四五六七八九十]+[部分项条个])")
# A clause that only names the point being answered (关于…的建议，): the topic, not evidence.
_TOPIC = re.compile(r"(?:关于|针对|对于)[^，,。；]{0,50}(?:的建议|的问题|问题|方面|一事)[，,：:]?$")
_SHORT_LINE = 20
_LABEL_HEADING_LEN = 16
_PLAN = re.compile(r"下一步|工作打算|工作安排|工作计划|工作思路|努力方向|今后|打算|展望")
_PROBLEM = re.compile(r"问题|不足|困难|短板|差距")
_ACHIEVED = re.compile(r"成效|成绩|进展|做法|工作情况|主要工作|完成情况|开展情况|亮点")


@dataclass(frozen=True, slots=True)
class Block:
    """A stretch of the document under one heading; ``kind`` says what it holds."""

    heading: str
    vstart: int
    vend: int
    kind: str  # answer, plan, problem, achieved, preamble


@dataclass(frozen=True, slots=True)
class Unit:
    """A candidate piece of evidence: one to MAX_WINDOW clauses of one sentence.

    A ``topic`` unit is a clause that names the point it answers (关于调整县级配套资金分担比例的
    建议，…): matched by that name, it stands for the rest of its paragraph (``vend``).
    """

    vstart: int
    vend: int
    text: str
    sentence: int
    block: int
    topic: bool = False
    clauses: tuple[int, int] = (0, 0)  # first and last index into DocView.clauses


@dataclass(slots=True)
class DocView:
    doc: dict[str, Any]
    original: str
    view: NormalizedText
    blocks: list[Block]
    units: list[Unit]
    sentence_spans: list[tuple[int, int]]
    result_sentences: set[int] = field(default_factory=set)
    clauses: list[tuple[int, int]] = field(default_factory=list)
    _block_starts: list[int] = field(default_factory=list, repr=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _topics: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str:
        return self.view.text

    def to_original(self, vstart: int, vend: int) -> tuple[int, int]:
        return self.view.to_original(vstart, vend)

    def block_at(self, vpos: int) -> int:
        if len(self._block_starts) != len(self.blocks):
            self._block_starts = [b.vstart for b in self.blocks]
        i = bisect.bisect_right(self._block_starts, vpos) - 1
        return i if i >= 0 and vpos < self.blocks[i].vend else -1

    def block_text(self, i: int) -> str:
        b = self.blocks[i]
        return self.text[b.vstart:b.vend]

    def topic_spans(self, block: int) -> list[tuple[int, int]]:
        """Paragraphs of a block that answer one named point (关于…的建议，…)."""
        if not self._topics and self.units:
            for u in self.units:
                if u.topic:
                    self._topics.setdefault(u.block, []).append((u.vstart, u.vend))
            self._topics.setdefault(-2, [])  # built, even when there is none
        return self._topics.get(block, [])

    def sentence_of(self, vpos: int) -> int:
        if len(self._sentence_starts) != len(self.sentence_spans):
            self._sentence_starts = [s for s, _ in self.sentence_spans]
        return max(bisect.bisect_right(self._sentence_starts, vpos) - 1, 0)


def build_view(doc: dict[str, Any], original: str, sections: list[Section], answering: bool) -> DocView:
    """``answering``: the document answers another problem by problem (a rectification report,
    a reply), so its blocks are its answer sections; otherwise its deepest sections."""
    view = normalize(original)
    vsections = [_to_view(view, s) for s in sections] or [
        (h, lvl, _view_pos(view, a), _view_pos(view, b), _view_pos(view, c)) for h, lvl, a, b, c in _fallback_sections(original)]
    blocks = _blocks(view.text, vsections, answering)
    # Headings are topics, not evidence: an answer section's heading (关于预算测算依据不足的
    # 问题), a short label (（二）云资源集约采购). A long numbered line is a statement the
    # structure extractor took for a heading (（二）选择教育、卫健等10个部门试点公开自评报告全文).
    starts = {b.vstart for b in blocks} if answering else set()
    heads = [(s[2], s[3]) for s in vsections if s[2] in starts or len(s[0]) <= _LABEL_HEADING_LEN]
    spans = [(s.start, s.end) for s in sentences(view.text)]
    dv = DocView(doc, original, view, blocks, [], spans)
    dv.units = _units(dv, heads)
    return dv


# ---------------------------------------------------------------- blocks

def _to_view(view: NormalizedText, s: Section) -> tuple[str, int, int, int, int]:
    """(heading, level, start, heading end, end) with offsets in the view."""
    return (s.heading, s.level, _view_pos(view, s.span.start), _view_pos(view, s.heading_span.end),
            _view_pos(view, s.span.end))


def _view_pos(view: NormalizedText, original_pos: int) -> int:
    return bisect.bisect_left(view.origin, original_pos, 0, len(view.origin) - 1)


def _fallback_sections(text: str) -> list[tuple[str, int, int, int, int]]:
    """Short unpunctuated lines that open with a heading marker, when no heading ladder was found
    (read in the original text: the view joins such a line to the paragraph after it)."""
    heads = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if 2 < len(stripped) <= 60 and stripped[-1] not in "。；;！？!?，," and _FALLBACK_HEADING.match(stripped):
            heads.append((stripped, 1, pos, pos + len(line)))
        pos += len(line) + 1
    out = []
    for i, (heading, level, start, head_end) in enumerate(heads):
        end = heads[i + 1][2] if i + 1 < len(heads) else len(text)
        out.append((heading, level, start, head_end, end))
    return out


def _blocks(text: str, secs: list[tuple[str, int, int, int, int]], answering: bool) -> list[Block]:
    chosen = _answer_sections(secs) if answering else _leaf_sections(secs)
    chosen.sort(key=lambda s: s[2])
    out: list[Block] = []
    first = chosen[0][2] if chosen else len(text)
    out.append(Block("", 0, first, "preamble"))
    for i, (heading, _level, start, _head_end, end) in enumerate(chosen):
        nxt = chosen[i + 1][2] if i + 1 < len(chosen) else len(text)
        top = _top_heading(secs, start)
        out.append(Block(heading, start, min(max(end, start + 1), nxt) if end > start else nxt,
                         _block_kind(heading, top, answering)))
    return [b for b in out if b.vend > b.vstart]


def _children(secs: list[tuple[str, int, int, int, int]], parent: tuple[str, int, int, int, int]) -> list[tuple]:
    return [s for s in secs if s is not parent and parent[2] <= s[2] < parent[4] and s[1] > parent[1]
            and not _LABEL_HEADING.match(s[0])]


def _answer_sections(secs: list[tuple[str, int, int, int, int]]) -> list[tuple]:
    """Top-level sections; a container (二、整改落实情况 holding 关于…的建议 items) gives its items."""
    if not secs:
        return []
    top_level = min(s[1] for s in secs)
    out = []
    for s in secs:
        if s[1] != top_level:
            continue
        kids = [k for k in _children(secs, s) if k[1] == min(c[1] for c in _children(secs, s))] if _children(secs, s) else []
        topical = [k for k in kids if re.match(r"关于|针对|问题", k[0]) or re.search(r"(?:问题|建议|方面)$", k[0])]
        if len(topical) >= 2 and not re.match(r"关于|针对", s[0]):
            out.extend(kids)
        else:
            out.append(s)
    return out


def _leaf_sections(secs: list[tuple[str, int, int, int, int]]) -> list[tuple]:
    return [s for s in secs if not _LABEL_HEADING.match(s[0]) and not _children(secs, s)]


def _top_heading(secs: list[tuple[str, int, int, int, int]], pos: int) -> str:
    tops = [s for s in secs if s[2] <= pos < max(s[4], s[2] + 1)]
    return min(tops, key=lambda s: s[1])[0] if tops else ""


def _block_kind(heading: str, top: str, answering: bool) -> str:
    # A report's top heading (二、存在的问题, 三、2024年工作打算) says what its parts hold.
    for h in (top, heading) if not answering else (heading,):
        if _PLAN.search(h):
            return "plan"
        if answering:
            break
        if _ACHIEVED.search(h):
            return "achieved"
        if _PROBLEM.search(h):
            return "problem"
    return "answer"


# ---------------------------------------------------------------- units

def _units(dv: DocView, heads: list[tuple[int, int]]) -> list[Unit]:
    text = dv.text
    head_ranges = sorted(heads)
    out: list[Unit] = []
    for si, (s0, s1) in enumerate(dv.sentence_spans):
        if _inside_heading(head_ranges, s0, s1):
            continue
        sentence = text[s0:s1]
        if _RESULT_LABEL.match(sentence):
            dv.result_sentences.add(si)
        clauses = [(c.start + s0, c.end + s0) for c in sentences(sentence, clauses=True)]
        clauses = [_strip_label(text, a, b) for a, b in clauses]
        block = dv.block_at(s0)
        for a, b in clauses:
            if _TOPIC.match(text, a, b):
                para_end = text.find("\n", b)
                dv.clauses.append((a, b))
                k = len(dv.clauses) - 1
                out.append(Unit(a, para_end if para_end >= 0 else len(text), text[a:b], si, block, True, (k, k)))
        clauses = [(a, b) for a, b in clauses if b - a >= 2 and not _TOPIC.match(text, a, b)]
        if len(clauses) == 1 and s1 - s0 <= _SHORT_LINE and text[s1 - 1] not in "。；;！？!?，,":
            continue  # a signature, a date or a label line, not a statement
        first = len(dv.clauses)
        dv.clauses.extend(clauses)
        for i in range(len(clauses)):
            for j in range(i, min(i + MAX_WINDOW, len(clauses))):
                a, b = clauses[i][0], clauses[j][1]
                out.append(Unit(a, b, text[a:b].rstrip("。；;，,：:"), si, block, False, (first + i, first + j)))
    return out


def _inside_heading(heads: list[tuple[int, int]], s0: int, s1: int) -> bool:
    i = bisect.bisect_right(heads, (s0, 1 << 60)) - 1
    return i >= 0 and heads[i][0] <= s0 and s1 <= heads[i][1] + 1


def _strip_label(text: str, a: int, b: int) -> tuple[int, int]:
    m = _LEAD_LABEL.match(text, a, b)
    while m and m.end() > a:
        a = m.end()
        m = _LEAD_LABEL.match(text, a, b)
    return a, b
