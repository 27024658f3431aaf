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
