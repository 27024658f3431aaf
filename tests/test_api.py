"""The HTTP API and the server-rendered UI through FastAPI's TestClient.

Every refusal must be a clear 4xx in the one error shape and must leave the store untouched;
everything shown from a document must be escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from api.charts import bar_chart, histogram
from api.highlight import Mark, highlight
from api.uploads import HostileName, check_name

SAMPLES = Path(__file__).parent / "data" / "samples"
ERROR_KEYS = {"ok", "error", "status"}


def report(region: str, year: int, projects: int = 12, money: str = "3.5") -> str:
    """A short work report of our own, varied by region and year."""
    return (f"{region}财政局{year}年度预算绩效管理工作报告\n\n"
            f"一、总体情况\n{year}年，全{region[-1]}纳入绩效监控的项目{projects}个，涉及资金{money}亿元，"
            f"同比增长6.5%。其中重点评价项目5个，提出建议9条。\n\n"
            "二、存在问题\n一是部分项目绩效目标不够明确，指标难以衡量。二是资金拨付进度偏慢，年底结余较多。\n\n"
            "三、下一步工作\n一是完善绩效目标审核机制。二是加快预算执行进度。\n")


HOSTILE = (
    "标题<script>alert(1)</script>的报告\n\n"
    "一、总体情况\n2023年投入资金2.5亿元<img src=x onerror=alert(1)>，完成率95%。\n"
    "二、存在问题\n一是\"><svg onload=alert(2)>绩效目标不明确</script><script>alert(3)</script>。\n"
)


EVALUATION = """青石县农村饮水安全巩固提升工程项目绩效评价报告

一、项目基本情况
2022年，青石县农村饮水安全巩固提升工程项目预算资金2860万元，实际支出2415万元，预算执行率84.4%。

二、存在的问题
（一）部分水厂水质检测频次不足，检测记录不完整。
（二）工程建成后管护经费未落实，部分管网漏损严重。

三、意见建议
一是建立水质定期检测制度，按季度开展水质抽检。二是落实农村供水工程管护经费，明确管护责任主体。三是加快项目资金支付进度。
"""
RECTIFICATION = """关于《青石县农村饮水安全巩固提升工程项目绩效评价报告》问题整改情况的报告

一、关于水质检测频次不足的问题
整改措施：制定水质定期检测制度，委托第三方机构按季度开展水质抽检。整改结果：已完成整改。

二、关于管护经费未落实的问题
整改措施：将农村供水工程管护经费纳入年度预算，明确乡镇为管护责任主体。整改结果：正在整改。
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "api.db")


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    # register_wait: a loaded test machine must not see the register "rebuilding"
    with TestClient(create_app(db, max_upload_bytes=200_000, max_files=3, register_wait=120)) as c:
        yield c


def upload(client: TestClient, *files: tuple[str, bytes | str], **kwargs: object) -> object:
    parts = [("files", (name, data.encode() if isinstance(data, str) else data, "text/plain")) for name, data in files]
    return client.post("/api/documents", files=parts, **kwargs)  # type: ignore[arg-type]


def stored(client: TestClient) -> int:
    return int(client.get("/api/documents").json()["total"])


def assert_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) >= ERROR_KEYS and body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return body  # type: ignore[no-any-return]


def multipart(filename: bytes, content: bytes = b"\xe6\x8a\xa5\xe5\x91\x8a 1") -> tuple[bytes, dict[str, str]]:
    """A hand-made multipart body: clients such as httpx percent-encode NUL, so it must be sent raw."""
    body = (b'--XB\r\nContent-Disposition: form-data; name="files"; filename="' + filename
            + b'"\r\nContent-Type: text/plain\r\n\r\n' + content + b"\r\n--XB--\r\n")
    return body, {"content-type": "multipart/form-data; boundary=XB"}


# ---- uploads -------------------------------------------------------------------------------


def test_upload_ingests_and_reports_each_file(client: TestClient) -> None:
    r = upload(client, ("linjiang.txt", report("临江市", 2022)), ("demo.txt", (SAMPLES / "work_report_demo.txt").read_bytes()))
    assert r.status_code == 200, r.text
    files = r.json()["files"]
    assert [f["name"] for f in files] == ["linjiang.txt", "demo.txt"]
    assert all(f["status"] == "added" and len(f["doc_ids"]) == 1 and f["error"] is None for f in files)
    assert stored(client) == 2
    again = upload(client, ("renamed.txt", report("临江市", 2022)))
    assert again.status_code == 200 and again.json()["files"][0]["status"] == "skipped"
    assert stored(client) == 2


def test_unreadable_file_is_reported_and_not_stored(client: TestClient) -> None:
    body = assert_error(upload(client, ("empty.txt", b"")), 422)
    assert body["files"][0]["status"] == "failed" and "empty.txt" in body["files"][0]["error"]  # type: ignore[index]
    assert "/tmp" not in str(body) and "reportmine-upload" not in str(body)  # no server paths leak
    mixed = upload(client, ("good.txt", report("东川区", 2021)), ("bad.pdf", b"%PDF-1.7 truncated"))
    assert mixed.status_code == 207
    assert [f["status"] for f in mixed.json()["files"]] == ["added", "failed"]
    assert stored(client) == 1


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", ".hidden.txt", "x" * 300 + ".txt",
                                  "a/b.txt", "..\\..\\boot.ini"])
def test_hostile_names_are_refused_and_nothing_is_stored(client: TestClient, name: str) -> None:
    r = upload(client, ("fine.txt", report("西岭县", 2020)), (name, report("北山区", 2020)))
    assert "refused file name" in str(assert_error(r, 400)["error"])
    assert stored(client) == 0


@pytest.mark.parametrize("raw", [b"a\x00b.txt", b"../\x00passwd", b"a\x07.txt"])
def test_control_characters_in_names_are_refused(client: TestClient, raw: bytes) -> None:
    body, headers = multipart(raw)
    assert_error(client.post("/api/documents", content=body, headers=headers), 400)
    assert stored(client) == 0


def test_check_name() -> None:
    assert check_name("2023年 预算<报告>.docx") == "2023年 预算<报告>.docx"
    for bad in ("", " ", "../x", "x/..", "c:boot.ini", "a\x00", "a\u2028b\n", "é" * 130):
        with pytest.raises(HostileName):
            check_name(bad)


def test_too_many_files_is_413(client: TestClient) -> None:
    files = [(f"f{i}.txt", report("南岸区", 2010 + i)) for i in range(4)]
    assert "limit is 3" in str(assert_error(upload(client, *files), 413)["error"])
    assert stored(client) == 0


def test_oversized_upload_is_413_before_reading(client: TestClient) -> None:
    big = report("南岸区", 2019) + "填充" * 120_000
    assert "too large" in str(assert_error(upload(client, ("big.txt", big)), 413)["error"])
    assert stored(client) == 0


def test_oversized_chunked_upload_is_413(client: TestClient) -> None:
    """No Content-Length to check up front: the guard counts bytes as they arrive."""
    body, headers = multipart(b"big.txt", ("数" * 100_000).encode())

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(body), 16_384):
            yield body[i:i + 16_384]

    r = client.post("/api/documents", content=chunks(), headers=headers)
    assert_error(r, 413)
    assert stored(client) == 0


def test_malformed_uploads(client: TestClient) -> None:
    assert_error(client.post("/api/documents"), 422)
    assert_error(client.post("/api/documents", data={"files": "not a file"}), 422)
    assert_error(client.post("/api/documents", content=b"garbage", headers={"content-type": "multipart/form-data"}), 400)
    assert_error(client.post("/api/documents", content=b"{}", headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/api/documents", headers={"content-length": "12x"}), 400)
    assert stored(client) == 0


def test_writes_need_the_token_when_one_is_set(db: str) -> None:
    with TestClient(create_app(db, token="s3cret-test-token")) as c:
        doc = ("t.txt", report("临江市", 2023))
        r = assert_error(upload(c, doc), 401)
        assert "Bearer" in str(r["error"])
        assert_error(upload(c, doc, headers={"Authorization": "Bearer wrong"}), 401)
        assert_error(upload(c, doc, headers={"Authorization": "s3cret-test-token"}), 401)
        assert stored(c) == 0
        assert upload(c, doc, headers={"Authorization": "Bearer s3cret-test-token"}).status_code == 200
        assert stored(c) == 1  # reads need no token
        assert c.get("/upload").text.count('id="token"') == 1


def test_token_from_environment(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTMINE_TOKEN", "from-env")
    with TestClient(create_app(db)) as c:
        assert_error(upload(c, ("t.txt", report("临江市", 2023))), 401)
        assert upload(c, ("t.txt", report("临江市", 2023)), headers={"Authorization": "Bearer from-env"}).status_code == 200


def test_cross_origin_writes_are_refused(client: TestClient) -> None:
    r = upload(client, ("t.txt", report("临江市", 2023)), headers={"Origin": "http://evil.example"})
    assert_error(r, 403)
    assert stored(client) == 0
    same = upload(client, ("t.txt", report("临江市", 2023)), headers={"Origin": "http://testserver"})
    assert same.status_code == 200


# ---- reading -------------------------------------------------------------------------------


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    docs = [(f"r{i}.txt", report(region, year, projects=10 + i, money=f"{i + 1}.25"))
            for i, (region, year) in enumerate([("临江市", 2021), ("临江市", 2022), ("东川区", 2022),
                                                ("西岭县", 2023), ("北山区", 2023)])]
    for i in range(0, len(docs), 3):
        assert upload(client, *docs[i:i + 3]).status_code == 200
    return client


def test_pagination(filled: TestClient) -> None:
    first = filled.get("/api/documents?limit=2").json()
    assert (first["total"], len(first["rows"]), first["next_offset"], first["prev_offset"]) == (5, 2, 2, None)
    last = filled.get("/api/documents?limit=2&offset=4").json()
    assert (len(last["rows"]), last["next_offset"], last["prev_offset"]) == (1, None, 2)
    seen = [r["id"] for off in (0, 2, 4) for r in filled.get(f"/api/documents?limit=2&offset={off}").json()["rows"]]
    assert len(set(seen)) == 5
    assert filled.get("/api/documents?offset=50").json()["rows"] == []
    for bad in ("limit=0", "limit=1001", "limit=abc", "offset=-1", "year=abc", "doc_type=novel"):
        assert_error(filled.get(f"/api/documents?{bad}"), 422)


def test_filters_select_only_matching_rows(filled: TestClient) -> None:
    rows = filled.get("/api/documents").json()["rows"]
    years = {r["year"] for r in rows if r["year"]}
    assert years, "the meta extractor should find the years in these titles"
    for year in years:
        got = filled.get(f"/api/documents?year={year}").json()
        assert got["total"] == sum(r["year"] == year for r in rows)
        assert all(r["year"] == year for r in got["rows"])
    for r in rows:
        if r["region"]:
            got = filled.get("/api/documents", params={"region": r["region"]}).json()["rows"]
            assert r["id"] in {g["id"] for g in got} and all(r["region"] in g["region"] for g in got)
        typed = filled.get(f"/api/documents?doc_type={r['doc_type']}").json()["rows"]
        assert all(t["doc_type"] == r["doc_type"] for t in typed)


def test_document_detail(filled: TestClient) -> None:
    doc_id = filled.get("/api/documents?limit=1").json()["rows"][0]["id"]
    detail = filled.get(f"/api/documents/{doc_id}").json()
    assert set(detail) == {"document", "text", "sections", "figures", "checks", "statements", "claims"}
    text = detail["text"]
    assert detail["document"]["id"] == doc_id and "text" not in detail["document"]
    assert detail["figures"], "a report with 亿元 and % amounts has figures"
    for item in detail["figures"] + detail["statements"]:
        assert text[item["start"]:item["end"]] == item["text"]
    assert filled.get(f"/api/documents/{doc_id[:10]}").json()["document"]["id"] == doc_id  # id prefix works
    assert "no document" in str(assert_error(filled.get("/api/documents/does-not-exist"), 404)["error"])


def test_query_endpoints(filled: TestClient) -> None:
    figs = filled.get("/api/figures?unit=CNY").json()
    assert figs["total"] > 0 and all(f["unit"] == "CNY" for f in figs["rows"])
    low = filled.get("/api/figures?unit=CNY&min=2e8&max=4e8").json()["rows"]
    assert all(2e8 <= f["value_num"] <= 4e8 for f in low)
    assert_error(filled.get("/api/figures?unit=gallons"), 422)
    assert_error(filled.get("/api/figures?min=lots"), 422)
    stmts = filled.get("/api/statements?kind=issue").json()
    assert all(s["kind"] == "issue" for s in stmts["rows"])
    assert_error(filled.get("/api/statements?category=sports"), 422)
    checks = filled.get("/api/checks?inconsistent=true").json()
    assert all(c["consistent"] is False for c in checks["rows"])
    summary = filled.get("/api/summary").json()
    assert summary["documents"] == 5 and summary["figures"] == filled.get("/api/figures").json()["total"]
    assert filled.get("/health").json() == {"ok": True, "documents": 5}


def test_search(filled: TestClient) -> None:
    hits = filled.get("/api/search", params={"q": "绩效目标"}).json()
    assert hits["total"] >= 5 and all("绩效" in h["text"] for h in hits["rows"])
    one = hits["rows"][0]
    doc_text = filled.get(f"/api/documents/{one['doc_id']}").json()["text"]
    assert doc_text[one["start"]:one["end"]] == one["text"]
    assert_error(filled.get("/api/search"), 422)
    assert_error(filled.get("/api/search", params={"q": "！？"}), 400)
    assert_error(filled.get("/api/search", params={"q": "x" * 201}), 422)


def test_error_shape_everywhere(client: TestClient) -> None:
    for response, status in ((client.get("/api/nothing-here"), 404), (client.delete("/api/documents"), 405),
                             (client.put("/api/documents/x"), 405), (client.get("/api/documents?limit=-5"), 422)):
        body = assert_error(response, status)
        assert set(body) == ERROR_KEYS
    page = client.get("/nothing-here", headers={"accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "not found" in page.text


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/documents", "/api/documents/{ref}", "/api/figures", "/api/checks", "/api/statements",
            "/api/search", "/api/summary", "/health", "/api/recommendations", "/api/recommendations/rates",
            "/api/links/{link_id}/confirm", "/api/links/{link_id}/reject",
            "/api/recommendations/{rec_id}/status", "/api/answer", "/api/answer/file", "/api/audit",
            "/api/audit/{doc_id}"} <= set(paths)


# ---- the recommendation register ------------------------------------------------------------


@pytest.fixture
def register(client: TestClient) -> TestClient:
    assert upload(client, ("eval.txt", EVALUATION), ("rect.txt", RECTIFICATION)).status_code == 200
    return client


def test_register_lists_items_with_links_and_counts(register: TestClient) -> None:
    reg = register.get("/api/recommendations").json()
    assert reg["total"] == len(reg["rows"]) > 0 and sum(reg["counts"].values()) == reg["total"]
    links = [lk for it in reg["rows"] for lk in it["links"]]
    assert links and all(lk["doc"] == "rect.txt" and "cites" in lk["reason"] for lk in links)
    for status, n in reg["counts"].items():
        got = register.get(f"/api/recommendations?status={status}").json()
        assert got["total"] == n and all(it["status"] == status for it in got["rows"])
    page = register.get("/api/recommendations?limit=1&offset=1").json()
    assert len(page["rows"]) == 1 and page["rows"][0]["id"] == reg["rows"][1]["id"]
    assert_error(register.get("/api/recommendations?status=done"), 422)
    rates = register.get("/api/recommendations/rates?by=category").json()["rows"]
    assert sum(r["total"] for r in rates) == reg["total"]
    assert_error(register.get("/api/recommendations/rates?by=colour"), 422)


def test_register_decisions(register: TestClient) -> None:
    items = register.get("/api/recommendations").json()["rows"]
    link = next(lk for it in items for lk in it["links"])
    assert register.post(f"/api/links/{link['id']}/confirm", json={"note": "checked"}).json()["ok"] is True
    after = {lk["id"]: lk for it in register.get("/api/recommendations").json()["rows"] for lk in it["links"]}
    assert after[link["id"]]["decided"] == "confirm"
    register.post(f"/api/links/{link['id']}/reject")
    after = {lk["id"]: lk for it in register.get("/api/recommendations").json()["rows"] for lk in it["links"]}
    assert after[link["id"]]["decided"] == "reject"
    assert_error(register.post("/api/links/no-such-link/confirm"), 404)
    target = items[-1]["id"]
    assert_error(register.put(f"/api/recommendations/{target}/status", json={"status": "finished"}), 422)
    assert_error(register.put(f"/api/recommendations/{target}/status", json={}), 422)
    assert register.put(f"/api/recommendations/{target}/status", json={"status": "not_rectified"}).status_code == 200
    now = {it["id"]: it for it in register.get("/api/recommendations").json()["rows"]}
    assert now[target]["status"] == "not_rectified"
    page = register.get("/register").text
    assert 'data-link="' in page and "not rectified" in page


def test_register_decisions_need_the_token(db: str) -> None:
    with TestClient(create_app(db, token="tok", register_wait=120)) as c:
        auth = {"Authorization": "Bearer tok"}
        assert upload(c, ("eval.txt", EVALUATION), ("rect.txt", RECTIFICATION), headers=auth).status_code == 200
        link = next(lk for it in c.get("/api/recommendations").json()["rows"] for lk in it["links"])
        assert_error(c.post(f"/api/links/{link['id']}/confirm"), 401)
        assert_error(c.put(f"/api/recommendations/{link['id']}/status", json={"status": "rectified"}), 401)
        still = {lk["id"]: lk for it in c.get("/api/recommendations").json()["rows"] for lk in it["links"]}
        assert still[link["id"]]["decided"] is None
        assert c.post(f"/api/links/{link['id']}/confirm", headers=auth).status_code == 200


def test_register_answers_rebuilding_instead_of_hanging(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from reportmine import tracking

    release = threading.Event()
    real = tracking.ensure_linked

    def slow(store: object) -> None:
        release.wait(30)
        real(store)  # type: ignore[arg-type]

    monkeypatch.setattr(tracking, "ensure_linked", slow)
    with TestClient(create_app(db, register_wait=0.05)) as c:
        assert upload(c, ("eval.txt", EVALUATION), ("rect.txt", RECTIFICATION)).status_code == 200
        first = c.get("/api/recommendations").json()
        assert first["rebuilding"] is True and first["rows"] == []
        assert "being rebuilt" in c.get("/register").text
        release.set()
        for _ in range(200):
            done = c.get("/api/recommendations").json()
            if not done["rebuilding"]:
                break
            threading.Event().wait(0.05)
        assert done["rebuilding"] is False and done["total"] > 0


# ---- answering and audits -------------------------------------------------------------------

PROPOSAL = """关于加强农村饮水安全保障的建议

代表：周明远

一是建议建立农村水厂水质定期检测制度，确保群众喝上放心水。二是建议落实农村供水工程管护经费，解决管网漏损问题。
"""
DEEP_SELF_EVALUATION = """白溪镇2023年度农村公路养护项目绩效自评报告

一、绩效目标完成情况
年初计划养护农村公路86公里，实际完成养护91公里，完成率105.8%。预算资金420万元，实际支出396万元，预算执行率94.3%。
路面优良率目标为80%，实际达到83.5%。群众满意度调查有效问卷312份，满意率92.1%。

二、存在问题及原因
一是雨季施工导致2个标段工期延后18天，主要原因是我单位施工组织安排不够合理。二是养护资金拨付滞后，原因是内部审核流程过长。

三、整改措施
一是由镇交通办负责，于2024年3月底前修订施工组织方案。二是由财政所负责，2024年起将审核时限压缩至5个工作日。
"""
SHALLOW_SELF_EVALUATION = """红岭乡2023年度农村公路养护项目绩效自评报告

一、绩效目标完成情况
项目总体进展顺利，较好地完成了年度目标任务，取得了良好的社会效益。

二、存在问题
一是资金有限。二是部分工作有待进一步加强。

三、下一步工作
进一步加强管理，不断提高资金使用效益，推动工作再上新台阶。自评等级为“优”。
"""


def test_answer_a_proposal(register: TestClient) -> None:
    upload(register, ("r1.txt", report("青石县", 2022)))
    r = register.post("/api/answer", json={"text": PROPOSAL})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["suggested_class"] in {"A", "B", "C"} and answer["asks"]
    texts = {}
    for ask in answer["asks"]:
        for ev in ask["evidence"]:
            doc_text = texts.setdefault(ev["doc_id"], register.get(f"/api/documents/{ev['doc_id']}").json()["text"])
            assert doc_text[ev["start"]:ev["end"]].strip() == ev["text"]
    assert any(ask["evidence"] for ask in answer["asks"]), "the rectification report answers the water asks"
    assert answer["draft"]["paragraphs"] and len(answer["draft"]["notes"]) >= 1
    docx = register.post("/api/answer", json={"text": PROPOSAL, "format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK" and "wordprocessingml" in docx.headers["content-type"]
    by_file = register.post("/api/answer/file", files={"file": ("建议.txt", PROPOSAL.encode())}, data={"k": "3"})
    assert by_file.status_code == 200 and by_file.json()["asks"]
    assert_error(register.post("/api/answer/file", files={"file": ("../建议.txt", PROPOSAL.encode())}), 400)
    assert_error(register.post("/api/answer", json={"text": ""}), 422)
    assert_error(register.post("/api/answer", json={"text": PROPOSAL, "k": 99}), 422)
    assert_error(register.post("/api/answer", content=b"not json", headers={"content-type": "application/json"}), 422)
    assert_error(register.post("/api/answer", json={"text": "你好"}), 400)  # no asks to answer


def test_answer_needs_documents(client: TestClient) -> None:
    assert "ingest" in str(assert_error(client.post("/api/answer", json={"text": PROPOSAL}), 400)["error"])


def test_audit_run_list_and_one(client: TestClient) -> None:
    files = upload(client, ("deep.txt", DEEP_SELF_EVALUATION), ("shallow.txt", SHALLOW_SELF_EVALUATION)).json()["files"]
    ids = [f["doc_ids"][0] for f in files]
    assert client.get("/api/audit").json()["total"] == 0
    run = client.post("/api/audit", json={"doc_ids": [i[:12] for i in ids]})
    assert run.status_code == 200 and run.json()["audited"] == 2
    listed = client.get("/api/audit").json()
    assert listed["total"] == 2
    scores = {r["doc_id"]: r["score"] for r in listed["rows"]}
    assert scores[ids[0]] > scores[ids[1]], "the quantified, candid report is the deeper one"
    assert [r["score"] for r in listed["rows"]] == sorted(scores.values(), reverse=True)
    one = client.get(f"/api/audit/{ids[1]}").json()
    assert one["doc_id"] == ids[1] and one["flags"] and set(one["subscores"]) >= {"quantification", "boilerplate"}
    assert_error(client.get("/api/audit/unknown-doc"), 404)
    assert_error(client.post("/api/audit", json={"doc_ids": ["unknown-doc"]}), 404)
    assert_error(client.post("/api/audit", json={"doc_ids": "all"}), 422)
    page = client.get("/audit").text
    assert "deep.txt" in page and "<meter" in page
    assert "Self-evaluation depth scores" in client.get("/").text


def test_answering_is_read_only_but_audit_is_a_write(db: str) -> None:
    with TestClient(create_app(db, token="tok", register_wait=120)) as c:
        upload(c, ("eval.txt", EVALUATION), ("rect.txt", RECTIFICATION), headers={"Authorization": "Bearer tok"})
        assert c.post("/api/answer", json={"text": PROPOSAL}).status_code == 200
        assert_error(c.post("/api/audit", json={"doc_ids": None}), 401)
        assert_error(c.post("/api/answer", json={"text": PROPOSAL}, headers={"Origin": "http://evil.example"}), 403)


# ---- the UI and escaping -------------------------------------------------------------------


def test_ui_pages_render(filled: TestClient) -> None:
    doc_id = filled.get("/api/documents?limit=1").json()["rows"][0]["id"]
    for path in ("/", "/documents", "/documents?year=2022", f"/documents/{doc_id}", "/search?q=绩效", "/search",
                 "/upload", "/register", "/register?status=no_record", "/answer", "/audit"):
        r = filled.get(path)
        assert r.status_code == 200, path
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert filled.get("/").text.count("<svg") >= 3  # the trend charts


def test_every_figure_and_statement_is_highlighted(filled: TestClient) -> None:
    doc_id = filled.get("/api/documents?limit=1").json()["rows"][0]["id"]
    detail = filled.get(f"/api/documents/{doc_id}").json()
    page = filled.get(f"/documents/{doc_id}").text
    refs = set(re.findall(r'data-ref="([fs]\d+)"', page))
    assert {f"f{i}" for i in range(len(detail["figures"]))} <= refs
    assert {f"s{i}" for i in range(len(detail["statements"]))} <= refs
    article = re.search(r'<article class="doctext" id="doctext">(.*?)</article>', page, re.DOTALL)
    assert article and html.unescape(re.sub(r"<[^>]+>", "", article.group(1))) == detail["text"]


def test_document_text_and_names_are_escaped(client: TestClient) -> None:
    name = "<img src=x onerror=alert(1)>.txt"
    doc_id = upload(client, (name, HOSTILE)).json()["files"][0]["doc_ids"][0]
    page = client.get(f"/documents/{doc_id}").text
    listing = client.get("/documents").text
    for text in (page, listing):
        assert "<script>alert" not in text and "<img src=x" not in text and "<svg onload" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the JSON data block and doc.js, nothing from the document
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing
    hit = client.get(f"/documents/{doc_id}?hit=0-9999").text
    assert "<script>alert" not in hit
    search = client.get("/search", params={"q": "绩效目标"}).text
    assert "<svg onload" not in search and "<script>alert" not in search


def test_highlight_nests_crossing_spans_and_escapes() -> None:
    text = "a<b>&c de\"f"
    marks = [Mark(1, 6, 2, "st", "s0"), Mark(4, 9, 3, "fig", "f0", anchor="ref-f0"), Mark(0, 20, 0, "hit"),
             Mark(5, 7, 3, "fig", "f1"), Mark(3, 3, 3, "fig", "empty")]
    out = str(highlight(text, marks))
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert "<b>" not in out and "&lt;b&gt;" in out
    depth = 0
    for tag in re.findall(r"</?mark", out):
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert depth == 0
    assert out.count('id="ref-f0"') == 1 and 'data-ref="empty"' not in out
    # the figure crossing the statement's end is split, not dropped: both pieces carry its ref
    assert out.count('data-ref="f0"') == 2


def test_highlight_escapes_attributes() -> None:
    out = str(highlight("xy", [Mark(0, 1, 0, 'a" onmouseover="x', 'r"><script>', title="<b>")]))
    assert "<script>" not in out and 'onmouseover="x"' not in out and "<b>" not in out


def test_charts_geometry() -> None:
    chart = bar_chart("t", ["2021", "2022"], {"a": [1.0, 3.0], "b": [2.0, 0.0]})
    assert len(chart.bars) == 3 and chart.legend == [("a", "s0"), ("b", "s1")]
    tallest = max(chart.bars, key=lambda b: b.h)
    assert tallest.tip == "2022 · a: 3"
    stacked = [b for b in chart.bars if b.tip.startswith("2021")]
    assert stacked[0].y == pytest.approx(stacked[1].y + stacked[1].h)  # b sits on top of a
    assert bar_chart("empty", [], {}).empty
    zero = bar_chart("rate", ["北山区"], {"%": [0.0]}, fmt="{:.0f}")
    assert not zero.empty and not zero.bars and len(zero.yticks) >= 2  # a 0 % rate is drawn, not "no data"
    for top in (1.0, 3.0, 7.0, 12.0, 999.0):  # count axes: whole, distinct, covering the tallest bar
        labels = [label for _, label in bar_chart("n", ["x"], {"n": [top]}).yticks]
        assert len(set(labels)) == len(labels) and float(labels[-1].replace(",", "")) >= top
    money = bar_chart("m", ["x"], {"亿元": [0.37]}, fmt="{:,.2f}").yticks
    assert [label for _, label in money][-1] == "0.40"
    hist = histogram("h", [0, 5, 10, 55, 100, 101], lo=0, hi=100, bins=10)
    assert sum(float(b.tip.split(": ")[1]) for b in hist.bars) == 5  # 101 is out of range
