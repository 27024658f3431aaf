import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine.cli import main


def test_extract_json_has_offsets_into_text(cli_runner: CliRunner, sample_dir: Path) -> None:
    result = cli_runner.invoke(main, ["extract", str(sample_dir / "work_report_demo.txt"), "--json", "--with-text"],
                               catch_exceptions=False)
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["doc"] == "work_report_demo.txt"
    for key in ("doc_type", "meta", "figures", "statements", "rectification_claims"):
        assert key in out
    for item in out["figures"] + out["statements"]:
        assert out["text"][item["start"]:item["end"]] == item["text"]


def test_extract_bad_file_is_a_clear_error(cli_runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "empty.docx"
    bad.write_bytes(b"")
    result = cli_runner.invoke(main, ["extract", str(bad), "--json"])
    assert result.exit_code == 1
    assert "empty.docx" in result.output and "empty" in result.output


def test_ingest_then_query(cli_runner: CliRunner, tmp_path: Path, sample_dir: Path) -> None:
    db = str(tmp_path / "t.db")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = cli_runner.invoke(main, ["ingest", str(sample_dir), str(bad), "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert "added 2" in result.output and "broken.pdf" in result.output
    result = cli_runner.invoke(main, ["search", "闲置资金", "--db", db, "--json"], catch_exceptions=False)
    assert json.loads(result.output)["results"][0]["source"] == "reply_demo.txt"
    result = cli_runner.invoke(main, ["figures", "--unit", "CNY", "--format", "json", "--db", db],
                               catch_exceptions=False)
    assert any(r["text"] == "1.08亿元" and r["value"] == "108000000" for r in json.loads(result.output))
    result = cli_runner.invoke(main, ["show", "reply_demo.txt", "--db", db], catch_exceptions=False)
    assert "reply_demo.txt" in result.output
    result = cli_runner.invoke(main, ["show", "missing", "--db", db])
    assert result.exit_code == 1 and "missing" in result.output


def test_db_from_environment(cli_runner: CliRunner, tmp_path: Path, sample_dir: Path) -> None:
    db = tmp_path / "env.db"
    result = cli_runner.invoke(main, ["ingest", str(sample_dir / "reply_demo.txt"), "--quiet"],
                               env={"REPORTMINE_DB": str(db)}, catch_exceptions=False)
    assert result.exit_code == 0 and db.exists()


def test_extract_reports_stated_tallies_against_found_statements(cli_runner: CliRunner, sample_dir: Path) -> None:
    out = json.loads(cli_runner.invoke(main, ["extract", str(sample_dir / "work_report_demo.txt"), "--json"],
                                       catch_exceptions=False).output)
    tally = out["tallies"][0]
    assert tally["issues"] == 41 and tally["recommendations"] == 57
    assert tally["found"]["issues"] == sum(1 for s in out["statements"] if s["kind"] == "issue")


def test_extract_marks_a_missing_region_explicitly(cli_runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "plain.txt"
    doc.write_text("关于加强预算执行管理的报告\n一、基本情况\n本年度预算执行率偏低，结转资金较多。\n", encoding="utf-8")
    out = json.loads(cli_runner.invoke(main, ["extract", str(doc), "--json"], catch_exceptions=False).output)
    assert out["meta"]["region"] == "未注明"


def test_an_extractor_bug_costs_only_its_own_output(cli_runner: CliRunner, sample_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from reportmine.extractors import statements

    def broken(*_args: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(statements, "find_statements", broken)
    result = cli_runner.invoke(main, ["extract", str(sample_dir / "work_report_demo.txt"), "--json"],
                               catch_exceptions=False)
    out = json.loads(result.output)
    assert out["figures"] and out["statements"] == []
    assert any("statements failed" in w for w in out["warnings"])
