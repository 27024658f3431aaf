import io
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml import parse_xml

from reportmine.errors import CorruptDocument, EncryptedDocument, UnsupportedFormat
from reportmine.readers import docx, read_document

DATA = Path(__file__).parent / "data" / "readers"

EXPECTED = """青岚县2023年度财政支出绩效评价报告
根据县人民政府工作部署，县财政局组织对2023年度部分重点项目开展了绩效评价，现将情况报告如下。
一、基本情况
（一）评价范围
本次共评价项目9个，涉及资金4,860.25万元，占全县项目支出的17.6%。
1. 乡村道路养护项目预算1,250.00万元。
2. 农田灌溉设施改造项目预算2,000.00万元。
（1）其中中央补助资金
（2）县级配套资金
（二）评价方法
二、发现的主要问题
1. 部分项目绩效目标不够细化。
县财政局已收回结余资金312.40万元。
下表列出各项目的执行情况。
注：执行率为截至2023年12月31日数据。
项目名称 | 预算数（万元） | 执行率
乡村道路养护 | 1,250.00 | 94.4%
农田灌溉设施改造 | 2,000.00 | 88.1%
合计 | 3,250.00
联系人：周敏
联系电话：0000-5550123"""


def test_body_in_order_with_numbering_tables_text_boxes_and_revisions() -> None:
    doc = read_document(DATA / "report.docx")
    assert doc.format == "docx"
    assert doc.text == EXPECTED
    assert doc.title == "青岚县2023年度财政支出绩效评价报告"


def test_left_out_headers_footers_deletions_hidden_text() -> None:
    text = read_document(DATA / "report.docx").text
    assert "页眉" not in text and "页脚" not in text
    assert "298.00" not in text  # tracked deletion
    assert "隐藏" not in text  # w:vanish
    assert text.count("注：执行率") == 1  # DrawingML text box and its VML fallback: once


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (35, "chineseCountingThousand", "三十五"),
        (101, "chineseCounting", "一百零一"),
        (110, "chineseCounting", "一百一十"),
        (3, "chineseLegalSimplified", "叁"),
        (3, "ideographTraditional", "丙"),
        (12, "decimal", "12"),
        (4, "decimalZero", "04"),
        (4, "upperRoman", "IV"),
        (2, "lowerLetter", "b"),
        (3, "decimalEnclosedCircle", "③"),
        (7, "decimalFullWidth", "７"),
    ],
)
def test_counter_formats(n: int, fmt: str, expected: str) -> None:
    assert docx.format_number(n, fmt) == expected


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _styled_outline_docx() -> bytes:
    """Numbering attached to heading styles (the way Word templates do it), not to paragraphs."""
    document = python_docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W} w:abstractNumId="70">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading1"/>'
            '<w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading2"/>'
            '<w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {W} w:numId="70"><w:abstractNumId w:val="70"/></w:num>'))
    for style_id in ("Heading1", "Heading2"):
        style = document.styles.element.get_by_id(style_id)
        style.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:numId w:val="70"/></w:numPr>'))
    document.add_heading("工作开展情况", level=1)
    document.add_heading("完善制度", level=2)
    document.add_paragraph("修订了专项资金管理办法。")
    document.add_heading("强化监督", level=2)
    document.add_heading("存在问题", level=1)
    document.add_heading("目标不够细化", level=2)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_numbering_from_heading_styles(tmp_path: Path) -> None:
    path = tmp_path / "outline.docx"
    path.write_bytes(_styled_outline_docx())
    assert read_document(path).text.splitlines() == [
        "一、工作开展情况",
        "（一）完善制度",
        "修订了专项资金管理办法。",
        "（二）强化监督",
        "二、存在问题",
        "（一）目标不够细化",
    ]


def test_encrypted_docx_is_reported_as_encrypted() -> None:
    path = DATA / "encrypted.docx"
    with pytest.raises(EncryptedDocument) as info:
        docx.read(path, path.read_bytes())
    assert "encrypted.docx" in str(info.value) and "password" in str(info.value)


def test_old_binary_doc_is_unsupported() -> None:
    data = (DATA / "encrypted.docx").read_bytes()
    plain_ole = data.replace("EncryptionInfo".encode("utf-16-le"), "WordDocument\0\0".encode("utf-16-le"))
    plain_ole = plain_ole.replace("EncryptedPackage".encode("utf-16-le"), "1Table\0\0\0\0\0\0\0\0\0\0".encode("utf-16-le"))
    with pytest.raises(UnsupportedFormat, match="old binary Word"):
        docx.read(Path("old.docx"), plain_ole)


def test_zip_with_broken_document_xml(tmp_path: Path) -> None:
    good = (DATA / "report.docx").read_bytes()
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: not well-formed XML
            dst.writestr(item, data)
    with pytest.raises(CorruptDocument) as info:
        read_document(path)
    assert "broken.docx" in str(info.value) and "XML" in str(info.value)


def test_zip_without_package_parts(tmp_path: Path) -> None:
    path = tmp_path / "bare.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", f"<w:document {W}><w:body/></w:document>")
    with pytest.raises(CorruptDocument) as info:
        read_document(path)
    assert "bare.docx" in str(info.value)


def test_table_cells_inside_content_controls(tmp_path: Path) -> None:
    document = python_docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "项目支出"
    table.cell(0, 1).text = "86.40"
    tc = table.rows[0]._tr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc")[1]
    sdt = parse_xml(f"<w:sdt {W}><w:sdtPr/><w:sdtContent/></w:sdt>")
    tc.addprevious(sdt)
    sdt[1].append(tc)  # the second cell now sits inside a content control
    path = tmp_path / "sdt.docx"
    document.save(path)
    assert read_document(path).text == "项目支出 | 86.40"


def test_title_from_the_title_styled_paragraph(tmp_path: Path) -> None:
    document = python_docx.Document()
    document.add_paragraph("青岚县财政局")
    document.add_heading("关于2024年预算调整方案的说明", level=0)
    document.add_paragraph("现将预算调整方案说明如下。")
    path = tmp_path / "untitled.docx"
    document.save(path)
    assert read_document(path).title == "关于2024年预算调整方案的说明"
