"""Statements: units, kinds, granularity, spans. Texts here are invented for the tests."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from reportmine.document import Document
from reportmine.extractors import statements, structure
from reportmine.normalize import normalize

WORK_REPORT = """临川县2023年预算绩效管理工作总结

一、工作开展情况
（一）扎实推进事前评估。全年对58个新增项目开展事前绩效评估，核减预算资金612.40万元，评估结果作为预算安排的重要依据。
（二）加强运行监控。督促单位对偏离目标的项目及时纠偏，进一步落实支出责任。

二、存在问题
一是部分单位绩效目标设置不够科学，指标量化程度不高。二是绩效自评质量有待提高，问题分析流于形式。三是专业人员不足，第三方机构执业水平参差不齐。

三、下一步工作计划
（一）强化结果应用。一是健全评价结果与预算安排挂钩机制。对绩效差的项目一律压减预算，对连续两年评价为差的项目予以取消。二是加强绩效培训。
（二）提高认识。各单位要牢固树立花钱必问效的理念，将绩效管理贯穿预算管理全过程。
"""


def _extract(text: str, doc_type: str | None = None) -> tuple[Document, list]:
    doc = Document(id="t", source="t.txt", format="txt", text=text)
    view = normalize(text)
    structure.annotate(doc, view)
    if doc_type:
        doc.doc_type = doc_type
    return doc, statements.find_statements(doc, view)


def _by_kind(found: list, kind: str) -> list[str]:
    return [s.text for s in found if s.kind == kind]


def test_spans_point_into_the_original_text() -> None:
    doc, found = _extract(WORK_REPORT)
    assert found
    for s in found:
        assert doc.text[s.span.start : s.span.end] == s.text
        assert 0 < s.confidence <= 1
        assert s.category in ("budget", "policy", "management")


def test_issues_come_from_the_problem_section_one_per_point() -> None:
    _, found = _extract(WORK_REPORT)
    issues = _by_kind(found, "issue")
    assert any("绩效目标设置不够科学" in t for t in issues)
    assert any("绩效自评质量有待提高" in t for t in issues)
    assert any("专业人员不足" in t for t in issues)
    assert any("参差不齐" in t for t in issues)
    assert not any(t.startswith(("一是", "二是")) for t in issues), "list markers are not part of the text"
    assert not any("存在问题" == t for t in issues), "a section title is no statement"


def test_past_work_is_not_a_measure_and_plans_are() -> None:
    _, found = _extract(WORK_REPORT)
    measures = _by_kind(found, "measure")
    assert not any("事前绩效评估" in t or "及时纠偏" in t for t in measures)
    assert any("挂钩机制" in t for t in measures)
    assert any("加强绩效培训" in t for t in measures)
    assert any(t.startswith("对绩效差的项目") for t in measures)
    assert any(t.startswith("对连续两年") for t in measures), "parallel 对… targets are separate measures"
    assert "提高认识" not in measures, "a bare label is no statement"


def test_section_path_is_recorded() -> None:
    _, found = _extract(WORK_REPORT)
    issue = next(s for s in found if s.kind == "issue")
    assert "存在问题" in issue.section


def test_ascii_punctuation_gives_the_same_statements() -> None:
    ascii_text = WORK_REPORT.replace("，", ",").replace("；", ";").replace("：", ":")
    _, full = _extract(WORK_REPORT)
    _, half = _extract(ascii_text)
    assert [(s.kind, s.span.start, s.span.end) for s in full] == [(s.kind, s.span.start, s.span.end) for s in half]


def test_one_line_web_copy_with_inline_headings() -> None:
    one_line = (
        "现将有关情况报告如下: 一、主要成效 全年完成重点评价12个,涉及资金3.5亿元。 "
        "二、存在问题 1.预算编制精细化程度不够。部分项目测算依据不充分,执行率偏低。 "
        "三、下一步工作 1.全面推进成本绩效分析。2.完善绩效指标体系。"
    )
    _, found = _extract(one_line)
    assert any("精细化程度不够" in s.text for s in found if s.kind == "issue")
    assert any("执行率偏低" in s.text for s in found if s.kind == "issue")
    assert any("完善绩效指标体系" in s.text for s in found if s.kind == "measure")
    assert not [s for s in found if "重点评价12个" in s.text]


def test_inline_list_of_advice_is_split() -> None:
    text = (
        "二、评价发现的问题及建议\n"
        "评价组针对项目管理中的薄弱环节，提出了建立资金使用台账制度、实行项目季度调度和调整补助发放方式等意见建议。\n"
    )
    _, found = _extract(text, doc_type="evaluation_report")
    recs = _by_kind(found, "recommendation")
    assert "建立资金使用台账制度" in recs
    assert "实行项目季度调度" in recs
    assert "调整补助发放方式" in recs


def test_listed_problems_are_split() -> None:
    text = "三、评价结论\n总体来看，项目基本完成年度目标，但也存在资金拨付进度偏慢、绩效目标不够细化、档案管理不规范等问题。\n"
    _, found = _extract(text, doc_type="evaluation_report")
    issues = _by_kind(found, "issue")
    assert issues == ["资金拨付进度偏慢", "绩效目标不够细化", "档案管理不规范"]


def test_reply_points_and_title() -> None:
    text = (
        "关于县十六届人大二次会议第0135号建议的答复\n\n"
        "刘敏代表：\n\n"
        "您提出的《关于规范政府购买服务绩效管理的建议》收悉。现答复如下：\n\n"
        "一、关于建立购买服务绩效评价制度\n"
        "我局已起草《购买服务绩效评价暂行办法》，预计年底前印发实施。\n\n"
        "联系人：孙伟\n"
    )
    _, found = _extract(text, doc_type="proposal_reply")
    recs = _by_kind(found, "recommendation")
    assert "规范政府购买服务绩效管理" in recs
    assert "建立购买服务绩效评价制度" in recs
    assert not [s for s in found if "联系人" in s.text or "刘敏" in s.text]


def test_rectification_statement_spans_its_count() -> None:
    text = "一、工作成效\n全年开展重点评价15个，形成意见建议63条，现已全部落实整改。\n二、存在问题\n部分单位整改不够及时。\n"
    _, found = _extract(text)
    rect = [s for s in found if s.kind == "rectification"]
    assert len(rect) == 1
    assert rect[0].text.startswith("形成意见建议63条")


def test_empty_text_has_no_statements() -> None:
    assert _extract("")[1] == []
    assert _extract("\n\n  \n")[1] == []


GOLD = pathlib.Path("/work/shared/corpora/gold")


@pytest.mark.skipif(not GOLD.is_dir(), reason="shared development gold not on this machine")
def test_reference_gold_floor() -> None:
    """The reference scorer's statement matching on the development gold stays above a floor."""
    scorer = pathlib.Path("/work/shared/tools/score_extract.py")
    exe = pathlib.Path(sys.executable).with_name("reportmine")
    if not scorer.exists() or not exe.exists():
        pytest.skip("reference scorer or installed CLI missing")
    out = subprocess.run(
        [sys.executable, str(scorer), str(exe), str(GOLD), str(GOLD.parent / "seeds"), "--only", "statements"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    ).stdout
    f1 = {line.split("]")[0].split("[")[1]: float(line.split("F1 ")[1].split()[0]) for line in out.splitlines()
          if line.startswith("statements[")}
    assert f1.get("issue", 0) >= 0.85 and f1.get("measure", 0) >= 0.80, json.dumps(f1)


def test_advice_list_then_its_record() -> None:
    text = (
        "一、工作开展情况\n（一）开展跟踪监控。对6个重点项目开展绩效跟踪，针对执行中的问题，"
        "财政局提出了建立项目调度制度、实行分段拨款和调减年初预算等意见建议，在各单位配合下，均得到较好落实。\n"
        "二、存在问题\n部分单位整改不够及时。\n"
    )
    _, found = _extract(text)
    assert _by_kind(found, "recommendation") == ["建立项目调度制度", "实行分段拨款", "调减年初预算"]
    (rect,) = [s for s in found if s.kind == "rectification"]
    assert "均得到较好落实" in rect.text and "意见建议" not in rect.text


def test_heading_about_work_done_is_no_plan_section() -> None:
    text = (
        "一、工作开展情况\n（一）制定了详尽的年度工作计划\n按照时间节点，明确了项目遴选、专家评审等事项的完成时限。\n"
        "二、下一步工作计划\n（一）完善评价指标体系。\n"
    )
    _, found = _extract(text)
    measures = _by_kind(found, "measure")
    assert not any("时间节点" in t or "完成时限" in t for t in measures)
    assert any("完善评价指标体系" in t for t in measures)


def test_traditional_characters_find_the_problem_section() -> None:
    text = (
        "一、主要成效\n全年完成重點評價8個。\n"
        "二、問題與不足\n（一）績效理念尚未牢固樹立。部分單位重分配輕管理。\n"
        "三、努力方向\n首先，加強宣傳培訓，每年舉辦一次培訓班。\n"
    )
    _, found = _extract(text)
    issues = _by_kind(found, "issue")
    assert any("績效理念尚未牢固樹立" in t for t in issues)
    assert any("重分配輕管理" in t for t in issues)
    assert any("加強宣傳培訓" in t for t in _by_kind(found, "measure"))


def test_an_unlisted_paragraph_between_plan_items_does_not_end_the_plan() -> None:
    from reportmine.document import Document
    from reportmine.pipeline import extract_document

    text = ("关于某区2023年预算绩效管理工作情况的报告\n一、主要工作\n全年完成重点评价项目12个。\n"
            "下一步，我们将重点做好以下工作：\n一是进一步强化绩效目标管理。建立项目支出压力指标库。\n"
            "2024年，选取教育系统试点，逐步扩大到其他专项支出。\n"
            "二是进一步加大重点评价力度。每年选取10个左右重点项目开展评价。\n"
            "三是进一步落实评价结果运用。对低效无效资金一律削减。\n"
            "感谢您对预算绩效管理工作的关心和支持。\n")
    doc = Document(id="t" * 64, source="t.txt", format="txt", text=text)
    kinds = {s.text: s.kind for s in extract_document(doc)[0].statements}
    assert kinds.get("进一步加大重点评价力度") == "measure"
    assert kinds.get("进一步落实评价结果运用") == "measure"
    assert not any("感谢" in t for t in kinds)


def test_an_evaluation_reports_rectification_advice_is_advice() -> None:
    text = (
        "某县2022年度农机购置补贴资金绩效评价报告\n一、存在问题\n（一）补贴对象审核不严。部分机具重复享受补贴。\n"
        "二、整改建议\n（一）严格补贴对象审核。建议县农业农村局会同县财政局建立机具档案比对机制，"
        "对重复享受补贴的机具一律追回资金。\n"
        "三、整改建议落实情况\n上年度提出的3条建议已全部整改到位。\n"
    )
    _, found = _extract(text)
    advice = _by_kind(found, "recommendation")
    assert "严格补贴对象审核" in advice, "the point's lead is a recommendation too"
    assert any("建立机具档案比对机制" in t for t in advice)
    assert not any("整改到位" in t for t in advice), "a section on what was done stays a record of rectification"
    assert any("整改到位" in t for t in _by_kind(found, "rectification"))


def test_advice_ending_in_yixia_is_no_introduction() -> None:
    text = ("某市政务数据平台绩效评价报告\n一、有关建议\n（一）清理低效接口。建议对连续半年无调用的接口逐一清理，无实际需求的予以下线。\n"
            "（二）规范小额采购。对单价在2万元以下的设备实行简易程序，采购结果在10日内公示。\n"
            "二、评价结果应用\n评价报告已反馈市数据局，市数据局应于2025年9月30日前完成整改并报送整改情况。\n")
    _, found = _extract(text)
    advice = _by_kind(found, "recommendation")
    assert any("予以下线" in t for t in advice), "予以下线 does not introduce a list"
    assert any(t.startswith("市数据局应于2025年9月30日前完成整改") for t in advice), "a deadline set for a unit is advice"


def test_a_proposal_point_mentioning_qingkuang_is_still_a_point() -> None:
    text = ("关于加强政府购买服务绩效管理的建议\n\n为此建议：\n\n一、建立购买服务绩效目标审核制度。\n\n"
            "二、将购买服务绩效评价情况纳入部门年度考核，并作为下年度预算安排的重要依据。\n\n"
            "三、项目实施情况\n全年购买服务项目46个。\n")
    _, found = _extract(text, doc_type="proposal")
    advice = _by_kind(found, "recommendation")
    assert any(t.startswith("将购买服务绩效评价情况纳入部门年度考核") for t in advice)
    assert any("下年度预算安排的重要依据" in t for t in advice)
    assert not any("全年购买服务项目46个" in t for t in advice), "a short 情况 title still heads a description"
