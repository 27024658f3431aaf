"""Web pages: the article only, without navigation, page chrome, scripts or styles.

trafilatura finds the main content (with ``favor_recall`` so that short official notices are not
dropped as boilerplate); when it finds nothing, an lxml pass that drops navigation, header and
footer blocks takes over. Government pages repeat their chrome inside the article too
(发布时间/浏览次数/打印/分享/扫一扫 lines), so those lines are dropped afterwards.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from . import ReadResult
from .text import decode

log = logging.getLogger(__name__)

CELL_SEP = " | "  # between the cells of a table row

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "utf8": "utf-8", "big5": "big5hkscs"}
# Breadcrumbs and site furniture: a line with one of these is never article text.
_SITE_LINE = re.compile(
    r"当前位置|您的位置|您现在的位置|>>|»|^\W*首页\s*(?:[>＞|｜»/]|$)|ICP备|网站标识码|版权所有|主办单位[:：]|承办单位[:：]"
    r"|技术支持[:：]|网站地图|无障碍浏览|Copyright|©"
)
# Page chrome that sits in the article header or footer: labelled fields and button text.
_CHROME_TOKEN = re.compile(
    r"(?:发布|发文|成文|更新|印发)(?:日期|时间)\s*[:：]?|(?:访问|浏览|点击|阅读)(?:次数|量|数)\s*[:：]?"
    r"|(?:(?<=\s)|^)(?:信息|文章)?来源\s*[:：]\s*\S*|(?:(?<=\s)|^)(?:作者|编辑|责任编辑|审核|校对)\s*[:：]\s*\S*"
    r"|字号\s*[:：]?|[【\[]\s*大\s*中\s*小\s*[】\]]|打印本页|打印|关闭窗口|关闭|分享到|分享|收藏"
    r"|扫一扫(?:在手机(?:上)?打开(?:当前页|本页)?)?|纠错|返回顶部|微信|微博|QQ空间|(?:上|下)一篇\s*[:：].*|【|】"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LEFTOVER = re.compile(r"[\d\s:：/\-.|>＞»·,，;；()（）\[\]]+")


def read(path: Path, data: bytes) -> ReadResult:
    html = _XML_DECLARATION.sub("", _decode(path, data), count=1)  # lxml refuses str with an encoding declaration
    root = _parse(html)
    lines = _content_lines(_main_text(html))
    if not lines and root is not None:
        log.info("%s: trafilatura found no main content; using the lxml fallback", path)
        lines = _content_lines(_fallback_text(root))
    title = _title(root) if root is not None else ""
    if title and _key(title) not in _key("".join(lines[:3])):
        lines.insert(0, title)
    return ReadResult(text="\n".join(lines), title=title)


def _content_lines(text: str) -> list[str]:
    lines = (_table_row(ln.strip()) for ln in text.splitlines())
    return [ln for ln in lines if ln and not is_chrome(ln)]


def is_chrome(line: str) -> bool:
    """A line of page chrome: breadcrumbs, 发布时间/浏览次数 fields, 打印/分享/扫一扫 buttons."""
    if len(line) > 150:
        return False
    if _SITE_LINE.search(line):
        return True
    rest, found = _CHROME_TOKEN.subn("", line)
    return bool(found) and len(_LEFTOVER.sub("", rest)) <= 2


def _decode(path: Path, data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = m.group(1).decode("ascii").lower()
        try:
            return data.decode(_CHARSET_ALIASES.get(name, name))
        except (LookupError, UnicodeDecodeError):
            log.info("%s: the page says charset=%s but does not decode as it; detecting instead", path, name)
    return decode(path, data)


def _parse(html: str):
    import lxml.html
    from lxml.etree import ParserError

    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def _main_text(html: str) -> str:
    import trafilatura

    text = trafilatura.extract(
        html,
        favor_recall=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        output_format="txt",
        with_metadata=False,
    )
    return text or ""


_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "select", "button")
_DROP_CLASS = re.compile(r"\b(?:nav\w*|menu\w*|\w*crumb\w*|footer|header|share\w*|tools?|sidebar|banner|copyright)\b", re.I)
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article", "ul", "ol", "dd", "dt")


def _fallback_text(root) -> str:
    """The page's text without navigation blocks, one block per line, cells joined by CELL_SEP."""
    body = root.find("body")
    body = body if body is not None else root
    for el in list(body.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in [e for e in body.iter() if isinstance(e.tag, str) and _DROP_CLASS.search(f"{e.get('class', '')} {e.get('id', '')}")]:
        if el.getparent() is not None:
            el.drop_tree()
    for el in body.iter("td", "th"):
        el.tail = CELL_SEP + (el.tail or "")
    for el in body.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", ln).strip() for ln in body.text_content().splitlines())
    return "\n".join(ln.removesuffix(CELL_SEP.strip()).strip() for ln in lines if ln)


def _table_row(line: str) -> str:
    # trafilatura writes table rows as "| a | b | " and list items as "- item": keep the cells and
    # the item, drop its markup (a "- " would hide an item's own "一、" from heading detection).
    if line.startswith("| ") and line.rstrip().endswith("|"):
        return line.strip().strip("|").strip()
    if line.startswith("- "):
        return line[2:].lstrip()
    return line


def _title(root) -> str:
    for h1 in root.iter("h1"):
        title = re.sub(r"\s+", " ", h1.text_content()).strip()
        if len(title) >= 4 and not is_chrome(title):
            return title
    node = root.find(".//title")
    if node is None or not node.text:
        return ""
    # "文章标题_网站名" / "文章标题 - 网站名": the article's title is the first part.
    first = re.split(r"\s*(?:_|\||－|—|–| - )\s*", node.text.strip())[0].strip()
    return first if len(first) >= 4 and not is_chrome(first) else ""


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)
