"""Plain text: UTF-8 (with or without BOM), UTF-16, GB18030/GBK and Big5, detected from the bytes.

The decoded text is kept exactly as written: repair of broken lines happens in the normalised
view (normalize.py), so offsets stay those of the file.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import CorruptDocument
from . import ReadResult

# Chinese documents come in few encodings; limiting the detector to them avoids exotic guesses
# (cp1252, koi8) for short GBK files.
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]


def read(path: Path, data: bytes) -> ReadResult:
    text = decode(path, data)
    return ReadResult(text=text.replace("\r\n", "\n").replace("\r", "\n"))


def decode(path: Path, data: bytes) -> str:
    """Decode bytes of unknown encoding; raise CorruptDocument if nothing decodes cleanly."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Strict GB18030 is the common case for Windows-made Chinese text and covers GBK/GB2312.
        text = data.decode("gb18030")
        if _mostly_chinese(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise CorruptDocument(path, "the text is in no encoding reportmine recognises (tried UTF-8, UTF-16, GB18030, Big5)")
    return str(best)


def _mostly_chinese(text: str) -> bool:
    letters = [c for c in text[:20000] if not c.isspace() and not c.isascii()]
    if not letters:
        return True
    cjk = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk >= 0.8 * len(letters)
