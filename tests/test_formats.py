import pytest

from reportmine.errors import CorruptDocument, EmptyDocument, UnsupportedFormat
from reportmine.formats import Format, detect_format


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", "预算绩效".encode(), Format.TEXT),
        ("a.txt", "预算绩效".encode("gb18030"), Format.TEXT),
        ("a.txt", "预算绩效".encode("utf-16"), Format.TEXT),
        ("a.dat", b"<!DOCTYPE html><html><body>x</body></html>", Format.HTML),
        ("a.html", b"%PDF-1.7\n...", Format.PDF),
    ],
)
def test_sniffs_bytes_before_extension(name: str, head: bytes, expected: Format) -> None:
    assert detect_format(name, head) is expected


def test_empty_file_is_an_error() -> None:
    with pytest.raises(EmptyDocument, match="empty.txt"):
        detect_format("empty.txt", b"")


def test_binary_named_txt_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="x.txt"):
        detect_format("x.txt", bytes(range(256)) * 8)


def test_pdf_extension_on_text_bytes_is_corrupt() -> None:
    with pytest.raises(CorruptDocument, match="extension says pdf"):
        detect_format("report.pdf", "这不是PDF".encode())
