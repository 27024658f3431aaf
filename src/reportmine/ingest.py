"""Bulk ingest: files, folders and globs into the store, on all cores, past bad files.

Each file is read and extracted in a worker process (jieba and the regexes are CPU-bound), and
written by this process in one transaction per file. A file already stored (same content hash)
is skipped without being parsed again. A bad file is reported and the batch goes on.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .document import Extraction
from .errors import DocumentLoadError, ReportmineError
from .passages import Passage, passages
from .pipeline import ExtractOptions, extract_file
from .store import PreparedFile, Store, prepare

log = logging.getLogger(__name__)
_WINDOW = 8  # files in flight per worker (their rows are small)
_CHUNK = 4  # files per task at most
_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".docx", ".pdf"}


@dataclass(slots=True)
class FileResult:
    path: str
    status: str  # added, skipped (already stored), failed
    doc_ids: list[str] = field(default_factory=list)
    error: str | None = None
    figures: int = 0
    statements: int = 0
    chars: int = 0


@dataclass(slots=True)
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, files under folders (recursively, known suffixes), glob matches."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in _SUFFIXES and not found.name.startswith("."):
                    yield found
        elif path.exists():
            yield path
        else:
            matches = sorted(glob.glob(str(raw), recursive=True))
            if not matches:
                yield path  # reported as a failure: the user named something that is not there
            for m in matches:
                if Path(m).is_file():
                    yield Path(m)


def ingest(paths: Iterable[str | Path], store: Store, *, workers: int | None = None,
           options: ExtractOptions = ExtractOptions(),
           on_file: Callable[[FileResult], None] | None = None) -> IngestReport:
    """Ingest every file under ``paths``; never stops on a bad file.

    Args:
        paths: files, folders or glob patterns.
        store: where to write.
        workers: processes to extract in (default: all cores; 1 = in this process).
        on_file: called after each file, e.g. to advance a progress bar.
    """
    report = IngestReport()
    todo: list[Path] = []
    for path in expand_paths(paths):
        result = _precheck(path, store)
        if result is None:
            todo.append(path)
        else:
            _record(report, result, on_file)
    workers = workers or os.cpu_count() or 1
    for path, outcome in _run(todo, options, workers):
        _record(report, _store(path, outcome, store), on_file)
    return report


def _record(report: IngestReport, result: FileResult, on_file: Callable[[FileResult], None] | None) -> None:
    report.results.append(result)
    if on_file:
        on_file(result)


def _precheck(path: Path, store: Store) -> FileResult | None:
    """Skip files already stored; fail files that cannot be opened. None: process it."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        return FileResult(str(path), "failed", error=f"{path}: cannot open ({exc.strerror or exc})")
    if store.has_document(digest.hexdigest()):
        return FileResult(str(path), "skipped", doc_ids=[digest.hexdigest()])
    return None


Outcome = tuple[list[Extraction], dict[str, list[Passage]]] | str


def process_file(path: str, options: ExtractOptions) -> Outcome:
    """Read, extract and tokenise one file; an error message instead of raising (runs in a worker)."""
    try:
        extractions = extract_file(path, options)
        return extractions, {ex.document.id: passages(ex.document) for ex in extractions}
    except DocumentLoadError as exc:
        return exc.message
    except ReportmineError as exc:
        return f"{path}: {exc.message}"
    except Exception as exc:  # a bug on one file must not lose the batch; it is logged with its trace
        log.exception("internal error on %s", path)
        return f"{path}: internal error ({type(exc).__name__}: {exc})"


def prepare_file(path: str, options: ExtractOptions) -> PreparedFile | str:
    """:func:`process_file` made into the store's rows (runs in a worker): the writer receives
    plain tuples, which pickle several times faster than the extraction objects."""
    outcome = process_file(path, options)
    if isinstance(outcome, str):
        return outcome
    try:
        return prepare(*outcome)
    except Exception as exc:  # as in process_file: one file's bug must not lose the batch
        log.exception("internal error on %s", path)
        return f"{path}: internal error ({type(exc).__name__}: {exc})"


def prepare_files(paths: list[str], options: ExtractOptions) -> list[PreparedFile | str]:
    """:func:`prepare_file` for a few files in one task (runs in a worker)."""
    return [prepare_file(path, options) for path in paths]


def _init_worker() -> None:
    """Set up an ingest worker process.

    An extraction allocates tens of thousands of short-lived containers and builds no reference
    cycles (none in 300 documents), so the cyclic collector, triggered every 700 allocations,
    only ever scanned live objects: ~3% of a worker's CPU. It still runs, seldom; and what the
    worker inherited from the parent (jieba's dictionary, the models) is left out of its scans.
    """
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)


def _run(paths: list[Path], options: ExtractOptions, workers: int) -> Iterator[tuple[Path, PreparedFile | str]]:
    if workers <= 1 or len(paths) <= 1:
        for path in paths:
            yield path, prepare_file(str(path), options)
        return
    # Files go to the workers a few at a time: each task costs both sides pickling, pipe and
    # queue work (~0.5 ms of the writer's CPU per task), and a small file takes a few ms. A
    # small batch still spreads over every worker.
    size = max(1, min(_CHUNK, len(paths) // (workers * _WINDOW)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    # A bounded window keeps memory flat: at most _WINDOW results per worker wait to be written.
    # Results are written in order, so a window of 2 let one long file idle the other workers.
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        pending: deque[tuple[list[Path], Future[list[PreparedFile | str]]]] = deque()
        queue = iter(chunks)
        for chunk in queue:
            pending.append((chunk, pool.submit(prepare_files, [str(p) for p in chunk], options)))
            if len(pending) * size >= _WINDOW * workers:
                break
        while pending:
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result())
            nxt = next(queue, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(prepare_files, [str(p) for p in nxt], options)))


def _store(path: Path, outcome: PreparedFile | str, store: Store) -> FileResult:
    if isinstance(outcome, str):
        return FileResult(str(path), "failed", error=outcome)
    try:
        added = store.add_prepared(outcome)
    except ReportmineError as exc:
        return FileResult(str(path), "failed", error=exc.message)
    return FileResult(
        str(path), "added" if added else "skipped", doc_ids=[d.id for d in outcome.documents],
        figures=outcome.count("figures"), statements=outcome.count("statements"),
        chars=sum(d.chars for d in outcome.documents),
    )
