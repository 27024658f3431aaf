from pathlib import Path

import pytest

from reportmine.readers import html, read_document

DATA = Path(__file__).parent / "data" / "readers"

CHROME_WORDS = ("首页", "当前位置", "发布时间", "浏览次数", "字号", "打印", "分享", "扫一扫", "主办单位", "机构职能", "hits")


@pytest.mark.parametrize("name", ["page.html", "page_gbk.html"])
def test_article_only_without_chrome(name: str) -> None:
    doc = read_document(DATA / name)
    assert doc.format == "html"
    assert doc.title == "关于青岚县2023年度部门整体支出绩效自评情况的公告"
    lines = doc.text.splitlines()
    assert lines[0] == doc.title  # the <h1> is kept as the first line of the text
    assert "一、自评总体情况" in lines
    assert "二、下一步工作" in lines
    assert any(ln.startswith("按照县政府统一部署") and ln.endswith("公告如下。") for ln in lines)
    for word in CHROME_WORDS:
        assert word not in doc.text, word
    assert "function" not in doc.text and "text-indent" not in doc.text  # no script, no style


def test_table_rows_are_lines_of_cells() -> None:
    lines = read_document(DATA / "page.html").text.splitlines()
    assert "自评等级 | 部门数（个） | 占比" in lines
    assert "良 | 9 | 21.4%" in lines


def test_field_words_inside_sentences_are_content() -> None:
    # "来源：" after a noun, or "打印" inside a word, is text, not a page field or button.
    assert "资金来源：县级财政预算安排。" in read_document(DATA / "page.html").text
    assert not html.is_chrome("资金来源：县级财政预算安排。")
    assert not html.is_chrome("购置打印机等办公设备支出3.2万元。")


@pytest.mark.parametrize(
    "line",
    [
        "来源:县财政局 发布时间:2024-05-17 08:40",
        "发布日期:2023-11-02 09:05 访问次数: 信息来源:市财政局",
        "打印 打印",
        "纠错 纠错",
        "分享到",
        "【打印本页】【关闭窗口】 分享到：微信 微博 扫一扫在手机打开当前页",
        "当前位置 : 首页 >> 通知公告",
        ">> 信息公开 >> 财政预决算",
        "首页 | 通知公告",
        "字号：[大 中 小]",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert html.is_chrome(line)


def test_lxml_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "_main_text", lambda _html: "")
    doc = read_document(DATA / "page.html")
    assert "纳入自评范围的部门整体支出共计18.64亿元" in doc.text
    assert "良 | 9 | 21.4%" in doc.text.splitlines()
    for word in ("机构职能", "当前位置", "主办单位", "hits", "function"):
        assert word not in doc.text, word


def test_title_from_title_tag_without_site_name(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>青岚县2024年项目申报通知 - 青岚县财政局</title></head>"
        "<body><div><p>即日起受理2024年度财政专项资金项目申报，截止日期为2024年3月31日，逾期不再受理。</p>"
        "<p>申报材料一式三份，报送县财政局经济建设股。</p></div></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    assert doc.title == "青岚县2024年项目申报通知"
    assert doc.text.splitlines()[0] == doc.title
    assert "申报材料一式三份" in doc.text


def test_page_without_charset_in_gb18030(tmp_path: Path) -> None:
    page = tmp_path / "old.htm"
    page.write_bytes(
        "<html><body><p>青岚县2022年度财政决算公开说明：全县一般公共预算收入完成12.3亿元，同比增长5.1%。</p></body></html>".encode("gb18030")
    )
    assert "同比增长5.1%" in read_document(page).text


def test_xhtml_with_xml_declaration(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head>'
        "<title>青岚县2024年政府采购意向公开</title></head><body><h1>青岚县2024年政府采购意向公开</h1>"
        "<p>为便于供应商提前了解采购信息，现将本县2024年第二季度政府采购意向公开如下，预算金额合计268万元。</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    assert doc.title == "青岚县2024年政府采购意向公开"
    assert "预算金额合计268万元" in doc.text


def test_page_of_navigation_only_falls_back_and_stays_empty(tmp_path: Path) -> None:
    from reportmine.errors import EmptyDocument

    page = tmp_path / "nav.html"
    page.write_text('<html><body><ul class="nav"><li>首页</li></ul><div class="crumb">当前位置：首页 &gt; 通知</div></body></html>', encoding="utf-8")
    with pytest.raises(EmptyDocument):
        read_document(page)


def test_list_items_without_markup(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text(
        "<html><head><meta charset='utf-8'></head><body><div class='content'><p>整改措施如下：</p><ul>"
        "<li>一、建立资金拨付台账，按月通报各项目支出进度，确保年底前执行率达到90%以上。</li>"
        "<li>二、对绩效目标不明确的项目暂停拨款，待补充完善后再行安排。</li></ul></div></body></html>",
        encoding="utf-8",
    )
    lines = read_document(page).text.splitlines()
    assert lines[1].startswith("一、建立资金拨付台账") and lines[2].startswith("二、对绩效目标")
