"""Word .docx: body paragraphs and tables in document order, with what python-docx leaves out.

python-docx opens the package; the body is walked here, because ``Paragraph.text`` drops Word's
automatic list numbering (一、 （一） 1. （1） live in numbering.xml, not in the text), loses
text boxes, and cannot tell tracked insertions from deletions. Headers and footers (running
titles, page numbers) are left out on purpose.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptDocument, EncryptedDocument, UnsupportedFormat
from . import ReadResult

log = logging.getLogger(__name__)

CELL_SEP = " | "  # between the cells of a table row

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Whole subtrees whose text Word does not show as body text.
_SKIP = frozenset(
    W + t for t in ("del", "moveFrom", "pPr", "rPr", "instrText", "delInstrText", "footnoteReference", "endnoteReference", "rt")
) | {_MC_FALLBACK}


def read(path: Path, data: bytes) -> ReadResult:
    """Read a .docx file.

    Raises:
        EncryptedDocument: a password-protected document (Word stores those in an OLE container).
        UnsupportedFormat: an old binary .doc.
        CorruptDocument: a damaged or truncated package.
    """
    if data.startswith(_OLE_MAGIC):
        raise ole_error(path, data)
    document = _open(path, data)
    walker = _Walker(_Numbering.load(document))
    lines = walker.blocks(document.element.body)
    return ReadResult(text="\n".join(lines), title=_title(document) or _title_paragraph(document))


def ole_error(path: Path, data: bytes):
    """The error for an OLE container given as .docx: encrypted OOXML, or an old binary .doc."""
    # Encrypted OOXML is an OLE file with "EncryptionInfo" and "EncryptedPackage" streams; the
    # directory stores stream names in UTF-16LE.
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return EncryptedDocument(path, "a password-protected Word document: remove the password (save it unprotected) first")
    return UnsupportedFormat(path, "an old binary Word .doc file, not .docx: save it as .docx or PDF first")


def _open(path: Path, data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise CorruptDocument(path, f"a damaged or truncated .docx (zip) container ({exc})") from exc
    except (PackageNotFoundError, KeyError) as exc:
        raise CorruptDocument(path, f"an incomplete .docx package: a part Word needs is missing ({exc})") from exc
    except XMLSyntaxError as exc:
        raise CorruptDocument(path, f"the .docx has damaged XML ({exc})") from exc
    except (ValueError, EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise CorruptDocument(path, f"the .docx cannot be opened ({exc})") from exc


def _title(document) -> str:
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:  # noqa: BLE001 - core.xml is optional metadata; a bad one must not fail the read
        title = ""
    return title if re.search(r"[\u4e00-\u9fff]", title) else ""


def _title_paragraph(document) -> str:
    """The text of the first body paragraph styled Title (whatever the style's id, e.g. "a3")."""
    try:
        ids = {st.get(W + "styleId") for st in document.styles.element.iter(W + "style") if (_val(st, "name") or "").lower() == "title"}
    except Exception:  # noqa: BLE001 - without styles there is no Title style
        return ""
    for p in document.element.body.iterchildren(W + "p"):
        ppr = p.find(W + "pPr")
        if ppr is not None and _val(ppr, "pStyle") in ids:
            return "".join(t.text or "" for t in p.iter(W + "t")).strip()
    return ""


# ---------------------------------------------------------------- the body walk


@dataclass(slots=True)
class _Walker:
    numbering: _Numbering

    def blocks(self, container) -> list[str]:
        """Lines for the paragraphs and table rows in a body, cell, text box or content control."""
        lines: list[str] = []
        for el in container:
            tag = el.tag
            if tag == W + "p":
                lines.extend(self.paragraph(el))
            elif tag == W + "tbl":
                lines.extend(self.table(el))
            elif tag in (W + "sdt", W + "customXml", W + "ins", W + "moveTo"):
                inner = el.find(W + "sdtContent") if tag == W + "sdt" else el
                if inner is not None:
                    lines.extend(self.blocks(inner))
        return lines

    def paragraph(self, p) -> list[str]:
        parts: list[str] = []
        boxes: list[str] = []
        self._inline(p, parts, boxes)
        marker = self.numbering.marker(p)  # an empty numbered paragraph still takes its number
        text = "".join(parts).strip()
        out = [marker + text] if text else []
        return out + boxes  # a text box's lines follow the paragraph that anchors it

    def _inline(self, el, parts: list[str], boxes: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "txbxContent":
                boxes.extend(self.blocks(child))
            elif tag == W + "r" and _hidden(child):
                continue
            else:
                self._inline(child, parts, boxes)

    def table(self, tbl) -> list[str]:
        rows: list[str] = []
        for tr in tbl.iter(W + "tr"):
            if _ancestor_table(tr) is not tbl:
                continue  # a nested table's rows are read with their cell
            cells = [self._cell(tc) for tc in _cells(tr)]
            if any(cells):
                rows.append(CELL_SEP.join(cells))
        return rows

    def _cell(self, tc) -> str:
        merge = tc.find(f"{W}tcPr/{W}vMerge")
        if merge is not None and merge.get(W + "val") != "restart":
            return ""  # the continuation of a vertically merged cell: its text is in the first row
        return " ".join(line.replace(CELL_SEP, " ") for line in self.blocks(tc))


def _cells(tr):
    """The row's cells, including those wrapped in content controls."""
    for child in tr:
        if child.tag == W + "tc":
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                yield from _cells(inner)


def _hidden(run) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(W + "val") not in ("0", "false", "off")


def _ancestor_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


# ---------------------------------------------------------------- automatic numbering


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False  # isLgl: every counter shown as an Arabic number


@dataclass(slots=True)
class _Numbering:
    """numbering.xml resolved: which list and level a paragraph is in, and its counters."""

    abstracts: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, tuple[int | None, _Level | None]]] = field(default_factory=dict)
    styles: dict[str, tuple[str | None, int | None, str | None]] = field(default_factory=dict)  # id -> numId, ilvl, basedOn
    style_levels: dict[tuple[str, str], int] = field(default_factory=dict)  # (abstractId, styleId) -> ilvl
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, document) -> _Numbering:
        numbering = cls()
        numbering._load_styles(document)
        try:
            root = document.part.part_related_by(_RT_NUMBERING).element
        except KeyError:
            return numbering
        links: dict[str, str] = {}
        for absnum in root.iter(W + "abstractNum"):
            aid = absnum.get(W + "abstractNumId")
            numbering.abstracts[aid] = {int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in absnum.findall(W + "lvl")}
            for lvl in absnum.findall(W + "lvl"):
                pstyle = _val(lvl, "pStyle")
                if pstyle:
                    numbering.style_levels[(aid, pstyle)] = int(lvl.get(W + "ilvl", "0"))
            link = _val(absnum, "numStyleLink")
            if link:
                links[aid] = link
        for num in root.iter(W + "num"):
            nid, aid = num.get(W + "numId"), _val(num, "abstractNumId")
            numbering.nums[nid] = aid
            for ov in num.findall(W + "lvlOverride"):
                lvl = ov.find(W + "lvl")
                start = _val(ov, "startOverride")
                numbering.overrides.setdefault(nid, {})[int(ov.get(W + "ilvl", "0"))] = (
                    int(start) if start and start.isdigit() else None,
                    _level(lvl) if lvl is not None else None,
                )
        # An abstractNum that only links to a numbering style takes its levels from that style's list.
        for aid, style in links.items():
            nid = numbering.styles.get(style, (None, None, None))[0]
            target = numbering.nums.get(nid or "")
            if target and target != aid and target in numbering.abstracts:
                numbering.abstracts[aid] = numbering.abstracts[target]
        return numbering

    def _load_styles(self, document) -> None:
        try:
            root = document.styles.element
        except Exception:  # noqa: BLE001 - a document without styles.xml simply has no style numbering
            return
        for style in root.iter(W + "style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            nid = _val(num_pr, "numId") if num_pr is not None else None
            ilvl = _val(num_pr, "ilvl") if num_pr is not None else None
            self.styles[style.get(W + "styleId", "")] = (nid, int(ilvl) if ilvl and ilvl.isdigit() else None, _val(style, "basedOn"))

    def marker(self, p) -> str:
        """The rendered list marker of paragraph ``p`` ("一、", "（二）", "3. "), advancing the counters."""
        found = self._num_pr(p)
        if found is None:
            return ""
        nid, ilvl = found
        aid = self.nums.get(nid)
        levels = self.abstracts.get(aid or "")
        if not levels or ilvl not in levels:
            return ""
        overrides = self.overrides.get(nid, {})
        counters = self.counters.setdefault(aid, [None] * 9)
        if nid not in self.started:
            self.started.add(nid)
            for lv, (start, _) in overrides.items():
                if start is not None and lv < 9:
                    counters[lv] = start - 1  # a list instance that restarts the shared counters
        level = (overrides.get(ilvl, (None, None))[1]) or levels[ilvl]
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        text = self._render(level, levels, counters, overrides)
        if not text:
            return ""
        if level.suffix == "nothing" or text[-1] in "、）】．，：":
            return text
        return text + " "

    def _render(self, level: _Level, levels, counters, overrides) -> str:
        if level.fmt == "none":
            return ""
        if level.fmt == "bullet":
            return "•"

        def counter(m: re.Match[str]) -> str:
            lv = int(m.group(1)) - 1
            lvl = (overrides.get(lv, (None, None))[1]) or levels.get(lv) or _Level()
            value = counters[lv] if lv < 9 and counters[lv] is not None else lvl.start
            return format_number(value, "decimal" if level.legal else lvl.fmt)

        return re.sub(r"%([1-9])", counter, level.text)

    def _num_pr(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph, else from its style chain."""
        ppr = p.find(W + "pPr")
        nid = ilvl = style = None
        if ppr is not None:
            num_pr = ppr.find(W + "numPr")
            if num_pr is not None:
                nid, ilvl = _val(num_pr, "numId"), _val(num_pr, "ilvl")
            style = _val(ppr, "pStyle")
        first_style, seen = style, set()
        while nid is None and style and style not in seen:
            seen.add(style)
            s_nid, s_ilvl, based_on = self.styles.get(style, (None, None, None))
            if s_nid is not None:
                nid = s_nid
                if ilvl is None and s_ilvl is not None:
                    ilvl = str(s_ilvl)
            style = based_on
        if nid is None or nid == "0":
            return None
        if ilvl is None and first_style:
            # A heading style bound to a list level through that level's pStyle.
            found = self.style_levels.get((self.nums.get(nid, ""), first_style))
            ilvl = str(found) if found is not None else None
        return nid, int(ilvl) if ilvl and ilvl.isdigit() else 0


def _level(lvl) -> _Level:
    start = _val(lvl, "start")
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") if _val(lvl, "lvlText") is not None else "",
        suffix=_val(lvl, "suff") or "tab",
        legal=lvl.find(W + "isLgl") is not None and _val(lvl, "isLgl") not in ("0", "false"),
    )


def _val(el, child: str) -> str | None:
    if el is None:
        return None
    node = el.find(W + child)
    return node.get(W + "val") if node is not None else None


# ---------------------------------------------------------------- counters as text

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def format_number(n: int, fmt: str) -> str:
    """Word's ``numFmt`` for counter ``n``: decimal 3, chineseCounting 三, upperRoman III, ..."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "koreanCounting"):
        return _chinese(n, "零" + _CN_DIGITS[1:], "十百千")
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional", "ideographZodiac"):
        seq = _TIANGAN if fmt == "ideographTraditional" else _DIZHI
        return seq[(n - 1) % len(seq)] if n > 0 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})
    return str(n)


def _chinese(n: int, digits: str, units: str) -> str:
    if not 0 < n < 10000:
        return str(n)
    out = []
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        unit = units[power - 1] if power else ""
        out.append(("" if d == 1 and power == 1 and not out else digits[d]) + unit)
    return "".join(out)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
