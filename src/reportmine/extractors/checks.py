"""Cross-check the arithmetic that a passage states between its figures.

Reports state relations without spelling them out: a part and its share of a total
(``2258个,占比91.38%`` of ``2471个``), a cut and the rate it makes (``核减0.94亿元,总核减率33.96%``
of ``2.77亿元``), before and after with the change (``从385个…至887个,增加了502个``), a growth
rate from two years' amounts, and listed parts under a total (``164条,包括…25项、…36项、…103项``).
Each relation found becomes a :class:`Check`. Printed figures are rounded, so the tolerance is
half a unit of each figure's last printed digit, propagated through the arithmetic: a check is
inconsistent only when no rounding of the printed digits can make it hold.

Relations are found from cue words in the normalised view; where a passage leaves the total
implicit, the nearest earlier figure of the same kind is the candidate, and an inconsistency is
reported only when that candidate is close by (same or previous sentence).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..document import Check, Document, Figure, Span
from ..normalize import NormalizedText

_HUNDRED = Decimal(100)
_TERMINAL = "。！？!?；;：:”）)"
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、](?!\d)|附件)")
_SHARE_CUE = re.compile(r"(?:占比|比重|所占比例|占(?!用|有|地|据|领|到)[^,，;；。]{0,12}的?)(?:为|达|达到|是|约为|约)?$")
_RATE_CUE = re.compile(r"([\u4e00-\u9fff]{2})率(?:仅为|为|达|达到|是|约为|约|提高到|提升到|上升到|下降到|降至|降到)?$")
_INNER_HEAD = re.compile(r"占(?:全部|总共|总计|全体|所有|共)?$")
_INNER_TAIL = re.compile(r"^[\u4e00-\u9fff]{0,6}的(?:比例|比重)?(?:为)?$")
_RATE_EXCLUDED = re.compile(r"平均|增长率|增速|同比|环比|增长|下降|利率|汇率|税率")
_GROWTH_EXCLUDED = re.compile(r"年均|平均|每年|人均")
_FROM = re.compile(r"(?:从|由)[^,，;；。]{0,16}$")
_TO = re.compile(r"(?:至|到|为)$|(?:至|到|为)[了]?$")
_BEFORE_AFTER = (re.compile(r"前"), re.compile(r"后"))
_ASKED_GRANTED = (re.compile(r"申报|送审|报送|报审|申请"), re.compile(r"审定|核定|审核后|批复|评审后|确定"))
_SUM_CUE = re.compile(r"(其中|包括|分别为|分别是|分为)[:：,，]?")
_STRONG_SUM = {"包括", "分别为", "分别是", "分为"}
# The total follows the listed parts directly: 项目合计4312个 names a different thing than the list.
_TOTAL_CUE = re.compile(r"^[,，;；]?(?:以上|上述|各项|[两三四五六七八九]项)?(合计|总计|共计|共)(?:为|达|达到|有)?$")
_PRIOR_YEAR = re.compile(r"上年|去年|同比|上一年")
_REACHED = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:大幅|进一步)?(?:提高|提升|增加|增长|上升|下降|降低|减少|压减|调减|调整|缩短|延长|压缩|增|降)"
                      r"(?:到|至|为)$")
_VERB_BIGRAMS = {"调减", "减为", "增加", "减少", "提高", "降低", "调整", "整为", "高到", "加到", "少到", "安排", "实际", "其中"}
_BARE_GROWTH = re.compile(r"^[,，、]?(?:同比|较上年|比上年)?(?:增长|增幅|增加|提高|下降|降幅|减少|降低|上升)(?:了|为|达)?$")
_COMPARED = re.compile(r"较|相比|(?<![占对])比(?![重例率])")
_BASE_CUE = re.compile(r"(?:较|比)(?:上年|去年|上一年|同期|(?:19|20)\d{2}年)")
_NAMED_TOTAL = re.compile(r"占(?:全部|全县|全市|全区|全省|全年)?([\u4e00-\u9fff]{2,8}?)(?:总[数量额]|总计)?的(?:比[例重])?(?:为|达|约)?$")
# What a rate's stem may be called where its numerator is stated (执行率 = 支出 / 预算).
_RATE_SYNONYMS = {
    "执行": "执行|支出|支付|使用", "支付": "支付|支出|拨付", "到位": "到位|拨付|下达|到账", "完成": "完成|实现|实施",
    "核减": "核减|审减|压减|调减", "压减": "压减|核减|削减", "整改": "整改|落实", "办结": "办结|答复|办理",
    "合格": "合格|达标", "达标": "达标|合格", "回收": "回收", "覆盖": "覆盖|实现|纳入|接入",
    "采纳": "采纳|采用|吸收", "追回": "追回|收回", "使用": "使用|支出", "节约": "节约|节省",
}
_PER_ITEM = re.compile(r"平均|每[个项家条年]|人均|户均|年均")
# Asked per figure or per pair of figures: compiled once rather than looked up in re's cache.
_SENTENCE_END = re.compile(r"[。！？!?]")
_FROM_END = re.compile(r"(?:从|由)$")
_CLAUSE_MARK = re.compile(r"[,，;；、]")
_LIST_MARK = re.compile(r"[;；、]|其中")
_TO_ANY = re.compile(r"至|到|为")
_PRINTED_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")
_YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}")
_YEAR_NUMBER_END = re.compile(r"(?:19|20)\d{2}$")
_LINE_BREAK = re.compile(r"\n")
_SPACE_RUN = re.compile(r"\s+")
_VAGUE_HEAD = re.compile(r"^(?:余|多|几)")


@dataclass(slots=True)
class _Item:
    fig: Figure
    start: int  # view offsets
    end: int
    sentence: int
    paragraph: int
    res: Decimal  # half a unit of the last printed digit, in the value's own units
    index: int = 0


def check_figures(document: Document, view: NormalizedText, figures: list[Figure]) -> list[Check]:
    """Every arithmetic relation between ``figures`` that the text states, checked.

    >>> from reportmine.normalize import normalize
    >>> from reportmine.extractors.figures import find_figures
    >>> doc = Document(id="x", source="x", format="txt", text="申报预算2.77亿元,核减0.94亿元,核减率为33.96%。")
    >>> view = normalize(doc.text)
    >>> [(c.relation, c.consistent) for c in check_figures(doc, view, find_figures(doc, view))]
    [('rate', True)]
    """
    ctx = _Context(view, figures)
    checks: list[Check] = []
    for finder in (ctx.shares_and_rates, ctx.differences, ctx.growths, ctx.sums):
        checks.extend(finder())
    return checks


class _Context:
    def __init__(self, view: NormalizedText, figures: list[Figure]) -> None:
        self.text = view.text
        para_ends = _hard_breaks(self.text)
        ends = sorted({m.end() for m in _SENTENCE_END.finditer(self.text)} | set(para_ends))
        self.items: list[_Item] = []
        for fig in sorted(figures, key=lambda f: f.span.start):
            start = bisect.bisect_left(view.origin, fig.span.start)
            end = bisect.bisect_left(view.origin, fig.span.end - 1) + 1 if fig.span.end > fig.span.start else start
            self.items.append(_Item(fig, start, end, bisect.bisect_right(ends, start),
                                    bisect.bisect_right(para_ends, start), _resolution(fig)))
        for i, item in enumerate(self.items):
            item.index = i
        self.sentence_starts = [0] + ends
        self.starts = [it.start for it in self.items]
        self.ends = [it.end for it in self.items]

    # -- helpers ---------------------------------------------------------------------------
    def head(self, item: _Item) -> str:
        """Text between the previous figure (or the sentence start) and this figure."""
        lo = self.sentence_starts[item.sentence] if item.sentence < len(self.sentence_starts) else 0
        if item.index > 0:
            lo = max(lo, self.items[item.index - 1].end)
        return self.text[lo : item.start]

    def window(self, item: _Item) -> str:
        """Up to 20 characters before a figure, after the one before it: where its name is."""
        return self.head(item)[-20:]

    def before(self, item: _Item, ok, *, sentences: int = 0) -> list[_Item]:
        """Earlier figures, nearest first, within ``sentences`` sentences back, passing ``ok``."""
        out = []
        for other in reversed(self.items[: item.index]):
            if other.paragraph != item.paragraph or item.sentence - other.sentence > sentences:
                break
            if ok(other):
                out.append(other)
        return out

    # -- part / total = share; cut / requested = rate ---------------------------------------
    def shares_and_rates(self) -> list[Check]:
        out = []
        parts: set[int] = set()
        for item in self.items:
            fig = item.fig
            if fig.unit != "percent" or fig.measure_word or _bounded(fig):
                continue
            head = self.head(item)
            if _FROM_END.search(head):
                continue  # 比重从26.7%提高到52.1%: a share that changed, not a part of a stated total
            inner = self._share_of_stated_total(item)
            if inner is not None:
                parts.add(inner[0].index)
                out.append(_ratio_check("share", inner[0], inner[1], item))
                continue
            found = self._share_part(item, head) or self._rate_part(item, head)
            if found is None:
                continue
            relation, part = found
            parts.add(part.index)
            check = self._ratio(relation, item, part, parts)
            if check:
                out.append(check)
        return out

    def _share_part(self, pct: _Item, head: str) -> tuple[str, _Item] | None:
        """``2258个,占比91.38%``: the part ends the clause before the share."""
        if not _SHARE_CUE.search(head):
            return None
        near = self.before(pct, lambda o: o.fig.unit in ("count", "CNY", "other"))
        if not near or not self._adjacent(near[0], pct) or _bounded(near[0].fig) or near[0].fig.direction:
            return None  # 比上年增加5038亿元,其中…占44%: the share is of something unstated
        return "share", near[0]

    def _rate_part(self, pct: _Item, head: str) -> tuple[str, _Item] | None:
        """``已完成整改9项,正在整改2项,整改完成率为81.82%``: the part is what the rate names."""
        rate = _RATE_CUE.search(head)
        if not rate or _RATE_EXCLUDED.search(head) or pct.fig.direction is not None:
            return None
        for other in self.before(pct, lambda o: o.fig.unit in ("count", "CNY", "other"), sentences=1):
            if _bounded(other.fig) or other.fig.value_max is not None:
                continue
            if _names_rate(rate.group(1), self.head(other) + (other.fig.label or "")):
                return "rate", other
        return None  # 办结率 says nothing about 政协提案3542件: no figure names what is counted

    def _share_of_stated_total(self, pct: _Item) -> tuple[_Item, _Item] | None:
        """``量化指标5个,占全部12个指标的41.67%``: the total sits inside the share phrase."""
        if pct.index < 2 or not _INNER_TAIL.search(self.head(pct)):
            return None
        total, part = self.items[pct.index - 1], self.items[pct.index - 2]
        if not _INNER_HEAD.search(self.head(total)) or total.sentence != pct.sentence:
            return None
        if total.fig.unit != part.fig.unit or total.fig.measure_word != part.fig.measure_word:
            return None
        return part, total

    def _adjacent(self, part: _Item, pct: _Item) -> bool:
        """The part ends the clause right before the percentage, or shares its clause."""
        between = self.text[part.end : pct.start]
        return len(_CLAUSE_MARK.findall(between)) <= 1 and not _LIST_MARK.search(between)

    def _ratio(self, relation: str, pct: _Item, part: _Item, parts: set[int]) -> Check | None:
        def total_ok(o: _Item) -> bool:
            return (o.fig.unit == part.fig.unit and o.fig.direction is None
                    and o.fig.value > part.fig.value and not _bounded(o.fig)
                    and (o.fig.unit == "CNY" or o.fig.measure_word == part.fig.measure_word))

        candidates = self.before(part, total_ok, sentences=2)
        named = _NAMED_TOTAL.search(self.head(pct))
        if named:  # 占总里程的87.74%: the total is the earlier figure that 总里程 names, however far back
            candidates = [o for o in reversed(self.items[: part.index])
                          if total_ok(o) and named.group(1) in self.window(o)] or candidates
        tried = [_ratio_check(relation, part, total, pct) for total in candidates]
        consistent = next((c for c in tried if c.consistent), None)
        if consistent is not None or not tried:
            return consistent
        # No reading holds: blame the nearest total. A share's total is no earlier share's part
        # (2258个,占比91.38%;150个,占比6.07%: both of 2471个); a rate's may be (问题37个…整改31个).
        if relation == "share":
            tried = [c for c, o in zip(tried, candidates) if o.index not in parts]
        return tried[0] if tried else None

    # -- before - after = change -----------------------------------------------------------
    def differences(self) -> list[Check]:
        out = []
        for item in self.items:
            fig = item.fig
            if fig.direction is None or _bounded(fig) or (fig.unit == "percent" and fig.measure_word != "百分点"):
                continue
            pair = self._before_after(item)
            if pair:
                out.append(_difference_check(pair[0], pair[1], item))
        return out

    def _before_after(self, change: _Item) -> tuple[_Item, _Item] | None:
        def same_kind(o: _Item) -> bool:
            if change.fig.unit == "percent":
                return (o.fig.unit == "percent" and o.fig.measure_word is None and o.fig.direction is None
                        and not _bounded(o.fig))
            return (o.fig.unit == change.fig.unit and o.fig.direction is None and not _bounded(o.fig)
                    and o.fig.measure_word == change.fig.measure_word)

        if _PER_ITEM.search(self.head(change)):
            return None  # 平均每个项目增加约17个: a per-item average, not the difference of the totals
        near = self.before(change, lambda o: same_kind(o) or _is_change_like(o, change))
        cut = next((i for i, o in enumerate(near) if _is_change_like(o, change)), len(near))
        near = near[:cut]  # an earlier change of the same kind already answered the pair before it
        after_change = self._next_in_sentence(change, same_kind)
        if (after_change is not None and near and _TO.search(self.head(after_change))
                and _FROM.search(self.head(near[0]))):
            return near[0], after_change  # 由45%下降3个百分点至42%
        if len(near) < 2:
            return self._implied_before(change, near, same_kind) if near else None
        b, a = near[0], near[1]
        head_b = self.head(b)
        if _COMPARED.search(head_b) and not _FROM.search(head_b):
            return b, a  # 23.8公里，较计划的30公里少6.2公里: the nearer figure is the base
        head_a = self.text[max(self.sentence_starts[a.sentence], a.start - 20) : a.start]
        if _FROM.search(head_a) and _TO_ANY.search(head_b):
            return a, b
        if _BEFORE_AFTER[0].search(head_a) and _BEFORE_AFTER[1].search(head_b):
            return a, b
        if _REACHED.search(head_b):
            return a, b  # 概算为3.2亿元,施工图预算增至3.86亿元,增加0.66亿元
        if _ASKED_GRANTED[0].search(head_a) and _ASKED_GRANTED[1].search(head_b):
            return a, b
        return None

    def _implied_before(self, change: _Item, near: list[_Item], same_kind) -> tuple[_Item, _Item] | None:
        """The earlier value stated in an earlier sentence.

        ``覆盖率60.29%。整改后…覆盖率提高到86.76%，提高26.47个百分点``: the same name reached a
        new value; ``预算安排2,850万元…调减为2,718万元，较2022年减少132万元``: the base is the
        figure of the year the comparison names.
        """
        after = near[0]
        reached = _REACHED.search(self.head(after))
        if reached:
            for other in self.before(after, same_kind, sentences=1):
                if reached.group(1) in self.window(other):
                    return other, after
        base = _BASE_CUE.search(self.head(change))
        year = _base_year(base.group(0), after.fig.period) if base else None
        if year is not None:
            same_year = [o for o in self.before(after, same_kind, sentences=3) if _year(o.fig.period) == year]
            named = _bigrams(self.head(after))
            scored = [(len(named & _bigrams(self.window(o))), -i, o) for i, o in enumerate(same_year)]
            best = max(scored, default=None, key=lambda t: (t[0], t[1]))
            if best is not None and (best[0] > 0 or len(same_year) == 1):
                return best[2], after  # the 2022 figure named like the new one (预算 … 预算)
        return None

    def _next_in_sentence(self, item: _Item, ok) -> _Item | None:
        for other in self.items[item.index + 1 :]:
            if other.sentence != item.sentence:
                return None
            if ok(other):
                return other
        return None

    # -- growth rate from two amounts ------------------------------------------------------
    def growths(self) -> list[Check]:
        out = []
        for item in self.items:
            fig = item.fig
            if fig.unit != "percent" or fig.measure_word or fig.direction is None or _bounded(fig):
                continue
            if _GROWTH_EXCLUDED.search(self.head(item)):
                continue  # 年均增长6.5%: a compound annual rate, not the ratio of the two amounts
            level = self.before(item, lambda o: o.fig.unit != "percent" and o.fig.direction is None)
            if not level or level[0].sentence != item.sentence or _bounded(level[0].fig):
                continue
            pair = self._growth_pair(item, level[0])
            if pair is None or not _plausible_growth(pair[0].fig.value, pair[1].fig.value):
                continue
            out.append(_growth_check(pair[0], pair[1], item))
        return out

    def _growth_pair(self, pct: _Item, level: _Item) -> tuple[_Item, _Item] | None:
        """(base, level): 较上年的162.11亿元增长15% names the base last; else find it earlier."""
        if _BASE_CUE.search(self.head(level)):
            def same_kind(o: _Item) -> bool:
                return (o.fig.unit == level.fig.unit and o.fig.measure_word == level.fig.measure_word
                        and o.fig.direction is None and not _bounded(o.fig))
            current = self.before(level, same_kind)
            if current and current[0].sentence == level.sentence:
                return level, current[0]
        if _REACHED.search(self.head(level)) and _BARE_GROWTH.search(self.head(pct)):  # …增至3.86亿元,增幅20.63%
            earlier = self.before(level, lambda o: o.fig.unit == level.fig.unit and o.fig.direction is None
                                  and o.fig.measure_word == level.fig.measure_word and not _bounded(o.fig))
            if earlier:
                return earlier[0], level
        base = self._growth_base(pct, level)
        return (base, level) if base is not None else None

    def _growth_base(self, pct: _Item, level: _Item) -> _Item | None:
        def same_kind(o: _Item) -> bool:
            return (o.fig.unit == level.fig.unit and o.fig.measure_word == level.fig.measure_word
                    and o.fig.direction is None and not _bounded(o.fig))

        earlier = self.before(level, same_kind, sentences=3)
        if earlier and earlier[0].sentence == level.sentence and _FROM.search(self.head(earlier[0])):
            return earlier[0]
        prior_year = bool(_PRIOR_YEAR.search(self.head(pct)) or _PRIOR_YEAR.search(self.head(level)))
        for other in earlier:
            p_other, p_level = _year(other.fig.period), _year(level.fig.period)
            if p_other is None or p_level is None or p_other == p_level:
                continue
            if prior_year and p_other != p_level - 1:
                continue
            return other
        return None

    # -- listed parts under a total ----------------------------------------------------------
    def sums(self) -> list[Check]:
        out = []
        for cue in _SUM_CUE.finditer(self.text):
            out.extend(self._sum_after(cue))
        out.extend(self._sum_before())
        return out

    def _sum_after(self, cue: re.Match[str]) -> list[Check]:
        """``T个, 其中/包括 A个、B个、C个``: the parts follow the cue, to the end of the list.

        After 包括/分别为 the list ends where its 、-run ends (or at ；/。) and a mismatch is
        reported; after 其中 the parts may be a subset, so only a run of parts that adds up to
        the total is reported (as consistent).
        """
        pos = cue.end()
        lo = bisect.bisect_left(self.starts, pos)
        if lo == len(self.items):
            return []
        first = self.items[lo]
        if self.text.count("。", pos, first.start) or "\n" in self.text[pos : first.start]:
            return []
        strong = cue.group(1) in _STRONG_SUM
        limit = self._list_end(pos, strong)
        listed = list(itertools.takewhile(lambda it: it.sentence == first.sentence and it.start < limit,
                                          self.items[lo:]))
        prior = self.items[: bisect.bisect_left(self.ends, cue.start() + 1)]
        out = []
        for unit_items in _group_parts(listed):
            total = _nearest_total(prior, unit_items[0], first.sentence, first.paragraph)
            if total is None:
                continue
            if strong:
                if total.sentence == first.sentence or _sum_check(total, unit_items).consistent:
                    out.append(_sum_check(total, unit_items))
                continue
            for n in range(len(unit_items), 1, -1):  # the longest run of parts that adds up
                check = _sum_check(total, unit_items[:n])
                if check.consistent:
                    out.append(check)
                    break
        return out

    def _list_end(self, pos: int, strong: bool) -> int:
        stop = re.compile(r"[;；。\n]" if strong else r"[。\n]").search(self.text, pos)
        end = stop.start() if stop else len(self.text)
        if strong:
            last_dun = self.text.rfind("、", pos, end)
            comma = re.compile(r"[,，]").search(self.text, last_dun if last_dun >= 0 else end, end)
            if last_dun >= 0 and comma:
                end = comma.start()  # 包括A7个、B5个、C2个，量化指标12个: the list ends at the comma
        return end

    def _sum_before(self) -> list[Check]:
        """``A个、B个和C个, 合计T个``: the parts precede a total cue in the same sentence."""
        out = []
        for item in self.items:
            cue = _TOTAL_CUE.search(self.head(item))
            if not cue or _bounded(item.fig):
                continue
            same_sentence = itertools.takewhile(lambda o: o.sentence == item.sentence,
                                                reversed(self.items[: item.index]))
            parts = [o for o in reversed(list(same_sentence))
                     if _same_kind(o.fig, item.fig, loose=True) and o.fig.direction is None]
            parts = [p for p in parts if p.fig.measure_word == parts[-1].fig.measure_word] if parts else []
            if len(parts) < 2:
                continue
            check = _sum_check(item, parts)
            if check.consistent or cue.group(1) in ("合计", "总计"):
                out.append(check)
        return out


# ---- the arithmetic --------------------------------------------------------------------------
def _ratio_check(relation: str, part: _Item, total: _Item, pct: _Item) -> Check:
    a, t, p = part.fig.value, total.fig.value, pct.fig.value
    computed = a / t * _HUNDRED
    low = (a - part.res) / (t + total.res) * _HUNDRED
    high = (a + part.res) / (t - total.res) * _HUNDRED if t > total.res else computed
    tol = (high - low) / 2 + pct.res
    ok = abs(computed - p) <= tol
    name = "占比" if relation == "share" else "比率"
    why = (f"{name}: {_plain(part.fig)} ÷ {_plain(total.fig)} = {_fmt(computed)}%，文中为{_plain(pct.fig)}，"
           f"按印出位数允许误差 ±{_fmt(tol)}")
    return _check(relation, (part, total, pct), p, computed, tol, ok, why)


def _difference_check(a: _Item, b: _Item, change: _Item) -> Check:
    computed = b.fig.value - a.fig.value
    stated = change.fig.value if change.fig.direction == "up" else -change.fig.value
    tol = a.res + b.res + change.res
    ok = abs(computed - stated) <= tol
    word = "增加" if change.fig.direction == "up" else "减少"
    why = (f"差额: {_plain(b.fig)} − {_plain(a.fig)} = {_fmt_like(computed, change)}，文中{word}{_plain(change.fig)}，"
           f"允许误差 ±{_fmt_like(tol, change)}")
    return _check("difference", (a, b, change), stated, computed, tol, ok, why)


def _growth_check(base: _Item, level: _Item, pct: _Item) -> Check:
    a, b = base.fig.value, level.fig.value
    computed = (b / a - 1) * _HUNDRED
    stated = pct.fig.value if pct.fig.direction == "up" else -pct.fig.value
    high = ((b + level.res) / (a - base.res) - 1) * _HUNDRED if a > base.res else computed
    low = ((b - level.res) / (a + base.res) - 1) * _HUNDRED
    tol = (high - low) / 2 + pct.res
    ok = abs(computed - stated) <= tol
    why = (f"增幅: {_plain(level.fig)} ÷ {_plain(base.fig)} − 1 = {_fmt(computed)}%，文中为{_plain(pct.fig)}"
           f"（{'增' if stated >= 0 else '降'}），允许误差 ±{_fmt(tol)}")
    return _check("growth", (base, level, pct), stated, computed, tol, ok, why)


def _sum_check(total: _Item, parts: list[_Item]) -> Check:
    computed = sum((p.fig.value for p in parts), Decimal(0))
    tol = total.res + sum((p.res for p in parts), Decimal(0))
    ok = abs(computed - total.fig.value) <= tol
    why = (f"合计: {' + '.join(_plain(p.fig) for p in parts)} = {_fmt_like(computed, total)}，文中为{_plain(total.fig)}，"
           f"允许误差 ±{_fmt_like(tol, total)}")
    return _check("sum", (total, *parts), total.fig.value, computed, tol, ok, why)


def _check(relation: str, items: tuple[_Item, ...], stated: Decimal, computed: Decimal, tol: Decimal,
           ok: bool, why: str) -> Check:
    spans: tuple[Span, ...] = tuple(i.fig.span for i in items)
    return Check(relation, spans, stated, _round(computed), _round(tol), ok, why)


# ---- small helpers -----------------------------------------------------------------------
def _group_parts(items: list[_Item]) -> list[list[_Item]]:
    """Parts by kind (unit and measure word); a kind needs two or more parts to make a sum."""
    groups: dict[tuple[str, str | None], list[_Item]] = {}
    for it in items:
        if it.fig.direction is not None or _bounded(it.fig) or it.fig.unit == "percent":
            continue
        groups.setdefault((it.fig.unit, it.fig.measure_word if it.fig.unit != "count" else "count"), []).append(it)
    out = []
    for group in groups.values():
        if group[0].fig.unit == "count":
            word = group[0].fig.measure_word
            group = [g for g in group if g.fig.measure_word == word]
        if len(group) >= 2:
            out.append(group)
    return out


def _nearest_total(prior: list[_Item], part: _Item, sentence: int, paragraph: int) -> _Item | None:
    for other in reversed(prior):
        if other.paragraph != paragraph or sentence - other.sentence > 1:
            return None
        if (_same_kind(other.fig, part.fig, loose=True) and other.fig.direction is None
                and not _bounded(other.fig)):
            return other
    return None


def _same_kind(a: Figure, b: Figure, loose: bool = False) -> bool:
    if a.unit != b.unit:
        return False
    if a.unit in ("count",) and loose:
        return True  # 意见和建议164条 = …25项 + …36项 + …103项
    return a.measure_word == b.measure_word


def _bounded(fig: Figure) -> bool:
    """Bounds (超, 以上, 不低于…) and ranges state no exact value to check."""
    return fig.qualifier in ("over", "under", "at_least", "at_most") or fig.value_max is not None


def _resolution(fig: Figure) -> Decimal:
    """Half a unit of the figure's last printed digit, in its value's units (yuan for money)."""
    text = _plain(fig)
    m = _PRINTED_NUMBER.search(text)
    if m is None:
        decimals = len(text.split("点", 1)[1]) if "点" in text else 0
        if fig.unit == "count" and not decimals:
            return Decimal(0)
        return Decimal(5) / Decimal(10) ** (decimals + 1)
    printed = Decimal(m.group(0).replace(",", ""))
    decimals = len(m.group(1) or "")
    scale = fig.value / printed if printed else Decimal(1)
    if fig.unit == "count" and scale == 1 and not decimals:
        return Decimal(0)  # counts are exact
    return Decimal(5) / Decimal(10) ** (decimals + 1) * scale


def _plausible_growth(base: Decimal, level: Decimal) -> bool:
    """Amounts ten times apart are no base and level of one series (42万元/人 vs 5.67万亿元)."""
    return base > 0 and level > 0 and Decimal("0.1") < level / base < 10


def _bigrams(text: str) -> set[str]:
    han = _NOT_HAN.sub(" ", text)
    return {w[i : i + 2] for w in han.split() for i in range(len(w) - 1)} - _VERB_BIGRAMS


def _base_year(cue: str, period: str | None) -> int | None:
    """较2022年 -> 2022; 较上年 -> the year before ``period``."""
    m = _YEAR_NUMBER.search(cue)
    if m:
        return int(m.group(0))
    current = _year(period)
    return current - 1 if current is not None else None


def _year(period: str | None) -> int | None:
    if not period:
        return None
    m = _YEAR_NUMBER_END.search(period)
    return int(m.group(0)) if m else None


def _round(value: Decimal) -> Decimal:
    if value == 0:
        return Decimal(0)
    digits = max(0, 6 - value.adjusted())
    return value.quantize(Decimal(1).scaleb(-min(digits, 10)))


def _hard_breaks(text: str) -> list[int]:
    """Line ends that end a paragraph. The view keeps a wrapped line whose start looked like a
    heading (（二）关于…480人 / ，发现…) unjoined; such a break is still inside a sentence."""
    out = []
    for m in _LINE_BREAK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start : m.start()].rstrip()
        following = text[m.end() : m.end() + 8]
        if (not line or line[-1] in _TERMINAL or len(line) < 20 or not following.strip()
                or _HEADING.match(following)):
            out.append(m.end())
    return out


def _plain(fig: Figure) -> str:
    """The figure as printed, half-width and without the line breaks a PDF put inside it."""
    return _SPACE_RUN.sub("", unicodedata.normalize("NFKC", fig.text))


def _names_rate(stem: str, where: str) -> bool:
    return bool(re.search(_RATE_SYNONYMS.get(stem, re.escape(stem)), where))


def _is_change_like(other: _Item, change: _Item) -> bool:
    return other.fig.direction is not None and other.fig.unit == change.fig.unit


def _fmt_like(value: Decimal, like: _Item) -> str:
    """``value`` written in the unit ``like`` was printed in (亿元, 万元, 个…)."""
    text = _plain(like.fig)
    m = _PRINTED_NUMBER.search(text)
    if m is None:
        return _fmt(value)
    printed = Decimal(m.group(0).replace(",", ""))
    scale = like.fig.value / printed if printed else Decimal(1)
    suffix = _VAGUE_HEAD.sub("", text[m.end():]).strip()
    return _fmt(value / scale if scale else value) + suffix


def _fmt(value: Decimal) -> str:
    text = f"{_round(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
