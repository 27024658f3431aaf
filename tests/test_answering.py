import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from reportmine import answering
from reportmine.cli import main
from reportmine.errors import InvalidRequest
from reportmine.ingest import ingest
from reportmine.pipeline import extract_file
from reportmine.store import Store

SAMPLES = Path(__file__).parent.parent / "corpora" / "samples"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("answer") / "a.db")
    report = ingest([SAMPLES / "proposal_reply", SAMPLES / "work_report", SAMPLES / "rectification_report"], store,
                    workers=2)
    assert not report.failures
    return store


def _proposal() -> Path:
    return sorted((SAMPLES / "proposal").glob("*.txt"))[0]


def test_every_ask_gets_ranked_evidence_with_reasons(corpus_store: Store) -> None:
    result = answering.answer_proposal(corpus_store, extract_file(_proposal())[0]).to_json()
    assert result["title"] and result["asks"] and result["suggested_class"] in "ABC"
    answered = [a for a in result["asks"] if a["evidence"]]
    assert len(answered) >= 0.8 * len(result["asks"])
    for ask in answered:
        scores = [e["score"] for e in ask["evidence"]]
        assert scores == sorted(scores, reverse=True)
        for e in ask["evidence"]:
            text = corpus_store.document_text(e["doc_id"])
            assert text[e["start"]:e["end"]].strip() == e["text"] and e["reason"]


def test_same_region_reply_ranks_first(corpus_store: Store) -> None:
    proposal = extract_file(_proposal())[0]
    result = answering.answer_proposal(corpus_store, proposal)
    top_regions = [a.evidence[0].region for a in result.asks if a.evidence]
    region = proposal.document.meta.region
    assert region and sum(1 for r in top_regions if r and (r in region or region in r)) >= 0.6 * len(top_regions)


def test_every_number_in_the_draft_is_a_cited_stored_figure(corpus_store: Store) -> None:
    for path in sorted((SAMPLES / "proposal").glob("*.txt"))[:4]:
        result = answering.answer_proposal(corpus_store, extract_file(path)[0])
        paragraphs, notes = answering.draft_paragraphs(result)
        quoted = [e for a in result.asks for e in a.evidence[:3] + a.measures[:2]]
        for paragraph in paragraphs:
            body = re.sub(r"\[\d+\]", "", paragraph)
            for e in quoted:
                body = body.replace(e.text, "")
            assert not re.search(r"\d", body), f"uncited number in: {paragraph}"
        for e in quoted:
            # Every money amount or percentage quoted must be a figure stored for that passage.
            stored = {f["text"] for f in e.figures}
            for m in re.finditer(r"\d+(?:\.\d+)?(?:万元|亿元|%)", e.text):
                assert any(m.group() in s or s in m.group() for s in stored), (m.group(), e.text)
        assert len(notes) == len(quoted)


def test_docx_draft_and_cli(corpus_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "reply.docx"
    result = CliRunner().invoke(main, ["answer", str(_proposal()), "--db", corpus_store.path, "--docx", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "代表" in text and "引用来源" in text and "[1]" in text


def test_pasted_text_and_bad_inputs(corpus_store: Store) -> None:
    pasted = answering.proposal_from_text("关于加强第三方评价机构管理的建议\n一是建立第三方机构执业质量考评制度。二是组建绩效评价专家库。")
    assert len(answering.answer_proposal(corpus_store, pasted).asks) >= 2
    with pytest.raises(InvalidRequest):
        answering.proposal_from_text("   ")
    with pytest.raises(InvalidRequest, match="ingest"):
        answering.answer_proposal(Store(":memory:"), pasted)
    with pytest.raises(InvalidRequest):
        answering.retrieve(corpus_store, "专家库", retriever="magic")
