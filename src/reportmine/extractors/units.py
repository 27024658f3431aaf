"""Cut a normalised text into paragraphs, enumerated items, sentences and clauses.

Statements are clauses or runs of clauses, so this is the one place that knows where Chinese
report prose breaks: sentence punctuation of both widths (the seeds use ASCII ``, ; :``),
list markers (``一、`` ``(一)`` ``1.`` ``(1)`` ``一是`` ``首先``), and headings that a web copy
ran inline into the body, separated only by a space that the normalised view has dropped.
All offsets are view offsets; callers map them back with ``view.to_original``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import numpy as np

from ..normalize import NormalizedText

_CN = "一二三四五六七八九十"
# Item markers with their nesting level: 1 一、 2 (一) 3 1. 4 (1) 5 一是/首先/第一.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"[{_CN}]{{1,3}}[、.](?![{_CN}])")),
    (2, re.compile(rf"\([{_CN}]{{1,3}}\)")),
    (3, re.compile(r"\d{1,2}[.、](?!\d{1,3}(?:[.%万亿元个项家条]|\d{0,2}$))")),
    (4, re.compile(r"\(\d{1,2}\)")),
    (5, re.compile(rf"(?:[{_CN}]{{1,3}}是|首先|其次|再次|最后|另一方面|一方面|第[{_CN}]{{1,3}}(?=[,、:]))[,:、]?")),
)
_SENT_END = "。！？!?；;"
_OPEN, _CLOSE = "(“《「『[", ")”》」』]"
# Connectives and lead-ins that belong to no statement (the gold texts leave them out).
_LEAD_IN = re.compile(
    r"(?:[,:、]|同时|此外|另外|并且|而且|但是|但|且|并|以及|其中|特别是|尤其是|例如|比如|如(?![期实何今])|包括"
    r"|下一步|今后|下步|为此|对此|总体来看|总的来看|综上)+"
)
_TRAIL = re.compile(r"(?:等方面|等|[,:、])+$")
# Characters the splitters act on; everything between two of them is passed over in one step.
_SPLIT_AT = re.compile("[" + re.escape(_OPEN + _CLOSE + _SENT_END) + ":,]")
_CLAUSE_AT = re.compile("[" + re.escape(_OPEN + _CLOSE) + ",，]|以及")
_NEWLINE = re.compile("\n")


@dataclass(slots=True)
class Clause:
    start: int
    end: int
    text: str
    sentence: int


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    item: int | None = None  # index into Units.items of the innermost item it belongs to
    lead: bool = False  # the item's first sentence (right after its marker)
    heading: bool = False  # a heading line, not running prose
    appendix: bool = False  # after "附件:": a list of attached files
    closed_line: bool = False  # a marked one-line paragraph that ends like a sentence
    clauses: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Item:
    level: int
    marker: str
    start: int  # where the marker starts
    parent: int | None
    sentences: list[int] = field(default_factory=list)
    children: int = 0


@dataclass(slots=True)
class Units:
    sentences: list[Sentence]
    clauses: list[Clause]
    items: list[Item]
    view_text: str = ""


def split_units(view: NormalizedText, original: str) -> Units:
    """Paragraphs -> items -> sentences -> clauses of ``view.text``."""
    gaps = _space_gaps(view, original)
    ordered_gaps = sorted(gaps)
    units = Units([], [], [], view.text)
    stack: list[int] = []
    for p, (start, end) in enumerate(_paragraphs(view.text, gaps)):
        # headed items (levels 1-4) govern the paragraphs after them; 一是-items end with theirs
        stack = [i for i in stack if units.items[i].level < 5]
        _Splitter(view.text, gaps, ordered_gaps, p, units, stack).run(start, end)
    _unmark_list_points(units)
    _mark_appendix(units)
    return units


def _unmark_list_points(units: Units) -> None:
    """"1.…。" followed by "2.…。" is a list of points, not headings: a marked line that ends like
    a sentence heads something only when unmarked body text follows it."""
    sents = units.sentences
    for k, s in enumerate(sents):
        if not s.closed_line:
            continue
        nxt = next((t for t in sents[k + 1 :] if t.paragraph != s.paragraph), None)
        if nxt is None or nxt.lead:
            for t in sents[k:]:
                if t.paragraph != s.paragraph:
                    break
                t.heading = False


def _mark_appendix(units: Units) -> None:
    """Everything after an "附件" line lists attached files (titles, not prose)."""
    for k, s in enumerate(units.sentences):
        if s.text.startswith(("附件", "附表")) and len(s.text.rstrip(":")) <= 12:
            for t in units.sentences[k:]:
                t.appendix = t.heading = True
            return


def _space_gaps(view: NormalizedText, original: str) -> set[int]:
    """View positions where the original had spaces (no line break) that the view dropped.

    A web copy that ran a document into one line keeps its headings apart only by such a space.
    """
    origin = view.origin
    n = len(view.text)
    if n < 2 or origin[n - 1] - origin[0] == n - 1:
        return set()  # nothing was removed
    jumps = np.flatnonzero(np.diff(np.array(origin[:n], dtype=np.int64)) > 1) + 1
    out = set()
    for i in jumps.tolist():
        removed = original[origin[i - 1] + 1 : origin[i]]
        if removed.strip() == "" and "\n" not in removed:
            out.add(i)
    return out


def _paragraphs(text: str, gaps: set[int]) -> list[tuple[int, int]]:
    """Line breaks, plus a list marker right after a dropped space (an inline heading)."""
    cuts = [0]
    cuts += [m.end() for m in _NEWLINE.finditer(text, 0, len(text) - 1)]  # after each line break
    cuts += [i for i in gaps if _marker(text, i, len(text)) and (text[i - 1] in _SENT_END + ":" or _marker(text, i, len(text))[0] < 5)]
    cuts = sorted(set(cuts)) + [len(text)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _strip(text, a, b)
        if b > a:
            out.append((a, b))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "|"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _marker(text: str, i: int, end: int) -> tuple[int, int] | None:
    for level, rx in _MARKERS:
        m = rx.match(text, i, end)
        if m and m.end() < end:
            return level, m.end()
    return None


class _Splitter:
    """One paragraph: a small state machine over its characters."""

    def __init__(
        self, text: str, gaps: set[int], ordered_gaps: list[int], paragraph: int, units: Units, stack: list[int]
    ) -> None:
        self.text, self.gaps, self.p, self.units = text, gaps, paragraph, units
        self.ordered_gaps = ordered_gaps
        self.stack = stack  # open items, outermost first (shared with the next paragraph)
        self.new_item: int | None = None
        self.in_heading = False

    def run(self, start: int, end: int) -> None:
        text = self.text
        first = len(self.units.sentences)
        sent_start, at_start, depth, i = start, True, 0, start
        while i < end:
            if at_start:
                at_start = False
                m = _marker(text, i, end)
                if m is not None:
                    self._flush(sent_start, i)
                    self._open_item(m[0], i, m[1])
                    self.in_heading = m[0] < 5 and i == start
                    sent_start = i = m[1]
                    continue
            # Only brackets, sentence ends, colons, commas and (in a heading) dropped spaces act:
            # jump to the next of them.
            found = _SPLIT_AT.search(text, i, end)
            j = found.start() if found else end
            if self.in_heading:
                gap = self._gap_from(max(i, sent_start + 2))
                if gap is not None and gap < j:
                    j = gap
            if j >= end:
                break
            c = text[j]
            if c in _OPEN:
                depth += 1
            elif c in _CLOSE:
                depth = max(0, depth - 1)
            elif self.in_heading and j in self.gaps and j > sent_start + 1:
                # "五、下一步工作计划 为贯彻落实…": the heading ended at a dropped space
                self._flush(sent_start, j, heading=True)
                self.in_heading = False
                sent_start, at_start, i = j, True, j
                continue
            elif depth == 0 and (c in _SENT_END or (c == ":" and not _between_digits(text, j))):
                heading = self.in_heading
                if c in _SENT_END:
                    self.in_heading = False
                self._flush(sent_start, j + 1, heading=heading and c == ":")
                sent_start, at_start = j + 1, True
            elif depth == 0 and c == "," and _enum_follows(text, j + 1, end):
                self._flush(sent_start, j + 1)
                sent_start, at_start = j + 1, True
            i = j + 1
        self._flush(sent_start, end, heading=self.in_heading)
        self._mark_heading_paragraph(first, start, end)

    def _gap_from(self, pos: int) -> int | None:
        """The first dropped-space position at or after ``pos``."""
        k = bisect.bisect_left(self.ordered_gaps, pos)
        return self.ordered_gaps[k] if k < len(self.ordered_gaps) else None

    def _mark_heading_paragraph(self, first: int, start: int, end: int) -> None:
        """A short line with no sentence inside is a heading, title or sign-off, not prose."""
        sents = self.units.sentences[first:]
        body = self.text[start:end].rstrip("。:")
        headed = bool(sents) and sents[0].lead and self.units.items[sents[0].item or 0].level < 5
        closed = self.text[end - 1] in _SENT_END
        short = len(body) <= 60 and not any(c in body for c in "。！？!?；;")
        if sents and short and (headed or not closed):
            for s in sents:
                s.heading = True
                s.closed_line = headed and closed

    def _open_item(self, level: int, start: int, end: int) -> None:
        items = self.units.items
        while self.stack and items[self.stack[-1]].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if parent is not None:
            items[parent].children += 1
        items.append(Item(level, self.text[start:end], start, parent))
        self.stack.append(len(items) - 1)
        self.new_item = self.stack[-1]

    def _flush(self, a: int, b: int, heading: bool = False) -> None:
        text, units = self.text, self.units
        a, b = _strip(text, a, b)
        if not text[a:b].rstrip(_SENT_END + ":").strip():
            return
        idx = len(units.sentences)
        item = self.stack[-1] if self.stack else None
        s = Sentence(a, b, text[a:b], self.p, item, lead=self.new_item is not None, heading=heading)
        self.new_item = None
        units.sentences.append(s)
        if item is not None:
            units.items[item].sentences.append(idx)
        for ca, cb in _clause_spans(text, a, b):
            ca, cb = trim(text, ca, cb)
            if cb - ca >= 2:
                s.clauses.append(len(units.clauses))
                units.clauses.append(Clause(ca, cb, text[ca:cb], idx))


def _enum_follows(text: str, i: int, end: int) -> bool:
    """A comma before ``二是``/``其次`` ends the previous point (``…工作,一是…``)."""
    m = _MARKERS[-1][1].match(text, i, end)
    return m is not None and not text.startswith(("一方面", "第一"), i)


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def _clause_spans(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Commas outside brackets and quotes, and ``以及`` between two long halves."""
    out = []
    depth = 0
    start = a
    for m in _CLAUSE_AT.finditer(text, a, b):
        i, c = m.start(), m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in ",，":
            out.append((start, i))
            start = i + 1
        elif depth == 0 and c == "以及" and i - start >= 6 and b - i >= 8:
            out.append((start, i))
            start = i
    out.append((start, b))
    return out


def trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop surrounding punctuation, lead-in connectives and a trailing ``等``."""
    a, b = _strip(text, a, b)
    while b > a and text[b - 1] in _SENT_END + ":,、":
        b -= 1
    m = _LEAD_IN.match(text, a, b)
    if m:
        a = m.end()  # a clause that is only a connective ("同时,") becomes empty
    a, b = _strip(text, a, b)
    m = _TRAIL.search(text, a, b)
    if m and m.start() - a >= 4:
        b = m.start()
    return a, b
