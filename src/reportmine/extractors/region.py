"""Where a document speaks for: Chinese administrative units found by gazetteer and suffix.

Place names are found where their left edge is certain (a line start, right after a
province-level name, an organ word such as 财政局 after them) and cut into units by their
suffixes (省/自治区/市/州/盟/县/区/旗), since Chinese text has no word boundaries. A chain is
output only when complete: a county with its province but not its prefecture would be a wrong
name, so the county alone is given instead.
"""

from __future__ import annotations

import re
from collections import Counter

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区",
    "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
MUNICIPALITIES = frozenset(PROVINCES[:4])
_PROVINCE_RE = re.compile("|".join(sorted(PROVINCES, key=len, reverse=True)))

CJK = "\u4e00-\u9fff"
CJK_CLASS = f"[{CJK}]"
_SUFFIX_CHARS = "省市县区旗盟州"
# Characters no place name contains: they mark the words around one (财政局关于区…, 2023年).
_NON_NAME_CHARS = "局厅委的于是在与及对为年月日号届次第将把被了等部处科股室"
# A place name: CJK without suffix characters, except a leading 市 (市中区) and a 州 before the
# real suffix (杭州市, 通州区). Lazy, so the shortest name wins.
_NAME_CHAR = rf"(?:(?![{_SUFFIX_CHARS}{_NON_NAME_CHARS}])[{CJK}])"
_UNIT_SUFFIX = r"特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|州|盟|县|区|旗"
# Ordinary names have 1-4 characters; only ethnic autonomous units run longer (黔东南苗族侗族自治州).
_UNIT = re.compile(
    rf"{_NAME_CHAR}{{2,9}}?(?:特别行政区|自治区|自治州|自治县|自治旗)"
    rf"|(?:市(?=[{CJK}]))?{_NAME_CHAR}{{1,4}}?州?(?:地区|新区|省|市|州|盟|县|区|旗)"
)
_COUNTY_SUFFIX = ("县", "区", "旗", "新区", "自治县", "自治旗")
_PREFECTURE_SUFFIX = ("州", "盟", "地区", "自治州")
# Words ending in a suffix character that are not place names.
_NOT_PLACE = re.compile(
    r"^(?:[全我本该各每分所其城市社园辖片景校库小山牧林矿郊街新老县乡村镇省区]|"
    r"地区|开发区|示范区|试验区|功能区|保护区|工业园|产业园|商务区|自贸区|主城|中心城|老城|新城|城乡)"
    r"(?:省|市|县|区|旗|州|盟|地区|新区)$"
)
# Areas that are not administrative units: 老旧小区, 翠湖社区, 高新园区, 重点片区, 示范区 …
_NOT_UNIT_AREA = re.compile(r"(?:小|社|园|景|校|片|辖|街|库|灾|营|厂|院|发|范|验|护|能|业|务|聚|老城|城乡)区$")
# Characters that start a clause rather than a name ("根据渝中区" → 渝中区).
_LEAD_JUNK = set("据于在对由向与和及的是为将从经按照把被给等了至到即并且又或以及关我全本该各此其而但也还就都则要应需请让使")
_ORGAN_WORDS = (
    "财政局|财政厅|财政部|人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府|人大常委会|常委会|"
    "人民代表大会|委员会|办公室|办公厅|事务所|管理局|局|厅|委|办|中心|医院|学校|学院|大学|院|公司|"
    "集团|联合会|协会|商会|办事处|所|站|队|部"
)
ORGAN = rf"(?:{_ORGAN_WORDS})(?<![布格大全结开当]局)"
ORGAN_END = re.compile(rf"{ORGAN}$")
# 区财政局, 县教育局: a body named by its level alone, as its own text calls it.
SHORT_ORGAN = re.compile(
    rf"(?<![{CJK}])(省|市|县|区|州|旗)(财政局|财政厅|[{CJK}]{{1,6}}?(?<![布格大全结开当])局|[{CJK}]{{2,6}}?委员会)(?![{CJK}]{{0,2}}[长])"
)
_SELF_LEVEL = re.compile(r"([我全本])(国|省|自治区|市|州|盟|县|区|旗)(?![长委级直属场域间内外])")
# Asked per line or per candidate: compiled once rather than looked up in re's cache each time.
_CLAUSE_EDGE = re.compile(rf"(?:^|(?<=[^{CJK}])|(?<=[在对与和向由于]))(?={CJK_CLASS})", re.M)
_TITLE_EDGE = re.compile(rf"^|(?<=[^{CJK}])|(?<=年度)|(?<=年)|(?<=关于)")
_ORGAN_RE = re.compile(ORGAN)
_HAN = re.compile(rf"[{CJK}]")


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
    places = _place_candidates(text, anchors) or _loose_places(text)
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
    for run in _runs_before_organs(text):
        # Only the tail of the run can be a name next to an organ word; trim leading clause words.
        for i in range(len(run)):
            if run[i] in _LEAD_JUNK:
                continue
            chain = _chain_at(run, i)
            if chain and sum(map(len, chain)) == len(run) - i:
                # A name seen once beside an organ word may be a clause fragment (部门向区财政局).
                if len(chain) > 1 or len(chain[0]) >= 3 and text.count(chain[0]) >= 2:
                    found.update(chain)
                break
    return sorted(p for p in found if not _not_place(p) and len(p) >= 2)


# The characters an organ word starts with: where _organ_starts tries ORGAN.
_ORGAN_FIRST = re.compile("[" + "".join(sorted({w[0] for w in _ORGAN_WORDS.split("|")})) + "]")


def _organ_starts(text: str) -> list[int]:
    """Where an organ word starts, overlapping ones included (人民政府 and 政府): what
    ``re.finditer(rf"(?={ORGAN})", text)`` finds, in a third of the time, since that pattern,
    opening with a lookahead, is tried at every character."""
    match = _ORGAN_RE.match
    return [m.start() for m in _ORGAN_FIRST.finditer(text) if match(text, m.start())]


def _runs_before_organs(text: str) -> list[str]:
    """What ``re.finditer(r"([CJK]{2,10}?)(?=ORGAN)", text)`` captures, found from the organ
    words: that pattern tries nine lengths of lookahead at every character, which made it the
    slowest scan of a document's metadata. At each start the shortest run that reaches an
    organ word wins, and the scan resumes at the organ word."""
    out = []
    cur = 0
    for q in _organ_starts(text):
        if q < cur + 2:
            continue
        p, lo = q, max(cur, q - 10)
        while p > lo and "\u4e00" <= text[p - 1] <= "\u9fff":
            p -= 1
        if q - p >= 2:
            out.append(text[p:q])
            cur = q
        else:
            cur = q - 1
    return out


def _not_place(name: str) -> bool:
    return bool(_NOT_PLACE.match(name) or _NOT_UNIT_AREA.search(name))


def _loose_places(text: str) -> list[str]:
    """Last resort: names that start a clause (after punctuation or 在/对/与 …) and recur."""
    counts: Counter[str] = Counter()
    for m in _CLAUSE_EDGE.finditer(text):
        found = _UNIT.match(text, m.start())
        if found and not _not_place(found.group()) and text[found.end():found.end() + 1] not in ("级", "域"):
            counts[found.group()] += 1
    return [p for p, n in counts.items() if n >= 2 and len(p) >= 3]


def _first_chain(line: str) -> list[str]:
    """The first place chain in a title-like line: at its start or after 年/关于/a non-Chinese character."""
    for m in _TITLE_EDGE.finditer(line):
        chain = _chain_at(line, m.start())
        end = m.start() + sum(map(len, chain))
        # Inside a line only a province, or a name followed by a year, an organ or nothing, is a
        # place: 关于加强县级… and 关于制定区预算… are not.
        if chain and (m.start() == 0 or chain[0] in PROVINCES or end == len(line) or line[end].isdigit()
                      or _ORGAN_RE.match(line[end:]) or line[end] in "的人政委党"):
            return chain
    return []


def _chain_at(text: str, pos: int) -> list[str]:
    """Administrative units written back to back from ``pos`` (上海市 + 闵行区)."""
    chain: list[str] = []
    while True:
        prov = _PROVINCE_RE.match(text, pos)
        m = prov or _UNIT.match(text, pos)
        if not m or _not_place(m.group()) or (m.group().endswith("州") and len(m.group()) < 3) \
                or text[m.end():m.end() + 1] in ("级", "域"):  # 县级, 区域: not a name
            return chain
        chain.append(m.group())
        pos = m.end()


def _self_level(text: str) -> str | None:
    votes: Counter[str] = Counter()
    for m in _SELF_LEVEL.finditer(text):
        if m.group(2) == "国" and m.group(1) != "我":
            continue  # every province writes 全国; only 我国 is the state speaking
        votes[m.group(2)] += 3 if m.group(1) == "我" else 1
    for m in SHORT_ORGAN.finditer(text):
        votes[m.group(1)] += 1
    return votes.most_common(1)[0][0] if votes else None


def suffix_of(place: str) -> str:
    """The administrative suffix a place name ends in (自治州, 县 …), or ''."""
    for suffix in sorted(_UNIT_SUFFIX.split("|"), key=len, reverse=True):
        if place.endswith(suffix):
            return suffix
    return ""


def _fits_level(place: str, level: str) -> bool:
    if level in ("省", "自治区"):
        return place in PROVINCES
    if level == "区" and place in PROVINCES and place.endswith("自治区"):
        return True  # an autonomous region calls itself 全区/我区
    return suffix_of(place) == level or (level == "区" and place.endswith("新区")) or (
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
        if left < 0 or not _HAN.match(src[left]) or src[left] in _LEAD_JUNK or \
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


def split_region(region: str | None) -> list[str]:
    """A region string cut into its units: 上海市闵行区 → [上海市, 闵行区]."""
    if not region:
        return []
    return _chain_at(region, 0) or [region]
