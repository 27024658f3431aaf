from pathlib import Path

from reportmine.ingest import expand_paths, ingest
from reportmine.store import Store


def _corpus(tmp_path: Path, sample_dir: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for p in sample_dir.glob("*.txt"):
        (folder / "sub" / p.name).write_bytes(p.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "fake.pdf").write_text("not a pdf at all", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("关于加强专项资金管理的建议：建议压减低效资金。".encode("gbk"))
    return folder


def test_batch_goes_on_past_bad_files(tmp_path: Path, sample_dir: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    report = ingest([_corpus(tmp_path, sample_dir)], store, workers=2)
    failed = {Path(r.path).name: r.error for r in report.failures}
    assert set(failed) == {"empty.txt", "binary.txt", "fake.pdf"}
    assert all(name in error for name, error in failed.items())
    assert report.count("added") == 3
    assert store.summary()["documents"] == 3


def test_reingest_skips_by_content_hash(tmp_path: Path, sample_dir: Path) -> None:
    store = Store(":memory:")
    first = ingest([sample_dir], store, workers=1)
    copy = tmp_path / "renamed.txt"
    copy.write_bytes((sample_dir / "reply_demo.txt").read_bytes())
    second = ingest([sample_dir, copy], store, workers=1)
    assert first.count("added") == 2
    assert second.count("skipped") == 3 and second.count("added") == 0


def test_missing_path_and_glob(tmp_path: Path, sample_dir: Path) -> None:
    paths = list(expand_paths([str(sample_dir / "*.txt"), str(tmp_path / "nothing.txt")]))
    assert len(paths) == 3
    report = ingest([tmp_path / "nothing.txt"], Store(":memory:"), workers=1)
    assert report.failures and "nothing.txt" in report.failures[0].error


def test_files_sent_in_chunks_come_back_in_order(tmp_path: Path, sample_dir: Path) -> None:
    """A batch large enough to go to the workers a few files per task is reported, and stored,
    file for file as one process does it."""
    folder = tmp_path / "many"
    folder.mkdir()
    samples = sorted(sample_dir.glob("*.txt"))
    for i in range(40):
        text = samples[i % len(samples)].read_text(encoding="utf-8")
        (folder / f"d{i:03d}.txt").write_text(f"{text}\n（编号{i}）\n", encoding="utf-8")
    (folder / "d017.txt").write_bytes(b"")  # a failure inside a chunk stays with its file
    one = ingest([folder], Store(":memory:"), workers=1)
    many = ingest([folder], Store(tmp_path / "db.sqlite"), workers=2)
    assert [(r.path, r.status, r.doc_ids, r.statements) for r in many.results] == \
        [(r.path, r.status, r.doc_ids, r.statements) for r in one.results]
    assert many.count("added") == 39 and [Path(r.path).name for r in many.failures] == ["d017.txt"]
