"""Document structure: title, heading hierarchy, sentences, and the parts of a compilation.

Headings follow the official numbering ladder 一、 → （一） → 1./1、 → （1）. A heading stands on its
own line, or is the lead clause of a paragraph (``（一）突出责任落实。一是……``), or — in text pasted
from a web page onto one line — is set off by spaces alone. Matching runs on the normalised view;
every span is mapped back to the original text.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from ..document import Document, Page, Section, Span
from ..normalize import NormalizedText, normalize, normalize_lines
from . import doctype
from .meta import extract_meta

log = logging.getLogger(__name__)

_CN_ORD = "一二三四五六七八九十"
_MARKER = re.compile(
    rf"(?P<l1>[{_CN_ORD}]{{1,3}}[、.])"
    rf"|(?P<l2>\([{_CN_ORD}]{{1,3}}\))"
    r"|(?P<l4>\(\d{1,2}\))"
    r"|(?P<l3>\d{1,2}(?:、|\.(?!\d)|\.(?=(?:19|20)\d\d年)))"
)
_LEVEL = {"l1": 1, "l2": 2, "l3": 3, "l4": 4}
_BOUNDARY_BEFORE = "\n。；;:：！？!?"
_HEADING_END = "。！？!?；;"
_SPACE = " \t\u3000\xa0"
_MAX_HEADING = 60
_PASTED_LINE = 150
_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_CLOSERS = "”’」』）)】》\"'"
_CHROME = re.compile(
    r"当前位置|首页|>>|发布(?:日期|时间)|来源[:：]|访问次数|浏览次数|打印|分享|纠错|字号|收藏|下载|全屏|扫一扫"
    r"|http|www\.|【|】|^(?:加大|减小|还原|关闭|默认|相关报道)"
)
_TITLE_CUE = re.compile(
    r"报告|总结|情况|建议|议案|提案|复函|答复|回复|函$|汇编|方案|意见|通知|评价|自评|决算|预算|说明|公告|决定|办法|要点|计划"
)
_ORGAN_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{3,30}(?:局|厅|委|委员会|政府|办公室|中心|院|公司|所|办)$")
_TITLE_LABEL = re.compile(r"^(?:案由|题目|标题|名称|事由)[:：]\s*")
# Header lines of a proposal form, not its title: 代表建议 / 建议第215号 / 第0032号 / the session.
# A session line holds no 的, which every 关于…的答复 title has.
_FORM_LABEL = re.compile(
    r"^(?:代表)?(?:建议|议案|提案)?(?:第?[A-Za-z\d]{1,8}号)?(?:建议|议案|提案)?$"
    r"|^[^的]*第[一二三四五六七八九十\d]+届(?:人民代表大会|人大)[^的]*$"
)
_SITE_NAME = re.compile(r"(?:网|网站|门户|政府|人民政府|平台|频道|首页)$")
# Asked per line or per heading: compiled once rather than looked up in re's cache each time.
_YEAR_AHEAD = re.compile(r"(?:19|20)\d\d年")
_SUBTITLE_DASH = re.compile(r"——|--")
_DATE_LINE = re.compile(r"[\d\-:/ .年月日]+")
_TITLE_PARTS = re.compile(r"\s+[-|－—]+\s+|_|｜|\|")
_CLAUSE_PUNCT = re.compile(r"[,，。;；]")
_TEXT_LINE = re.compile(r"[^\n]*\S[^\n]*")
_VOLUME_WORD = re.compile(r"汇编|选编|合集|文集")
_ONE_SPACE = re.compile(r"\s")
_LEADERS = re.compile(r"[.…·．]{2,}|\d$")
_LEADERS_PAGE = re.compile(r"[.…·．\-—_]*\d*$")
_TITLE_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十\d]+[篇部分章]|\d{1,3}[.、]|\(?[一二三四五六七八九十]+[)、])")


def annotate(document: Document, view: NormalizedText) -> None:
    """Fill title (when the reader gave none), sections, doc_type and meta in place.

    Meta fields found nothing for keep what the document already had (a compilation part starts
    with its parent's region and year).
    """
    lines = edge_lines(document.text)
    document.title = _clean_reader_title(document.title) or find_title(lines)
    document.sections = find_sections(document.text, view)
    headings = [s.heading for s in document.sections]
    if _compilation_parts(document.text):
        document.doc_type = "compilation"
    else:
        document.doc_type = doctype.classify(document.title, view.text, headings)
    found = extract_meta(document.text, view, lines, document.title, document.doc_type, headings)
    for name in ("region", "year", "issuer", "date", "proposal_no", "delegate"):
        value = getattr(found, name)
        kept = getattr(document.meta, name)
        if name == "region" and kept and value and kept.endswith(value):
            continue  # the volume's 重庆市青岚区 says more than the part's 青岚区
        if value is not None:
            setattr(document.meta, name, value)


# ---------------------------------------------------------------- sentences

def sentences(text: str, clauses: bool = False) -> list[Span]:
    """Split ``text`` into sentences (``clauses=True``: clauses too), as spans into ``text``.

    Sentences end at 。！？；; and at line breaks; clauses also at ，,：: (both widths, since
    Chinese text often carries ASCII punctuation). A comma or colon between digits
    (``12,345``, ``10:15``) splits nothing. Closing quotes and brackets stay with the sentence
    they close; surrounding whitespace is trimmed and empty pieces are dropped.

    >>> t = "资金到位。执行率95%, 结余12,345元；下一步"
    >>> [t[s.start:s.end] for s in sentences(t)]
    ['资金到位。', '执行率95%, 结余12,345元；', '下一步']
    >>> [t[s.start:s.end] for s in sentences(t, clauses=True)][1:3]
    ['执行率95%,', '结余12,345元；']
    """
    ends = _CLAUSE_END if clauses else _SENTENCE_END
    spans: list[Span] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        cut = None
        if c == "\n":
            cut = i
        elif c in ends and not (c in ",:" and 0 < i < n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()):
            cut = i + 1
            while cut < n and text[cut] in _CLOSERS:
                cut += 1
        if cut is not None:
            _add_trimmed(spans, text, start, cut)
            start = i = max(cut, i + 1)
            continue
        i += 1
    _add_trimmed(spans, text, start, n)
    return spans


def _add_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


# ---------------------------------------------------------------- headings and sections

def find_sections(original: str, view: NormalizedText) -> list[Section]:
    """Headings of the 一、/（一）/1./（1） ladder, each with the text it governs."""
    heads = _headings(original, view)
    ends = [len(original)] * len(heads)
    open_: list[int] = []  # headings whose section is still running, outermost first
    for i, head in enumerate(heads):
        while open_ and heads[open_[-1]][0] >= head[0]:
            ends[open_.pop()] = head[3]
        open_.append(i)
    sections = []
    for (level, numbering, heading, start, head_end), end in zip(heads, ends):
        while end > start and original[end - 1].isspace():
            end -= 1
        sections.append(Section(heading, level, numbering, Span(start, end), Span(start, head_end)))
    return sections


def _headings(original: str, view: NormalizedText) -> list[tuple[int, str, str, int, int]]:
    text = view.text
    out = []
    last = [0] * 5  # last ordinal seen per level, reset when a higher level starts
    for m in _MARKER.finditer(text):
        if not _at_boundary(original, view, m.start()):
            continue
        level = _LEVEL[m.lastgroup]
        ordinal = _ordinal(m.group())
        # Numbering runs 1, 2, 3…: an out-of-sequence marker is an inline list or a stray number.
        if not (ordinal == 1 or last[level] < ordinal <= last[level] + 2):
            continue
        end = _heading_end(original, view, m.end())
        # As written (widths, script), less the layout spaces the view dropped.
        heading = "".join(original[view.origin[k]] for k in range(m.end(), end)).strip()
        if len(heading) < 2 or heading[0] in "，,。.、%％)）:：;；" or _bare_number(m, text):
            continue
        last[level] = ordinal
        for deeper in range(level + 1, 5):
            last[deeper] = 0
        start, _ = view.to_original(m.start(), m.end())
        _, head_end = view.to_original(m.start(), end)
        numbering = original[start:view.to_original(m.start(), m.end())[1]]
        out.append((level, numbering, heading, start, head_end))
    return out


def _bare_number(m: re.Match[str], text: str) -> bool:
    """``3.`` followed by digits is a number (3.5), unless they make a year (1.2023年度回顾)."""
    return m.lastgroup == "l3" and text[m.end()].isdigit() and not _YEAR_AHEAD.match(text[m.end():])


def _at_boundary(original: str, view: NormalizedText, pos: int) -> bool:
    if pos == 0 or view.text[pos - 1] in _BOUNDARY_BEFORE:
        return True
    o = view.origin[pos]
    return o > 0 and original[o - 1] in _SPACE + "\n\r"


def _heading_end(original: str, view: NormalizedText, start: int) -> int:
    """Where a heading's text stops: line end, end of its lead clause, or a run of layout spaces."""
    text = view.text
    limit = min(len(text), start + 100)
    # Spaces separate fields only in text pasted onto long lines; elsewhere they are layout
    # (a PDF's "2019 年") and a heading runs to its line end or full stop.
    o = view.origin[start]
    line_start, line_end = original.rfind("\n", 0, o) + 1, original.find("\n", o)
    spaced = (line_end if line_end >= 0 else len(original)) - line_start > _PASTED_LINE
    for i in range(start, limit):
        c = text[i]
        if c == "\n" or c in _HEADING_END:
            return _cap(text, start, i)
        if spaced and i > start and _space_break(original, view, i):
            return _cap(text, start, i)
    return _cap(text, start, limit)


def _space_break(original: str, view: NormalizedText, i: int) -> bool:
    """Spaces (no line break) the view removed between two non-digit characters: a field gap."""
    a, b = view.origin[i - 1] + 1, view.origin[i]
    if b <= a:
        return False
    gap = original[a:b]
    if not all(ch in _SPACE for ch in gap):
        return False
    if _MARKER.match(view.text, i):
        return True  # "（一）试点推行 1.加强组织领导": the next heading follows
    left, right = view.text[i - 1], view.text[i]
    return not (left.isascii() and left.isalnum()) and not (right.isascii() and right.isalnum())


def _cap(text: str, start: int, end: int) -> int:
    if end - start <= _MAX_HEADING:
        return end
    for i in range(start + 4, start + _MAX_HEADING):
        if text[i] in "，,：:":
            return i
    return start + _MAX_HEADING


def _ordinal(marker: str) -> int:
    core = marker.strip("()、.")
    if core.isdigit():
        return int(core)
    if core == "十":
        return 10
    tens, _, ones = core.partition("十")
    if "十" not in core:
        return _CN_ORD.index(core) + 1 if core in _CN_ORD else 0
    return (_CN_ORD.index(tens) + 1 if tens else 1) * 10 + (_CN_ORD.index(ones) + 1 if ones else 0)


# ---------------------------------------------------------------- title

def edge_lines(text: str, keep: int = 40) -> list[str]:
    """The text's lines, the first and last ``keep`` normalised one by one (others left empty).

    Title and sign-off are read line by line: the view may have joined a long title with the
    salutation under it, as it joins any long line that ends without punctuation.
    """
    raw = text.split("\n")
    wanted = sorted(set(range(min(keep, len(raw)))) | set(range(max(0, len(raw) - keep), len(raw))))
    out = [""] * len(raw)
    for i, line in zip(wanted, normalize_lines([raw[i] for i in wanted])):
        out[i] = line.strip()
    return out


def find_title(lines: list[str]) -> str:
    """The document's title from its first lines, skipping page chrome and session headers.

    The first line whose wording names a kind of document (…报告, …的建议, …的复函) wins; an organ
    line directly above it (``X县财政局`` / ``关于……的报告``) joins it, as does a line ending in 关于.
    """
    candidates = _title_candidates(lines)
    for k, (idx, line) in enumerate(candidates):
        line = _SUBTITLE_DASH.split(line)[0] or line  # a subtitle (——在…会议上) is no part of the title
        if not doctype.title_type(line):
            continue
        # A title broken over lines, or an organ line set above it, joins it.
        head, j, first_idx = line, k - 1, idx
        while j >= 0 and not doctype.title_type(candidates[j][1]) and len(head) + len(candidates[j][1]) <= 80 and (
                candidates[j][0] == first_idx - 1 or candidates[j][0] >= first_idx - 2 and _ORGAN_LINE.match(candidates[j][1])):
            head, first_idx, j = candidates[j][1] + head, candidates[j][0], j - 1
        if head != line and not _ORGAN_LINE.match(line):
            return head
        nxt = candidates[k + 1] if k + 1 < len(candidates) else None
        if nxt and nxt[0] == idx + 1 and line.endswith(("关于", "的")):
            return line + nxt[1]
        return line
    firsts = [line for _, line in candidates if _TITLE_CUE.search(line)] or [line for _, line in candidates]
    return firsts[0] if firsts and len(firsts[0]) >= 6 else ""


def _title_candidates(lines: list[str]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for idx, raw in enumerate(lines[:25]):
        line = _TITLE_LABEL.sub("", raw.strip())
        if not line or _CHROME.search(line) or _FORM_LABEL.search(line) or _DATE_LINE.fullmatch(line):
            continue
        if _MARKER.match(line) or line.endswith((":", "：")) or line.startswith("——"):
            break  # a heading, salutation or subtitle: the body has begun
        if len(line) > 80 or "。" in line:
            if out:
                break
            continue
        out.append((idx, line))
        if len(out) >= 6:
            break
    return out


def _clean_reader_title(title: str) -> str:
    """A format's own title without the site name (``…的复函_某区人民政府网``), or '' if it is none.

    Web pages often title themselves with their crumb trail or the first words of the text
    (``在……关键之年,某区……``); such a "title" is dropped so the text's own title line is used.
    """
    title = title.strip()
    parts = [p.strip() for p in _TITLE_PARTS.split(title) if p.strip()]
    if len(parts) > 1:
        parts = [p for p in parts if not _SITE_NAME.search(p)] or parts
        title = max(parts, key=lambda p: (bool(_TITLE_CUE.search(p)), len(p)))
    title = normalize(title).text.strip()
    if _CHROME.search(title) or not doctype.title_type(title) and _CLAUSE_PUNCT.search(title):
        return ""
    return title


# ---------------------------------------------------------------- compilations

def split_compilation(document: Document) -> list[Document]:
    """One Document per report in a compilation (汇编); [] for an ordinary document.

    Parts carry ``parent_id``, ``parent_range`` (in the parent's offsets), their slice of the text,
    the parent's pages that fall inside them (re-based), and the parent's region and year as a
    starting point that their own text may override.
    """
    parts = []
    for n, (start, end) in enumerate(_compilation_parts(document.text), 1):
        pages = [
            Page(p.number, Span(max(p.span.start, start) - start, min(p.span.end, end) - start), p.garbled)
            for p in document.pages
            if p.span.end > start and p.span.start < end
        ]
        part = Document(
            id=f"{document.id}:{start}-{end}",
            source=f"{document.source}#{n}",
            format=document.format,
            text=document.text[start:end],
            pages=pages,
            parent_id=document.id,
            parent_range=Span(start, end),
        )
        part.meta.region, part.meta.year = document.meta.region, document.meta.year
        parts.append(part)
    if parts:
        log.debug("%s: compilation of %d parts", document.source, len(parts))
    return parts


@lru_cache(maxsize=2)  # annotate and split_compilation ask twice for one text
def _compilation_parts(text: str) -> tuple[tuple[int, int], ...]:
    """Where each report of a compilation starts and ends, or () when the text is one report."""
    lines = [(m.start(), m.group()) for m in _TEXT_LINE.finditer(text)]
    keys = _title_keys([line for _, line in lines])
    head = "".join(keys[:6])
    starts = _starts_from_contents(lines, keys)
    if len(starts) < 2 and _VOLUME_WORD.search(head):
        starts = _starts_from_titles(lines, keys)
    if len(starts) < 2:
        return ()
    bounds = [lines[i][0] for i in starts] + [len(text)]
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        while b > a and text[b - 1].isspace():
            b -= 1
        parts.append((a, b))
    if any(len(_ONE_SPACE.sub("", text[a:b])) < 40 for a, b in parts):
        return ()
    return tuple(parts)


def _title_keys(lines: list[str]) -> list[str]:
    """Each short line reduced for matching a contents entry to its title (no numbering, leader
    dots, page); "" for a paragraph, never a title: it is not even normalised."""
    short = [line for line in lines if len(line) <= 120]
    keys = iter(_title_key(line) for line in normalize_lines(short))
    return [next(keys) if len(line) <= 120 else "" for line in lines]


def _title_key(normalized: str) -> str:
    key = _ONE_SPACE.sub("", normalized)
    key = _LEADERS_PAGE.sub("", key) if _LEADERS.search(key) else key
    return _TITLE_NUMBERING.sub("", key)


def _report_title(key: str) -> bool:
    return 6 <= len(key) <= 80 and "。" not in key and bool(doctype.title_type(key))


def _numbered(line: str) -> bool:
    return bool(_MARKER.match(normalize(line.strip()[:8]).text))


def _starts_from_contents(lines: list[tuple[int, str]], keys: list[str]) -> list[int]:
    """Unnumbered lines that repeat, in order, the report titles a contents page (目录) lists."""
    toc = next((i for i, k in enumerate(keys[:60]) if k in ("目录", "目次")), None)
    if toc is None:
        return []
    entries: list[str] = []
    j = toc + 1
    while j < len(keys) and _report_title(keys[j]) and keys[j] not in entries:
        entries.append(keys[j])
        j += 1
    starts, pos = [], j
    for entry in entries:
        # A section heading of one report (二、评价结论) is numbered in the body; a report's own
        # title line is not.
        hit = next((i for i in range(pos, len(keys)) if not _numbered(lines[i][1]) and (
            keys[i] == entry or i + 1 < len(keys) and keys[i] + keys[i + 1] == entry)), None)
        if hit is not None:
            starts.append(hit)
            pos = hit + 1
    return starts


def _starts_from_titles(lines: list[tuple[int, str]], keys: list[str]) -> list[int]:
    """In a volume without contents: unnumbered title lines each followed by a report from 一、."""
    starts = []
    for i in range(1, len(keys)):
        if not _report_title(keys[i]) or _numbered(lines[i][1]) or keys[i - 1].startswith("附件"):
            continue
        body = [line.strip() for _, line in lines[i + 1:i + 12]]
        first = next((k for k, b in enumerate(body) if _numbered(b) and _ordinal_of(b) == 1), None)
        if first is not None and not any(_report_title(keys[i + 1 + k]) for k in range(first)):
            starts.append(i)
    return starts


def _ordinal_of(line: str) -> int:
    m = _MARKER.match(normalize(line[:8]).text)
    return _ordinal(m.group()) if m and m.lastgroup == "l1" else 0
