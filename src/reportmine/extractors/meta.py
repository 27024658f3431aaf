"""Document metadata (ANNOTATION.md ``meta``): region, year, issuer, date, proposal number, delegate.

Every rule is a cue word or a pattern over the normalised view; nothing is tied to a known region
(region.py finds the region).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date as Date

from ..document import Meta
from ..normalize import NormalizedText, normalize
from .region import CJK, MUNICIPALITIES, ORGAN, ORGAN_END, PROVINCES, SHORT_ORGAN, find_region, split_region, suffix_of

# 受X财政局委托: an evaluation agency works for the body that commissioned the report.
_COMMISSIONED = re.compile(rf"受([{CJK}]{{2,20}}?{ORGAN})委托")
# 评价机构：某某咨询有限公司 / 填报单位（盖章）：某局: a form's field naming who wrote the report.
# (委托单位 and 项目实施单位 name the commissioner and the evaluated unit, not the writer.)
_AUTHOR_FIELD = re.compile(
    r"^\s*(?:第三方)?(?:评价机构|评价单位|受托机构|编制单位|编报单位|填报单位|报告单位|报送单位|自评单位)"
    rf"\s*(?:[(（](?:盖章|公章|签章)[)）])?\s*[:：]\s*([{CJK}()（）]{{4,40}})\s*$"
)
# 我代表上海市人民政府 / 我代表国务院: who delivers a government work report.
_ON_BEHALF = re.compile(rf"我代表([{CJK}]{{2,16}}?(?:人民政府|国务院))")
_CHROME = re.compile(
    r"当前位置|首页|>>|发布|来源|访问|浏览|打印|分享|纠错|字号|收藏|扫一扫|关闭|http|www\.|【|】"
    # a government site's footer and paging: 上一篇/下一篇, 主办单位, ICP/公安备案, 网站标识码
    r"|上一篇|下一篇|主办单位|承办单位|技术支持|版权所有|ICP|公网安备|网站标识码|网站地图|无障碍|长者模式|您现在的位置|Copyright|©"
)
_CONTACT = re.compile(r"联系人|联系电话|电话|地址|邮编|传真|邮箱|抄送|附件|此件|公开方式|印发")

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇○零一二三四五六七八九十"
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d\d)年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日"
    rf"|(?P<y2>(?:19|20)\d\d)[-./](?P<m2>\d{{1,2}})[-./](?P<d2>\d{{1,2}})(?!\d)"
    rf"|(?P<cy>[〇○零一二三四五六七八九]{{4}})年(?P<cm>[{_CN_NUM}]{{1,2}})月(?P<cd>[{_CN_NUM}]{{1,3}})日"
)
# A date that lost its separators (2023525): only trusted on a line of its own.
_BARE_DATE = re.compile(r"^\(?((?:19|20)\d\d)(\d{2,4})\)?$")
_PUBLISHED = re.compile(r"(?:发布|发文|印发|成文|公开)?(?:日期|时间)[:：]?\s*$")
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})年")
_QUOTED = re.compile(r"《[^》]{0,80}》|〔[^〕]{0,8}〕|\[\d{4}\]|\(\d{4}\)\d+号")
# A number not glued to what precedes it. The "not preceded by" test is made after the first
# character (a lookbehind two wide), not before it: a pattern that opens with a lookbehind is
# tried at every character, one that opens with a character class or a literal is not.
_PROPOSAL_NO = (
    re.compile(r"(?:建议|议案|提案)(?:编号|号)[:：]\s*([A-Za-z]{0,4}\d{1,6})"),
    re.compile(r"([A-Z](?<![A-Za-z〕\]\)\d][A-Z])[A-Z]{0,3}\d{1,6})号?(?:建议|议案|提案|代表建议)"),
    re.compile(r"第(?<![〕\]\)\d]第)(\d{1,6})号(?:建议|议案|提案|代表建议)"),
    re.compile(r"(?:建议|议案|提案)[^。]{0,6}?第(\d{1,6})号"),
    re.compile(r"([A-Z](?<![A-Za-z\d〕\]\)][A-Z])[A-Z]{0,3}\d{1,6})号"),
)
# The session a proposal was made to: 重庆市青岚区第十八届人民代表大会第三次会议.
_SESSION = re.compile(rf"(?:^|[\n(（\s])([{CJK}]{{2,20}}?)第[一二三四五六七八九十\d]+届(?:人民代表大会|人大)")
# A year a proposal looks ahead to (2024年起) is its own; a year it reports facts for is the last one.
_AHEAD = re.compile(r"((?:19|20)\d\d)年(?:起|开始|计划|预算|将|要|内)")
_NAME_CHARS = rf"[{CJK}·]{{2,5}}"
_DELEGATE = (
    re.compile(rf"(?:领衔代表|提出人|建议人|提案人|领衔人|代表姓名|代表)[:：][ \t\u3000]*({_NAME_CHARS}?)(?=[\s(（,，、;；等]|$)", re.M),
    re.compile(rf"^\s*(?:尊敬的)?({_NAME_CHARS}?)(?:等\d+[位名])?(?:代表|委员)[:：,，]", re.M),
    re.compile(rf"({_NAME_CHARS}?)(?:等\d+[位名])?代表(?:提出|领衔|所提)"),
)
_NOT_NAME = re.compile(r"各位|全体|广大|人大|政协|会议|列席|党|尊敬|您|代表团|领衔|附议|提出|建议|区|县|市|省|我|本")
# Asked per document or per line: compiled once rather than looked up in re's cache each time.
_FORM_NO = re.compile(r"(?:^|\n)\s*(?:编号|序号)[:：]\s*([A-Za-z]{0,4}\d{1,6})")
_TITLE_ORGAN = re.compile(rf"^(.{{2,30}}?{ORGAN})(?:关于|对|就|(?=(?:19|20)\d\d年))")
_COMPILED_BY = re.compile(r"\s*(?:编印|编制|编)$")
_ORGAN_CHARS = re.compile(rf"[{CJK}()（）]+")
_SOURCE_ORGAN = re.compile(rf"(?:信息)?来源[:：]\s*([{CJK}]{{2,20}}?{ORGAN})(?![{CJK}])")
_PERFORMANCE_WORK = re.compile(r"预算绩效|绩效管理")
_DATE_LABEL = re.compile(r"(?:发布|发文|印发|成文|公开)?(?:日期|时间)[:：]\s*")
_DATE_BELOW_TITLE = re.compile(rf"^(?:——|--|[(（])\s*({_DATE.pattern})")
_DATE_AT_END = re.compile(rf"({_DATE.pattern})\s*$")
_CITED_REVIEW = re.compile(r"《[^》]{0,80}(?:评价|审计|检查)[^》]{0,40}》")


_SCOPE = 60_000


def extract_meta(
    original: str, view: NormalizedText, lines: list[str], title: str, doc_type: str, headings: list[str]
) -> Meta:
    """All meta fields; fields it cannot find stay None.

    Args:
        original: the document's text; names are read there, where the spaces around them survive.
        view: the normalised text, searched for places, years and numbers.
        lines: the text's lines, normalised one by one at least at its head and tail (structure.edge_lines).
        title, doc_type, headings: what structure found, which steer year and delegate.
    """
    # A document says who and where it is near its start (or sign-off): a long volume is read
    # only there, which keeps this linear and fast.
    text = view.text if len(view.text) <= _SCOPE else view.text[:_SCOPE] + "\n" + view.text[-3000:]
    published = _published_date(lines[:15])
    meta = Meta()
    meta.date = _signing_date(lines, title) or published
    meta.proposal_no = _proposal_no(title + "\n" + text[:3000])
    if meta.proposal_no is None and doc_type in ("proposal", "proposal_reply"):
        # On a proposal's own form a bare 编号 is its number; elsewhere it numbers anything.
        m = _FORM_NO.search(text[:1500])
        meta.proposal_no = m.group(1) if m else None
    if doc_type in ("proposal", "proposal_reply"):
        meta.delegate = _delegate(original[:4000].translate(_WIDTH))
    issuer_line = _issuer_line(lines, title, doc_type)
    session = _SESSION.search(text[:1500])
    meta.region = find_region(text, [session.group(1) if session else "", title, issuer_line or ""])
    if doc_type == "proposal":
        meta.issuer = meta.delegate  # a proposal is written by its delegate
    else:
        meta.issuer = _author_field(lines) or _issuer(text, lines, issuer_line, meta.region, doc_type)
    meta.year = _main_year(text, title, headings, doc_type, meta.date)
    return meta


# ---------------------------------------------------------------- issuer

def _issuer_line(lines: list[str], title: str, doc_type: str) -> str | None:
    """An organ in the sign-off at the end, named in the title ("X局关于…"), or above the title.

    An evaluation report's title names the unit evaluated, not the writer.
    """
    for line in _signoff_lines(lines):
        if _is_organ_line(line):
            return line
    m = _TITLE_ORGAN.match(title)
    if m and doc_type != "evaluation_report":
        return m.group(1)
    for line in lines[:12]:
        line = _COMPILED_BY.sub("", line)  # 某区财政局 编: the compiler of a volume
        if line != title and not title.startswith(line) and _is_organ_line(line):
            return line
    return None


def _author_field(lines: list[str]) -> str | None:
    """An author named in a labelled field at the head or the foot of a report form."""
    for line in lines[:20] + lines[-12:]:
        m = _AUTHOR_FIELD.match(line)
        if m and ORGAN_END.search(m.group(1)):
            return normalize(m.group(1)).text
    return None


def _signoff_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in reversed(lines):
        if len(out) >= 8:
            break
        if not line or _CHROME.search(line) or _CONTACT.search(line):
            continue
        out.append(line)
        if len(line) > 40:
            break
    return out


def _is_organ_line(line: str) -> bool:
    return 3 <= len(line) <= 30 and bool(_ORGAN_CHARS.fullmatch(line)) and bool(ORGAN_END.search(line)) \
        and "关于" not in line


def _issuer(text: str, lines: list[str], line: str | None, region: str | None, doc_type: str) -> str | None:
    if line:
        return line
    m = _ON_BEHALF.search(text[:3000]) or _COMMISSIONED.search(text[:1000])
    if m:
        return _expand(m.group(1), region)
    m = _SOURCE_ORGAN.search(text[:600])
    short = [m.group(1)] if m else []
    # Other bodies are mentioned in passing; a short form is the writer's when it is the finance
    # bureau (the usual author in this domain) or keeps coming back.
    mentions = Counter(m.group() for m in SHORT_ORGAN.finditer(text))
    short += [org for org, n in mentions.most_common() if n >= 2 or "财政" in org]
    for org in short:
        full = _expand(org, region)
        if full != org or not org.startswith(_LEVEL_WORDS):
            return full
    if doc_type == "work_report" and _PERFORMANCE_WORK.search(text[:600]) and region:
        # An annual budget-performance work report of a government is the finance bureau's.
        unit = split_region(region)[-1]
        return unit + ("财政厅" if unit in PROVINCES and unit not in MUNICIPALITIES else "财政局")
    return None


_LEVEL_WORDS = ("自治区", "省", "市", "县", "区", "州", "旗")


def _expand(org: str, region: str | None) -> str:
    """区财政局 → 渝中区财政局: a short form completed with the region's unit of that level."""
    for word in _LEVEL_WORDS:
        if org.startswith(word):
            units = [p for p in split_region(region) if suffix_of(p).endswith(word[-1]) and
                     (word != "区" or not p.endswith("自治区"))]
            units = units or [p for p in split_region(region) if suffix_of(p) == word]
            return units[-1] + org[len(word):] if units else org
    return org


# ---------------------------------------------------------------- dates

def parse_date(s: str, before: str | None = None) -> str | None:
    """The first date in ``s`` as ISO ``YYYY-MM-DD``; also a separator-less line such as ``2023525``.

    ``before`` (ISO) breaks the tie of an ambiguous bare date (2023115: 01-15 or 11-05).

    >>> parse_date("2023525"), parse_date("二〇二三年五月二十五日")
    ('2023-05-25', '2023-05-25')
    """
    m = _DATE.search(s)
    if m:
        if m.group("y"):
            return _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("y2"):
            return _iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        year = int("".join(str(_CN_DIGIT[c]) for c in m.group("cy")))
        return _iso(year, _cn_small(m.group("cm")), _cn_small(m.group("cd")))
    m = _BARE_DATE.match(s.strip())
    if not m:
        return None
    year, rest = int(m.group(1)), m.group(2)
    options = [_iso(year, int(rest[:i]), int(rest[i:])) for i in (1, 2) if 0 < i < len(rest) and len(rest) - i <= 2]
    options = [o for o in options if o]
    if before:
        earlier = [o for o in options if o <= before]
        options = sorted(earlier, reverse=True) or options
    return options[0] if options else None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return Date(y, m, d).isoformat()
    except ValueError:
        return None


def _cn_small(s: str) -> int:
    """一 … 三十一: the numbers a month or day can be."""
    if "十" not in s:
        return _CN_DIGIT.get(s, 0)
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _published_date(head: list[str]) -> str | None:
    for line in head:
        for m in _DATE_LABEL.finditer(line):
            found = parse_date(line[m.end():m.end() + 20])
            if found:
                return found
    return None


def _signing_date(lines: list[str], title: str) -> str | None:
    """A date standing alone at the sign-off, or right under the title (speeches, reports)."""
    for line in _signoff_lines(lines)[:4]:
        alone = len(line) <= 40 and (_DATE.fullmatch(line.strip("() ")) or _BARE_DATE.match(line))
        found = parse_date(line) if alone else _trailing_date(line)
        if found:
            return found
    for i, line in enumerate(lines[:40]):
        if line != title:
            continue
        # ——2026年2月3日在…会议上 / （2023年5月25日）: the date a report was delivered or signed.
        for below in [ln for ln in lines[i + 1:i + 4] if ln][:2]:
            m = _DATE_BELOW_TITLE.match(below)
            if m:
                return parse_date(m.group(1))
    return None


def _trailing_date(line: str) -> str | None:
    """``…财政局 2024年1月5日`` at the very end of a one-line text."""
    m = _DATE_AT_END.search(line)
    return parse_date(m.group(1)) if m and ORGAN_END.search(line[:m.start()].rstrip()) else None


# ---------------------------------------------------------------- year, number, delegate

def _main_year(text: str, title: str, headings: list[str], doc_type: str, signed: str | None) -> int | None:
    """The year reported on: the title's first year, else the most weighted year in the text."""
    if doc_type in ("proposal", "proposal_reply") and signed:
        return int(signed[:4])
    years = _years(title)
    if years:
        return years[0]
    if doc_type == "rectification_report":
        # The year of the evaluation whose problems it answers: named in 《…评价报告》, or early on.
        cited = [y for m in _CITED_REVIEW.finditer(text[:1000]) for y in _years(m.group())]
        if cited or _years(text[:300]):
            return (cited or _years(text[:300]))[0]
    body = _QUOTED.sub("", text)
    if doc_type == "proposal" and _years(body):
        # Made at a congress session early in the year, about the year before it.
        last = max(_years(body))
        ahead = {int(y) for y in _AHEAD.findall(body)}
        return last if last in ahead else last + 1
    votes: Counter[int] = Counter()
    for y in _years(body[:400]):
        votes[y] += 3
    for heading in headings:
        for y in _years(heading):
            votes[y] += 2
    for y in _years(body):
        votes[y] += 1
    if votes:
        return votes.most_common(1)[0][0]
    return int(signed[:4]) if signed else None


def _years(s: str) -> list[int]:
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(s)]
    found += [(m.start(), int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))) for m in _CN_YEAR.finditer(s)]
    return [y for _, y in sorted(found)]


def _proposal_no(text: str) -> str | None:
    for pattern in _PROPOSAL_NO:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


def _delegate(text: str) -> str | None:
    for pattern in _DELEGATE:
        for m in pattern.finditer(text):
            name = m.group(1)
            if not _NOT_NAME.search(name) and len(name) <= 4 or "·" in name:
                return normalize(name).text  # 黃蕾 → 黄蕾
    return None
