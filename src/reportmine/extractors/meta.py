"""Document metadata (ANNOTATION.md ``meta``): region, year, issuer, date, proposal number, delegate.

Every rule is a cue word or a pattern over the normalised view; nothing is tied to a known region.
Region names are found where their left edge is certain (a line start, right after a
province-level name, an organ word such as 财政局 after them) and cut into administrative units
by their suffixes (省/自治区/市/州/盟/县/区/旗), since Chinese text has no word boundaries.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date as Date

from ..document import Meta
from ..normalize import NormalizedText, normalize

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区",
    "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
MUNICIPALITIES = frozenset(PROVINCES[:4])
_PROVINCE_RE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))

_CJK = "\u4e00-\u9fff"
_SUFFIX_CHARS = "省市县区旗盟州"
# Characters no place name contains: they mark the words around one (财政局关于区…, 2023年).
_NON_NAME_CHARS = "局厅委的于是在与及对为年月日号届次第将把被了等部处科股室"
# A place name: CJK without suffix characters, except a leading 市 (市中区) and a 州 before the
# real suffix (杭州市, 通州区). Lazy, so the shortest name wins.
_NAME_CHAR = rf"(?:(?![{_SUFFIX_CHARS}{_NON_NAME_CHARS}])[{_CJK}])"
_UNIT_SUFFIX = r"特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|州|盟|县|区|旗"
# Ordinary names have 1-4 characters; only ethnic autonomous units run longer (黔东南苗族侗族自治州).
_UNIT = re.compile(
    rf"{_NAME_CHAR}{{2,9}}?(?:特别行政区|自治区|自治州|自治县|自治旗)"
    rf"|(?:市(?=[{_CJK}]))?{_NAME_CHAR}{{1,4}}?州?(?:地区|新区|省|市|州|盟|县|区|旗)"
)
_COUNTY_SUFFIX = ("县", "区", "旗", "新区", "自治县", "自治旗")
_PREFECTURE_SUFFIX = ("州", "盟", "地区", "自治州")
# Words ending in a suffix character that are not place names.
_NOT_PLACE = re.compile(
    r"^(?:[全我本该各每分所其城市社园辖片景校库小山牧林矿郊街新老县乡村镇省区]|"
    r"地区|开发区|示范区|试验区|功能区|保护区|工业园|产业园|商务区|自贸区|主城|中心城|老城|新城|城乡)"
    r"(?:省|市|县|区|旗|州|盟|地区|新区)$"
)
# Characters that start a clause rather than a name ("根据渝中区" → 渝中区).
_LEAD_JUNK = set("据于在对由向与和及的是为将从经按照把被给等了至到即并且又或以及关我全本该各此其而但也还就都则要应需请让使")
_ORGAN = (
    r"(?:财政局|财政厅|财政部|人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府|人大常委会|常委会|"
    r"人民代表大会|委员会|办公室|办公厅|事务所|管理局|局|厅|委|办|中心|医院|学校|学院|大学|院|公司|"
    r"集团|联合会|协会|商会|办事处|所|站|队|部)(?<![布格大全结开当]局)"
)
_ORGAN_END = re.compile(rf"{_ORGAN}$")
_SELF_LEVEL = re.compile(r"([我全本])(国|省|自治区|市|州|盟|县|区|旗)(?![长委级直属场域间内外])")
_SHORT_ORGAN = re.compile(
    rf"(?<![{_CJK}])(省|市|县|区|州|旗)(财政局|财政厅|[{_CJK}]{{1,6}}?(?<![布格大全结开当])局|[{_CJK}]{{2,6}}?委员会)(?![{_CJK}]{{0,2}}[长])"
)
# 我代表上海市人民政府 / 我代表国务院: who delivers a government work report.
_ON_BEHALF = re.compile(rf"我代表([{_CJK}]{{2,16}}?(?:人民政府|国务院))")
_CHROME = re.compile(r"当前位置|首页|>>|发布|来源|访问|浏览|打印|分享|纠错|字号|收藏|扫一扫|关闭|http|www\.|【|】")
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
_PROPOSAL_NO = (
    re.compile(r"(?:建议|议案|提案)(?:编号|号)[:：]\s*([A-Za-z]{0,4}\d{1,6})"),
    re.compile(r"(?<![A-Za-z〕\]\)\d])([A-Z]{1,4}\d{1,6})号?(?:建议|议案|提案|代表建议)"),
    re.compile(r"(?<![〕\]\)\d])第(\d{1,6})号(?:建议|议案|提案|代表建议)"),
    re.compile(r"(?:建议|议案|提案)[^。]{0,6}?第(\d{1,6})号"),
    re.compile(r"(?<![A-Za-z\d〕\]\)])([A-Z]{1,4}\d{1,6})号"),
)
# The session a proposal was made to: 重庆市青岚区第十八届人民代表大会第三次会议.
_SESSION = re.compile(rf"(?:^|[\n(（\s])([{_CJK}]{{2,20}}?)第[一二三四五六七八九十\d]+届(?:人民代表大会|人大)")
# A year a proposal looks ahead to (2024年起) is its own; a year it reports facts for is the last one.
_AHEAD = re.compile(r"((?:19|20)\d\d)年(?:起|开始|计划|预算|将|要|内)")
_NAME_CHARS = rf"[{_CJK}·]{{2,5}}"
_DELEGATE = (
    re.compile(rf"(?:领衔代表|提出人|建议人|提案人|领衔人|代表姓名|代表)[:：][ \t\u3000]*({_NAME_CHARS}?)(?=[\s(（,，、;；]|$)", re.M),
    re.compile(rf"^\s*(?:尊敬的)?({_NAME_CHARS}?)(?:等\d+[位名])?(?:代表|委员)[:：,，]", re.M),
    re.compile(rf"({_NAME_CHARS}?)(?:等\d+[位名])?代表(?:提出|领衔|所提)"),
)
_NOT_NAME = re.compile(r"各位|全体|广大|人大|政协|会议|列席|党|尊敬|您|代表团|区|县|市|省|我|本")


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
    text = view.text
    published = _published_date(lines[:15])
    meta = Meta()
    meta.date = _signing_date(lines, title) or published
    meta.proposal_no = _proposal_no(title + "\n" + text[:3000])
    if doc_type in ("proposal", "proposal_reply"):
        meta.delegate = _delegate(original[:4000].translate(_WIDTH))
    issuer_line = _issuer_line(lines, title)
    session = _SESSION.search(text[:1500])
    meta.region = find_region(text, [session.group(1) if session else "", title, issuer_line or ""])
    if doc_type == "proposal":
        meta.issuer = meta.delegate  # a proposal is written by its delegate
    else:
        meta.issuer = _issuer(text, lines, issuer_line, meta.region, doc_type)
    meta.year = _main_year(text, title, headings, doc_type, meta.date)
    return meta


# ---------------------------------------------------------------- region

def find_region(text: str, anchors: list[str]) -> str | None:
    """The administrative region a text speaks for, as full a chain as the text supports.

    Anchors (title, issuer line) name it directly; otherwise the level the text uses for itself
    (我区, 全县) picks the most frequent place of that level.

    >>> find_region("我区财政收支稳定，全区各单位……宁川市洛河区财政局牵头。", [""])
    '宁川市洛河区'
    """
    level = _self_level(text)
    if level == "国":
        return "全国"
    places = _place_candidates(text, anchors)
    if not places:
        return None
    unit = None
    for anchor in anchors:
        chain = _first_chain(anchor)
        if chain and (level is None or _fits_level(chain[-1], level)):
            unit = chain[-1]
            break
    if unit is None:
        fitting = [p for p in places if level and _fits_level(p, level)]
        pool = fitting or places
        unit = max(pool, key=lambda p: (text.count(p), -len(p)))
    return "".join(_compose(text, unit, places, anchors))


def _place_candidates(text: str, anchors: list[str]) -> list[str]:
    found: set[str] = set()
    for src in anchors:
        found.update(_first_chain(src))
    for m in _PROVINCE_RE.finditer(text):
        found.update(_chain_at(text, m.start()))
    for m in re.finditer(rf"([{_CJK}]{{2,10}}?)(?={_ORGAN})", text):
        # Only the tail of the run can be a name next to an organ word; trim leading clause words.
        run = m.group(1)
        for i in range(len(run)):
            if run[i] in _LEAD_JUNK:
                continue
            chain = _chain_at(run, i)
            if chain and sum(map(len, chain)) == len(run) - i:
                # A name seen once beside an organ word may be a clause fragment (部门向区财政局).
                if len(chain) > 1 or len(chain[0]) >= 3 and text.count(chain[0]) >= 2:
                    found.update(chain)
                break
    return sorted(p for p in found if not _NOT_PLACE.match(p) and len(p) >= 2)


def _first_chain(line: str) -> list[str]:
    """The first place chain in a title-like line: at its start or after 年/关于/a non-Chinese character."""
    for m in re.finditer(rf"^|(?<=[^{_CJK}])|(?<=年度)|(?<=年)|(?<=关于)", line):
        chain = _chain_at(line, m.start())
        if chain:
            return chain
    return []


def _chain_at(text: str, pos: int) -> list[str]:
    """Administrative units written back to back from ``pos`` (上海市 + 闵行区)."""
    chain: list[str] = []
    while True:
        prov = _PROVINCE_RE.match(text, pos)
        m = prov or _UNIT.match(text, pos)
        if not m or _NOT_PLACE.match(m.group()) or (m.group().endswith("州") and len(m.group()) < 3):
            return chain
        chain.append(m.group())
        pos = m.end()


def _self_level(text: str) -> str | None:
    votes: Counter[str] = Counter()
    for m in _SELF_LEVEL.finditer(text):
        if m.group(2) == "国" and m.group(1) != "我":
            continue  # every province writes 全国; only 我国 is the state speaking
        votes[m.group(2)] += 3 if m.group(1) == "我" else 1
    for m in _SHORT_ORGAN.finditer(text):
        votes[m.group(1)] += 1
    return votes.most_common(1)[0][0] if votes else None


def _suffix_of(place: str) -> str:
    for suffix in sorted(_UNIT_SUFFIX.split("|"), key=len, reverse=True):
        if place.endswith(suffix):
            return suffix
    return ""


def _fits_level(place: str, level: str) -> bool:
    if level in ("省", "自治区"):
        return place in PROVINCES
    if level == "区" and place in PROVINCES and place.endswith("自治区"):
        return True  # an autonomous region calls itself 全区/我区
    return _suffix_of(place) == level or (level == "区" and place.endswith("新区")) or (
        level == "县" and place.endswith("自治县"))


def _compose(text: str, unit: str, places: list[str], anchors: list[str]) -> list[str]:
    """The longest chain ending in ``unit`` that is written somewhere, kept only when complete.

    Province + county without the prefecture between them would be a wrong name, so the province
    is then dropped rather than guessed (the county alone is still right).
    """
    best = [unit]
    for src in [*anchors, text]:
        for m in re.finditer(re.escape(unit), src):
            chain = _chain_before(src, m.start(), places) + [unit]
            if len(chain) > len(best):
                best = chain
    if best[0] in PROVINCES and best[0] not in MUNICIPALITIES and len(best) == 2 and _is_county(best[1]):
        best = best[1:]
    if len(best) == 2 and best[0] not in PROVINCES and _is_county(best[1]):
        province = _dominant_province(text)
        if province and province not in MUNICIPALITIES:
            best.insert(0, province)
    return best


def _chain_before(src: str, end: int, places: list[str]) -> list[str]:
    """Units written immediately before ``end`` (at most province + prefecture)."""
    chain: list[str] = []
    for _ in range(2):
        prev = [p for p in places if src.endswith(p, 0, end) and p not in chain] or _unit_before(src, end)
        if not prev:
            break
        p = max(prev, key=len)
        chain.insert(0, p)
        end -= len(p)
        if p in PROVINCES:
            break
    return chain


def _unit_before(src: str, end: int) -> list[str]:
    """A province or prefecture ending at ``end`` whose left edge is clear (《济南市|历城区)."""
    prov = [p for p in PROVINCES if src.endswith(p, 0, end)]
    if prov:
        return prov
    for k in range(3, 9):
        cand, left = src[end - k:end], end - k - 1
        if k > end or not _UNIT.fullmatch(cand) or not cand.endswith(("市", *_PREFECTURE_SUFFIX)):
            continue
        if left < 0 or not re.match(rf"[{_CJK}]", src[left]) or src[left] in _LEAD_JUNK or \
                any(src.endswith(p, 0, left + 1) for p in PROVINCES):
            return [cand]
    return []


def _is_county(place: str) -> bool:
    return place.endswith(_COUNTY_SUFFIX) and not place.endswith(_PREFECTURE_SUFFIX)


def _dominant_province(text: str) -> str | None:
    counts = Counter(m.group() for m in _PROVINCE_RE.finditer(text))
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2)
    return top if not rest or n > rest[0][1] else None


# ---------------------------------------------------------------- issuer

def _issuer_line(lines: list[str], title: str) -> str | None:
    """An organ in the sign-off at the end, named in the title ("X局关于…"), or above the title."""
    for line in _signoff_lines(lines):
        if _is_organ_line(line):
            return line
    m = re.match(rf"^(.{{2,30}}?{_ORGAN})(?:关于|对|就|(?=(?:19|20)\d\d年))", title)
    if m:
        return m.group(1)
    return next((ln for ln in lines[:12] if ln != title and _is_organ_line(ln)), None)


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
    return 3 <= len(line) <= 30 and bool(re.fullmatch(rf"[{_CJK}()（）]+", line)) and bool(_ORGAN_END.search(line)) \
        and "关于" not in line


def _issuer(text: str, lines: list[str], line: str | None, region: str | None, doc_type: str) -> str | None:
    if line:
        return line
    m = _ON_BEHALF.search(text[:3000])
    if m:
        return _expand(m.group(1), region)
    m = re.search(rf"(?:信息)?来源[:：]\s*([{_CJK}]{{2,20}}?{_ORGAN})(?![{_CJK}])", text[:600])
    short = [m.group(1)] if m else []
    # Other bodies are mentioned in passing; a short form is the writer's when it is the finance
    # bureau (the usual author in this domain) or keeps coming back.
    mentions = Counter(m.group() for m in _SHORT_ORGAN.finditer(text))
    short += [org for org, n in mentions.most_common() if n >= 2 or "财政" in org]
    for org in short:
        full = _expand(org, region)
        if full != org or not org.startswith(_LEVEL_WORDS):
            return full
    if doc_type == "work_report" and re.search(r"预算绩效|绩效管理", text[:600]) and region:
        # An annual budget-performance work report of a government is the finance bureau's.
        unit = _split_region(region)[-1]
        return unit + ("财政厅" if unit in PROVINCES and unit not in MUNICIPALITIES else "财政局")
    return None


_LEVEL_WORDS = ("自治区", "省", "市", "县", "区", "州", "旗")


def _expand(org: str, region: str | None) -> str:
    """区财政局 → 渝中区财政局: a short form completed with the region's unit of that level."""
    for word in _LEVEL_WORDS:
        if org.startswith(word):
            units = [p for p in _split_region(region) if _suffix_of(p).endswith(word[-1]) and
                     (word != "区" or not p.endswith("自治区"))]
            units = units or [p for p in _split_region(region) if _suffix_of(p) == word]
            return units[-1] + org[len(word):] if units else org
    return org


def _split_region(region: str | None) -> list[str]:
    if not region:
        return []
    return _chain_at(region, 0) or [region]


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
        for m in re.finditer(r"(?:发布|发文|印发|成文|公开)?(?:日期|时间)[:：]\s*", line):
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
            m = re.match(rf"^(?:——|--|[(（])\s*({_DATE.pattern})", below)
            if m:
                return parse_date(m.group(1))
    return None


def _trailing_date(line: str) -> str | None:
    """``…财政局 2024年1月5日`` at the very end of a one-line text."""
    m = re.search(rf"({_DATE.pattern})\s*$", line)
    return parse_date(m.group(1)) if m and _ORGAN_END.search(line[:m.start()].rstrip()) else None


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
        cited = [y for m in re.finditer(r"《[^》]{0,80}(?:评价|审计|检查)[^》]{0,40}》", text[:1000]) for y in _years(m.group())]
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
