"""PDF: pypdfium2's text layer, repaired into paragraphs and table rows.

pypdfium2 reads text ~25x faster than pdfplumber (MEASURED.md; scripts/fidelity.py re-measures it)
but writes every visual line as a line, inserts a space where the font changes (``1391.38 亿元``)
and runs the rows of some tables into one line. The repair looks only at the boxes of the
characters next to each space and at each line's ends, so it costs little: rows are split where
the baseline jumps, spaces that are really column gaps become :data:`CELL_SEP`, a line that fills
the text block runs on into the next (across page breaks too, dropping a character doubled
there), and running headers, footers and page numbers are dropped. Heading and page-chrome
patterns are normalize.py's.
"""

from __future__ import annotations

import bisect
import ctypes
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..document import Page, Span
from ..errors import CorruptDocument, EmptyDocument, EncryptedDocument, NoTextLayer
from ..normalize import _HEADING_START, _STANDALONE
from . import ReadResult

log = logging.getLogger(__name__)

CELL_SEP = " | "  # between the cells of a table row

# Kinds of a run of spaces inside a line.
_REAL, _SOFT, _GEN, _CELL, _NUMBER_CELL, _ROW = range(6)
_SPACE_RUN = re.compile(r" +")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNMAPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd\ufffe\uffff\U000f0000-\U0010ffff]")
_SPACE_CHARS = (" ", "\r", "\n", "\t", "\u3000", "\xa0")
_LIST_MARKER = re.compile(r"^(?:\d{1,3}[.、．]|[(（]\d{1,3}[)）])$")
_NUMERIC = frozenset("0123456789.,%-")
_PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]"
    r"|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_NO_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*/Count\s+0\b|/Count\s+0\b[^>]*/Type\s*/Pages\b")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_LEADING_WORD = re.compile(r"[0-9A-Za-z.,%/:\-]+")
_ZONE = 2  # lines at the top and at the bottom of a page where running headers and footers sit


@dataclass(slots=True)
class _Line:
    text: str
    left: float = math.nan  # left edge of its first character (nan when unknown)
    right: float = math.nan  # right edge of its last character
    size: float = 0.0  # the characters' height, about the font size


@dataclass(slots=True)
class _PageText:
    lines: list[_Line] = field(default_factory=list)
    width: float = 0.0
    garbled: str = ""  # why the page's text is unusable, if it is
    images: bool = False  # an image-only page (only looked at when the page has no text)


def read(path: Path, data: bytes) -> ReadResult:
    """Read a PDF's text layer.

    Raises:
        EncryptedDocument: a password is needed to open it.
        CorruptDocument: pdfium cannot parse it.
        EmptyDocument: it has no pages, or pages with neither text nor images.
        NoTextLayer: its pages are images only (a scan).
    """
    import pypdfium2 as pdfium

    pdf = _open(pdfium, path, data)
    try:
        count = len(pdf)
        if count == 0:
            raise EmptyDocument(path, "the PDF has no pages")
        pages = [_read_page(pdf, i, path) for i in range(count)]
        title = _title(pdf, next(([ln.text for ln in p.lines] for p in pages if p.lines), []))
    finally:
        pdf.close()
    if not any(p.lines for p in pages):
        if any(p.garbled for p in pages):
            raise EmptyDocument(path, "the PDF's text cannot be decoded (fonts without a Unicode map); it needs OCR")
        if any(p.images for p in pages):
            raise NoTextLayer(path, f"a scanned PDF: its {count} page(s) are images with no text layer; run OCR first")
        raise EmptyDocument(path, f"none of the PDF's {count} page(s) carries any text")
    for page, drop in zip(pages, _running_drops([[ln.text for ln in p.lines] for p in pages])):
        page.lines = [ln for i, ln in enumerate(page.lines) if i not in drop]
    text, spans = _assemble(pages)
    result = ReadResult(text=text, title=title)
    for number, (page, span) in enumerate(zip(pages, spans), start=1):
        result.pages.append(Page(number=number, span=span, garbled=bool(page.garbled)))
        if page.garbled:
            result.warnings.append(f"page {number}: garbled text layer ({page.garbled}); its text is unreliable")
        elif page.images and not page.lines:
            result.warnings.append(f"page {number}: no text layer (an image-only page; it needs OCR)")
    return result


def _open(pdfium, path: Path, data: bytes):
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium does not reset its last error on every failure, so the code alone can be stale
        # (a broken file read after an encrypted one reports "password"): check the bytes too.
        code = getattr(exc, "err_code", None)
        encrypted = b"/Encrypt" in data
        if encrypted and code == pdfium.raw.FPDF_ERR_SECURITY:
            raise EncryptedDocument(path, "an encrypted PDF with an unsupported security handler") from exc
        if encrypted:
            raise EncryptedDocument(path, "a password-protected PDF: it cannot be read without the password") from exc
        if _NO_PAGES.search(data) and not _PAGE_OBJECT.search(data):
            raise EmptyDocument(path, "the PDF has no pages (its page tree is empty)") from exc
        raise CorruptDocument(path, "a damaged PDF: its structure cannot be parsed (truncated or not really a PDF)") from exc


def _title(pdf, first_page: list[str]) -> str:
    """The metadata title when the first page shows it (metadata alone is often a file or template name)."""
    try:
        title = (pdf.get_metadata_dict().get("Title") or "").strip()
    except Exception:  # noqa: BLE001 - metadata is optional; a bad info dict must not fail the read
        return ""
    key = re.sub(r"\s+", "", title)
    shown = re.sub(r"\s+", "", "".join(first_page[:6]))
    return title if len(key) >= 4 and key in shown else ""


def _read_page(pdf, index: int, path: Path) -> _PageText:
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        log.warning("%s: page %d cannot be loaded: %s", path, index + 1, exc)
        return _PageText(garbled="the page cannot be loaded")
    try:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
            garbled = _garble_reason(raw)
            lines = _layout_lines(textpage, raw)
        finally:
            textpage.close()
        # A page whose glyphs map to nothing but control codes has no lines, yet is garbled, not empty.
        images = not lines and not garbled and _has_objects(page, pdfium.raw.FPDF_PAGEOBJ_IMAGE)
        width = page.get_width()
    finally:
        page.close()
    return _PageText(lines=lines, width=width, garbled=garbled, images=images)


def _has_objects(page, kind: int) -> bool:
    return any(True for _ in page.get_objects(filter=(kind,)))


# ---------------------------------------------------------------- lines, rows and cells


def _layout_lines(textpage, raw: str) -> list[_Line]:
    """The page's lines with spaces resolved, each with where it starts and ends on the page."""
    at = _index_map(raw, textpage.count_chars())
    controls = _CONTROL.search(raw) is not None
    lines: list[_Line] = []
    base = 0
    for line in raw.split("\n"):
        body = line.rstrip("\r").rstrip(" ")
        first = base + len(body) - len(body.lstrip(" "))
        if at is None:
            rows = [(body, -1, -1)]
        elif " " in body.lstrip(" "):
            rows = _split_row(textpage, body, base, first, at)
        else:
            rows = [(body, first, base + len(body) - 1)]
        for text, start, last in rows:
            text = (_CONTROL.sub("", text) if controls else text).strip()
            if not text:
                continue
            # Table rows never run on, so their ends are not needed.
            located = at is not None and last >= start >= 0 and CELL_SEP not in text
            lines.append(_Line(text, *_edges(textpage, at(start), at(last))) if located else _Line(text))
        base += len(line) + 1
    return lines


def _index_map(raw: str, count: int):
    """Python index -> pdfium char index: pdfium counts a character beyond U+FFFF twice."""
    if count == len(raw):
        return lambda i: i
    astral = [i for i, c in enumerate(raw) if ord(c) > 0xFFFF]
    if count != len(raw) + len(astral):
        return None  # no reliable mapping: keep pdfium's text as it is
    return lambda i: i + bisect.bisect_left(astral, i)


def _edges(textpage, first: int, last: int) -> tuple[float, float, float]:
    a, b = _loose_box(textpage.raw, first), _loose_box(textpage.raw, last)
    if not (a[1] or a[3]) or not (b[1] or b[3]):
        return math.nan, math.nan, 0.0
    return a[0], b[1], max(a[3] - a[2], b[3] - b[2])


def _split_row(textpage, line: str, base: int, first: int, at) -> list[tuple[str, int, int]]:
    """The line cut into table rows where the baseline jumps; each with its first and last index."""
    rows: list[tuple[str, int, int]] = []
    parts: list[str] = []
    kinds: list[int] = []
    pos = 0
    for m in _SPACE_RUN.finditer(line):
        s, e = m.span()
        if base + s <= first:
            continue  # leading spaces
        kind = _space_kind(textpage, line, at(base + s), at(base + s - 1), at(base + e), s, e)
        parts.append(line[pos:s])
        pos = e
        if kind == _ROW:
            rows.append((_join_cells(parts, kinds), first, base + s - 1))
            parts, kinds, first = [], [], base + e
        else:
            kinds.append(kind)
    parts.append(line[pos:])
    rows.append((_join_cells(parts, kinds), first, base + len(line) - 1))
    return rows


def _join_cells(parts: list[str], kinds: list[int]) -> str:
    # Clear column gaps (two, or one between numbers) make the line a table row: then every
    # layout gap in it is a column gap too ("一般公共预算资金 156,211,123 156,211,123").
    tabular = kinds.count(_CELL) >= 2 or _NUMBER_CELL in kinds
    out = [parts[0]]
    for part, kind in zip(parts[1:], kinds):
        if kind == _REAL or _LIST_MARKER.match(out[-1]):
            sep = " "
        elif kind in (_CELL, _NUMBER_CELL) or tabular:
            sep = CELL_SEP
        elif kind == _SOFT:
            sep = ""
        else:
            sep = " "
        out += (sep, part)
    return "".join(out)


def _space_kind(textpage, line: str, space: int, before: int, after: int, s: int, e: int) -> int:
    """Classify the spaces ``line[s:e]`` (pdfium index ``space``) from the neighbours' boxes."""
    tp = textpage.raw
    generated = _pdfium_raw().FPDFText_IsGenerated(tp, space) == 1
    if not generated and e - s >= 3:
        return _CELL  # three or more typed spaces are hand-made column alignment
    a, b = _loose_box(tp, before), _loose_box(tp, after)
    size = max(a[3] - a[2], b[3] - b[2], 1.0)
    if abs((a[2] + a[3]) - (b[2] + b[3])) / 2 > 0.6 * size or b[0] < a[0] - 0.5 * size:
        return _ROW  # the baseline moved: pdfium ran two table rows together
    gap = (b[0] - a[1]) / size
    if not generated:
        return _CELL if gap >= 1.0 else _REAL  # a typed space is at most half an em wide
    left, right = line[s - 1], line[e]
    if left in _NUMERIC and right in _NUMERIC:
        return _NUMBER_CELL  # two numbers side by side are two cells
    left_cjk, right_cjk = _is_cjk(left), _is_cjk(right)
    if gap >= 1.5 or (left_cjk != right_cjk and gap >= 1.0):
        return _CELL  # a column gap (a spaced-out title like "目 录" has about one em)
    if left_cjk != right_cjk and gap < 1.0:
        return _SOFT  # the font-change space of "2019 年"
    return _GEN  # a visible gap between Chinese words is kept as a space


def _loose_box(tp, index: int) -> tuple[float, float, float, float]:
    """left, right, bottom, top of a character's box at its font's full height."""
    raw = _pdfium_raw()
    rect = raw.FS_RECTF()
    if not raw.FPDFText_GetLooseCharBox(tp, index, ctypes.byref(rect)):
        return (0.0, 0.0, 0.0, 0.0)
    return (rect.left, rect.right, min(rect.bottom, rect.top), max(rect.bottom, rect.top))


@lru_cache(maxsize=1)
def _pdfium_raw():
    # Imported on first use, not at module import: reading a .txt must not load pdfium.
    import pypdfium2.raw

    return pypdfium2.raw


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’"


# ---------------------------------------------------------------- garbled pages


def _garble_reason(text: str) -> str:
    """Why a page's text is unusable, or "" when it reads as text."""
    size = len(text) - sum(map(text.count, _SPACE_CHARS))
    if not size:
        return ""
    cids = text.count("(cid:")
    if cids >= 3:
        return f"{cids} unmapped glyph codes (cid:NNN)"
    bad = len(_UNMAPPED.findall(text))
    if bad >= 5 and bad >= 0.1 * size:
        return f"{100 * bad // size}% of its characters are private-use, replacement or control codes (a font with no Unicode map)"
    cjk = [c for c in set(text) if "\u3400" <= c <= "\u9fff"]
    if len(cjk) >= 10:
        # Fast path: simplified text is almost all GB2312 (2 bytes a character when encoded).
        if len("".join(cjk).encode("gb2312", errors="ignore")) // 2 >= 0.7 * len(cjk):
            return ""
        rare = sum(1 for c in cjk if _is_rare(c))
        if rare >= 0.3 * len(cjk):
            return f"{100 * rare // len(cjk)}% of its distinct Chinese characters are rare ones (a font mapped to the wrong characters)"
    return ""


@lru_cache(maxsize=8192)
def _is_rare(c: str) -> bool:
    # Real Chinese text stays almost entirely within GB2312 (simplified) or Big5 (traditional);
    # a font mapped to the wrong code points scatters over the whole CJK range and Extension A.
    for codec in ("gb2312", "big5"):
        try:
            c.encode(codec)
            return False
        except UnicodeEncodeError:
            pass
    return True


# ---------------------------------------------------------------- running headers and footers


def _strip_running_lines(pages: list[list[str]]) -> None:
    """Drop page numbers and lines repeated at the top or bottom of many pages, in place."""
    for lines, drop in zip(pages, _running_drops(pages)):
        lines[:] = [ln for i, ln in enumerate(lines) if i not in drop]


def _running_drops(pages: list[list[str]]) -> list[set[int]]:
    """Per page, the indices of its page-number and running header/footer lines."""
    running = _running_keys(pages)
    numbered = _page_number_lines(pages)
    drops = []
    for index, lines in enumerate(pages):
        zone = _zone(len(lines))
        drop = {i for i in zone if _key(lines[i]) in running and lines[i].count(CELL_SEP) < 2}
        drop |= {i for i in zone if _PAGE_NUMBER.match(lines[i])}
        drops.append(drop | numbered.get(index, set()))
    return drops


def _zone(n: int) -> list[int]:
    return sorted(set(range(min(_ZONE, n))) | set(range(max(n - _ZONE, 0), n)))


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running_keys(pages: list[list[str]]) -> set[str]:
    """Lines at the page edges that repeat on 40 % of the pages (odd and even pages may differ)."""
    hits: dict[str, list[tuple[int, str]]] = {}
    for index, lines in enumerate(pages):
        for i in _zone(len(lines)):
            found = hits.setdefault(_key(lines[i]), [])
            if not found or found[-1][0] != index:
                found.append((index, re.sub(r"\s+", "", lines[i])))
    need = max(2, math.ceil(0.4 * sum(1 for p in pages if p)))
    # A bare number's key is "#": whether it is a page number is decided by _page_number_lines.
    return {k for k, h in hits.items() if len(h) >= need and re.search(r"[^#\W]", k) and _same_but_page_number(h)}


def _same_but_page_number(hits: list[tuple[int, str]]) -> bool:
    """The lines are one text, or differ only in one number that counts the pages."""
    if len({line for _, line in hits}) == 1:
        return True
    numbers = [re.findall(r"\d+", line) for _, line in hits]
    varying = [i for i in range(len(numbers[0])) if len({n[i] for n in numbers}) > 1]
    return len(varying) == 1 and len({int(n[varying[0]]) - index for (index, _), n in zip(hits, numbers)}) == 1


def _page_number_lines(pages: list[list[str]]) -> dict[int, set[int]]:
    """Bare numbers at a page's edge that count up with the pages (``12`` on page 14)."""
    found: list[tuple[int, int, int]] = []  # page index, line index, value - page index
    for index, lines in enumerate(pages):
        for i in _zone(len(lines)):
            if _BARE_NUMBER.match(lines[i]):
                found.append((index, i, int(lines[i]) - index))
    if len(found) < 2:
        return {}
    offset, n = Counter(f[2] for f in found).most_common(1)[0]
    if n < 2:
        return {}
    out: dict[int, set[int]] = {}
    for index, i, off in found:
        if off == offset:
            out.setdefault(index, set()).add(i)
    return out


# ---------------------------------------------------------------- one text from the pages


def _assemble(pages: list[_PageText]) -> tuple[str, list[Span]]:
    """Join the pages' lines into one text, re-joining lines cut by a line or page end."""
    lines = [ln for page in pages for ln in page.lines]
    first_of_page = set()
    k = 0
    for page in pages:
        if page.lines:
            first_of_page.add(k)
        k += len(page.lines)
    joins = _joins(lines, _continuations(pages), first_of_page)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for k, line in enumerate(lines):
        if k:
            drop_prev, joiner = joins.get(k, (False, "\n"))
            if drop_prev:
                out[-1] = out[-1][:-1]
                pos -= 1
                ends[-1] -= 1
            out.append(joiner)
            pos += len(joiner)
        starts.append(pos)
        out.append(line.text)
        pos += len(line.text)
        ends.append(pos)
    spans: list[Span] = []
    k = 0
    for page in pages:
        n = len(page.lines)
        if n:
            spans.append(Span(starts[k], ends[k + n - 1]))
        else:
            at = starts[k] if k < len(starts) else pos
            spans.append(Span(at, at))
        k += n
    return "".join(out), spans


def _continuations(pages: list[_PageText]) -> list[bool]:
    """Whether each line may run on into the next: it fills the text block from margin to margin
    (allowing a first-line indent and a last character that did not fit), and the next line
    starts at the left margin (a new paragraph is indented; a centred or right-aligned line is not
    paragraph text).

    Margins are taken per page width (portrait text pages and landscape table pages differ) from
    where the longer text lines start (10th percentile) and end (90th percentile).
    """
    lefts: dict[int, list[float]] = {}
    rights: dict[int, list[float]] = {}
    for page in pages:
        for ln in page.lines:
            if len(ln.text) >= 10 and CELL_SEP not in ln.text and not math.isnan(ln.right):
                lefts.setdefault(round(page.width), []).append(ln.left)
                rights.setdefault(round(page.width), []).append(ln.right)
    margins = {w: (_percentile(lefts[w], 0.1), _percentile(rights[w], 0.9)) for w in lefts}
    lines = [(ln, margins.get(round(page.width), (math.nan, math.nan))) for page in pages for ln in page.lines]
    out = []
    for (ln, (left, right)), (nxt, (next_left, _)) in zip(lines, lines[1:]):
        # The next line's first word may not have fitted: a number is up to ~0.55 em a digit.
        word = _LEADING_WORD.match(nxt.text)
        slack = 2 + (0.55 * len(word.group()) if word else 0)
        fills = ln.left <= left + 3 * ln.size and ln.right >= right - slack * ln.size
        out.append(fills and nxt.left <= next_left + 1.5 * nxt.size)
    return out + [False]


def _ends_sentence(line: str) -> bool:
    # A full line ending in "，；）" runs on; after "。！？：" a new paragraph may start at the margin.
    core = line.rstrip("”’」』")
    return not core or core[-1] in "。！？!?：:"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def _joins(lines: list[_Line], runs_on: list[bool], first_of_page: set[int]) -> dict[int, tuple[bool, str]]:
    """For line k joined to line k-1: (drop the doubled last char of k-1, the joining string).

    ``runs_on`` says where the layout allows a join; no join after a sentence end, before a
    numbered heading (normalize.py's pattern) or around page chrome; table rows stay rows.
    """
    joins: dict[int, tuple[bool, str]] = {}
    for k in range(1, len(lines)):
        prev, nxt = lines[k - 1].text, lines[k].text
        if (
            not runs_on[k - 1]
            or CELL_SEP in prev
            or CELL_SEP in nxt
            or _ends_sentence(prev)
            or _HEADING_START.match(nxt)
            or _STANDALONE.search(prev)
            or _STANDALONE.search(nxt)
        ):
            continue
        # A character repeated across a page break is an artefact of some PDF producers.
        drop = k in first_of_page and len(prev) > 1 and prev[-1] == nxt[0] and "\u3400" <= prev[-1] <= "\u9fff"
        left = prev[-2] if drop else prev[-1]
        joiner = " " if left.isascii() and left.isalnum() and nxt[0].isascii() and nxt[0].isalnum() else ""
        joins[k] = (drop, joiner)
    return joins
