"""Splitting a compilation (汇编) into its reports, on small invented volumes."""

from __future__ import annotations

from reportmine.document import Document, Page, Span
from reportmine.extractors import structure
from reportmine.normalize import normalize

PART_A = """青川县教育局2023年度课后服务经费绩效自评报告

一、项目概况
全县21所学校开展课后服务，年度预算186.00万元，执行179.40万元。
二、存在的问题
部分学校课后服务内容单一，学生参与率不足七成。
"""
PART_B = """青川县水利局2023年度小型水库维修养护项目绩效评价报告

一、项目基本情况
项目涉及小型水库9座，安排资金420.00万元。评价组综合评分86.5分，等级为良。
二、主要问题
两座水库维修进度滞后，资金结转58.20万元。
"""
PART_C = """青川县民政局关于2022年度特困供养资金绩效评价问题整改情况的报告

一、关于供养标准测算不准的问题
整改措施：重新核定供养人数。整改结果：已完成整改。
二、关于台账不完整的问题
整改结果：已建立电子台账。
"""

WITH_CONTENTS = f"""青川县2023年度预算绩效评价报告汇编（上册）

青川县财政局　编
二〇二四年五月

目　　录

一、青川县教育局2023年度课后服务经费绩效自评报告 ……………… 1
二、青川县水利局2023年度小型水库维修养护项目绩效评价报告 …… 6
三、青川县民政局关于2022年度特困供养资金绩效评价问题整改情况的报告 …… 11


{PART_A}
{PART_B}
{PART_C}"""


def doc_of(text: str, pages: list[Page] | None = None) -> Document:
    doc = Document(id="abc", source="vol.txt", format="txt", text=text, pages=pages or [])
    structure.annotate(doc, normalize(text))
    return doc


def test_compilation_with_contents_splits_into_its_reports():
    parent = doc_of(WITH_CONTENTS)
    assert parent.doc_type == "compilation"
    assert parent.meta.region == "青川县"
    parts = structure.split_compilation(parent)
    assert [p.text for p in parts] == [PART_A.strip(), PART_B.strip(), PART_C.strip()]
    for n, part in enumerate(parts, 1):
        start, end = part.parent_range.start, part.parent_range.end
        assert part.id == f"abc:{start}-{end}"
        assert parent.text[start:end] == part.text
        assert (part.parent_id, part.source, part.format) == ("abc", f"vol.txt#{n}", "txt")
        assert part.meta.region == "青川县" and part.meta.year == 2023


def test_each_part_gets_its_own_type_and_meta():
    parts = structure.split_compilation(doc_of(WITH_CONTENTS))
    for part in parts:
        structure.annotate(part, normalize(part.text))
    assert [p.doc_type for p in parts] == ["self_evaluation", "evaluation_report", "rectification_report"]
    assert [p.meta.issuer for p in parts] == ["青川县教育局", None, "青川县民政局"]
    assert parts[2].meta.year == 2022  # its own text overrides the volume's year
    assert all(p.meta.region == "青川县" for p in parts)
    assert parts[1].title == "青川县水利局2023年度小型水库维修养护项目绩效评价报告"


def test_part_keeps_the_volumes_fuller_region():
    text = WITH_CONTENTS.replace("青川县财政局　编", "四川省苍山市青川县财政局　编")
    parent = doc_of(text)
    assert parent.meta.region == "四川省苍山市青川县"
    parts = structure.split_compilation(parent)
    structure.annotate(parts[0], normalize(parts[0].text))
    assert parts[0].meta.region == "四川省苍山市青川县"


def test_volume_without_contents_splits_on_title_lines():
    text = f"青川县部门绩效报告选编\n\n{PART_A}\n{PART_B}"
    parts = structure.split_compilation(doc_of(text))
    assert [p.text for p in parts] == [PART_A.strip(), PART_B.strip()]


def test_pages_are_rebased_into_each_part():
    cut = WITH_CONTENTS.index(PART_B)
    pages = [Page(1, Span(0, cut)), Page(2, Span(cut, len(WITH_CONTENTS)))]
    parts = structure.split_compilation(doc_of(WITH_CONTENTS, pages))
    assert [p.number for p in parts[0].pages] == [1]
    assert parts[1].pages == [Page(2, Span(0, len(parts[1].text)))]


def test_ordinary_report_with_a_contents_page_is_not_split():
    text = """桃源县2023年度农村公路养护项目绩效评价报告

目录
一、项目基本情况
二、绩效评价工作开展情况
三、综合评价情况及评价结论

一、项目基本情况
项目覆盖农村公路312公里，预算资金960万元。
二、绩效评价工作开展情况
评价组于2024年3月进驻，抽查路段40公里。
三、综合评价情况及评价结论
综合得分84分，等级为良。
"""
    doc = doc_of(text)
    assert structure.split_compilation(doc) == []
    assert doc.doc_type == "evaluation_report"


def test_report_with_an_attached_report_is_not_split():
    text = f"{PART_B}\n附件\n{PART_A}"
    assert structure.split_compilation(doc_of(text)) == []
