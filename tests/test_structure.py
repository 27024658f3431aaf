"""Headings, sections, titles, doc_type and the sentence splitter, on small invented documents."""

from __future__ import annotations

import pytest

from reportmine.document import Document
from reportmine.extractors import structure
from reportmine.extractors.doctype import classify, title_type
from reportmine.normalize import normalize


def annotated(text: str, title: str = "") -> Document:
    doc = Document(id="t", source="t.txt", format="txt", text=text, title=title)
    structure.annotate(doc, normalize(text))
    return doc


WORK_REPORT = """\
当前位置：首页 >> 政务公开 >> 财政资金
青柳县2022年度预算绩效管理工作总结
发布日期：2023-02-10  来源：县财政局  访问次数：

现将我县2022年预算绩效管理工作总结如下：
一、主要做法
（一）健全制度体系。出台项目支出绩效目标管理暂行规定，明确各环节职责。
1.规范目标申报。全县45个部门全部按要求填报绩效目标。
2.强化审核把关。对12个重点项目组织专家审核。
（二）推进事后评价
全年完成重点评价8项。
二、存在问题
（一）部分单位目标设置笼统。
（二）评价结果应用不够。
三、下一步工作
继续加强培训。

青柳县财政局
2023年2月8日
"""


def test_headings_form_the_numbering_ladder():
    doc = annotated(WORK_REPORT)
    found = [(s.level, s.numbering, s.heading) for s in doc.sections]
    assert found == [
        (1, "一、", "主要做法"),
        (2, "（一）", "健全制度体系"),
        (3, "1.", "规范目标申报"),
        (3, "2.", "强化审核把关"),
        (2, "（二）", "推进事后评价"),
        (1, "二、", "存在问题"),
        (2, "（一）", "部分单位目标设置笼统"),
        (2, "（二）", "评价结果应用不够"),
        (1, "三、", "下一步工作"),
    ]


def test_section_spans_run_to_the_next_heading_of_same_or_higher_level():
    doc = annotated(WORK_REPORT)
    text = doc.text
    first, last = doc.sections[0], doc.sections[-1]
    assert text[first.span.start:first.span.end].startswith("一、主要做法")
    assert text[first.span.start:first.span.end].endswith("全年完成重点评价8项。")
    sub = doc.sections[1]  # （一）健全制度体系 contains its 1. and 2. items
    assert "强化审核把关" in text[sub.span.start:sub.span.end]
    assert "推进事后评价" not in text[sub.span.start:sub.span.end]
    assert text[last.span.end - 4:last.span.end] == "3年2月8日"[-4:]
    for s in doc.sections:
        assert text[s.heading_span.start:s.heading_span.end].startswith(s.numbering)


def test_heading_spans_are_original_offsets_in_full_width_spaced_text():
    text = "关于２０２１年度工作的报告\n\n一、２０２１ 年 工作开展情况\n\n内容 若干。\n\n二、存在的 问题\n\n无。\n"
    doc = annotated(text)
    first = doc.sections[0]
    assert first.heading == "２０２１年工作开展情况"
    assert text[first.heading_span.start:first.heading_span.end] == "一、２０２１ 年 工作开展情况"
    assert doc.sections[1].heading == "存在的问题"


def test_headings_set_off_by_spaces_on_one_pasted_line():
    text = ("根据年度工作安排，现将本区全年预算绩效管理情况汇报如下: 一、总体情况 全年完成重点评价6项，覆盖资金2.3亿元。 "
            "二、主要成效 (一)压减低效支出 1.清理结转资金 共收回资金310万元，统筹用于民生项目。 "
            "2.调整支出结构 重点保障教育和养老。 三、存在问题 评价深度不足，结果应用偏弱，部分单位重视不够。")
    doc = annotated(text)
    assert [(s.level, s.heading) for s in doc.sections] == [
        (1, "总体情况"), (1, "主要成效"), (2, "压减低效支出"), (3, "清理结转资金"), (3, "调整支出结构"), (1, "存在问题"),
    ]


def test_lead_clause_heading_ends_at_the_full_stop():
    doc = annotated("一、工作情况\n（一）强化组织保障，责任链条更清晰。一是成立专班。二是定期调度。\n")
    assert doc.sections[1].heading == "强化组织保障，责任链条更清晰"


def test_inline_numbers_and_out_of_order_markers_are_not_headings():
    text = "一、总体情况\n全年支出增长3.5%，其中1.2亿元用于教育。\n五、与上文无关的编号\n二、主要问题\n（1）资金拨付慢；（2）台账不全。\n"
    doc = annotated(text)
    assert [s.numbering for s in doc.sections] == ["一、", "二、", "（1）", "（2）"]


def test_title_skips_web_chrome_and_joins_organ_line():
    assert annotated(WORK_REPORT).title == "青柳县2022年度预算绩效管理工作总结"
    text = "白石区卫生健康局\n2023年度家庭医生签约服务项目绩效自评报告\n\n一、项目概况\n略。\n"
    assert annotated(text).title == "白石区卫生健康局2023年度家庭医生签约服务项目绩效自评报告"


def test_proposal_form_headers_are_not_titles():
    text = "江城市第九届人民代表大会第二次会议\n代表建议\n第0077号\n\n关于规范专项资金管理的建议\n\n领衔代表：王某\n"
    assert annotated(text).title == "关于规范专项资金管理的建议"
    reply = "关于对江城市第九届人民代表大会第二次会议第0077号建议的答复\n\n王某代表：\n收悉。"
    assert annotated(reply).title == "关于对江城市第九届人民代表大会第二次会议第0077号建议的答复"


def test_reader_title_keeps_site_name_out():
    doc = annotated("正文。\n", title="关于区十届人大二次会议第45号建议的答复_云溪区人民政府门户网")
    assert doc.title == "关于区十届人大二次会议第45号建议的答复"
    # A page titled with its crumb trail or the text's first words has no title of its own.
    assert annotated("正文。\n", title="当前位置：首页 >> 信息公开_某局网站").title == ""
    assert annotated("正文。\n", title="在全面深化改革的关键之年,我区持续推进_某局网站").title == ""


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("青柳县2022年度预算绩效管理工作总结", "work_report"),
        ("关于2021年预算绩效管理工作开展情况的报告", "work_report"),
        ("松江镇2022年度农村饮水安全项目绩效评价报告", "evaluation_report"),
        ("关于开展2023年度绩效评价工作的通知", "other"),
        ("县教育局2023年度课后服务经费绩效自评报告", "self_evaluation"),
        ("关于2022年度绩效自评情况的报告", "self_evaluation"),
        ("关于社区食堂补助项目绩效评价问题整改情况的报告", "rectification_report"),
        ("关于完善乡村道路养护资金分配机制的建议", "proposal"),
        ("关于市八届人大四次会议第0311号建议的答复", "proposal_reply"),
        ("对区人大五次会议DL018号建议的复函", "proposal_reply"),
        ("2024年区级部门预算", "other"),
        ("关于2023年度预算执行情况的报告", "other"),
        ("关于河道保洁项目绩效评价问题的整改方案", "rectification_report"),
        ("关于2024年区人大代表建议办理情况的报告", "work_report"),  # an account of many, not a reply
        ("关于第0087号建议办理情况的函", "proposal_reply"),
    ],
)
def test_title_type(title, kind):
    assert title_type(title) == kind


def test_untitled_documents_are_typed_by_their_opening_and_cues():
    assert classify("", "现将我局2023年项目支出绩效自评情况报告如下：\n一、项目概况", []) == "self_evaluation"
    reply = "张明代表：\n您提出的《关于加强社区养老的建议》收悉，现答复如下：\n一、关于资金保障"
    assert classify("", reply, []) == "proposal_reply"
    assert classify("", "今天天气晴。", []) == "other"


def test_work_report_that_mentions_evaluation_words_stays_a_work_report():
    text = "现将我市2023年绩效管理工作情况汇报如下：\n评价对象包括30个项目，评价范围覆盖全部部门，完善评价指标体系。"
    assert classify("", text, []) == "work_report"


def test_sentences_keep_spans_and_split_both_widths():
    text = "一是完善制度；二是加强培训。执行率达95.5%, 结余1,234万元!  下一步:继续推进"
    spans = structure.sentences(text)
    assert [text[s.start:s.end] for s in spans] == [
        "一是完善制度；", "二是加强培训。", "执行率达95.5%, 结余1,234万元!", "下一步:继续推进",
    ]
    clauses = [text[s.start:s.end] for s in structure.sentences(text, clauses=True)]
    assert clauses[2:] == ["执行率达95.5%,", "结余1,234万元!", "下一步:", "继续推进"]


def test_sentences_keep_closing_quotes_and_split_lines():
    text = "他说：“已完成。”\n\n第二行"
    assert [text[s.start:s.end] for s in structure.sentences(text)] == ["他说：“已完成。”", "第二行"]
    assert structure.sentences("") == []
