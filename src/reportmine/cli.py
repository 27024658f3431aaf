"""The ``reportmine`` command: a thin layer over the library. Only this module prints."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import ReportmineError

DEFAULT_DB = "reportmine.db"


def _db_option(f: Any) -> Any:
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False), default=lambda: os.environ.get("REPORTMINE_DB", DEFAULT_DB),
        show_default="./reportmine.db or $REPORTMINE_DB", help="SQLite database file.",
    )(f)


def _open_store(db_path: str) -> Any:
    from .store import Store

    return Store(db_path)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


class _Group(click.Group):
    """Turns library errors into one-line CLI errors at the boundary."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReportmineError as exc:
            raise click.ClickException(exc.message) from exc


@click.group(cls=_Group)
@click.version_option(package_name="reportmine")
def main() -> None:
    """reportmine: figures, statements and rectification tracking for Chinese public-finance documents."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[str, ...], db_path: str, workers: int | None, quiet: bool) -> None:
    """Ingest files, folders (recursively) and globs into the store.

    Files already stored (same content) are skipped; a bad file is listed at the end and the
    batch goes on. Exits non-zero only if a file failed.
    """
    from tqdm import tqdm

    from .ingest import ingest as run_ingest

    store = _open_store(db_path)
    with tqdm(unit="file", disable=quiet, file=sys.stderr, desc="ingest") as bar:
        report = run_ingest(paths, store, workers=workers, on_file=lambda _r: bar.update(1))
    click.echo(f"added {report.count('added')}, already stored {report.count('skipped')}, "
               f"failed {report.count('failed')} -> {db_path}")
    summary = store.summary()
    click.echo(f"store: {summary['documents']} documents, {summary['figures']} figures "
               f"({summary['inconsistent_checks']} inconsistent checks), {summary['statements']} statements")
    for failure in report.failures:
        click.echo(f"FAILED {failure.error}", err=True)
    if report.failures:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the ANNOTATION.md JSON (the default output).")
@click.option("--with-text", is_flag=True, help="Include the document text the offsets point into.")
def extract(file: str, as_json: bool, with_text: bool) -> None:
    """Extract one file and print ANNOTATION.md JSON with offsets (no database needed)."""
    from .pipeline import extract_file, extractions_to_json

    _echo_json(extractions_to_json(extract_file(file), with_text=with_text))


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("docs_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--only", type=click.Choice(["figures", "statements", "meta", "claims"]), help="Score one part only.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List missed and extra figures per document.")
@click.option("--register", "with_register", is_flag=True,
              help="Also score the recommendation register: DOCS_DIR/samples against DOCS_DIR/tracking/*.gold.json.")
@click.option("--audit", "with_audit", is_flag=True,
              help="Also score audit depth on the pairs in DOCS_DIR/audit/pairs.gold.json.")
@click.option("--answering", "with_answering", is_flag=True,
              help="Also score proposal answering (recall@5, MRR; BM25 and TF-IDF): DOCS_DIR/samples and "
                   "DOCS_DIR/answering/docs against DOCS_DIR/answering/judgments.gold.json.")
def eval_command(gold_dir: str, docs_dir: str, only: str | None, as_json: bool, verbose: bool,
                 with_register: bool, with_audit: bool, with_answering: bool) -> None:
    """Score extraction against gold files: per-document and overall P/R/F1 (the reference scorer's rules)."""
    from .evaluate import evaluate, format_report

    report = evaluate(gold_dir, docs_dir, only=only)
    extra: dict[str, Any] = {}
    if with_register:
        from .register_eval import evaluate_register

        extra["register"] = evaluate_register(docs_dir).as_dict()
    if with_audit:
        from .audit import evaluate_pairs

        extra["audit"] = evaluate_pairs(docs_dir)
    if with_answering:
        from .answer_eval import evaluate_answering

        extra["answering"] = evaluate_answering(Path(docs_dir))
    if as_json:
        _echo_json({**report.to_dict(), **extra})
        return
    click.echo(format_report(report, verbose=verbose))
    for name, scores in extra.items():
        if name == "answering":
            from .answer_eval import format_answering

            click.echo(format_answering(scores, verbose=verbose))
            continue
        click.echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in scores.items() if not isinstance(v, dict)))


@main.command()
@click.argument("doc")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(doc: str, db_path: str, as_json: bool) -> None:
    """Show a stored document (id, id prefix or source name) and what was found in it."""
    store = _open_store(db_path)
    row = store.document(doc)
    statements = store.statements(doc_id=row["id"], limit=1000).rows
    figures = store.figures(doc_id=row["id"], limit=1000).rows
    if as_json:
        _echo_json({"document": row, "figures": figures, "statements": statements,
                    "checks": store.checks(doc_id=row["id"], limit=1000).rows, "claims": store.claims(row["id"])})
        return
    click.echo(f"{row['source']}  [{row['doc_type']}]  {row['id'][:12]}")
    click.echo(f"title: {row['title']}")
    click.echo("meta: " + ", ".join(f"{k}={row[k]}" for k in ("region", "year", "issuer", "date", "proposal_no", "delegate") if row[k]))
    click.echo(f"{row['n_chars']} characters, {len(figures)} figures, {len(statements)} statements")
    for s in statements:
        click.echo(f"  [{s['kind']}/{s['category']}] {s['text']}  ({s['start']}-{s['end']})")


@main.command()
@click.argument("query")
@_db_option
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search(query: str, db_path: str, limit: int, as_json: bool) -> None:
    """Full-text search over stored passages (Chinese words, two-character ones included)."""
    page = _open_store(db_path).search(query, limit=limit)
    if as_json:
        _echo_json({"total": page.total, "results": page.rows})
        return
    click.echo(f"{page.total} passages")
    for r in page.rows:
        click.echo(f"{r['source']} [{r['start']}-{r['end']}] {r['text'].strip()}")


@main.command()
@_db_option
@click.option("--label", help="Substring of the figure's label, e.g. 核减.")
@click.option("--unit", type=click.Choice(["CNY", "count", "percent", "score", "duration", "other"]))
@click.option("--min", "min_value", type=float, help="Smallest value (money in yuan).")
@click.option("--max", "max_value", type=float, help="Largest value.")
@click.option("--region")
@click.option("--year", type=int)
@click.option("--inconsistent", is_flag=True, help="Only figures in an inconsistent arithmetic check.")
@click.option("--limit", default=1000, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def figures(db_path: str, label: str | None, unit: str | None, min_value: float | None, max_value: float | None,
            region: str | None, year: int | None, inconsistent: bool, limit: int, fmt: str) -> None:
    """Query stored figures."""
    page = _open_store(db_path).figures(label=label, unit=unit, min_value=min_value, max_value=max_value,
                                        region=region, year=year, inconsistent=inconsistent, limit=limit)
    columns = ["source", "region", "year", "text", "value", "value_max", "unit", "measure_word", "qualifier",
               "direction", "label", "period", "start", "end", "doc_id"]
    _emit(page.rows, columns, fmt)


@main.command()
@_db_option
@click.option("--kind", type=click.Choice(["issue", "recommendation", "measure", "rectification"]))
@click.option("--category", type=click.Choice(["budget", "policy", "management"]))
@click.option("--region")
@click.option("--year", type=int)
@click.option("--limit", default=1000, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def statements(db_path: str, kind: str | None, category: str | None, region: str | None, year: int | None,
               limit: int, fmt: str) -> None:
    """Query stored statements."""
    page = _open_store(db_path).statements(kind=kind, category=category, region=region, year=year, limit=limit)
    _emit(page.rows, ["source", "region", "year", "kind", "category", "confidence", "text", "section", "start",
                      "end", "doc_id"], fmt)


@main.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def summary(db_path: str, as_json: bool) -> None:
    """What the store holds."""
    s = _open_store(db_path).summary()
    if as_json:
        _echo_json(s)
        return
    for key, value in s.items():
        click.echo(f"{key}: {value}")


@main.group(invoke_without_command=True)
@_db_option
@click.option("--status", type=click.Choice(["rectified", "in_progress", "not_rectified", "no_record", "overdue"]))
@click.option("--region")
@click.option("--category", type=click.Choice(["budget", "policy", "management"]))
@click.option("--kind", type=click.Choice(["recommendation", "issue"]), default="recommendation", show_default=True)
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with each item's links.")
@click.pass_context
def track(ctx: click.Context, db_path: str, status: str | None, region: str | None, category: str | None,
          kind: str, year: int | None, as_json: bool) -> None:
    """The recommendation register: every recommendation and its recorded rectification."""
    ctx.obj = {"db_path": db_path}
    if ctx.invoked_subcommand is not None:
        return
    from . import tracking

    items = tracking.recommendations(_open_store(db_path), status=status, region=region, category=category,
                                     kind=kind, year=year)
    if as_json:
        _echo_json(items)
        return
    for it in items:
        flag = " OVERDUE" if it["overdue"] else ""
        click.echo(f"{it['id']}  [{it['status']}{flag}] [{it['category']}] {it['doc']}: {it['text']}")
        for lk in it["links"]:
            mark = "?" if lk["suggestion"] else "-"
            click.echo(f"    {mark} {lk['id']} {lk['doc']} ({lk['score']:.2f}, {lk['reason']}) {lk['text'][:60]}")
    click.echo(f"({len(items)} items)", err=True)


@track.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (csv: default stdout).")
@click.pass_obj
def track_export(obj: dict[str, str], fmt: str, output: str | None) -> None:
    """Export the register (one row per recommendation) as CSV or XLSX."""
    from . import tracking

    items = tracking.recommendations(_open_store(obj["db_path"]))
    columns = ["id", "doc", "year", "region", "unit", "project", "category", "text", "status", "claimed_status",
               "evidenced_status", "overdue", "deadline", "start", "end"]
    rows = [{**{c: it[c] for c in columns}, "source_status_words": " ".join(it["source_status_words"]),
             "evidence": " | ".join(f"{lk['doc']}[{lk['start']}-{lk['end']}]" for lk in it["links"])} for it in items]
    columns += ["source_status_words", "evidence"]
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("--output FILE is needed for xlsx")
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(columns)
        for r in rows:
            ws.append([r[c] for c in columns])
        wb.save(output)
        click.echo(f"wrote {len(rows)} rows to {output}")
        return
    with open(output, "w", newline="", encoding="utf-8-sig") if output else _stdout() as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@track.command("confirm")
@click.argument("link_id")
@click.option("--note")
@click.pass_obj
def track_confirm(obj: dict[str, str], link_id: str, note: str | None) -> None:
    """Confirm a link between a recommendation and its evidence."""
    from . import tracking

    tracking.confirm_link(_open_store(obj["db_path"]), link_id, note)
    click.echo(f"confirmed {link_id}")


@track.command("reject")
@click.argument("link_id")
@click.option("--note")
@click.pass_obj
def track_reject(obj: dict[str, str], link_id: str, note: str | None) -> None:
    """Reject a link: it no longer counts towards the recommendation's status."""
    from . import tracking

    tracking.reject_link(_open_store(obj["db_path"]), link_id, note)
    click.echo(f"rejected {link_id}")


@track.command("set")
@click.argument("rec_id")
@click.option("--status", required=True, type=click.Choice(["rectified", "in_progress", "not_rectified", "no_record"]))
@click.option("--note")
@click.pass_obj
def track_set(obj: dict[str, str], rec_id: str, status: str, note: str | None) -> None:
    """Set a recommendation's status by hand (kept across re-ingest and relinking)."""
    from . import tracking

    tracking.set_status(_open_store(obj["db_path"]), rec_id, status, note)
    click.echo(f"{rec_id}: {status}")


@track.command("rates")
@click.option("--by", type=click.Choice(["doc", "unit", "region", "year", "category"]), default="region",
              show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def track_rates(obj: dict[str, str], by: str, as_json: bool) -> None:
    """Rectification rates per document, unit, region, year or category."""
    from . import tracking

    rows = tracking.rates(_open_store(obj["db_path"]), by)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r[by]}\t{r['total']}\trectified {r['rectified']}\tin progress {r['in_progress']}"
                   f"\tnot {r['not_rectified']}\tno record {r['no_record']}\trate {r['rectified_rate']}")


@track.command("open")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def track_open(obj: dict[str, str], as_json: bool) -> None:
    """Recommendations not yet rectified, oldest first (the list to chase)."""
    from . import tracking

    items = tracking.open_items(_open_store(obj["db_path"]))
    if as_json:
        _echo_json(items)
        return
    for it in items:
        flag = " OVERDUE" if it["overdue"] else ""
        click.echo(f"{it['year'] or '----'}  [{it['status']}{flag}] {it['doc']}: {it['text']}")


@track.command("relink")
@click.pass_obj
def track_relink(obj: dict[str, str]) -> None:
    """Rebuild the register and its links now (people's decisions are kept)."""
    from . import tracking

    s = tracking.relink(_open_store(obj["db_path"]))
    click.echo(f"{s.items} items, {s.links} links ({s.suggestions} suggestions); {s.by_status}")


@main.command("audit")
@click.argument("paths", nargs=-1)
@_db_option
@click.option("--all", "audit_all", is_flag=True, help="Audit every stored self-evaluation and evaluation report.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with sub-scores and their spans.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per report.")
def audit_command(paths: tuple[str, ...], db_path: str, audit_all: bool, as_json: bool, as_csv: bool) -> None:
    """Score how deep self-evaluation reports are (0-100), with sub-scores and flags.

    PATHS are ingested first (idempotently), so results are stored for the API.
    """
    from . import audit
    from .ingest import ingest as run_ingest

    if not paths and not audit_all:
        raise click.UsageError("give report files or folders, or --all")
    store = _open_store(db_path)
    doc_ids: list[str] | None = None
    if paths:
        report = run_ingest(paths, store, workers=1)
        for failure in report.failures:
            click.echo(f"FAILED {failure.error}", err=True)
        doc_ids = [d for r in report.results if r.status != "failed" for d in r.doc_ids]
    results = audit.audit_stored(store, doc_ids)
    if as_json:
        _echo_json([r.to_json(store.document_text(r.doc_id)) for r in results])
    elif as_csv:
        names = list(audit.WEIGHTS) + ["grade_consistency"]
        writer = csv.writer(sys.stdout)
        writer.writerow(["doc", "doc_id", "unit", "year", "score", *names, "flags"])
        for r in results:
            writer.writerow([r.source, r.doc_id, r.unit, r.year, r.score, *(r.subscores[n].score for n in names),
                             " | ".join(r.flags)])
    else:
        for row in audit.rank(results):
            click.echo(f"{row['score']:5.1f}  {'OUTLIER ' if row['outlier'] else ''}{row['doc']}")
        for r in results:
            for flag in r.flags:
                click.echo(f"  {r.source}: {flag}")


@main.command("answer")
@click.argument("proposal")
@_db_option
@click.option("--region", help="Prefer evidence from this region (default: the proposal's own).")
@click.option("--json", "as_json", is_flag=True, help="Print the draft answer as JSON, evidence best first.")
@click.option("--docx", "docx_out", type=click.Path(dir_okay=False), help="Write an editable .docx draft reply.")
@click.option("--retriever", type=click.Choice(["bm25", "tfidf"]), default="bm25", show_default=True)
def answer_command(proposal: str, db_path: str, region: str | None, as_json: bool, docx_out: str | None,
                   retriever: str) -> None:
    """Draft an answer to a delegate's proposal (a file, '-' for stdin, or the text itself)."""
    from . import answering
    from .pipeline import extract_file

    if proposal == "-":
        extraction = answering.proposal_from_text(sys.stdin.read())
    elif Path(proposal).exists():
        extraction = extract_file(proposal)[0]
    else:
        extraction = answering.proposal_from_text(proposal)
    result = answering.answer_proposal(_open_store(db_path), extraction, region=region, retriever=retriever)
    if docx_out:
        answering.write_docx(result, docx_out)
        click.echo(f"wrote {docx_out}", err=True)
    if as_json:
        _echo_json(result.to_json())
    elif not docx_out:
        paragraphs, notes = answering.draft_paragraphs(result)
        click.echo("\n".join(paragraphs))
        click.echo("\n" + "\n".join(f"[{i}] {n}" for i, n in enumerate(notes, start=1)))


@main.command()
@click.option("--corpora", type=click.Path(file_okay=False, exists=True), default=None,
              help="Labelled data (default: the repository's corpora/).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Where to write the models (default: models/).")
@click.option("--no-cv", is_flag=True, help="Skip cross-validation (faster; the cards then carry no scores).")
def train(corpora: str | None, out: str | None, no_cv: bool) -> None:
    """Rebuild the statement kind and category models from corpora/ (deterministic; no pickle)."""
    from .training import train as run_training

    cards = run_training(Path(corpora) if corpora else None, Path(out) if out else None, with_cv=not no_cv)
    for name, card in cards.items():
        cv = card["cross_validation"]
        score = f", cross-validated macro-F1 {cv['macro_f1']:.3f}" if cv else ""
        click.echo(f"{name}: {card['data']['examples']} examples{score}")


def _stdout() -> Any:
    import contextlib

    return contextlib.nullcontext(sys.stdout)


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="REPORTMINE_TOKEN", default=None, show_default="$REPORTMINE_TOKEN",
              help="Bearer token required on write requests (uploads); prefer the variable, argv is visible to ps.")
def serve(db_path: str, host: str, port: int, token: str | None) -> None:
    """Serve the web UI and the HTTP API (OpenAPI docs at /docs) with uvicorn."""
    import uvicorn

    from api import create_app

    if not token and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: {host} is reachable from other machines and no --token is set: anyone there can upload",
                   err=True)
    uvicorn.run(create_app(db_path, token=token), host=host, port=port, log_level="info")


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    if fmt == "json":
        _echo_json(rows)
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for r in rows:
            click.echo("\t".join("" if r.get(c) is None else str(r.get(c)) for c in columns[:-1]))
        click.echo(f"({len(rows)} rows)", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
