"""Word cues for statement kinds and categories, and the kind each kind of section leans to.

The trained model reads the clause; these cues add what it cannot see (the heading it sits
under) and keep the extractor usable before a model is trained. Patterns are written for the
normalised view (half-width punctuation, simplified characters).
"""

from __future__ import annotations

import re
from functools import lru_cache

KINDS = ("issue", "recommendation", "measure", "rectification", "none")

ISSUE = re.compile(
    r"不足|不够|不高|不强|不到位|不健全|不完善|不规范|不及时|不合理|不明确|不科学|不精准|不深刻|不充分|不平衡|不均衡"
    r"|不一致|不严|不细|不准|不符|不力|有待|薄弱|缺乏|缺少|欠缺|缺失|缺口|滞后|偏低|偏慢|偏高|偏少|偏大|较低|较慢|较弱"
    r"|紧缺|良莠不齐|尚未|未能|未按|未及时|未履行|未建立|未制定|未达到|未完成|未充分|难以|瓶颈|短板|脱节|笼统|粗放"
    r"|流于形式|避重就轻|客观原因多|低于|超出预算|闲置|沉淀|挤占|挪用|虚报|重复|碎片化|差距|隐患|风险|弱化"
    r"|需(?:要)?进一步(?:完善|加强|提高|提升|深化|改进|规范|健全)|不能|无法|造成.{0,12}影响|影响了"
    r"|未(?:作|对|进行|开展|实现|形成|纳入|落实|达|及|经)|多年未|仍然|依然|参差不齐|不具备|有限|偏长|偏短|(?<![经超通])过(?:长|多|高|低)"
    r"|没有|缺位|偏晚|偏早|滞留|较目标少|少于目标|超出目标|仍(?:执行|沿用|停留|按)|至今|随意|水分|单一|不固定|停运|只存不查"
    r"|重[\u4e00-\u9fff]轻|尚有困难|困难较大|(?:结余|结转|沉淀|闲置|缺口|差距|失分)[^,，。；]{0,6}(?:较大|较多|偏大|大|多)"
    r"|只(?:做了|核查|安排了|有\d)|超支|超概算|超标准|超范围|亏损|不匹配|不相符|不符合|不善|不佳|不畅|不当|一租了之|(?<![尚并])未(?!来|必|知|成年)"
)
# "对指标设置不合理的单位进行指导" acts on a problem; the problem words there name no issue.
_ISSUE_MODIFIER = re.compile(r"对[^,，;；]{0,30}?的(?:单位|项目|部门|学校|企业|地区|政策|资金|问题|情况)|存在问题的|发现的问题")


@lru_cache(maxsize=8192)  # a clause is asked about by several rules
def has_issue_cue(text: str) -> bool:
    return bool(ISSUE.search(_ISSUE_MODIFIER.sub("", text)))
RECOMMENDATION = re.compile(
    r"^建议|建议(?!书)|应当|应该|^应(?!用)|^宜|^需(?!要)|提出.{0,30}(?:意见|建议)"
    # a deadline set for another party: "请X于…前完成整改", "请X在6个月内报送…", "X应于…前完成整改"
    r"|^请[^;；。]{0,30}(?:于|在)[^;；。]{0,30}(?:前|内)|应(?:于|在)[^,，;；。]{0,20}(?:前|内)完成"
)
# "针对…等方面提出多项指导性建议": a record that advice was given, not an invitation or a title
ADVICE_GIVEN = re.compile(r"(?:针对|围绕|就)[^,，。；;]{2,40}提出(?!的)[^,，。；;]{0,8}(?:意见|建议)(?!的)")
MEASURE = re.compile(
    r"下一步|今后|下步|力争|争取|计划(?:于|在|到)|^拟|将(?:进一步|继续|持续|加大|加强|着力|重点|全面|逐步|把|对|在|按照|结合)"
    r"|我(?:们|局|区|县|市|厅|委|单位|部门)将|明年|20\d\d年(?:起|内|底前|前)"
)
RECTIFICATION = re.compile(
    r"已整改|已完成整改|整改到位|落实整改|整改完毕|整改率|整改完成|完成整改|已全部|均已|得到.{0,6}落实|列入计划|正在整改"
    r"|逐步解决|已(?:采纳|吸收|督促|退换|追回|收回|补齐|修订|纠正)"
)
# "已起草…办法", "已拨付3,508万元": done, but achievements read the same; a nudge, never a licence
DONE = re.compile(r"已(?:于|经)?(?:完成|落实|印发|出台|制定|建立|调整|纳入|通报|清理|列入|起草|建成|拨付|发放|会同)")
# A clause leaning on its neighbour: it names a consequence, target or example of the point
# before it, so it joins that point rather than starting a new one.
DEPENDENT = re.compile(r"^(?:对|导致|致使|造成|从而|进而|以致|以至|使得|使|影响|在一定程度上|为了|为|以便|以|确保|如)")
# Adverbial openers ("根据…总体思路,", "在…基础上,") lead into the clause after them.
PREFIX = re.compile(r"^(?:根据|按照|依据|依托|结合|围绕|通过|针对|立足|聚焦|在[^,，]{2,30}(?:基础上|过程中|方面|时|中|下))")
# Sentence openers that switch the rest of a section to plans ("下一步,我们将…").
PLAN_SWITCH = re.compile(r"^(?:下一步|下步|今后|未来|明年|接下来)")
# "以下" must introduce something ("以下几方面工作:"): "予以下线", "5万元以下" end statements too.
INTRO = re.compile(
    r"如下.{0,10}$|以下[几\d一二三四五六七八九十]*(?:个|项|条|点)?(?:方面|工作|问题|意见|建议|措施|内容|情况|事项|要求|重点).{0,8}$"
    r"|以下[:：]$|^现将.{0,20}(?:报告|汇报|总结)"
)
# "提出建议3条", "共计提出94个问题": a count is a figure, not a statement (ANNOTATION.md)
BARE_COUNT = re.compile(
    r"^(?:本次评价)?(?:共|共计)?(?:发现|提出|形成)?(?:问题|建议|意见|意见建议|意见和建议)\d+(?:条|个|项|类)$"
    r"|^(?:本次评价)?(?:共|共计)?(?:发现|提出|形成)\d+(?:条|个|项|类)(?:问题|建议|意见|意见建议|意见和建议)$"
)
COUNT_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:个|项|家|条|所|次|批|人次|名|%|万元|亿元|元)")

# Section headings, innermost first, decide a prior over kinds.
SECTION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # An evaluation report's "整改建议" / "整改意见" is advice on what to rectify, not a record of it.
    ("recommendation", re.compile(r"整改(?:建议|意见)[:：]?$")),
    ("rectification_measure", re.compile(r"整改措施|^关于")),
    ("rectification", re.compile(r"整改|落实情况|办理情况|结果应用情况")),
    ("issue", re.compile(r"存在(?:的)?(?:主要)?(?:问题|不足|困难)|问题(?:和|与|及)?不足|不足之处|主要问题|困难(?:和|与)?问题|发现的问题|问题分析")),
    ("recommendation", re.compile(r"建议|对策|意见(?:和|与)?建议|整改意见|^方案[:：]?$")),
    ("measure", re.compile(r"下一步|下步|工作计划|努力方向|工作措施|工作打算|工作思路|今后|工作安排|重点工作|改进措施|工作重点|展望|(?:年度|工作|行动)计划|打算")),
    ("none", re.compile(r"基本情况|开展情况|主要(?:做法|成效|成绩)|工作成效|成效|评价结论|绩效分析|指标分析|产出|效益|概况|做法|情况")),
)
_P = {  # issue, recommendation, measure, rectification, none
    "issue": (0.55, 0.05, 0.05, 0.05, 0.30),
    "recommendation": (0.06, 0.52, 0.08, 0.02, 0.32),
    "measure": (0.05, 0.04, 0.52, 0.04, 0.35),
    "rectification": (0.10, 0.05, 0.10, 0.42, 0.33),
    "rectification_measure": (0.05, 0.03, 0.22, 0.38, 0.32),
    "none": (0.12, 0.04, 0.06, 0.06, 0.72),
    "": (0.15, 0.08, 0.14, 0.08, 0.55),
}
PRIORS: dict[str, dict[str, float]] = {k: dict(zip(KINDS, v)) for k, v in _P.items()}


_HEADING_MAX = 24  # longer "headings" are lead sentences, whose words say little about the section
_TITLE_MAX = 12  # a section title ("一、基本情况", "主要成效") is short


@lru_cache(maxsize=8192)
def _kind_cues(text: str) -> tuple[bool, bool, bool, bool, bool]:
    """Which kind cues ``text`` holds: issue, recommendation, measure, rectification, done
    (licensed and cue_scores both ask, for every clause)."""
    return (
        has_issue_cue(text), bool(RECOMMENDATION.search(text)), bool(MEASURE.search(text)),
        bool(RECTIFICATION.search(text)), bool(DONE.search(text)),
    )


@lru_cache(maxsize=8192)
def kind_cues(text: str) -> tuple[tuple[float, ...], frozenset[str]]:
    """:func:`cue_scores` as a tuple in KINDS order and :func:`licensed`, worked out once."""
    scores = cue_scores(text)
    return tuple(scores[k] for k in KINDS), frozenset(licensed(text))


def licensed(text: str) -> set[str]:
    """Kinds ``text`` names by an explicit cue, and may take outside their own sections."""
    issue, recommendation, measure, rectification, _ = _kind_cues(text)
    out = set()
    if issue:
        out.add("issue")
    if recommendation:
        out.add("recommendation")
    if measure:
        out.add("measure")
    if rectification:
        out.add("rectification")
    return out


def section_kind(headings: list[str]) -> str:
    """The kind the headings point to: the innermost one that names a statement kind wins over
    outer ones; "none" (achievements, descriptions) only when no heading names a kind."""
    found = []
    for heading in reversed(headings):
        core = re.sub(r"^[(（]?[一二三四五六七八九十\d]{1,3}[)）、.]?", "", heading.strip())
        if len(core) > 2 * _HEADING_MAX:
            continue  # a lead sentence taken for a heading: its words say little about the section
        core = core[:_HEADING_MAX]
        if re.search(r"[了已]", core):
            found.append("none")  # "制定了详尽的工作计划": a heading about work done
            continue
        for kind, rx in SECTION_RULES:
            m = rx.search(core)
            if m and kind == "none" and len(core) > _TITLE_MAX and m.end() < len(core.rstrip("。:：")):
                # "将绩效信息公开情况纳入考核": a point that mentions 情况/效益 is no description
                # section; a long title names its kind at its end (二、项目绩效目标完成情况).
                break
            if m:
                found.append(kind)
                break
    for kind in found:
        if kind != "none":
            return kind
    return "none" if found else ""


# A short label sentence ("整改措施:", "存在问题:") switches the section kind until the next one.
LABEL = re.compile(r"^[\u4e00-\u9fff]{2,10}[:：]$")
CONTRAST = re.compile(r"但是|但|然而|不过|却")
# Kinds a section of each kind produces without an explicit cue word.
SECTION_FAMILY = {
    "issue": {"issue"},
    "recommendation": {"recommendation"},
    "measure": {"measure"},
    "rectification": {"rectification"},
    "rectification_measure": {"rectification", "measure"},
    "none": set(),
}


def cue_scores(text: str) -> dict[str, float]:
    """Additive log-odds bonuses from cue words in one clause (see :func:`licensed`)."""
    issue, recommendation, measure, rectification, done = _kind_cues(text)
    out = dict.fromkeys(KINDS, 0.0)
    if done:
        out["rectification"] += 0.8
    if issue:
        out["issue"] += 1.2
    if recommendation:
        out["recommendation"] += 1.2
    if measure:
        out["measure"] += 1.0
    if rectification:
        out["rectification"] += 1.5
    return out


BUDGET = re.compile(
    r"预算编制|预算安排|测算|资金|经费|支出|拨付|支付|执行率|执行进度|结转|结余|沉淀|闲置|成本|核减|压减|调减|削减|收回|财力|投入|金额|万元|亿元"
)
POLICY = re.compile(r"制度|办法|细则|政策|规定|标准体系|指标体系|机制|条例|法规|规范性文件|实施意见|问责")


# ANNOTATION.md's tie-breaks as word cues: working mechanisms, organisation, staff, systems and
# supervision are management; rules, incentive/accountability mechanisms and standards are policy;
# money (amounts, cuts, execution, carry-over, cost) is budget.
CATEGORY_CUES = {
    "management": re.compile(
        r"工作机制|协调机制|联动机制|沟通|会商|专班|领导小组|机构(?!库)|专职|人员|队伍|培训|宣传|信息系统|信息化|平台"
        r"|第三方|自评|督导|监督检查|审核(?!结果)|监控"
    ),
    "policy": re.compile(r"挂钩机制|激励约束|问责|制度|办法|细则|规定|条例|指标体系|标准体系|支出标准|政策(?:措施|文件|体系)"),
    "budget": re.compile(r"资金|预算安排|预算编制|测算|削减|压减|调减|核减|收回|结转|结余|沉淀|执行率|执行进度|拨付|支付|经费|费用"),
}


def category_bonus(text: str) -> dict[str, float]:
    """Log-odds nudges toward the categories whose tie-break words ``text`` contains."""
    return {name: (0.6 if rx.search(text) else 0.0) for name, rx in CATEGORY_CUES.items()}


def cue_category(text: str) -> str:
    """A category from keywords alone (used only when no model is trained)."""
    if POLICY.search(text):
        return "policy"
    if BUDGET.search(text):
        return "budget"
    return "management"
