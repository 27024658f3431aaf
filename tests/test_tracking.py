"""The register links recommendations to evidence; tested on hand-built extractions so that the
linking logic is checked independently of the statement extractor's accuracy."""

from datetime import date
from pathlib import Path

import pytest

from reportmine import tracking
from reportmine.document import (
    Document,
    Extraction,
    Meta,
    RectificationClaim,
    Span,
    Statement,
)
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


def test_reply_class_gives_status_unless_the_point_says_more() -> None:
    store = Store(":memory:")
    prop = "关于加强教育专项资金绩效管理的建议\n一是建立教育专项资金绩效目标审核制度。二是公开教育专项资金绩效自评结果。"
    reply = ("关于第0152号建议的答复\n您提出的《关于加强教育专项资金绩效管理的建议》收悉。\n"
             "一、关于绩效目标审核\n我局会同教育部门研究教育专项资金绩效目标审核制度，明确审核流程和时限。\n"
             "二、关于自评结果公开\n教育专项资金绩效自评结果已于2023年9月在局网站全部公开。\n办理结果：B类")
    p = _doc("p" * 64, "prop.txt", prop, "proposal", "关于加强教育专项资金绩效管理的建议", 2023, proposal_no="第0152号")
    r = _doc("q" * 64, "reply.txt", reply, "proposal_reply", "关于第0152号建议的答复", 2023, proposal_no="第0152号")
    store.add([Extraction(p, statements=[_st("建立教育专项资金绩效目标审核制度", prop, "recommendation", "policy"),
                                         _st("公开教育专项资金绩效自评结果", prop, "recommendation", "management")])])
    store.add([Extraction(r, statements=[])])
    items = {i["text"]: i for i in tracking.recommendations(store)}
    review = items["建立教育专项资金绩效目标审核制度"]
    assert review["status"] == "in_progress" and review["source_status_words"] == ["B类"]
    assert "研究教育专项资金绩效目标审核制度" in review["links"][0]["text"]
    published = items["公开教育专项资金绩效自评结果"]
    assert published["status"] == "rectified" and "B类" not in published["source_status_words"]


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


# ---- answering sections, statuses, deadlines ------------------------------------------------

EVAL2 = (
    "澄江县2023年度乡村道路养护项目绩效评价报告\n五、存在的问题\n"
    "（一）养护资金测算粗放。（二）巡查记录缺失。（三）公示不规范。\n六、有关建议\n"
    "（一）细化养护资金测算\n建议按路段等级和里程单价测算养护资金。\n"
    "（二）完善巡查台账\n建议建立电子巡查台账，按周记录路况。\n"
    "（三）规范养护信息公示\n建议在村务公开栏按季度公示养护路段和资金。\n"
    "本次评价提出建议3条，请县交通运输局于2024年8月31日前完成整改，并将整改情况报送县财政局。"
)
RECT2 = (
    "澄江县交通运输局关于《澄江县2023年度乡村道路养护项目绩效评价报告》整改情况的报告\n"
    "县财政局：\n评价报告提出的3条建议中，已完成整改1条，正在整改1条。现将整改情况报告如下：\n"
    "一、关于养护资金测算粗放的问题\n"
    "整改措施：按照路段等级和每公里单价重新测算2024年养护资金，经县财政局评审后纳入预算。\n"
    "整改结果：已完成整改。\n"
    "二、关于巡查记录缺失的问题\n"
    "整改措施：开发电子巡查台账小程序，目前在两个乡镇试用，按周记录路况。\n"
    "整改结果：正在整改，预计2024年12月底前全县推开。\n"
)


def _structured(doc: Document) -> Document:
    from reportmine.extractors.structure import find_sections
    from reportmine.normalize import normalize

    doc.sections = find_sections(doc.text, normalize(doc.text))
    return doc


@pytest.fixture
def answered_store() -> Store:
    store = Store(":memory:")
    ev = _structured(_doc("a" * 64, "eval2.txt", EVAL2, "evaluation_report", "澄江县2023年度乡村道路养护项目绩效评价报告",
                          2023, "澄江县"))
    recs = [_st(t, EVAL2, "recommendation", c, s) for t, c, s in (
        ("细化养护资金测算", "budget", "有关建议 > 细化养护资金测算"),
        ("建议按路段等级和里程单价测算养护资金", "budget", "有关建议 > 细化养护资金测算"),
        ("完善巡查台账", "management", "有关建议 > 完善巡查台账"),
        ("建议建立电子巡查台账，按周记录路况", "management", "有关建议 > 完善巡查台账"),
        ("规范养护信息公示", "management", "有关建议 > 规范养护信息公示"),
        ("建议在村务公开栏按季度公示养护路段和资金", "management", "有关建议 > 规范养护信息公示"),
        ("请县交通运输局于2024年8月31日前完成整改，并将整改情况报送县财政局", "management", "有关建议"),
    )]
    rect = _structured(_doc("b" * 64, "rect2.txt", RECT2, "rectification_report", "澄江县交通运输局整改情况的报告",
                            2023, "澄江县"))
    store.add([Extraction(ev, statements=recs)])
    store.add([Extraction(rect, statements=[])])
    tracking.relink(store, today=date(2024, 10, 1))
    return store


def test_status_comes_from_the_answering_section_not_its_neighbour(answered_store: Store) -> None:
    items = {i["text"]: i for i in tracking.recommendations(answered_store)}
    budget = items["建议按路段等级和里程单价测算养护资金"]
    assert budget["status"] == "rectified" and "按照路段等级和每公里单价" in budget["links"][0]["text"]
    patrol = items["建议建立电子巡查台账，按周记录路况"]
    assert patrol["status"] == "in_progress" and "电子巡查台账" in patrol["links"][0]["text"]
    # A headline is answered by its section even without shared wording in one sentence.
    assert items["完善巡查台账"]["status"] == "in_progress"
    assert items["细化养护资金测算"]["status"] == "rectified"


def test_dropped_recommendation_gets_no_confident_link(answered_store: Store) -> None:
    items = {i["text"]: i for i in tracking.recommendations(answered_store)}
    for text in ("规范养护信息公示", "建议在村务公开栏按季度公示养护路段和资金"):
        item = items[text]
        assert item["status"] == "no_record"
        assert all(lk["suggestion"] for lk in item["links"] if lk["evidence"] == "item")


def test_deadline_sentence_takes_the_reports_batch_line(answered_store: Store) -> None:
    items = {i["text"]: i for i in tracking.recommendations(answered_store)}
    deadline = items["请县交通运输局于2024年8月31日前完成整改，并将整改情况报送县财政局"]
    assert deadline["status"] == "in_progress"
    assert "已完成整改1条" in deadline["links"][0]["text"]
    assert deadline["deadline"] == "2024-08-31" and deadline["overdue"]


def test_link_ids_survive_relinking(answered_store: Store) -> None:
    before = {lk["id"] for i in tracking.recommendations(answered_store) for lk in i["links"]}
    tracking.relink(answered_store)
    after = {lk["id"] for i in tracking.recommendations(answered_store) for lk in i["links"]}
    assert before and before == after


# ---- follow-up reports -------------------------------------------------------------------------

_LATER_TITLE = "青禾县财政局2023年度预算绩效管理工作报告"


def _proposal_followed_up(title: str, prop: str, points: list[tuple[str, str]], later: str,
                          between: list[tuple[Document, list[Statement]]] = ()) -> Store:
    """A store holding delegate proposal No. 0415 of 青禾县 (its points as (text, category)
    recommendations), any documents ``between``, and a later work report that names the proposal."""
    store = Store(":memory:")
    p = _doc("c" * 64, "prop.txt", prop, "proposal", title, 2023, "青禾县", proposal_no="0415")
    store.add([Extraction(p, statements=[_st(t, prop, "recommendation", cat) for t, cat in points])])
    for doc, found in between:
        store.add([Extraction(_structured(doc), statements=found)])
    w = _doc("d" * 64, "wr.txt", later, "work_report", _LATER_TITLE, 2023, "青禾县", proposal_no="第0415号")
    store.add([Extraction(_structured(w), statements=[])])
    return store


def test_later_work_report_follows_up_a_proposal_by_number() -> None:
    prop = "关于加快涉农补贴发放的建议\n一是推行补贴资金一卡通直达农户。二是建立补贴发放月通报制度。"
    later = (f"{_LATER_TITLE}\n一、工作成效\n"
             "（一）涉农补贴发放提速。针对第0415号建议，补贴资金已全部通过一卡通直达农户。"
             "第0415号建议提出的2条建议已全部落实。\n")
    store = _proposal_followed_up("关于加快涉农补贴发放的建议", prop, [("推行补贴资金一卡通直达农户", "budget"),
                                  ("建立补贴发放月通报制度", "management")], later)
    items = {i["text"]: i for i in tracking.recommendations(store)}
    card = items["推行补贴资金一卡通直达农户"]
    assert card["status"] == "rectified" and "一卡通直达农户" in card["links"][0]["text"]
    monthly = items["建立补贴发放月通报制度"]  # no sentence of its own: the proposal's batch line
    assert monthly["status"] == "rectified" and "2条建议已全部落实" in monthly["links"][0]["text"]


def test_restated_plans_link_only_when_the_later_report_refers_to_them() -> None:
    store = Store(":memory:")
    plan = "临江市财政局2022年度绩效管理工作报告\n三、2023年工作打算\n（一）将事前绩效评估范围扩大到新增300万元以上项目。（二）组建市级绩效评价专家库。"
    later = ("临江市财政局2023年度绩效管理工作报告\n一、工作成效\n"
             "（一）按照上年确定的工作打算，事前绩效评估范围扩大到新增300万元以上项目，评估项目41个。\n"
             "（二）全年举办业务培训5期。\n")
    other = "远山县财政局2023年度绩效管理工作报告\n一、工作成效\n（一）事前绩效评估范围扩大到新增300万元以上项目。\n"
    a = _doc("e" * 64, "wr22.txt", plan, "work_report", "临江市财政局2022年度绩效管理工作报告", 2022)
    b = _doc("f" * 64, "wr23.txt", later, "work_report", "临江市财政局2023年度绩效管理工作报告", 2023)
    c = _doc("0" * 64, "other.txt", other, "work_report", "远山县财政局2023年度绩效管理工作报告", 2023, "远山县")
    store.add([Extraction(_structured(a), statements=[
        _st("将事前绩效评估范围扩大到新增300万元以上项目", plan, "measure", "management"),
        _st("组建市级绩效评价专家库", plan, "measure", "management")])])
    store.add([Extraction(_structured(b), statements=[])])
    store.add([Extraction(_structured(c), statements=[])])
    items = {i["text"]: i for i in tracking.recommendations(store, kind="measure")}
    scope = items["将事前绩效评估范围扩大到新增300万元以上项目"]
    assert scope["status"] == "rectified" and {lk["doc"] for lk in scope["links"]} == {"wr23.txt"}
    assert items["组建市级绩效评价专家库"]["status"] == "no_record"


# ---- building blocks -----------------------------------------------------------------------

def test_pairs_come_from_citations_numbers_and_region_not_from_all_pairs() -> None:
    from reportmine.tracking_pairs import document_pairs

    docs, heads = {}, {}
    for k in range(60):  # 60 regions, each with an evaluation, its rectification, a proposal and its reply
        region, year = f"第{k}区", 2020 + k % 4
        rows = [("ev", "evaluation_report", f"{region}{year}年度项目绩效评价报告", None, ""),
                ("rc", "rectification_report", f"{region}整改报告", None, f"根据《{region}{year}年度项目绩效评价报告》"),
                ("pr", "proposal", f"关于{region}的建议", f"DH{k:03d}", ""),
                ("rp", "proposal_reply", f"关于第DH{k:03d}号建议的答复", f"DH{k:03d}", "")]
        for tag, doc_type, title, number, head in rows:
            d = {"id": f"{tag}{k}", "doc_type": doc_type, "title": title, "proposal_no": number, "region": region,
                 "year": year, "date": None, "issuer": None}
            docs[d["id"]], heads[d["id"]] = d, head
    pairs = document_pairs(docs, heads, {d for d in docs if d.startswith(("ev", "pr"))})
    assert {(p.item_doc, p.ev_doc) for p in pairs} == {(f"ev{k}", f"rc{k}") for k in range(60)} | \
        {(f"pr{k}", f"rp{k}") for k in range(60)}


def test_region_number_and_order_helpers() -> None:
    from reportmine.tracking_pairs import later, norm_number, region_key

    assert region_key("重庆市青岚区") == "青岚区" and region_key("西藏自治区昌都市边坝县") == "边坝县"
    assert norm_number("第0087号") == norm_number("87") == "87" and norm_number("dh042") == "DH42"
    reply = {"date": "2023-07-18", "year": 2023, "doc_type": "proposal_reply"}
    report = {"date": None, "year": 2023, "doc_type": "work_report"}
    assert later(report, reply) and not later(reply, report)


def test_status_mentions_keep_the_most_cautious_reading() -> None:
    from reportmine.tracking_status import mentions, reply_class, status_of

    assert status_of("该项已列入2025年工作计划")[0] == "in_progress"
    assert status_of("受财力限制暂未调整")[0] == "not_rectified"
    assert status_of("此项已完成整改")[0] == "rectified"
    assert status_of("计划财务股负责跟踪")[0] is None  # a unit's name, not a plan
    assert [m.status for m in mentions("运维考核办法已完成；统筹管理办法正在整改")] == ["rectified", "in_progress"]
    assert reply_class("本建议办理结果为C类（留作参考）") == "C"


def test_documents_without_a_heading_ladder_still_have_answer_blocks() -> None:
    from reportmine.tracking_text import build_view

    text = ("整改报告\n\n问题一:补贴面积核实不准\n\n整改措施:逐地块比对遥感影像。\n\n整改结果:已完成整改。\n\n"
            "问题二:资金滞留\n\n整改措施:逐户核对账户。\n\n整改结果:正在整改。\n")
    dv = build_view({"doc_type": "rectification_report"}, text, [], answering=True)
    answers = [b for b in dv.blocks if b.kind == "answer"]
    assert [b.heading for b in answers] == ["问题一:补贴面积核实不准", "问题二:资金滞留"]
    assert all(u.block in (1, 2) for u in dv.units if "整改" in u.text or "核对" in u.text)


def test_follow_up_done_in_one_sentence_and_open_in_another_is_in_progress() -> None:
    prop = "关于压缩补贴发放周期的建议\n一是确保补贴资金到位后3个月内发放到户。"
    later = (f"{_LATER_TITLE}\n一、工作成效\n"
             "（一）补贴发放提速。针对第0415号建议，全年补贴资金发放周期由8个月缩短到4.5个月。"
             "补贴资金发放周期与代表提出的3个月目标仍有差距。\n")
    store = _proposal_followed_up("关于压缩补贴发放周期的建议", prop, [("确保补贴资金到位后3个月内发放到户", "budget")], later)
    item = tracking.recommendations(store)[0]
    assert item["status"] == "in_progress"
    assert len([lk for lk in item["links"] if not lk["suggestion"]]) == 2


def test_a_decision_updates_its_item_without_relinking_and_agrees_with_a_relink(
        linked_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    items = {i["text"]: i for i in tracking.recommendations(linked_store)}
    budget = items["科学测算养护资金需求，细化预算编制"]
    calls: list[object] = []
    real = tracking.relink
    monkeypatch.setattr(tracking, "relink", lambda *a, **k: calls.append(a) or real(*a, **k))
    tracking.reject_link(linked_store, budget["links"][0]["id"])
    tracking.set_status(linked_store, items["建立养护质量考核制度"]["id"], "not_rectified", "verified")
    assert calls == []
    incremental = tracking.recommendations(linked_store)
    real(linked_store)
    assert tracking.recommendations(linked_store) == incremental


def test_open_items_oldest_first_without_rectified(linked_store: Store) -> None:
    items = tracking.open_items(linked_store)
    assert items and all(i["status"] != "rectified" for i in items)
    years = [i["year"] or 0 for i in items]
    assert years == sorted(years)
    assert {i["text"] for i in items} >= {"加强第三方巡查队伍培训"}


def test_a_replys_own_commitment_is_followed_up_despite_the_proposals_batch_line() -> None:
    prop = "关于加快涉农补贴发放的建议\n一是推行补贴资金一卡通直达农户。"
    reply = ("关于第0415号建议的答复\n一、关于一卡通发放\n补贴资金已通过一卡通发放。"
             "全县发现的36个发放问题中已整改30个，其余6个正在整改。\n")
    later = (f"{_LATER_TITLE}\n一、工作成效\n"
             "（一）涉农补贴发放提速。针对第0415号建议，遗留的6个发放问题已于3月底前解决。"
             "第0415号建议提出的1条建议已全部落实。\n")
    r = _doc("e" * 64, "reply.txt", reply, "proposal_reply", "关于第0415号建议的答复", 2023, "青禾县", proposal_no="第0415号")
    store = _proposal_followed_up("关于加快涉农补贴发放的建议", prop, [("推行补贴资金一卡通直达农户", "budget")], later,
                                  between=[(r, [_st("全县发现的36个发放问题中已整改30个，其余6个正在整改", reply,
                                                    "rectification", "management")])])
    items = {i["text"]: i for i in tracking.recommendations(store, kind=None)}
    open_part = items["全县发现的36个发放问题中已整改30个，其余6个正在整改"]
    confident = [lk for lk in open_part["links"] if not lk["suggestion"] and lk["doc"] == "wr.txt"]
    assert confident and "遗留的6个发放问题" in confident[0]["text"]
    assert open_part["status"] == "rectified"
