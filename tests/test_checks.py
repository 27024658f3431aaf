"""Consistency checks: stated shares, rates, differences, growth and sums, within printed precision."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from reportmine.document import Check, Document
from reportmine.extractors.checks import check_figures
from reportmine.extractors.figures import find_figures
from reportmine.normalize import normalize

REPO = Path(__file__).parent.parent


def run(text: str) -> tuple[Document, list[Check]]:
    doc = Document(id="t", source="t.txt", format="txt", text=text)
    view = normalize(doc.text)
    return doc, check_figures(doc, view, find_figures(doc, view))


def checks(text: str) -> list[tuple[str, bool]]:
    return [(c.relation, c.consistent) for c in run(text)[1]]


def spans_text(doc: Document, check: Check) -> list[str]:
    return [doc.text[s.start : s.end] for s in check.figure_spans]


@pytest.mark.parametrize("text, expected", [
    # part / total = share
    ("完成了2471个项目的自评。阶段目标全部达成的项目数有2258个,占比91.38%;部分达成的项目数有150个,占比6.07%。",
     [("share", True), ("share", True)]),
    ("共评价200个项目,评为优秀的120个,占比65%。", [("share", False)]),
    # cut / requested = rate (0.94/2.77 = 33.935 %: rounding of the printed digits allows 33.96)
    ("申报预算金额共2.77亿元,核减0.94亿元,总核减率为33.96%。", [("rate", True)]),
    ("申报预算金额共2.77亿元,核减0.94亿元,总核减率为35.2%。", [("rate", False)]),
    ("已完成整改9项,正在整改2项,问题共11项。整改完成率为81.82%。", []),
    ("指出问题11项,已完成整改9项,正在整改2项,整改完成率为81.82%。", [("rate", True)]),
    # before - after = change
    ("将绩效目标从385个优化调整至887个,增加了502个目标。", [("difference", True)]),
    ("项目数量从2,146个压减至1,873个,减少了283个。", [("difference", False)]),
    ("降本前总金额约为4.56亿元,降本后总金额约为4.14亿元,实现降低成本0.42亿元。", [("difference", True)]),
    ("执行率由87.4%提高到91.6%,提高4.2个百分点。", [("difference", True)]),
    ("优良路率为78.6%,较2021年的74.2%提高5.4个百分点。", [("difference", False)]),
    # growth from two amounts
    ("2020年评价涉及资金35.46亿元;2021年资金规模增加至61.18亿元,增幅72.5%。", [("growth", True)]),
    ("资金总额186.43亿元,较上年的162.11亿元增长18%。", [("growth", False)]),
    # listed parts vs stated total
    ("共形成意见和建议164条,包括预算优化类25项、政策制度类36项、业务管理类103项,现已全部落实。", [("sum", True)]),
    ("共提出建议286条,包括预算管理类97条、政策制度类64条、业务管理类131条。", [("sum", False)]),
    ("共计试点30个项目。其中:区级项目共22个,镇级项目6个,区发展改革委项目1个、区科委项目1个。", [("sum", True)]),
    ("甲类项目12个、乙类项目8个,合计21个。", [("sum", False)]),
])
def test_relations(text: str, expected: list[tuple[str, bool]]) -> None:
    assert checks(text) == expected


def test_check_fields_spans_and_tolerance() -> None:
    doc, found = run("申报预算金额共2.77亿元,核减0.94亿元,总核减率为33.96%。")
    (check,) = found
    assert spans_text(doc, check) == ["0.94亿元", "2.77亿元", "33.96%"]
    assert check.stated == Decimal("33.96")
    assert abs(check.computed - Decimal("33.935")) < Decimal("0.001")
    # half a unit of each printed digit: 0.935/2.775 .. 0.945/2.765, plus 0.005 on the rate
    assert Decimal("0.24") < check.tolerance < Decimal("0.26")
    assert "33.96%" in check.explanation


def test_counts_are_exact_so_a_one_off_sum_fails() -> None:
    _, found = run("共评价45个项目,其中优11个、良23个、中9个、差2个。")
    assert [(c.relation, c.consistent, c.tolerance) for c in found] == [("sum", True, Decimal(0))]
    _, found = run("共提出建议45条,包括预算类11条、制度类23条、管理类10条。")
    assert [(c.consistent, c.computed) for c in found] == [(False, Decimal(44))]


@pytest.mark.parametrize("text", [
    # a subset after 其中 need not add up
    "再复核项目49个,涉及资金25.24亿元,其中专家再评审项目13个,涉及资金1.60亿元;项目再评价3个,涉及资金11.50亿元。",
    # compound annual growth is not the ratio of the two amounts
    "人均可支配收入由2.57万元增加到3.52万元、年均增长6.5%。",
    # the rate names something the nearby count is not
    "办理人大代表建议4249件、政协提案3542件,办结率100%。",
    # an average of ratios is not the ratio of the totals
    "降本前4.56亿元,降本后4.14亿元,降低成本0.42亿元,项目平均降本率14%。".replace("降低成本0.42亿元,", ""),
    # a share whose total is not stated
    "新能源装机1.69亿千瓦、占全疆装机64%。",
    # a share that changed
    "产业投资占全部投资比重从26.7%提高到52.1%。",
    # the total of a different thing after 合计
    "全区预算部门58家、预算单位276个、街镇7个,项目合计4312个。",
])
def test_no_false_alarms(text: str) -> None:
    assert [c for c in checks(text) if not c[1]] == []


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("gold_path", sorted((REPO / "corpora" / "gold").glob("fig*.gold.json")), ids=lambda p: p.name)
def test_own_documents_checks(gold_path: Path) -> None:
    """Every relation the gold lists is found with the stated outcome; nothing else is flagged."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (REPO / "corpora" / "figures" / gold["doc"]).read_text(encoding="utf-8")
    doc, found = run(text)
    got = {(c.relation, frozenset(_norm(t) for t in spans_text(doc, c))): c.consistent for c in found}
    for expected in gold["checks"]:
        key = (expected["relation"], frozenset(_norm(t) for t in expected["figures"]))
        assert key in got, f"not found: {expected}"
        assert got[key] == expected["consistent"], f"wrong outcome: {expected}"
    expected_bad = {(e["relation"], frozenset(_norm(t) for t in e["figures"]))
                    for e in gold["checks"] if not e["consistent"]}
    assert {k for k, ok in got.items() if not ok} == expected_bad
