"""How faithfully the readers reproduce the seed texts, and how fast the PDF reader is.

For every seed in <corpora>/seeds and its copies in <corpora>/formats (.html, .docx, .lo.docx,
.pdf) it prints the character similarity between ``read_document(copy).text`` and the seed
(difflib ratio on the texts with all whitespace removed; for .html the web-page chrome lines are
left out of both sides), per file and the minimum per format. Then pages/s of reportmine's PDF
reader against pdfplumber's ``extract_text`` on the same PDFs, and a sample of table rows read
from a real budget PDF.

    python scripts/fidelity.py [--corpora ../shared/corpora] [--repeat 3]

Not a test: it needs the shared corpora, which a fresh machine does not have.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from reportmine.readers import read_document  # noqa: E402

FORMATS = (".html", ".docx", ".lo.docx", ".pdf")
# Chrome lines of the scraped seeds, defined here independently of the HTML reader's own filter,
# so that the reader is not measured against itself.
_SEED_CHROME = re.compile(
    r"^\s*(?:当前位置|>>|来源\s*[:：]|发布(?:日期|时间)\s*[:：]|打印\s|打印$|纠错|分享到|扫一扫|【打印)"
)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def drop_chrome(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not _SEED_CHROME.match(ln))


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def fidelity(corpora: Path) -> None:
    seeds = sorted((corpora / "seeds").glob("*.txt"))
    worst: dict[str, float] = {}
    print(f"{'file':<34} {'chars':>7} {'similarity':>10}")
    for seed in seeds:
        seed_text = seed.read_text("utf-8")
        for ext in FORMATS:
            copy = corpora / "formats" / (seed.stem + ext)
            if not copy.exists():
                continue
            got = read_document(copy).text
            want = seed_text
            if ext == ".html":
                got, want = drop_chrome(got), drop_chrome(want)
            ratio = similarity(squeeze(got), squeeze(want))
            worst[ext] = min(worst.get(ext, 1.0), ratio)
            print(f"{copy.name:<34} {len(got):>7} {ratio:>10.5f}")
    print("\nminimum per format (target >= 0.99):")
    for ext in FORMATS:
        if ext in worst:
            print(f"  {ext:<9} {worst[ext]:.5f}")


def pdf_speed(corpora: Path, repeat: int) -> None:
    import pdfplumber
    import pypdfium2

    groups = {"formats": sorted((corpora / "formats").glob("*.pdf")), "real": sorted((corpora / "real" / "pdf").glob("*.pdf"))}
    print(f"\nPDF pages/s, best of {repeat} interleaved runs (wall clock; per CPU second in brackets,")
    print("as other work shares the 2 cores). reportmine includes all its repairs; raw = pypdfium2 text alone:")
    for name, files in groups.items():
        if not files:
            continue
        datas = [(f, f.read_bytes()) for f in files]
        read_document(*datas[0])  # imports and first-call set-up are not what is measured
        engines = {
            "reportmine": lambda: sum(len(read_document(f, d).pages) for f, d in datas),
            "raw": lambda: sum(_raw_pages(pypdfium2, d) for _, d in datas),
            "pdfplumber": lambda: sum(_plumber_pages(pdfplumber, f) for f in files),
        }
        best = {k: (0, float("inf"), float("inf")) for k in engines}
        for _ in range(repeat):  # interleaved, so that a busy moment does not favour one engine
            for key, fn in engines.items():
                n, wall, cpu = _timed(fn)
                best[key] = (n, min(best[key][1], wall), min(best[key][2], cpu))
        pages = best["reportmine"][0]
        rate = {k: (pages / w, pages / c) for k, (_, w, c) in best.items()}
        print(
            f"  {name:<8} {pages:>4} pages  reportmine {rate['reportmine'][0]:6.1f}/s ({rate['reportmine'][1]:6.1f})"
            f"  raw {rate['raw'][0]:6.1f}/s ({rate['raw'][1]:6.1f})"
            f"  pdfplumber {rate['pdfplumber'][0]:5.1f}/s ({rate['pdfplumber'][1]:5.1f})"
            f"  reportmine/pdfplumber {rate['reportmine'][0] / rate['pdfplumber'][0]:.1f}x"
            f" ({rate['reportmine'][1] / rate['pdfplumber'][1]:.1f}x)"
        )
    _plumber_fidelity(corpora, pdfplumber)


def _raw_pages(pypdfium2, data: bytes) -> int:
    pdf = pypdfium2.PdfDocument(data)
    for page in pdf:
        page.get_textpage().get_text_range()
    n = len(pdf)
    pdf.close()
    return n


def _plumber_pages(pdfplumber, path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def _plumber_fidelity(corpora: Path, pdfplumber) -> None:
    print("\npdfplumber extract_text vs the seeds (the same measure, no repairs):")
    for seed in sorted((corpora / "seeds").glob("*.txt")):
        copy = corpora / "formats" / (seed.stem + ".pdf")
        if copy.exists():
            with pdfplumber.open(copy) as pdf:
                text = "\n".join(p.extract_text() or "" for p in pdf.pages)
            print(f"  {copy.name:<34} {similarity(squeeze(text), squeeze(seed.read_text('utf-8'))):.4f}")


def _timed(fn) -> tuple[int, float, float]:
    """(result, wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    n = fn()
    return n, time.perf_counter() - wall, time.process_time() - cpu


def table_sample(corpora: Path, rows: int) -> None:
    files = sorted((corpora / "real" / "pdf").glob("*.pdf"))
    if not files:
        return
    doc = read_document(files[0])
    table = [ln for ln in doc.text.splitlines() if ln.count(" | ") >= 2]
    print(f"\ntable rows read from {files[0].name} ({len(table)} rows with 3+ cells; first {rows}):")
    for line in table[:rows]:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per engine (pdfplumber takes ~8 s a run)")
    parser.add_argument("--rows", type=int, default=25)
    args = parser.parse_args()
    if not (args.corpora / "seeds").is_dir():
        sys.exit(f"no seeds under {args.corpora}")
    fidelity(args.corpora)
    pdf_speed(args.corpora, args.repeat)
    table_sample(args.corpora, args.rows)


if __name__ == "__main__":
    main()
