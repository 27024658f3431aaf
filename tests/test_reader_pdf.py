from pathlib import Path

import pytest

from reportmine.readers import pdf, read_document

DATA = Path(__file__).parent / "data" / "readers"
REAL_PDF = Path(__file__).parent.parent.parent / "shared" / "corpora" / "real" / "pdf"


@pytest.fixture(scope="module")
def report():
    return read_document(DATA / "report.pdf")


def test_running_header_and_page_numbers_removed(report) -> None:
    assert "白溪镇财政所绩效评价材料" not in report.text
    assert "第 1 页" not in report.text and "第 2 页" not in report.text and "页" not in report.text.splitlines()[-1]


def test_lines_cut_by_line_and_page_ends_are_joined(report) -> None:
    lines = report.text.splitlines()
    # One paragraph, wrapped over lines and across the page 1/2 break, is one line again;
    # the character repeated at the top of page 2 appears once.
    para = next(ln for ln in lines if ln.startswith("从产出指标看"))
    assert "更换损坏护栏1,140米" in para
    assert para.endswith("列入重点跟踪事项。")
    assert "损坏坏" not in report.text
    # A wrapped paragraph that starts like a heading ("一是…") is still one paragraph.
    assert any(ln.startswith("一是绩效目标设定不够精细") and ln.endswith("巡查记录存在缺失。") for ln in lines)


def test_layout_spaces_between_digits_and_chinese_removed(report) -> None:
    assert "2023年全镇安排农村公路养护资金共计865.30万元" in report.text
    assert "2023 年" not in report.text


def test_title_from_metadata_shown_on_the_first_page(report) -> None:
    assert report.title == "白溪镇2023年度农村公路养护资金绩效评价报告"
    assert read_document(DATA / "garbled.pdf").title == ""


def test_short_lines_end_their_paragraph(report) -> None:
    assert report.text.splitlines()[-2:] == ["白溪镇财政所", "2024年3月28日"]


def test_headings_stay_on_their_own_lines(report) -> None:
    lines = report.text.splitlines()
    for heading in ("一、项目基本情况", "二、绩效目标完成情况", "三、存在的主要问题", "四、有关建议"):
        assert heading in lines


def test_table_rows_are_lines_of_cells(report) -> None:
    lines = report.text.splitlines()
    start = lines.index("项目 | 预算数（万元） | 支出数（万元） | 执行率")
    assert lines[start + 1 : start + 5] == [
        "日常养护 | 415.30 | 398.12 | 95.9%",
        "路面修补 | 300.00 | 276.42 | 92.1%",
        "护栏更换 | 150.00 | 138.20 | 92.1%",
        "合计 | 865.30 | 812.74 | 93.9%",
    ]


def test_pages_map_into_the_text(report) -> None:
    assert [p.number for p in report.pages] == [1, 2, 3]
    assert not report.warnings and not any(p.garbled for p in report.pages)
    spans = [p.span for p in report.pages]
    assert spans[0].start == 0 and spans[-1].end == len(report.text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert report.text[spans[1].start :].startswith("坏护栏1,140米")  # page 2 begins mid-sentence
    assert report.text[spans[2].start :].startswith("项目 | 预算数")


def test_garbled_page_reported_by_number() -> None:
    doc = read_document(DATA / "garbled.pdf")
    assert [p.garbled for p in doc.pages] == [False, True]
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("page 2:")
    page1 = doc.text[doc.pages[0].span.start : doc.pages[0].span.end]
    assert "本年度共安排专项资金560.00万元" in page1


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("本年度预算执行率为93.9%，较上年提高4.2个百分点，资金使用效益进一步提高。", False),
        ("(cid:21335)(cid:28330)(cid:21439)(cid:36130)", True),
        ("\ue001\ue002\ue003\ue004\ue005\ue006 预算", True),
        ("魱䫏鯺䅍㡄㩾䅖錴㺲鳵醨韑嶞䝻䇯䣯鰙餤", True),
        ("", False),
    ],
)
def test_garble_reason(text: str, garbled: bool) -> None:
    assert bool(pdf._garble_reason(text)) is garbled


def test_running_lines_and_page_numbers_stripped() -> None:
    pages = [
        ["青岚县2024年部门预算", "正文第一页内容", "- 1 -"],
        ["青岚县2024年部门预算", "正文第二页内容", "12"],
        ["青岚县2024年部门预算", "项目 | 合计 | 基本支出", "正文第三页内容", "13"],
        ["青岚县2024年部门预算", "正文第四页内容", "14"],
    ]
    pdf._strip_running_lines(pages)
    assert pages == [["正文第一页内容"], ["正文第二页内容"], ["项目 | 合计 | 基本支出", "正文第三页内容"], ["正文第四页内容"]]


def test_numbers_that_do_not_count_the_pages_are_kept() -> None:
    pages = [["正文一", "说明一", "36"], ["正文二", "说明二", "58"], ["正文三", "说明三", "2"]]
    pdf._strip_running_lines(pages)
    assert [p[-1] for p in pages] == ["36", "58", "2"]
    single = [["说明", "本表单位为万元", "360"]]
    pdf._strip_running_lines(single)
    assert single == [["说明", "本表单位为万元", "360"]]


@pytest.mark.skipif(not REAL_PDF.is_dir(), reason="needs the shared real PDFs")
def test_real_budget_tables_read_as_rows() -> None:
    for path in sorted(REAL_PDF.glob("*.pdf")):
        doc = read_document(path)
        rows = [ln for ln in doc.text.splitlines() if ln.count(" | ") >= 3]
        assert len(rows) >= 40, path.name
        # pdfium runs some table rows into one line; the reader splits them at the baseline jump.
        assert max(ln.count(" | ") for ln in rows) <= 12, path.name


def test_alternating_odd_and_even_page_headers() -> None:
    bodies = ["预算编制说明", "收入预算情况", "支出预算情况", "三公经费说明", "项目经费说明", "政府采购情况", "名词解释"]
    pages = [[("青岚县财政局" if i % 2 else "2024年部门决算"), body, str(i)] for i, body in enumerate(bodies, 1)]
    pdf._strip_running_lines(pages)
    assert pages == [[body] for body in bodies]


def test_repeated_rows_with_different_figures_are_kept() -> None:
    # A totals line at the foot of several table pages is content; its figures differ per page.
    pages = [[f"正文{i}", f"小计 {n}"] for i, n in enumerate(["12.50", "8.75", "30.00", "4.20"])]
    pdf._strip_running_lines(pages)
    assert [p[-1] for p in pages] == ["小计 12.50", "小计 8.75", "小计 30.00", "小计 4.20"]


def test_header_with_its_page_number_is_running() -> None:
    bodies = ["收入预算情况", "支出预算情况", "三公经费说明", "项目经费说明", "名词解释"]
    pages = [[f"青岚县2024年部门预算 第{i}页", body] for i, body in enumerate(bodies, 3)]
    pdf._strip_running_lines(pages)
    assert pages == [[body] for body in bodies]


def test_page_of_unmapped_glyphs_is_garbled_not_empty() -> None:
    # pdfium gives code 0 (or a private-use code) for a glyph its font cannot map to Unicode.
    assert pdf._garble_reason("\x00\x00\x00\x00\x00\x00\r\n\x00\x00")
    assert pdf._garble_reason("\ue000\ue001\ue002\ue003\ue004\ue005")
