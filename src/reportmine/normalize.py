"""A normalised view of a document's text that maps every character back to the original.

Extractors match against the view (half-width digits and punctuation, simplified characters,
hard-wrapped lines re-joined, spaces between Chinese and digits dropped, a character doubled
across a page break removed) and report spans in the original text via :meth:`NormalizedText.to_original`.
Only 1:1 replacements and deletions are made, so the map is a plain list of original offsets.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Full-width ASCII block -> ASCII; the ideographic space -> space. 1:1, so offsets survive.
_WIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
_WIDE_CHARS = {chr(k): chr(v) for k, v in _WIDTH_TABLE.items()}
_WIDE_CHAR = re.compile("[" + "".join(map(re.escape, _WIDE_CHARS)) + "]")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3001-\u3011\u2018-\u201d\uff01-\uff5e"
_TERMINAL = "。！？；：!?;:”』」）)】"
_SPACES = " \t\u3000\xa0"
# Spaces next to a Chinese character are layout, not content ("2019 年", "1391.38 亿元"): a run
# of spaces after one, or a run of spaces before one. Written to start with the space class so
# that the regex engine skips to the next space in C instead of trying both branches (each a
# lookaround) at every character.
_LAYOUT_SPACE = re.compile(
    rf"[{_SPACES}](?:(?<=[{_CJK}{_CJK_PUNCT}][{_SPACES}])[{_SPACES}]*|[{_SPACES}]*(?=[{_CJK}{_CJK_PUNCT}]))"
)
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)"
    r"|第[一二三四五六七八九十]+[章节部分条]|[一二三四五六七八九十]+是|首先|其次|最后|附件)"
)
# Web-page chrome and sign-off lines end without punctuation but are never continued.
_STANDALONE = re.compile(r">>|首页|发布(?:日期|时间)|访问次数|浏览次数|来源[:：]|当前位置|联系人|联系电话|^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
# A line this long that stops mid-sentence was cut by a page end, not written that way.
_LONG_LINE = 30
# A pasted PDF page number (— 2 —, - 2 -, 第2页): a line of its own that a sentence runs across.
_PAGE_NUMBER = re.compile(r"[ \t]*(?:[-—–]+[ \t]*\d{1,3}[ \t]*[-—–]+|第[ \t]*\d{1,3}[ \t]*页(?:[ \t]*共[ \t]*\d{1,3}[ \t]*页)?)[ \t\r]*")
_DIRECT = re.compile(rf"\n(?:{_PAGE_NUMBER.pattern}\n)*")  # the next line, page numbers aside
# A number cut by a line break: 1,3 + 56.2 (a thousands group left short), 12. + 5, 12 + .5 or 1 + ,356.
_NUMBER_HEAD = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})*(?:,(\d{0,2})|(\.))$|(?<![\d,.])\d+$")
_NUMBER_REST = re.compile(r"(\d+)(?:[.,]\d|[^\d]|$)|([.,])(\d+)")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` plus ``origin``: ``origin[i]`` is the original offset of ``text[i]``.

    ``origin`` has one extra trailing entry, the original length, so end offsets map too.
    """

    text: str
    origin: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the view to the original text."""
        if end <= start:
            o = self.origin[start]
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> NormalizedText:
    """Build the matching view of ``text`` (cached: every stage of one document shares it).

    >>> v = normalize("共计２０１９ 年")
    >>> v.text
    '共计2019年'
    >>> v.to_original(2, 7)
    (2, 8)
    """
    # Lines, headings and names are normalised by the dozen per document: they get a cache of
    # their own, so they never push the document's own view out of its few slots.
    return _normalize_short(text) if len(text) < _SHORT else _normalize_long(text)


_SHORT = 1000


@lru_cache(maxsize=512)  # a few hundred per document; at most ~18 MB even if all were 1,000 long
def _normalize_short(text: str) -> NormalizedText:
    return _build(text)


@lru_cache(maxsize=4)
def _normalize_long(text: str) -> NormalizedText:
    return _build(text)


def normalize_lines(lines: list[str]) -> list[str]:
    """``[normalize(line).text for line in lines]`` for lines holding no line break, in one
    pass: a title or sign-off is read line by line, and one call per line cost more than the
    characters in it. (One line has no soft break; what else a view drops is layout spaces.)"""
    if any("\n" in line for line in lines):
        return [normalize(line).text for line in lines]
    # one substitution for all lines: a layout space never spans a line break, and a line
    # break is no Chinese character, so each line's edges read as the ends of a lone line
    return _LAYOUT_SPACE.sub("", _fold("\n".join(lines))).split("\n")


def _fold(text: str) -> str:
    """Widths and traditional characters folded, character for character."""
    folded = text
    # Which characters need folding is asked of a regex (a scan in C) rather than of set(text),
    # which makes a string object per character. str.replace per full-width character the
    # text holds (a dozen at most) instead of translate, which looks every character up. Each
    # becomes ASCII or a space, which no replacement touches again, so the order does not matter.
    for ch in set(_WIDE_CHAR.findall(text)):
        folded = folded.replace(ch, _WIDE_CHARS[ch])
    if _has_traditional(folded):
        folded = folded.translate(_t2s_table())
    return folded


def _build(text: str) -> NormalizedText:
    folded = _fold(text)
    # a soft break joins two lines: one line has none
    deletions = _soft_breaks(folded) if "\n" in folded else []
    deletions += [m.span() for m in _LAYOUT_SPACE.finditer(folded)]
    return _apply_deletions(folded, deletions)


def _apply_deletions(text: str, deletions: list[tuple[int, int]]) -> NormalizedText:
    pieces: list[str] = []
    origin: list[int] = []
    pos = 0
    for start, end in sorted(deletions):
        if end <= pos:
            continue
        start = max(start, pos)
        pieces.append(text[pos:start])
        origin.extend(range(pos, start))
        pos = end
    pieces.append(text[pos:])
    origin.extend(range(pos, len(text)))
    origin.append(len(text))
    return NormalizedText("".join(pieces), origin)


def _soft_breaks(text: str) -> list[tuple[int, int]]:
    """Line breaks that a hard-wrapping PDF or web copy put inside a sentence.

    A break is soft when the line before it is long (or as wide as the text's common wrap width,
    for hard-wrapped text), stops mid-sentence, is no heading or page chrome, and the next line
    is no heading. A character
    repeated on both sides of a soft break is the page-break doubling (``绩`` + ``绩效``).
    """
    lines = list(re.finditer(r"[^\n]*", text))
    lengths = [len(m.group().strip(_SPACES + "\r")) for m in lines]
    wrap = _wrap_width(lengths)
    width = wrap or _LONG_LINE
    out: list[tuple[int, int]] = []
    nonempty = [i for i, n in enumerate(lengths) if n > 16 or n and not _PAGE_NUMBER.fullmatch(lines[i].group())]
    for a, b in zip(nonempty, nonempty[1:]):
        prev, nxt = lines[a].group().rstrip(_SPACES + "\r"), lines[b].group()
        if _split_number(prev, nxt.lstrip(_SPACES)):
            pass  # a number the break cut in two joins whatever the line lengths say
        elif (
            lengths[a] < min(0.8 * width, _LONG_LINE)
            or prev[-1] in _TERMINAL
            or _HEADING_START.match(nxt)
            # A numbered line is a heading unless it fills a hard-wrapped line (less a first-line
            # indent) and the next line follows it directly (a page number between is no gap).
            or (
                _HEADING_START.match(prev)
                and not (wrap and lengths[a] >= 0.85 * wrap and _DIRECT.fullmatch(text, lines[a].end(), lines[b].start()))
            )
            or _STANDALONE.search(prev)
            or _STANDALONE.search(nxt)
            or not nxt.strip(_SPACES + "\r")
        ):
            continue
        start = lines[a].start() + len(prev)
        end = lines[b].start() + len(nxt) - len(nxt.lstrip(_SPACES))
        if prev[-1] == text[end] and re.match(rf"[{_CJK}]", prev[-1]):
            start -= 1  # the page-break doubling: keep the copy that starts the next line
        out.append((start, end))
    return out


def _split_number(prev: str, nxt: str) -> bool:
    """Whether ``prev`` ends and ``nxt`` starts one number that a line break cut in two.

    Only a visibly unfinished number counts: a thousands group left short (``1,3`` + ``56.2``),
    a trailing decimal point, or a line that starts with the point or the next group; two whole
    numbers on consecutive lines (table cells, page numbers) stay apart.
    """
    if not (prev[-1:].isdigit() or prev[-1:] in ",.") or not (nxt[:1].isdigit() or nxt[:1] in ",."):
        return False  # the common case, decided without a regex
    tail = prev[-40:]
    head, rest = _NUMBER_HEAD.search(tail), _NUMBER_REST.match(nxt)
    if head is None or rest is None or not tail[: head.start()].strip(_SPACES):
        return False  # a line that is only a number is a marker, a cell or a page number
    if rest.group(2):  # 12 + .5, 1 + ,356
        return rest.group(2) == "." or len(rest.group(3)) == 3 and head.group(1) is None
    digits = rest.group(1)
    if head.group(1) is not None:  # 1,3 + 56: the group must come out three digits long
        return len(head.group(1)) + len(digits) == 3
    return head.group(2) is not None  # 12. + 5


def _wrap_width(lengths: list[int]) -> float | None:
    """The common line width of a hard-wrapped text, or None if lines are paragraphs."""
    nonempty = [n for n in lengths if n >= 8]
    if len(nonempty) < 6:
        return None
    width = statistics.quantiles(nonempty, n=10)[7]  # 80th percentile: a full line
    if width > 120:
        return None
    near = sum(1 for n in nonempty if 0.8 * width <= n <= 1.15 * width)
    return width if near >= 0.4 * len(nonempty) else None


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character that _t2s_table folds."""
    bmp, astral = _traditional_chars()
    return bool(bmp.search(text) or _ASTRAL.search(text) and astral.search(text))


@lru_cache(maxsize=1)
def _traditional_chars() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Classes of the characters _t2s_table folds: those in the Basic Multilingual Plane, and
    those beyond it. One class of both would scan slowly: the engine looks characters up in a
    bitmap only within the BMP and compares each with every astral member one by one."""
    codes = sorted(_t2s_table())
    return tuple(  # type: ignore[return-value]
        re.compile("[" + "".join(re.escape(chr(c)) for c in codes if (c > 0xFFFF) == astral) + "]")
        for astral in (False, True)
    )


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    """Character-level traditional -> simplified, from OpenCC's own table (1:1 keeps offsets)."""
    table: dict[int, int] = {}
    text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = ord(simp)
    return table
