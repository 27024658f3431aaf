"""Build the reader fixtures in this folder (the outputs are committed; re-run after a change).

    .venv/bin/python tests/data/readers/make_fixtures.py

Needs python-docx, pypdfium2, Pillow and reportlab (``pip install reportlab``; reportlab's
built-in STSong-Light CID font draws Chinese without any font file). All text is invented.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

# ---------------------------------------------------------------- .docx

# One multi-level list: 一、 / （一） / 1. / （1）, the usual outline of a Chinese report.
ABSTRACT_NUM = f"""
<w:abstractNum {NSDECL} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/><w:lvlText w:val="（%4）"/></w:lvl>
</w:abstractNum>"""
NUMS = [
    f'<w:num {NSDECL} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    # A second list instance of the same outline that restarts the third level at 1.
    f'<w:num {NSDECL} w:numId="91"><w:abstractNumId w:val="90"/>'
    '<w:lvlOverride w:ilvl="2"><w:startOverride w:val="1"/></w:lvlOverride></w:num>',
]


def build_docx() -> bytes:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = "青岚县2023年度财政支出绩效评价报告"
    section = document.sections[0]
    section.header.paragraphs[0].text = "青岚县财政局内部资料（页眉）"
    section.footer.paragraphs[0].text = "第 1 页（页脚）"

    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(ABSTRACT_NUM)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for num in NUMS:
        numbering.append(parse_xml(num))

    def numbered(text: str, level: int, num_id: int = 90, style: str | None = None):
        p = document.add_paragraph(text, style=style)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {NSDECL}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )
        return p

    document.add_heading("青岚县2023年度财政支出绩效评价报告", level=0)
    document.add_paragraph("根据县人民政府工作部署，县财政局组织对2023年度部分重点项目开展了绩效评价，现将情况报告如下。")
    numbered("基本情况", 0, style="Heading 1")
    numbered("评价范围", 1)
    document.add_paragraph("本次共评价项目9个，涉及资金4,860.25万元，占全县项目支出的17.6%。")
    numbered("乡村道路养护项目预算1,250.00万元。", 2)
    numbered("农田灌溉设施改造项目预算2,000.00万元。", 2)
    numbered("其中中央补助资金", 3)
    numbered("县级配套资金", 3)
    numbered("评价方法", 1)
    numbered("发现的主要问题", 0, style="Heading 1")
    numbered("部分项目绩效目标不够细化。", 2, num_id=91)

    # A paragraph with a tracked insertion and a tracked deletion.
    p = document.add_paragraph()
    p._p.append(parse_xml(f'<w:r {NSDECL}><w:t xml:space="preserve">县财政局已收回结余资金</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:ins {NSDECL} w:id="1" w:author="审核人" w:date="2024-01-05T00:00:00Z"><w:r><w:t>312.40</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {NSDECL} w:id="2" w:author="审核人" w:date="2024-01-05T00:00:00Z"><w:r><w:delText>298.00</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:r {NSDECL}><w:t>万元。</w:t></w:r>'))

    # A text box (DrawingML with its VML fallback: the text must come out once).
    box = document.add_paragraph("下表列出各项目的执行情况。")
    box._p.append(parse_xml(_TEXT_BOX))

    table = document.add_table(rows=4, cols=3)
    rows = [("项目名称", "预算数（万元）", "执行率"), ("乡村道路养护", "1,250.00", "94.4%"), ("农田灌溉设施改造", "2,000.00", "88.1%"), ("合计", "3,250.00", "")]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(3, 1).merge(table.cell(3, 2))  # a merged cell is one cell

    # A soft line break inside a paragraph, and hidden text that Word does not show.
    p = document.add_paragraph("联系人：周敏")
    p._p.append(parse_xml(f'<w:r {NSDECL}><w:br/><w:t>联系电话：0000-5550123</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {NSDECL}><w:rPr><w:vanish/></w:rPr><w:t>（隐藏的批注文字）</w:t></w:r>'))
    document.core_properties.created = document.core_properties.modified = datetime(2024, 1, 5)
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member dates, so that re-running the builder changes nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 5, 0, 0, 0)), src.read(item), zipfile.ZIP_DEFLATED)
    return out.getvalue()


_TEXT_BOX = f"""
<w:r {NSDECL}><mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
    <wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
    <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1828800" cy="457200"/>
    <wp:wrapNone/><wp:docPr id="5" name="文本框 5"/>
    <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
      <wps:txbx><w:txbxContent><w:p><w:r><w:t>注：执行率为截至2023年12月31日数据。</w:t></w:r></w:p></w:txbxContent></wps:txbx>
      <wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>注：执行率为截至2023年12月31日数据。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def build_encrypted_docx() -> bytes:
    """An OLE compound file shaped like Word's password-protected .docx (EncryptionInfo + EncryptedPackage)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    streams = [("EncryptionInfo", info.ljust(4096, b"\0")), ("EncryptedPackage", bytes((i * 37) % 251 for i in range(8192)))]
    return _compound_file(streams)


def _compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    # Version 3 CFB: 512-byte sectors; sector 0 is the FAT, 1 the directory, then each stream
    # (all >= 4096 bytes, so no mini stream is needed).
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fat_sect, end]
    starts = []
    for _, data in streams:
        n = len(data) // 512
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    entries = [_dir_entry("Root Entry", 5, child=1, start=end, size=0)]
    for i, ((name, data), start) in enumerate(zip(streams, starts), start=1):
        right = i + 1 if i < len(streams) else free
        entries.append(_dir_entry(name, 2, right=right, start=start, size=len(data)))
    while len(entries) < 4:
        entries.append(bytes(64) + struct.pack("<HBBIII", 0, 0, 0, free, free, free) + bytes(36) + struct.pack("<IQ", 0, 0))
    body = struct.pack("<128I", *fat) + b"".join(entries) + b"".join(data for _, data in streams)
    return header + body


def _dir_entry(name: str, kind: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF, start: int = 0, size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


# ---------------------------------------------------------------- PDF

PAGE_W, PAGE_H = 595, 842
LEFT, RIGHT, TOP, BOTTOM = 72, 523, 770, 500
SIZE, LEADING = 12, 20

REPORT = [
    ("h", "白溪镇2023年度农村公路养护资金绩效评价报告"),
    ("p", "为加强农村公路养护资金管理，提高财政资金使用效益，镇财政所会同交通管理站于2024年3月对2023年度农村公路养护资金开展了绩效评价，评价覆盖全镇14个行政村、道路总里程186.5公里。"),
    ("h", "一、项目基本情况"),
    ("p", "2023年全镇安排农村公路养护资金共计865.30万元，其中上级补助资金520.00万元，镇级配套资金345.30万元。截至2023年12月31日，实际支出812.74万元，预算执行率为93.9%，较上年提高4.2个百分点。养护工作采取专业养护与群众养护相结合的方式，日常养护覆盖率达到100%，优良中等路率由上年的81.0%提高到86.7%。"),
    ("h", "二、绩效目标完成情况"),
    ("p", "从产出指标看，全年完成路面修补面积2.36万平方米，清理边沟58.2公里，更换损坏护栏1,140米，各项数量指标均达到年初目标。从效益指标看，群众出行条件明显改善，沿线村民满意度调查共发放问卷420份，收回有效问卷401份，满意率为95.3%。但部分村道的排水设施仍然不足，雨季积水问题尚未根本解决，需要在下一年度继续安排资金加以治理，镇财政所将把该问题列入重点跟踪事项。"),
    ("h", "三、存在的主要问题"),
    ("p", "一是绩效目标设定不够精细，部分指标缺少量化标准，难以准确衡量养护质量。二是资金拨付进度前慢后快，第四季度支出占全年支出的47.5%，影响了养护工作的均衡开展。三是养护台账记录不完整，个别村的巡查记录存在缺失。"),
    ("t", [("项目", "预算数（万元）", "支出数（万元）", "执行率"), ("日常养护", "415.30", "398.12", "95.9%"), ("路面修补", "300.00", "276.42", "92.1%"), ("护栏更换", "150.00", "138.20", "92.1%"), ("合计", "865.30", "812.74", "93.9%")]),
    ("h", "四、有关建议"),
    ("p", "建议镇交通管理站进一步细化绩效目标，建立养护质量分级评价标准；合理安排资金拨付进度，避免年底突击支出；完善巡查台账制度，做到每次巡查有记录、每个问题有跟踪。"),
    ("p", "白溪镇财政所"),
    ("p", "2024年3月28日"),
]


def _register_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def _runs(text: str) -> list[tuple[str, str]]:
    """Split text into runs: Chinese in STSong-Light, ASCII in Helvetica (as office PDFs do)."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = "Helvetica" if ch.isascii() else "STSong-Light"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(t, f, SIZE) + 2 for f, t in _runs(text)) - 2


def _draw(c, x: float, y: float, text: str) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for font, run in _runs(text):
        c.setFont(font, SIZE)
        c.drawString(x, y, run)
        x += stringWidth(run, font, SIZE) + 2  # office PDFs leave a small gap where the font changes


def _wrap(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and _width(line + ch) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return lines + [line] if line else lines


def build_report_pdf() -> bytes:
    """Three pages: running header, page-number footer, hard-wrapped paragraphs, a paragraph cut
    by a page end with its last character doubled on the next page, headings and a table."""
    from reportlab.pdfgen import canvas

    _register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle(REPORT[0][1])
    page = [1]
    y = [TOP]

    def furniture() -> None:
        _draw(c, LEFT, 805, "白溪镇财政所绩效评价材料")
        _draw(c, 270, 40, f"第 {page[0]} 页")

    def new_page() -> None:
        c.showPage()
        page[0] += 1
        y[0] = TOP
        furniture()

    furniture()
    for kind, content in REPORT:
        if kind == "t":
            if y[0] - LEADING * (len(content) + 1) < BOTTOM:
                new_page()
            for row in content:
                for x, cell in zip((LEFT, 230, 340, 450), row):
                    _draw(c, x, y[0], cell)
                y[0] -= LEADING
            y[0] -= LEADING / 2
            continue
        lines = _wrap(content, RIGHT - LEFT)
        for i, line in enumerate(lines):
            if y[0] < BOTTOM:
                new_page()
                if i:  # the page-break artefact: the last character again at the top of the page
                    line = lines[i - 1][-1] + line
            _draw(c, LEFT, y[0], line)
            y[0] -= LEADING
        y[0] -= LEADING / 3
    c.showPage()
    c.save()
    return buf.getvalue()


def _one_page(text: str, garble: bool = False) -> bytes:
    from reportlab.pdfgen import canvas

    _register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=0)
    y = TOP
    for line in _wrap(text, RIGHT - LEFT):
        _draw(c, LEFT, y, line)
        y -= LEADING
    c.showPage()
    c.save()
    data = buf.getvalue()
    # Without its CMap name the CID font's codes are read as raw CIDs: the page's text layer
    # then maps to the wrong (mostly rare) characters, as PDFs with broken fonts do.
    return data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ") if garble else data


def build_garbled_pdf() -> bytes:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(_one_page("第一页文字正常：本年度共安排专项资金560.00万元，已全部拨付到项目单位。")))
    out.import_pages(pdfium.PdfDocument(_one_page("第二页的字体映射损坏，因此文字层读出来的是错误的汉字，应当在警告中指出这一页的页码，提醒使用者核对原件。", garble=True)))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def build_scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (300, 120), 255)
    draw = ImageDraw.Draw(image)
    for i in range(8):
        draw.rectangle((20, 10 + 13 * i, 280 - 17 * (i % 3), 18 + 13 * i), fill=40)  # stand-in for scanned lines
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.drawImage(ImageReader(image), LEFT, 500, width=450, height=180)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    _register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, encrypt="qinglan-2024")
    _draw(c, LEFT, TOP, "本文件设置了打开密码。")
    c.showPage()
    c.save()
    return buf.getvalue()


def build_zero_page_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def build_corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes((i * 73 + 11) % 256 for i in range(3000))


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>关于青岚县2023年度部门整体支出绩效自评情况的公告_青岚县财政局</title>
<style>.nav li {{display:inline}} .content p {{text-indent:2em}}</style>
<script>var hits = 0; function share() {{ document.title = "分享"; }}</script></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> | 无障碍浏览</div>
<ul class="nav"><li>机构职能</li><li>财政预决算</li><li>绩效管理</li><li>政府采购</li></ul>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 绩效管理</div>
<div class="article">
<h1>关于青岚县2023年度部门整体支出绩效自评情况的公告</h1>
<div class="info">发布时间：2024-04-12 09:30　来源：县财政局　浏览次数：<span id="hits">358</span>　字号：[大 中 小]</div>
<div class="content">
<p>打印 分享</p>
<p>按照县政府统一部署，县财政局组织全县42个预算部门开展了2023年度部门整体支出绩效自评，现将有关情况公告如下。</p>
<p>一、自评总体情况</p>
<p>纳入自评范围的部门整体支出共计18.64亿元，自评结果为“优”的部门31个，为“良”的部门9个，为“中”的部门2个，无评价结果为“差”的部门。</p>
<table><tr><td>自评等级</td><td>部门数（个）</td><td>占比</td></tr><tr><td>优</td><td>31</td><td>73.8%</td></tr><tr><td>良</td><td>9</td><td>21.4%</td></tr><tr><td>中</td><td>2</td><td>4.8%</td></tr></table>
<p>二、下一步工作</p>
<p>县财政局将把自评结果作为2025年预算安排的重要参考，对自评为“中”的部门开展重点抽查，督促其在三个月内完成整改。</p>
<p>资金来源：县级财政预算安排。</p>
</div>
<div class="tools">【打印本页】【关闭窗口】 分享到：微信 微博 <a href="javascript:share()">扫一扫在手机打开当前页</a></div>
</div>
<div class="footer">主办单位：青岚县人民政府办公室　网站标识码：0000000000　联系电话：0000-5550100</div>
</body></html>
"""


def build_html(charset: str = "utf-8") -> bytes:
    codec = {"utf-8": "utf-8", "gb2312": "gb18030"}[charset]
    return PAGE.format(charset=charset).encode(codec)


def main() -> None:
    docx_bytes = build_docx()
    outputs = {
        "page.html": build_html(),
        "page_gbk.html": build_html("gb2312"),
        "report.docx": docx_bytes,
        "truncated.docx": docx_bytes[: len(docx_bytes) // 2],
        "encrypted.docx": build_encrypted_docx(),
        "report.pdf": build_report_pdf(),
        "garbled.pdf": build_garbled_pdf(),
        "scanned.pdf": build_scanned_pdf(),
        "encrypted.pdf": build_encrypted_pdf(),
        "zero_pages.pdf": build_zero_page_pdf(),
        "corrupt.pdf": build_corrupt_pdf(),
    }
    for name, data in outputs.items():
        (HERE / name).write_bytes(data)
        print(f"{name:<16} {len(data):>7} bytes")


if __name__ == "__main__":
    main()
