"""Every quantity in a document: money, counts, percentages, scores, durations and other units.

One compiled regular expression finds candidate numbers (Arabic with grouping and decimals,
Chinese numerals, ``百分之…``, ranges, glued ``余/多/几``) with the unit that follows them; the
rest is cheap filtering in Python. What ANNOTATION.md excludes is rejected there: calendar
years, dates, document numbers, ordinals (``第一批``), list markers run into a number
(``1.2024年``), numbers inside ``《》`` titles and short quoted names (``“十四五”``), and Chinese
numerals that are words, not quantities (``统一``, ``一体化``, ``三位一体``, ``一级预算部门``).
Values are exact Decimals; money is in yuan. Spans point into the original text.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal, InvalidOperation

import cn2an

from ..document import Document, Figure, Span
from ..normalize import NormalizedText

# ---- unit tables (extend here; longest spellings win because alternations are sorted) ----
# Measure words of counted things. Value: a lookahead of what may NOT follow (the word is then
# the first character of a longer word, e.g. 条例, 项目, 支出), or "" when anything may follow.
COUNT_WORDS: dict[str, str] = {
    "个": "体|性|税|案|别|股", "家": "庭|族|乡|长", "项": "目", "条": "例|件|款|线|理|目",
    "次": "性|网|能源|供水|污染|开发|分配|产业|元|函数|方程|装修", "部分": "", "季": "度|节|末|初|报|刊", "场": "所|景|地|合|馆", "人次": "", "户次": "", "家次": "", "批次": "", "场次": "",
    "架次": "", "班次": "", "人": "员|民|大|才|口|均|事|力|工|们|群|士|为", "所": "有|属|在|得|以|需|谓|述|长|示",
    "户": "籍|外|口|型|主", "篇": "章", "页": "面|码", "批": "准|复|示|评|发|量", "类": "似|别", "种": "类|植|子|养",
    "名": "称|单|义|录|额|字|次", "份": "额", "轮": "胎", "座": "谈|位", "台": "账|阶|湾|风|上|下|站",
    "辆": "", "套": "餐", "件": "数", "处": "理|置|于|长|级|室", "册": "", "期": "间|末|初|限|内|望|待|刊|货",
    "本": "级|地|年|次|单|部|着|金|市|区|县|省|行|身|质|人|届|期", "支": "出|付|持|撑|部|配",
    "级": "别", "张": "贴", "间": "隔|接|断|题", "艘": "", "头": "", "棵": "", "株": "", "枚": "",
    "位": "于|置|列|次", "组": "织|建|成|合|长|团", "队": "伍", "节": "约|点|能|省|日|奏", "门": "户|槛|类|口",
    "栋": "", "幢": "", "宗": "旨|教", "笔": "", "例": "如", "起": "草|来|步|点|到|诉", "段": "落",
    "片": "区", "块": "", "道": "路|德|理", "层": "面|级|次", "方面": "", "大类": "",
    "床": "位", "口": "径|岸", "眼": "", "盏": "", "村": "民|级|委|庄", "镇": "街|级|长",
    "街道": "办", "乡镇": "", "部门": "", "课时": "", "学时": "",
    # labour, beds and vehicles counted per day or trip; words, tiers, animals, crates, poles
    "人日": "常|均|报|益|程|前|后|内|夜|间|记|志|期", "工日": "", "床日": "", "车次": "",
    "字": "号|样|段|母|典|体|迹|幕|句|词|路|架|街|型|形|头|画|条|经|诀|令|方|要|工|原|机|真|据|眼",
    "档": "案|次|位|期|口|子|级", "只": "是|有|能|要|需|在|会|用|见|限|占|为|剩|得|好|不|读",
    "羽": "毛|绒|翼|球|化", "箱": "体|包|式|底|子", "匹": "配|敌|夫", "尾": "款|号|声|部|气|数|巴|矿|端|水|随|货|差",
    "根": "据|本|源|治|系|基|深|植", "杆": "菌|秤|子", "孔": "子|道|径|隙|洞|雀", "幅": "度|员|面",
    "卷": "宗|烟|入|帘|心|面|子|尺|起", "款": "项|式|额|物|待|子",
}
# Durations: a length of time, not a date.
DURATION_WORDS: dict[str, str] = {
    "年": "级|龄|薪|度|均|鉴|报|会|初|末|底|前|后|份|货|金|终|化|代|来|以来",
    "个月": "", "个多月": "", "个小时": "", "个多小时": "", "个工作日": "", "工作日": "", "天": "然|津|气|河|府|下|地|空|堂|际|台|价|文|使",
    "日": "(?=内|以内|之内)", "小时": "", "分钟": "", "周": "年|边|期|转|末|岁|刊|报|围", "个季度": "",
    "周年": "",
}
# Other physical units; written to measure_word.
OTHER_WORDS: dict[str, str] = {
    "公里": "", "千米": "", "平方公里": "", "平方千米": "", "平方米": "", "立方米": "", "亩": "",
    "公顷": "", "吨": "", "千克": "", "公斤": "", "米": "粮|面|饭|价|业", "延米": "", "斤": "", "千瓦时": "",
    "千瓦小时": "", "千瓦": "", "标准箱": "", "微克/立方米": "",
    "兆瓦": "", "万千瓦": "", "升": "级|至|到|高|格|学|温|值", "倍": "", "km": "", "m²": "", "m2": "", "㎡": "",
    "m³": "", "kg": "", "kW": "", "kWh": "", "MW": "", "GB": "", "TB": "", "美元": "", "港元": "", "欧元": "",
    # livestock and farmland standard units, freight turnover, small lengths, weights and volumes
    "羊单位": "", "牛单位": "", "标准亩": "", "亩次": "", "吨公里": "", "平米": "", "毫米": "", "厘米": "",
    # an age (60岁以上) is a quantity in the text, not a length of time
    "岁": "月|末|数|首|修|入|出|计|除|寒|暮", "周岁": "",
    "克": "服|隆|里|制|拉|罗|难|星|扣|什|孜|勤|己", "毫克": "", "克/千克": "", "毫克/千克": "", "毫克/升": "", "毫升": "", "兆瓦时": "", "立方": "米|体",
}
_BIG_WORDS = (
    "领域|板块|类|行动|工程|任务|体系|战略|产业|方面|区域|片区|平台|中心|系统|支柱|攻坚战|专项|举措|基地|"
    "主题|模块|品牌|机制|维度|功能区|集群|载体|方向|重点"
)
_MULT = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8, "千万": 10**7,
         "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3}

_CN_DIGITS = "零〇一二两三四五六七八九"
_LONE = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_PHASE_COUNT = re.compile(r"(?:举办|开展|组织|培训|共|累计|办|分|连续|每年|已)[\u4e00-\u9fff]{0,3}$")
_GRADE_AFTER = re.compile(
    r"(?:及以上|以上|及以下|以下|医院|公立|甲等|乙等|公司|子公司|企业|指标|预算单位|预算部门|单位|航道|公路|标准|资质"
    r"|风险|响应|预警|警报|台风|职称|岗位|干部|主任|调研员|重点学科|保护)"
)
_CN_NUMERAL = f"[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+)?"
_AR_NUMERAL = r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?:\.\d+)?"
_NUM = f"(?:{_AR_NUMERAL}|{_CN_NUMERAL})"


def _alternation(table: dict[str, str]) -> str:
    parts = []
    for word in sorted(table, key=len, reverse=True):
        stop = table[word]
        if stop.startswith("(?"):
            parts.append(re.escape(word) + stop)
        else:
            parts.append(re.escape(word) + (f"(?!{stop})" if stop else ""))
    return "|".join(parts)


# 分 after a number is a score unless it starts another word (分钟, 分之, 分别, 分配, 分析…).
_NOT_SCORE = ("钟|之|别|配|析|解|类|级|行|领|期|批|局|项|公|院|中|会|部|成|担|档|散|布|摊|管|包|组|工|红|享|支|子"
              "|母|段|步|阶|区|层|号|开|发|歧|割|化|流|拣|拆|明|数线|值")

_UNIT = (
    "(?P<U>"
    r"(?P<pp>个百分点|百分点)|(?P<pct>%|‰)|(?P<cny>元(?!旦|宵|素|首|件|年|代|老|帅))"
    rf"|(?P<dur>{_alternation(DURATION_WORDS)})"
    rf"|(?P<oth>{_alternation(OTHER_WORDS)})"
    rf"|(?P<cnt>{_alternation(COUNT_WORDS)})"
    rf"|(?P<score>分(?!{_NOT_SCORE}))"
    ")"
)
_MULT_RE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千(?!米|克|瓦)"
_FIGURE_RE = re.compile(
    rf"(?P<pcn>百分之(?P<pv>{_CN_NUMERAL}))"
    r"|(?P<cheng>[一二两三四五六七八九])成(?=以上|以下|左右|多|[,，。;；、)）”]|的|$)"
    r"|(?<![另])(?P<half>一半)"
    rf"|(?P<fden>[{_CN_DIGITS}十百]+)分之(?P<fnum>[{_CN_DIGITS}十]+(?:点[{_CN_DIGITS}]+)?)"
    r"|(?<![上下前后多大过])半(?P<halfdur>个月|年|天|小时|个工作日)(?!度)"
    rf"|(?P<big>[两三四五六七八九十]{{1,2}})大(?P<bigw>{_BIG_WORDS})"
    r"|(?P<yi>\d+)亿(?P<wan>\d{1,4}(?:\.\d+)?)万元"
    rf"|(?P<n1>{_NUM})(?P<x1>余|多|几)?(?P<m1>{_MULT_RE})?"
    rf"(?:(?P<u1>%|个|家|项|条|年|元|万元|亿元|分(?=[-~—–至到][\d.]+分))?(?P<sep>[-~—–至到])(?P<n2>{_NUM})(?P<x2>余|多|几)?(?P<m2>{_MULT_RE})?)?"
    rf"(?P<y>余|多)?(?P<nl>\n[ \t]*)?{_UNIT}?"  # a hard-wrapped line may split 5 / 个
)
# Every alternative of _FIGURE_RE starts with one of these characters. The regex engine cannot
# see that through the named groups and lookbehinds, so a search tries the whole pattern at
# every character; finding the candidates first and matching there halves the scan.
_FIGURE_FIRST = re.compile(rf"[\d{_CN_DIGITS}十百千万亿半]")

# ---- qualifier, direction and label cues ----
_PREFIX_GLUED = (  # must end right at the number (fillers 为/达/了/有 allowed)
    ("超过", "over"), ("突破", "over"), ("超", "over"), ("大于", "over"), (">", "over"),
    ("≥", "at_least"), ("大于等于", "at_least"), ("≤", "at_most"), ("小于等于", "at_most"),
    ("<", "under"), ("小于", "under"), ("逾", "over"), ("高于", "over"), ("多于", "over"),
    ("将近", "approx"), ("接近", "approx"), ("近", "approx"), ("大约", "approx"), ("约", "approx"),
    ("不足", "under"), ("不到", "under"), ("低于", "under"), ("少于", "under"),
    ("不低于", "at_least"), ("不少于", "at_least"), ("至少", "at_least"), ("最少", "at_least"),
    ("不超过", "at_most"), ("不高于", "at_most"), ("最高", "at_most"), ("最多", "at_most"), ("至多", "at_most"),
    ("累计", "cumulative"), ("累积", "cumulative"),
)
_STRONG = {"超过", "不足", "不低于", "不少于", "至少", "不超过", "不高于", "最高", "最多", "累计", "累积", "大约"}
_PREFIX_RE = re.compile(
    "(" + "|".join(sorted((w for w, _ in _PREFIX_GLUED), key=len, reverse=True)) + ")"
    r"(?:可达|达到|达|为|了|有|是|需要|需|占[\u4e00-\u9fff]{0,8}的|占)?(?:每[\u4e00-\u9fff]{1,4})?$"  # 约为每立方米3.2元, 约占三成
)
# 低于90%的目标值, 超过目标7.8%: a comparison with a target, not a bound on the figure
_TARGET_AFTER = re.compile(r"的?(?:目标|计划|预期|标准|要求|平均水平|全国平均|全省平均)")
_TARGET_BETWEEN = re.compile(r"^(?:了)?(?:年度|全年)?(?:目标|计划|预期|标准|要求)(?:值|任务)?$")
_STRONG_RE = re.compile("|".join(sorted(_STRONG)))
_SUPERLATIVE = {"最高", "最多"}
_COMPARATIVE = {"低于", "高于", "超过", "超", "少于", "多于", "不足", "不到"}
_QUALIFIER_OF = dict(_PREFIX_GLUED)
_SUFFIX_RE = re.compile(
    r"(\(含\)以上|\(含\)以下|及以上|及以下|以上|以下|以内|之内|内(?![容部涵设外控蒙地河江核审在生置])|左右|多)"
)
_SUFFIX_Q = {"以上": "over", "以下": "under", "以内": "at_most", "之内": "at_most", "内": "at_most",
             "左右": "approx", "多": "approx", "及以上": "at_least", "(含)以上": "at_least", "及以下": "at_most",
             "(含)以下": "at_most"}
# Measure words after which a lone Chinese 一 is an article or an ordinal, not a count
# (一个年度, 一批项目, 一级预算部门, 一方面); 一次, 一年, 一所, 一倍 stay quantities.
_ONE_ARTICLE_WORDS = frozenset(
    "个 种 批 套 项 条 支 张 本 级 类 期 道 片 块 层 方面 部分 场 件 把 组 队 门 节 段 起 处 口 份 大类 字 档 款 根 只"
    .split()
)
# ... unless a bound or a length-of-time verb says it is one (至少开展一次, 用一年时间).
_ONE_CUE = re.compile(
    r"(?:(?:至少|最少|仅|只|不少于|不低于|不超过|超过|累计|合计|总计|共计)[\u4e00-\u9fff]{0,3}|用|历时|为期|每隔|满|共)$"
)
# 一次验收合格率, 一次办结: 一次 as "in one go" before a result or a rate, not one time
_ONE_GO = re.compile(r"(?:验收|交验|通过|办结|办成|办好|告知|成功|合格|审核|审批|到位)|[\u4e00-\u9fff]{1,5}率")
_UP = ("增长", "增加", "提高", "提升", "上升", "增幅", "上涨", "增速", "多出", "扩大", "递增", "延长")
_DOWN = ("下降", "减少", "降低", "降幅", "核减", "调减", "压减", "削减", "节约", "节省", "缩减", "下调",
         "回落", "压缩", "递减", "缩短", "减")
_DIRECTION_RE = re.compile(
    "(" + "|".join(sorted(_UP + _DOWN, key=len, reverse=True)) + "|(?<![不至最减多缺])少)(?!至|到|为|率|于|量|数)"
    "(?:了|达|约|近|超过|超)?"
)
_CLAUSE_STOP = ",，;；。:：!?！？、\n()（）“”《》"
_YEAR_RE = re.compile(r"((?:19|20)\d{2})(?:\s*[-—~至到]\s*((?:19|20)\d{2}))?年")
_MONEY_CUE = re.compile(r"资金|金额|经费|投资|投入|预算|收入|支出|资产|债|补贴|补助|拨付|资本|收益|成本|费用|奖励|规模|价值")
_LABEL_TAIL = re.compile(
    r"(?:共计|总计|合计|共|计|达到|达|为|约为|约|有|了|超过|超|逾|将近|近|不低于|不少于|不超过|至少|最高可达"
    r"|可达|最高|最多|不足|不到|分别|各|均|仅|只|已|是|在|占到|约占|累计|大约)+$"
)
_LABEL_HEAD = re.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?(?:以来|起|底|末|初)?|全年|其中|本次|另外|同时|以及|和|并|对|及|共|实现|涉及"
    r"|完成|开展|形成|提出|选取|选择|包括|累计|一是|二是|三是|四是|五是|此外|通过|经|由|从|将|把)+"
)
_LABEL_FOLLOW_CUT = re.compile(r"和|与|及|以及|的|等|进行|开展|实施|完成|参加|参与|纳入|之|中|在|为|是")
_VERB_START = "开进实完参组共涉占达为是已均合分在将被由对向给从以的等和与及并"


def find_figures(document: Document, view: NormalizedText) -> list[Figure]:
    """Every quantity stated in ``document`` (see ANNOTATION.md), in text order.

    >>> from reportmine.normalize import normalize
    >>> doc = Document(id="x", source="x.txt", format="txt", text="核减0.94亿元,占比33.96%")
    >>> [(f.text, f.value, f.unit) for f in find_figures(doc, normalize(doc.text))]
    [('0.94亿元', Decimal('94000000'), 'CNY'), ('33.96%', Decimal('33.96'), 'percent')]
    """
    return _Finder(document, view).run()


class _Finder:
    """One pass over the view; keeps the excluded zones and year mentions for look-ups."""

    def __init__(self, document: Document, view: NormalizedText) -> None:
        self.doc = document
        self.view = view
        self.text = view.text
        self.zones = _excluded_zones(self.text)
        self.zone_starts = [z[0] for z in self.zones]
        self.years = [(m.start(), m.group(1), m.group(2)) for m in _YEAR_RE.finditer(self.text)]
        self.year_pos = [y[0] for y in self.years]
        self.after_marker = -1  # where the number after a list marker (1.|30个) starts

    def run(self) -> list[Figure]:
        out: list[Figure] = []
        text, pos, n = self.text, 0, len(self.text)
        last_end = 0
        while pos < n:
            m = _next_figure(text, pos)
            if m is None:
                break
            restart = self._marker_restart(m)
            if restart is not None:
                pos = self.after_marker = restart
                continue
            pos = max(m.end(), m.start() + 1)
            fig = self._figure(m, last_end)
            if fig is not None:
                out.append(fig)
                suffix = _SUFFIX_RE.match(text, m.end())
                last_end = suffix.end() if suffix else m.end()  # 10个左右|预算200万元: 左右 is no label
        return out

    # -- candidate -> Figure --------------------------------------------------------------
    def _figure(self, m: re.Match[str], last_end: int) -> Figure | None:
        # Most candidates are plain numbers (n1, the last alternative): one look-up tells.
        if m.group("n1") is None:
            if m.group("big"):
                return self._big(m, last_end)
            if m.group("yi"):  # 1亿2000万元
                value = Decimal(m.group("yi")) * 10**8 + Decimal(m.group("wan")) * 10**4
                return None if self._blocked(m.start(), "CNY") else self._build(
                    m.start(), m.end(), value, "CNY", None, None, False, last_end)
            return self._word_figure(m, last_end)  # pcn, cheng, half, halfdur or fden
        if not m.group("U") and not self._bare_money(m):
            return None
        if self._bad_context(m):
            return None
        parsed = self._values(m)
        if parsed is None:
            return None
        value, value_max, approx = parsed
        unit, measure, value, value_max = self._unit(m, value, value_max)
        if unit is None or self._blocked(m.start(), unit) or self._excluded(m, unit, value):
            return None
        end = m.start("nl") if m.group("nl") and not m.group("U") else m.end()
        return self._build(m.start(), end, value, unit, value_max, measure, approx, last_end)

    def _word_figure(self, m: re.Match[str], last_end: int) -> Figure | None:
        """百分之十五, 七成 (70 %), 一半 (50 %), 半年 (0.5 years)."""
        if m.group("halfdur"):
            value, unit, measure = Decimal("0.5"), "duration", m.group("halfdur")
        elif m.group("half"):
            value, unit, measure = Decimal(50), "percent", None
        elif m.group("fden"):
            value, unit, measure = _fraction(m.group("fnum"), m.group("fden")), "percent", None
        elif m.group("cheng"):
            value, unit, measure = Decimal(_cn_value(m.group("cheng")) or 0) * 10, "percent", None
        else:
            value, unit, measure = _cn_value(m.group("pv")), "percent", None
        if not value or self._blocked(m.start(), unit):
            return None
        return self._build(m.start(), m.end(), value, unit, None, measure, False, last_end)

    def _big(self, m: re.Match[str], last_end: int) -> Figure | None:
        if self._blocked(m.start(), "count") or self.text[m.start() - 1 : m.start()] in ("第", "前"):
            return None
        value = _cn_value(m.group("big"))
        if value is None:
            return None
        end = m.end("bigw")
        return self._build(m.start(), end, value, "count", None, m.group("bigw"), False, last_end)

    def _build(self, start: int, end: int, value: Decimal, unit: str, value_max: Decimal | None,
               measure: str | None, approx: bool, last_end: int) -> Figure:
        clause = max(self._clause_start(start), last_end)
        qualifier = self._qualifier(start, end, clause)
        if approx and qualifier in (None, "cumulative"):
            qualifier = "approx"  # 累计多支出两千多万元: the 多 glued to the number says more
        o_start, o_end = self.view.to_original(start, end)
        value = _clean(value)
        value_max = _clean(value_max) if value_max is not None else None
        return Figure(
            span=Span(o_start, o_end),
            text=self.doc.text[o_start:o_end],
            value=value,
            unit=unit,
            value_max=value_max,
            measure_word=measure,
            qualifier=qualifier,
            direction=self._direction(start, clause),
            label=_label(self.text, start, end, unit, last_end),
            period=self._period(start),
        )

    # -- numbers ------------------------------------------------------------------------
    def _values(self, m: re.Match[str]) -> tuple[Decimal, Decimal | None, bool] | None:
        n1, n2 = m.group("n1"), m.group("n2")
        approx = bool(m.group("x1") or m.group("x2") or m.group("y") or "多" in (m.group("dur") or ""))
        range_cn = _adjacent_cn_range(n1) if not n2 else None
        if range_cn is not None:
            low, high = range_cn
            return low, high, True
        v1 = _number(n1)
        if v1 is None:
            return None
        mult = m.group("m1") or ""
        if m.group("x1") == "几" and mult.startswith("十"):
            mult = mult[1:]  # 一百几十亿: about a hundred-odd 亿, not 一百 x 十亿
        v1 *= _MULT.get(mult, 1)
        if not n2:
            return v1, None, approx
        v2 = _number(n2)
        if v2 is None:
            return None
        if m.group("m2"):
            v2 *= _MULT[m.group("m2")]
            if not m.group("m1"):
                v1 *= _MULT[m.group("m2")]
        elif v1 * 10 <= v2 and n2[-1] in "万亿" and n1[-1] not in "万亿":
            v1 = _scale_like(v1, v2)  # 二至三万: the first number shares the second's magnitude
        if v2 <= v1:
            return None  # 2023-06 style pairs or a hyphenated code, not a range
        return v1, v2, approx

    def _unit(self, m: re.Match[str], value: Decimal, value_max: Decimal | None
              ) -> tuple[str | None, str | None, Decimal, Decimal | None]:
        if m.group("cny") or not m.group("U"):
            return "CNY", None, value, value_max
        if m.group("pct"):
            if m.group("pct") == "‰":
                return "percent", "‰", value / 10, value_max / 10 if value_max is not None else None
            return "percent", None, value, value_max
        if m.group("pp"):
            return "percent", "百分点", value, value_max
        if m.group("score"):
            return "score", None, value, value_max
        if m.group("dur"):
            return "duration", m.group("dur").replace("多", ""), value, value_max
        if m.group("oth"):
            return "other", m.group("oth"), value, value_max
        if m.group("cnt") == "级" and value != value.to_integral_value():
            return "other", "级", value, value_max  # 6.4级地震: a magnitude, not a count
        return "count", m.group("cnt"), value, value_max

    # -- exclusions ---------------------------------------------------------------------
    def _bare_money(self, m: re.Match[str]) -> bool:
        """``1.2亿`` without 元: money only when the clause talks about money."""
        mult = m.group("m2") or m.group("m1")
        numeral = m.group("n2") or m.group("n1")
        if mult is None:
            if not (_is_cn(numeral) and len(numeral) > 1 and numeral[-1] in "万亿"):
                return False
        elif mult == "千":
            return False
        start = self._clause_start(m.start())
        return bool(_MONEY_CUE.search(self.text, start, m.start()))

    def _zone(self, pos: int) -> str | None:
        i = bisect.bisect_right(self.zone_starts, pos) - 1
        if i >= 0 and self.zones[i][0] < pos < self.zones[i][1]:
            return self.zones[i][2]
        return None

    def _blocked(self, pos: int, unit: str) -> bool:
        """Numbers in 《titles》 never count; in quotes only money and rates do (“满意度≥90%”)."""
        zone = self._zone(pos)
        return zone == "title" or (zone == "quote" and unit not in ("percent", "CNY", "score"))

    def _bad_context(self, m: re.Match[str]) -> bool:
        before = self.text[max(0, m.start() - 2) : m.start()]
        prev = before[-1:] if before else "\n"  # "" would be "in" every string
        n1 = m.group("n1")
        if prev == "第" or (prev.isascii() and prev.isalpha()) or prev in "#№":
            return True
        if prev == "." and before[:1].isdigit() and m.start() != self.after_marker:
            return True  # version 2.0.1 or a dotted section number
        if _is_cn(n1):
            return self._bad_cn(m, prev, before)
        return bool(len(n1) > 1 and n1[0] == "0" and n1[1] != ".")

    def _bad_cn(self, m: re.Match[str], prev: str, before: str) -> bool:
        """Chinese numerals that are words: 一体化, 三位一体, 一级预算部门, 二次开发, 数十个."""
        n1 = m.group("n1")
        if prev in "数几多若初周星礼之逐同唯统单专万" or before.endswith("星期"):
            return True
        if n1 in ("百", "千", "万") and prev in "近上逾超约":
            pass  # 近百个: about a hundred
        elif n1 in ("百", "千", "万", "亿", "零", "〇", "二"):
            return True
        if m.group("score") and not _score_context(self.text, m.start()):
            return True
        if m.group("score") and self.text.startswith("为", m.end()):
            return True  # 一分为二: divided in two (a written score reads 85分为良)
        if n1 == "十" and (m.group("score") or m.group("cnt") == "字"):
            return True  # 十字 is a cross (红十字会, 十字路口), not ten characters
        after = self.text[m.end() : m.end() + 1]
        if after and after in _CN_DIGITS + "十" and not m.group("n2"):
            return True  # 三位一体, 千家万户, 一户一档
        if n1 == "一" and not m.group("n2"):
            if _ONE_CUE.search(self.text, max(0, m.start() - 8), m.start()):
                return False
            word = m.group("cnt") or m.group("dur") or ""
            if word == "次" and _ONE_GO.match(self.text, m.end()):
                return True
            if prev == "新" and word in ("轮", "批", "期", "年", "届", "代"):
                return True  # 新一轮, 新一批: the next round, not one round
            if word == "年" and (prev == "的" or before in ("过去", "今后", "未来", "当年")):
                return True  # 不平凡的一年, 过去一年: the year itself, not a length of one year
            return prev in "上下另同每这那哪任某其再又前后首此该" or word in _ONE_ARTICLE_WORDS
        if m.group("cnt") == "次" and "届" in self.text[max(0, m.start() - 6) : m.start()]:
            return True  # 十九届人大三次会议: the third session
        if m.group("cnt") == "期" and not _PHASE_COUNT.search(self.text, max(0, m.start() - 6), m.start()):
            return True  # 机场三期, 核电四期: the third phase, not three sessions
        return False

    def _excluded(self, m: re.Match[str], unit: str, value: Decimal) -> bool:
        n1 = m.group("n1")
        if unit == "duration":
            word = m.group("dur")
            if word in ("年", "周年") and _looks_like_year(n1, m.group("n2")):
                return True
            if word == "日" and "月" in self.text[max(0, m.start() - 3) : m.start()]:
                return True
        if m.group("cnt") == "级" and _GRADE_AFTER.match(self.text, m.end()):
            return True  # 三级医院, 三级指标, 四级及以上航道: a grade, not three levels
        return unit == "count" and m.group("cnt") == "起" and _looks_like_year(n1, None)

    def _marker_restart(self, m: re.Match[str]) -> int | None:
        """``1.2024年`` or ``2.30个``: a list marker run into the number that follows it."""
        n1 = m.group("n1")
        if not n1 or "." not in n1 or _is_cn(n1) or m.group("n2"):
            return None
        head, _, tail = n1.partition(".")
        if len(head) > 2 or not self._at_marker_position(m.start()):
            return None
        is_year = len(tail) == 4 and tail[:2] in ("19", "20")
        if is_year or m.group("cnt") or m.group("oth") or (m.group("dur") and len(tail) >= 2):
            return m.start() + len(head) + 1
        return None

    def _at_marker_position(self, pos: int) -> bool:
        i = pos - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        return i < 0 or self.text[i] in "\n。;；:：!?！？)）"

    # -- cues --------------------------------------------------------------------------
    def _clause_start(self, pos: int) -> int:
        lo = max(0, pos - 40)
        for i in range(pos - 1, lo - 1, -1):
            if self.text[i] in _CLAUSE_STOP:
                return i + 1
        return lo

    def _qualifier(self, start: int, end: int, clause: int) -> str | None:
        suffix = _SUFFIX_RE.match(self.text, end)
        head = self.text[clause:start]
        glued = _PREFIX_RE.search(head)
        after = suffix.end() if suffix else end
        if glued:
            if glued.group(1) in _COMPARATIVE and _TARGET_AFTER.match(self.text, after):
                return None
            return _QUALIFIER_OF[glued.group(1)]
        if suffix:
            return _SUFFIX_Q[suffix.group(1)]
        if not _STRONG_RE.search(head):
            return None  # the common case, without looking for each word
        found = max(((head.rfind(w), w) for w in _STRONG if head.rfind(w) >= 0), default=None)
        if found is None or len(head) - found[0] > 16:
            return None
        i, word = found  # the cue nearest the number: 累计变更超过概算3% is over, not cumulative
        if word in _COMPARATIVE and _TARGET_BETWEEN.match(head[i + len(word) :]):
            return None
        if word in _SUPERLATIVE and head.startswith("的", i + len(word)):
            return None  # 得分最高的92.5分: the top value found, not a cap
        return _QUALIFIER_OF.get(word, "approx")

    def _direction(self, start: int, clause: int) -> str | None:
        head = self.text[max(clause, start - 10) : start]
        found = None
        for found in _DIRECTION_RE.finditer(head):
            pass
        if found is None:
            return None
        return "up" if found.group(1) in _UP else "down"  # 少 counts as down

    def _period(self, pos: int) -> str | None:
        i = bisect.bisect_left(self.year_pos, pos) - 1
        limit = _paragraph_start(self.text, pos)
        while i >= 0 and self.years[i][0] >= limit:
            start, first, second = self.years[i]
            if self._zone(start) != "title":
                return f"{first}-{second}" if second else first
            i -= 1
        return None


# ---- helpers -------------------------------------------------------------------------------
def _next_figure(text: str, pos: int) -> re.Match[str] | None:
    """``_FIGURE_RE.search(text, pos)``, tried only where a match can start."""
    while (first := _FIGURE_FIRST.search(text, pos)) is not None:
        m = _FIGURE_RE.match(text, first.start())
        if m is not None:
            return m
        pos = first.start() + 1
    return None


_TITLE_ZONE = re.compile(r"《[^《》\n]{0,120}》")
_QUOTE_ZONE = re.compile(r"[“\"「『][^“”\"「」『』\n]{1,30}[”\"」』]")
# Asked of every candidate number: compiled once rather than looked up in re's cache each time.
_CN_DIGIT_RUN = re.compile(f"[{_CN_DIGITS}]{{2,}}")
_CN_DIGIT_PAIR = re.compile(f"[{_CN_DIGITS}]{{2}}")
_CN_POWER = re.compile("[十百千万亿]")
_SCORE_CUE = re.compile(r"评分|得分|分值|总分|满分|打分|分数|计分|评价结果|评价等级|自评")


def _excluded_zones(text: str) -> list[tuple[int, int, str]]:
    """《titles》 of any length on one line, and short “quoted names” (slogans, programme names)."""
    zones = [(*m.span(), "title") for m in _TITLE_ZONE.finditer(text)]
    zones += [(*m.span(), "quote") for m in _QUOTE_ZONE.finditer(text)]
    zones.sort()
    return zones


def _paragraph_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _is_cn(numeral: str | None) -> bool:
    return bool(numeral) and not numeral[0].isdigit()


def _number(numeral: str) -> Decimal | None:
    if not _is_cn(numeral):
        try:
            return Decimal(numeral.replace(",", ""))
        except InvalidOperation:
            return None
    return _cn_value(numeral)


def _fraction(numerator: str, denominator: str) -> Decimal | None:
    """四分之一 -> 25 (percent)."""
    num, den = _cn_value(numerator), _cn_value(denominator)
    if not num or not den or num > den:
        return None
    return (num / den * 100).quantize(Decimal("0.01"))


def _cn_value(numeral: str) -> Decimal | None:
    """A Chinese numeral's value, or None if the run is no well-formed number (两三, 十四五)."""
    if numeral in _LONE:
        return Decimal(_LONE[numeral])
    if _CN_DIGIT_RUN.fullmatch(numeral):
        return None  # digit-by-digit: a year or a vague pair, handled by the callers
    try:
        value = cn2an.cn2an(numeral.replace("两", "二"), "strict")
    except (ValueError, KeyError, IndexError, TypeError):
        try:
            if not _CN_POWER.search(numeral):
                return None
            value = cn2an.cn2an(numeral, "normal")
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    return Decimal(str(value))


def _adjacent_cn_range(numeral: str | None) -> tuple[Decimal, Decimal] | None:
    """两三个, 三五年: two neighbouring digits are a vague range, not 23 or 35 (二三级: grades)."""
    if not numeral or not _CN_DIGIT_PAIR.fullmatch(numeral) or numeral[0] == "二":
        return None
    order = "一两三四五六七八九"
    a, b = order.find(numeral[0].replace("二", "两")), order.find(numeral[1].replace("二", "两"))
    if a < 0 or b < 0 or not 0 < b - a <= 2:
        return None
    return Decimal(a + 1), Decimal(b + 1)


def _clean(value: Decimal) -> Decimal:
    """94000000.00 -> 94000000; 33.960 -> 33.96 (no exponent notation)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _scale_like(small: Decimal, big: Decimal) -> Decimal:
    while small * 10 <= big:
        small *= 10
    return small


def _looks_like_year(n1: str | None, n2: str | None) -> bool:
    for n in (n1, n2):
        if n and n.isdigit() and len(n) == 4 and 1000 <= int(n) <= 2999:
            return True
    return False


def _score_context(text: str, pos: int) -> bool:
    return bool(_SCORE_CUE.search(text[max(0, pos - 30) : pos]))


def _label(text: str, start: int, end: int, unit: str, last_end: int) -> str | None:
    """A short phrase from the same clause naming what the figure measures (best effort)."""
    suffix = _SUFFIX_RE.match(text, end)
    after = suffix.end() if suffix else end
    if unit in ("count", "other"):
        follow = _following_noun(text, after)
        if follow:
            return follow
    lo = max(last_end, start - 30)
    head_start = start
    while head_start > lo and text[head_start - 1] not in _CLAUSE_STOP and not text[head_start - 1].isdigit():
        head_start -= 1
    raw = text[head_start:start].strip(" \t的")
    head = _LABEL_HEAD.sub("", _LABEL_TAIL.sub("", raw)).strip(" \t的")
    if len(head) < 2 and len(raw) >= 2:
        head = raw  # 完成率98%, 日均345人次: stripping the verb would leave one character
    if len(head) > 16:
        head = head[-16:]
    if head:
        return head
    return _following_noun(text, after)


def _following_noun(text: str, pos: int) -> str | None:
    run = []
    for ch in text[pos : pos + 14]:
        if not ("\u4e00" <= ch <= "\u9fff"):
            break
        run.append(ch)
    phrase = "".join(run)
    if not phrase or phrase[0] in _VERB_START:
        return None
    cut = _LABEL_FOLLOW_CUT.search(phrase, 1)
    if cut:
        phrase = phrase[: cut.start()]
    return phrase[:10] or None
