"""The register links recommendations to evidence; tested on hand-built extractions so that the
linking logic is checked independently of the statement extractor's accuracy."""

from datetime import date
from pathlib import Path

import pytest

from reportmine import tracking
from reportmine.document import Document, Extraction, Meta, RectificationClaim, Span, Statement
from reportmine.errors import InvalidRequest, NotFound
from reportmine.store import Store


def _doc(doc_id: str, source: str, text: str, doc_type: str, title: str, year: int,
         region: str = "临江市", proposal_no: str | None = None) -> Document:
    return Document(id=doc_id, source=source, format="txt", text=text, title=title, doc_type=doc_type,
                    meta=Meta(region=region, year=year, proposal_no=proposal_no))


def _st(text: str, full: str, kind: str, category: str = "management", section: str = "") -> Statement:
    start = full.index(text)
    return Statement(Span(start, start + len(text)), text, kind, category, 0.9, section)


EVAL = (
    "临江市城区道路养护项目绩效评价报告\n四、有关建议\n"
    "一是科学测算养护资金需求，细化预算编制。二是建立养护质量考核制度。三是加强第三方巡查队伍培训。\n"
    "请于2024年6月30日前完成整改并报送整改情况。"
)
RECT = (
    "关于《临江市城区道路养护项目绩效评价报告》问题整改情况的报告\n"
    "一、关于养护资金预算测算不准的问题\n整改措施：按照养护里程和单价科学测算资金需求，重新细化预算编制。整改结果：已完成整改。\n"
    "二、关于养护质量考核制度缺失的问题\n整改措施：起草养护质量考核制度，正在征求意见。整改结果：正在整改。\n"
)


@pytest.fixture
def linked_store() -> Store:
    store = Store(":memory:")
    ev = _doc("e" * 64, "eval.txt", EVAL, "evaluation_report", "临江市城区道路养护项目绩效评价报告", 2023)
    recs = [
        _st("科学测算养护资金需求，细化预算编制", EVAL, "recommendation", "budget"),
        _st("建立养护质量考核制度", EVAL, "recommendation", "policy"),
        _st("加强第三方巡查队伍培训", EVAL, "recommendation", "management"),
    ]
    rc = _doc("r" * 64, "rect.txt", RECT, "rectification_report", "城区道路养护项目问题整改情况的报告", 2024)
    evidence = [
        _st("按照养护里程和单价科学测算资金需求，重新细化预算编制", RECT, "rectification", "budget",
            "一、关于养护资金预算测算不准的问题"),
        _st("起草养护质量考核制度，正在征求意见", RECT, "measure", "policy", "二、关于养护质量考核制度缺失的问题"),
    ]
    store.add([Extraction(ev, statements=recs)])
    store.add([Extraction(rc, statements=evidence)])
    return store


def test_rectification_report_answers_evaluation_items(linked_store: Store) -> None:
    tracking.relink(linked_store, today=date(2024, 9, 1))
    items = {i["text"]: i for i in tracking.recommendations(linked_store)}
    budget = items["科学测算养护资金需求，细化预算编制"]
    assert budget["status"] == "rectified"
    assert budget["links"][0]["doc"] == "rect.txt" and "cites" in budget["links"][0]["reason"]
    assert "已完成整改" in budget["source_status_words"]
    policy = items["建立养护质量考核制度"]
    assert policy["status"] == "in_progress" and policy["overdue"]
    dropped = items["加强第三方巡查队伍培训"]
    assert dropped["status"] == "no_record" and dropped["deadline"] == "2024-06-30" and dropped["overdue"]


def test_decisions_survive_relinking_and_reingest(linked_store: Store) -> None:
    items = {i["text"]: i for i in tracking.recommendations(linked_store)}
    link_id = items["科学测算养护资金需求，细化预算编制"]["links"][0]["id"]
    tracking.reject_link(linked_store, link_id, "evidence is about another road")
    tracking.set_status(linked_store, items["加强第三方巡查队伍培训"]["id"], "in_progress", "phoned the unit")
    tracking.relink(linked_store)
    after = {i["text"]: i for i in tracking.recommendations(linked_store)}
    assert after["科学测算养护资金需求，细化预算编制"]["status"] == "no_record"
    assert after["科学测算养护资金需求，细化预算编制"]["links"][0]["decided"] == "reject"
    assert after["加强第三方巡查队伍培训"]["status"] == "in_progress"
    assert after["加强第三方巡查队伍培训"]["note"] == "phoned the unit"
    ids_before = {i["id"] for i in after.values()}
    tracking.relink(linked_store)
    assert {i["id"] for i in tracking.recommendations(linked_store)} == ids_before


def test_batch_claim_is_a_claim_not_evidence() -> None:
    store = Store(":memory:")
    text = "共提出意见建议12条，已全部落实整改。建议压减低效资金。"
    doc = _doc("c" * 64, "wr.txt", text, "work_report", "工作报告", 2023)
    claim_text = "共提出意见建议12条，已全部落实整改"
    claim = RectificationClaim(Span(0, len(claim_text)), claim_text, 12, "rectified")
    store.add([Extraction(doc, statements=[_st("压减低效资金", text, "recommendation", "budget")], claims=[claim])])
    item = tracking.recommendations(store)[0]
    assert item["claimed_status"] == "rectified" and item["evidenced_status"] is None
    assert item["status"] == "rectified" and item["links"][0]["evidence"] == "claim"


def test_reply_class_gives_status_for_proposal_points() -> None:
    store = Store(":memory:")
    prop = "关于加强教育专项资金绩效管理的建议\n一是建立教育专项资金绩效目标审核制度。"
    reply = ("关于第0152号建议的答复\n您提出的《关于加强教育专项资金绩效管理的建议》收悉。\n"
             "我局已制定教育专项资金绩效目标审核制度，明确审核流程。\n办理结果：B类")
    p = _doc("p" * 64, "prop.txt", prop, "proposal", "关于加强教育专项资金绩效管理的建议", 2023, proposal_no="第0152号")
    r = _doc("q" * 64, "reply.txt", reply, "proposal_reply", "关于第0152号建议的答复", 2023, proposal_no="第0152号")
    store.add([Extraction(p, statements=[_st("建立教育专项资金绩效目标审核制度", prop, "recommendation", "policy")])])
    store.add([Extraction(r, statements=[_st("制定教育专项资金绩效目标审核制度，明确审核流程", reply, "measure", "policy")])])
    item = tracking.recommendations(store)[0]
    assert item["status"] == "in_progress" and item["source_status_words"] == ["B类"]


def test_bad_requests() -> None:
    store = Store(":memory:")
    with pytest.raises(InvalidRequest):
        tracking.recommendations(store, status="done")
    with pytest.raises(NotFound):
        tracking.confirm_link(store, "nope")
    with pytest.raises(InvalidRequest):
        tracking.rates(store, "colour")


def test_rates_and_export(linked_store: Store, tmp_path: Path) -> None:
    rows = tracking.rates(linked_store, "category")
    assert {r["category"] for r in rows} == {"budget", "policy", "management"}
    assert sum(r["total"] for r in rows) == 3
