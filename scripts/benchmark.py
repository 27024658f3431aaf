"""Speed and memory figures for reportmine. Prints numbers; asserts nothing (not a test).

usage: python scripts/benchmark.py [--docs 1000] [--rounds 5] [--corpus DIR] [--only ingest,pdf,memory,extractors,linking]
       python scripts/benchmark.py --only answer --db PATH

Sections:
  baseline+ingest  text ingest vs. reading + jieba-segmenting the same text in one process,
                   with and without figure / statement extraction, same run, same corpus; each
                   ingest against the baselines taken just before and after it, median of --rounds
  formats          ingest of a generated corpus across txt/html/docx/pdf: documents/s, MB/s
  pdf              PDF pages/s: reportmine's reader vs. pdfplumber extract_text on the same files
  memory           peak RSS of an ingest as the corpus grows (it must stay flat)
  extractors       figures/s and statements classified/s
  audit            self-evaluation audits per second
  linking          recommendation-register relink time for stores of 1,000 / 5,000 / 10,000 documents
                   (copies of the samples with their own regions, years and proposal numbers, so
                   every copy holds its own evaluation/rectification, proposal/reply/report pairs)
  answer           proposal-answering latency (answering.answer_proposal, p50/p95) over the store at
                   --db (build a 10,000-document one with scripts/load_benchmark.py --db PATH): the
                   proposals in corpora/answering and corpora/samples plus synthetic ones, >= 50 in all
The corpus is generated from the project's own samples (corpora/samples), each copy made unique.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from reportmine.ingest import ingest  # noqa: E402
from reportmine.pipeline import ExtractOptions  # noqa: E402
from reportmine.store import Store  # noqa: E402

SAMPLES = sorted((REPO / "corpora" / "samples").rglob("*.txt"))
def _readable_pdfs() -> list[Path]:
    """The project's PDFs that read cleanly (tests/data also holds deliberately broken ones)."""
    from reportmine.errors import DocumentLoadError
    from reportmine.readers import read_document

    found = []
    for path in sorted((REPO / "tests" / "data").rglob("*.pdf")) + sorted((REPO / "corpora").rglob("*.pdf")):
        try:
            read_document(path)
        except DocumentLoadError:
            continue
        found.append(path)
    return found


PDF_SOURCES = _readable_pdfs()


def make_text_corpus(folder: Path, n: int, seed: int = 7, sources: list[Path] | None = None) -> list[Path]:
    """n unique UTF-8 text files built from ``sources`` (default: the samples; a numbered line
    keeps hashes apart)."""
    sources = sources or SAMPLES
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        src = sources[i % len(sources)].read_text(encoding="utf-8")
        path = folder / f"doc_{i:05d}.txt"
        path.write_text(f"{src}\n（材料编号：{i}-{rng.randint(0, 10**9)}）\n", encoding="utf-8")
        out.append(path)
    return out


def make_mixed_corpus(folder: Path, n: int) -> list[Path]:
    """n unique files across formats: txt (UTF-8 and GB18030), html, docx and pdf copies."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        text = SAMPLES[i % len(SAMPLES)].read_text(encoding="utf-8") + f"\n（材料编号：{i}）\n"
        kind = i % 5
        if kind == 0:
            path = folder / f"d{i:05d}.txt"
            path.write_text(text, encoding="utf-8")
        elif kind == 1:
            path = folder / f"d{i:05d}.txt"
            path.write_bytes(text.encode("gb18030"))
        elif kind == 2:
            path = folder / f"d{i:05d}.html"
            body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
            path.write_text(f"<html><head><title>t{i}</title></head><body><div class='nav'>首页 &gt; 绩效</div>"
                            f"<div class='content'>{body}</div></body></html>", encoding="utf-8")
        elif kind == 3 or not PDF_SOURCES:
            path = folder / f"d{i:05d}.docx"
            d = docx.Document()
            for line in text.splitlines():
                if line.strip():
                    d.add_paragraph(line)
            d.save(path)
        else:
            path = folder / f"d{i:05d}.pdf"
            # Bytes after %%EOF are ignored by PDF readers: a unique comment gives a unique hash.
            path.write_bytes(PDF_SOURCES[i % len(PDF_SOURCES)].read_bytes() + f"\n%copy {i}\n".encode())
        out.append(path)
    return out


def baseline_read_and_segment(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read, decode and jieba-segment every file in this one process.

    Stock ``jieba.lcut`` (with reportmine's user dictionary), punctuation dropped as
    ``segmentation.tokenize`` does: reportmine cuts the same words faster (``segmentation.cut``),
    and a baseline that sped up with it would no longer be plain segmentation.
    """
    from reportmine.segmentation import _PUNCT_OR_SPACE, _jieba

    jieba = _jieba()  # dictionary load is not throughput
    jieba.lcut("预热")
    t0 = time.perf_counter()
    chars = 0
    for p in paths:
        text = p.read_bytes().decode("utf-8")
        chars += len(text)
        [w for w in jieba.lcut(text) if not _PUNCT_OR_SPACE.match(w)]
    return time.perf_counter() - t0, chars


def timed_ingest(paths: list[Path], options: ExtractOptions, workers: int | None = None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        report = ingest(paths, store, options=options, workers=workers)
        elapsed = time.perf_counter() - t0
        failed = report.count("failed")
        if failed:
            print(f"    ({failed} files failed: {report.failures[0].error})")
        store.close()
    return elapsed, report.count("added")


def section_ingest(n: int, repeat: int = 3, sources: list[Path] | None = None) -> None:
    origin = f"copies of {len(sources)} files" if sources else "copies of the samples"
    print(f"== text ingest vs. read + jieba (one process), {n} documents ({origin}), {os.cpu_count()} cores, {repeat} rounds")
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_text_corpus(Path(tmp) / "txt", n, sources=sources)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        rows = (
            ("ingest, structure + search", ExtractOptions(figures=False, statements=False)),
            ("ingest, + figures", ExtractOptions(figures=True, statements=False)),
            ("ingest, + figures + statements", ExtractOptions()),
        )
        ratios: dict[str, list[float]] = {name: [] for name, _ in rows}
        rates: dict[str, list[float]] = {name: [] for name, _ in rows}
        bases: list[float] = []
        # Each ingest is compared with the mean of the baselines taken right before and right
        # after it, over several rounds: a shared virtual machine's speed drifts by a fifth
        # within a minute, so one ratio of two runs apart says more about the machine than
        # about reportmine.
        before, _ = baseline_read_and_segment(paths)
        bases.append(n / before)
        for _ in range(repeat):
            for name, opts in rows:
                secs, added = timed_ingest(paths, opts)
                after, _ = baseline_read_and_segment(paths)
                bases.append(n / after)
                rates[name].append(added / secs)
                ratios[name].append((before + after) / 2 / secs)
                before = after
        print(f"  read + jieba, 1 process      {statistics.median(bases):8.1f} docs/s  (range {min(bases):.1f}-{max(bases):.1f};"
              f" {mb * statistics.median(bases) / n:.2f} MB/s)")
        for name, _ in rows:
            r = ratios[name]
            print(f"  {name:28s} {statistics.median(rates[name]):8.1f} docs/s  {mb * statistics.median(rates[name]) / n:6.2f} MB/s"
                  f"  = {statistics.median(r):.2f}x read+jieba (median; rounds {', '.join(f'{x:.2f}' for x in r)})")


def section_formats(n: int) -> None:
    print(f"== mixed-format ingest, {n} documents (txt, GB18030 txt, html, docx, pdf)")
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_mixed_corpus(Path(tmp) / "mixed", n)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        secs, added = timed_ingest(paths, ExtractOptions())
        print(f"  {added} added in {secs:.1f}s: {added / secs:.1f} docs/s, {mb / secs:.2f} MB/s of source files")


def section_pdf() -> None:
    # The development PDFs (../shared, when present) are real multi-page reports and budget tables.
    shared = REPO.parent / "shared" / "corpora"
    pdfs = [p for p in PDF_SOURCES if p.stat().st_size > 1000]
    pdfs += sorted(shared.glob("formats/*.pdf")) + sorted(shared.glob("real/pdf/*.pdf"))
    if not pdfs:
        print("== pdf: no PDFs found under tests/data or corpora")
        return
    import pdfplumber

    from reportmine.readers import read_document

    t0 = time.perf_counter()
    pages = 0
    for p in pdfs:
        pages += len(read_document(p).pages) or 1
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in pdfs:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
    theirs = time.perf_counter() - t0
    print(f"== pdf ({len(pdfs)} files, {pages} pages)")
    print(f"  reportmine reader   {pages / ours:8.1f} pages/s")
    print(f"  pdfplumber text     {pages / theirs:8.1f} pages/s   -> {theirs / ours:.1f}x faster")


def section_memory(n: int) -> None:
    print("== peak memory of a whole ingest run as the corpus grows (fresh process each)")
    for size in (n // 4, n // 2, n):
        code = (
            "import sys, tempfile, resource; from pathlib import Path; sys.path.insert(0, %r);"
            "sys.path.insert(0, %r); import benchmark as b;"
            "tmp = Path(tempfile.mkdtemp()); paths = b.make_text_corpus(tmp / 't', %d);"
            "b.timed_ingest(paths, b.ExtractOptions());"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        ) % (str(REPO / "src"), str(REPO / "scripts"), size)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        print(f"  {size:6d} docs: main process {int(out[-2]) / 1024:6.0f} MiB, largest worker {int(out[-1]) / 1024:6.0f} MiB")


def section_extractors() -> None:
    from reportmine.extractors import figures as fig_mod
    from reportmine.extractors import statements as st_mod
    from reportmine.normalize import normalize
    from reportmine.readers import read_document

    docs = [read_document(p) for p in SAMPLES]
    views = [normalize(d.text) for d in docs]
    from reportmine.extractors import structure

    for d, v in zip(docs, views):
        structure.annotate(d, v)
    chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    found = sum(len(fig_mod.find_figures(d, v)) for d, v in zip(docs, views))
    secs = time.perf_counter() - t0
    print(f"== extractors on {len(docs)} sample documents ({chars / 1e3:.0f}k chars)")
    print(f"  figures     {found / secs:10.0f} figures/s  {chars / secs / 1e6:6.2f} MB chars/s")
    st_mod.find_statements(docs[0], views[0])  # model load is not throughput
    t0 = time.perf_counter()
    found = sum(len(st_mod.find_statements(d, v)) for d, v in zip(docs, views))
    secs = time.perf_counter() - t0
    print(f"  statements  {found / secs:10.0f} statements/s  {chars / secs / 1e6:6.2f} MB chars/s")


def _sample_extractions() -> list:
    """The samples' extractions (compilations left out: their parts hang off a parent)."""
    from reportmine.pipeline import extract_file

    out = []
    for path in SAMPLES:
        extractions = extract_file(path, ExtractOptions(figures=False))
        if len(extractions) == 1 and not extractions[0].document.parent_id:
            out.append(extractions[0])
    return out


def _region_cores(extractions: list) -> list[str]:
    import re

    cores = set()
    for ex in extractions:
        for unit in re.findall(r".+?(?:自治区|自治州|自治县|省|市|州|县|区)", ex.document.meta.region or ""):
            core = re.sub(r"(?:自治区|自治州|自治县|省|市|州|县|区)$", "", unit)
            if len(core) >= 2:
                cores.add(core)
    return sorted(cores, key=len, reverse=True)


def _synthetic_copy(extractions: list, cores: list[str], k: int) -> list:
    """Copy ``k`` of the sample set: every region name, year and proposal number replaced by one
    of the same length, so every span (sections, statements, claims) stays valid."""
    import dataclasses
    import hashlib
    import re

    from reportmine.document import (
        Extraction,
        Meta,
        RectificationClaim,
        Section,
        Statement,
    )

    rng = random.Random(k)
    pool = "安宁平阳和兴泰丰嘉禾永定长乐清河云溪松柏梅竹兰桂枫桐石岩金银玉翠碧青白红黄绿明光华盛昌隆恒远达通"
    names = {c: "".join(rng.choice(pool) for _ in c) for c in cores}
    shift = k % 5
    numbers: dict[str, str] = {}
    for ex in extractions:
        number = ex.document.meta.proposal_no
        digits = re.sub(r"\D", "", number or "")
        if digits and digits not in numbers:
            numbers[digits] = f"{(int(digits) + 7 * k) % 10 ** len(digits):0{len(digits)}d}"

    def swap(text: str | None) -> str | None:
        if not text:
            return text
        for old, new in names.items():
            text = text.replace(old, new)
        text = re.sub(r"(?<!\d)20([0-3]\d)(?!\d)", lambda m: str(2000 + int(m.group(1)) + shift), text)
        for old, new in numbers.items():
            text = re.sub(rf"(第\s*|[A-Z]{{2}}){old}(?=\s*号|\D)", lambda m, new=new: m.group(1) + new, text)
        return text

    out = []
    for ex in extractions:
        d = ex.document
        text = swap(d.text)
        assert text is not None and len(text) == len(d.text)
        m = d.meta
        number = m.proposal_no
        for old, new in numbers.items():
            number = number.replace(old, new) if number else number
        meta = Meta(swap(m.region), m.year + shift if m.year else None, swap(m.issuer), swap(m.date), number,
                    m.delegate)
        doc = dataclasses.replace(
            d, id=hashlib.sha256(f"{k}|{d.id}".encode()).hexdigest(), source=f"copy{k:05d}/{d.source}", text=text,
            title=swap(d.title) or "", meta=meta, pages=[],
            sections=[Section(swap(s.heading) or "", s.level, s.numbering, s.span, s.heading_span) for s in d.sections])
        statements = [Statement(st.span, text[st.span.start:st.span.end], st.kind, st.category, st.confidence,
                                swap(st.section) or "") for st in ex.statements]
        claims = [RectificationClaim(c.span, text[c.span.start:c.span.end], c.recommendation_count, c.status)
                  for c in ex.claims]
        out.append(Extraction(doc, statements=statements, claims=claims))
    return out


def section_linking(n: int) -> None:
    """Relink time as the store grows: documents are paired first, so it should grow linearly."""
    from reportmine import tracking

    samples = _sample_extractions()
    cores = _region_cores(samples)
    sizes = [s for s in (1000, 5000, 10000) if s <= max(n, 1000)]
    print(f"== register relink ({len(samples)} sample documents per copy, {os.cpu_count()} cores)")
    first = None
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "link.db")
            t0 = time.perf_counter()
            copies = (size + len(samples) - 1) // len(samples)
            added = 0
            for k in range(copies):
                batch = _synthetic_copy(samples, cores, k)[: size - added]
                store.add(batch)
                added += len(batch)
            build = time.perf_counter() - t0
            t0, c0 = time.perf_counter(), time.process_time()
            summary = tracking.relink(store)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            first = first or cpu / size  # CPU time: other processes on a shared machine inflate wall time
            print(f"  {added:6d} docs: relink {secs:7.1f}s wall, {cpu:7.1f}s CPU ({added / cpu:5.0f} docs per CPU s, "
                  f"{cpu / size / first:4.2f}x the per-document CPU time at {sizes[0]}); {summary.items} items, "
                  f"{summary.links} links, {summary.suggestions} suggestions; store built in {build:.0f}s")
            store.close()


def section_audit() -> None:
    """Audit throughput: reports/s for the depth audit alone (extraction done beforehand)."""
    from reportmine.audit import audit
    from reportmine.pipeline import extract_document
    from reportmine.readers import read_document

    paths = sorted((REPO / "corpora" / "samples" / "self_evaluation").glob("*.txt"))
    extractions = [extract_document(read_document(p))[0] for p in paths]
    rounds = max(1, 200 // len(extractions))
    t0 = time.perf_counter()
    for _ in range(rounds):
        for ex in extractions:
            audit(ex)
    secs = time.perf_counter() - t0
    print(f"== audit on {len(extractions)} self-evaluations x {rounds}")
    print(f"  audit alone   {rounds * len(extractions) / secs:8.1f} reports/s")


def section_answer(db: str | None, synthetic: int = 30) -> None:
    """Answer latency over a large store, per proposal, after one warm-up answer (jieba's
    dictionary, the page cache). Extraction of the proposals is done beforehand and not timed."""
    from reportmine import answering
    from reportmine.pipeline import extract_document
    from reportmine.readers import read_document

    sys.path.insert(0, str(REPO / "scripts"))
    from load_benchmark import synth_proposal  # the load benchmark's store: its regions and projects

    if not db or not Path(db).exists():
        sys.exit("--only answer needs --db PATH: a store built by scripts/load_benchmark.py --db PATH")
    store = Store(db)
    paths = sorted((REPO / "corpora" / "answering" / "proposals").glob("*.txt"))
    paths += sorted((REPO / "corpora" / "samples" / "proposal").glob("*.txt"))
    proposals = [extract_document(read_document(p))[0] for p in paths]
    proposals += [answering.proposal_from_text(synth_proposal(i)) for i in range(max(synthetic, 50 - len(proposals)))]
    answering.answer_proposal(store, answering.proposal_from_text(synth_proposal(-1)))
    latencies, asks = [], 0
    for proposal in proposals:
        t0 = time.perf_counter()
        answer = answering.answer_proposal(store, proposal)
        latencies.append(time.perf_counter() - t0)
        asks += len(answer.asks)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(f"== proposal answering over {store.documents(limit=1).total} documents ({store.passage_count()} passages)")
    print(f"  {len(ms)} proposals ({len(paths)} from corpora, {len(ms) - len(paths)} synthetic), {asks} asks: "
          f"p50 {ms[len(ms) // 2]:.0f} ms  p95 {ms[min(len(ms) - 1, int(0.95 * len(ms)))]:.0f} ms  "
          f"max {ms[-1]:.0f} ms  ({sum(ms) / asks:.0f} ms per ask); load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="baseline/ingest pairs per ingest row (median reported)")
    parser.add_argument("--only", default="ingest,formats,pdf,memory,extractors,audit")
    parser.add_argument("--db", help="an existing store for --only answer")
    parser.add_argument("--corpus", type=Path,
                        help="build the ingest corpus from the UTF-8 .txt files under this folder (your own documents)"
                             " instead of corpora/samples")
    args = parser.parse_args()
    sections = set(args.only.split(","))
    if not SAMPLES:
        sys.exit("no samples under corpora/samples")
    sources = None
    if args.corpus:
        sources = sorted(args.corpus.rglob("*.txt"))
        if not sources:
            sys.exit(f"{args.corpus}: no .txt files")
    if "ingest" in sections:
        section_ingest(args.docs, args.rounds, sources)
    if "formats" in sections:
        section_formats(args.docs)
    if "pdf" in sections:
        section_pdf()
    if "memory" in sections:
        section_memory(args.docs)
    if "extractors" in sections:
        section_extractors()
    if "audit" in sections:
        section_audit()
    if "linking" in sections:
        section_linking(args.docs)
    if "answer" in sections:
        section_answer(args.db)
    print(f"(benchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
