import codecs
from pathlib import Path

import pytest

from reportmine.readers import read_document

TEXT = "青岚县2023年度项目支出绩效自评报告\n一、基本情况\n全年安排资金1,286.40万元，执行率96.2%。\n"
TRADITIONAL = "青嵐縣財政局關於預算績效管理工作的報告\n全年評價項目12個，涉及資金3.6億元。\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TEXT.encode("utf-8")),
        ("utf8_bom.txt", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
        ("gbk.txt", TEXT.encode("gbk")),
        ("gb18030.txt", TEXT.encode("gb18030")),
        ("utf16_le_bom.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
        ("utf16_be_bom.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
        ("utf16_le_no_bom.txt", TEXT.encode("utf-16-le")),
        ("crlf.txt", TEXT.replace("\n", "\r\n").encode("gbk")),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.format == "txt"
    assert doc.text == TEXT
    assert doc.source == name


def test_big5_traditional(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    assert read_document(path).text == TRADITIONAL


def test_text_is_kept_as_written(tmp_path: Path) -> None:
    # Hard wraps and layout spaces stay in the document text; the normalised view repairs them.
    original = "为加强资金管理，我局组织开展了重点项目绩\n效评价，涉及资金 3.6 亿元。\n"
    path = tmp_path / "wrapped.txt"
    path.write_text(original, encoding="utf-8")
    assert read_document(path).text == original
