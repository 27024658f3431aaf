"""Every kind of bad input gives its own error class, naming the file and the reason."""

import shutil
from pathlib import Path

import pytest

from reportmine.errors import (
    CorruptDocument,
    DocumentLoadError,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    UnsupportedFormat,
)
from reportmine.readers import read_document

DATA = Path(__file__).parent / "data" / "readers"


def _fixture(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    target = tmp_path / (as_name or name)
    shutil.copyfile(DATA / name, target)
    return target


def _error(path: Path, kind: type[DocumentLoadError]) -> str:
    with pytest.raises(kind) as info:
        read_document(path)
    err = info.value
    assert err.path == str(path)
    assert str(path) in str(err) and err.reason in str(err)
    return err.reason


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in _error(path, EmptyDocument)


def test_whitespace_only_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    assert "no text" in _error(path, EmptyDocument)


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 8)
    assert "binary" in _error(path, UnsupportedFormat)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert "image" in _error(path, UnsupportedFormat)


def test_truncated_docx(tmp_path: Path) -> None:
    reason = _error(_fixture(tmp_path, "truncated.docx"), CorruptDocument)
    assert "truncated" in reason


def test_docx_extension_on_other_bytes(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("这其实是一个纯文本文件，只是扩展名写成了docx。", encoding="utf-8")
    assert "extension says docx" in _error(path, CorruptDocument)


def test_encrypted_docx(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE container; the .docx reader names it.
    path = _fixture(tmp_path, "encrypted.docx")
    assert "password" in _error(path, EncryptedDocument)


def test_corrupt_pdf(tmp_path: Path) -> None:
    assert "damaged PDF" in _error(_fixture(tmp_path, "corrupt.pdf"), CorruptDocument)


def test_truncated_pdf(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes((DATA / "report.pdf").read_bytes()[:700])
    _error(path, CorruptDocument)


def test_zero_page_pdf(tmp_path: Path) -> None:
    assert "no pages" in _error(_fixture(tmp_path, "zero_pages.pdf"), EmptyDocument)


def test_encrypted_pdf(tmp_path: Path) -> None:
    assert "password" in _error(_fixture(tmp_path, "encrypted.pdf"), EncryptedDocument)


def test_scanned_pdf(tmp_path: Path) -> None:
    assert "OCR" in _error(_fixture(tmp_path, "scanned.pdf"), NoTextLayer)


def test_pdf_error_after_an_encrypted_one(tmp_path: Path) -> None:
    # pdfium keeps its last error code across documents; a broken file read right after an
    # encrypted one must still be reported as broken, not as encrypted.
    _error(_fixture(tmp_path, "encrypted.pdf"), EncryptedDocument)
    _error(_fixture(tmp_path, "zero_pages.pdf"), EmptyDocument)
    _error(_fixture(tmp_path, "corrupt.pdf"), CorruptDocument)


def test_gbk_text_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("青岚县财政局关于2023年度预算执行情况的说明".encode("gbk"))
    assert read_document(path).text.startswith("青岚县财政局")


def test_utf16_text_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("青岚县2024年部门预算公开说明".encode("utf-16"))
    assert read_document(path).text == "青岚县2024年部门预算公开说明"


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot open" in _error(tmp_path / "nowhere.pdf", DocumentLoadError)
