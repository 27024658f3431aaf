"""End to end in a real headless Chromium: upload through the page, then read the document.

Needs Debian's /usr/bin/chromium and /usr/bin/chromedriver (``scripts/ensure_chromium.sh``);
the module skips itself without them. Screenshots of each page go to tests/artifacts/.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("headless Chromium not installed (run scripts/ensure_chromium.sh)", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
import uvicorn
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from api import create_app

ARTIFACTS = Path(__file__).parent / "artifacts"
REPORT = """南湖区财政局2023年度预算绩效管理工作报告

一、总体情况
2023年，全区纳入绩效目标管理的项目共146个，涉及资金7.82亿元，同比增长9.4%。开展重点绩效评价项目18个，评价资金2.15亿元，占纳入管理资金的27.5%。
对评价发现的问题，提出意见建议36条，截至年底已整改31条，整改率86.1%。

二、存在问题
一是部分项目绩效目标设置偏宽泛，量化指标不足。二是个别单位预算执行进度偏慢，结转资金0.43亿元。<script>window.__xss=1</script><img src=x onerror="window.__xss=2">

三、下一步工作
一是建立绩效目标审核清单，逐项核定量化指标。二是加快支出进度，对结转资金超过30%的项目调减下年预算。
"""


EVALUATION = """柳河市社区居家养老服务补助项目绩效评价报告

一、项目概况
2023年，柳河市社区居家养老服务补助项目预算资金1260万元，实际支出1098万元，预算执行率87.1%。

二、存在的问题
（一）服务机构准入把关不严，部分机构服务人员资质不全。
（二）补助资金发放依据不充分，服务记录缺失。

三、意见建议
一是完善服务机构准入和退出机制，严格审核服务人员资质。二是建立服务记录电子台账，按服务记录核拨补助资金。
"""
RECTIFICATION = """关于《柳河市社区居家养老服务补助项目绩效评价报告》问题整改情况的报告

一、关于服务人员资质不全的问题
整改措施：修订服务机构准入和退出办法，逐一审核服务人员资质，清退不合格人员12名。整改结果：已完成整改。

二、关于服务记录缺失的问题
整改措施：上线服务记录电子台账，补助资金按台账记录核拨。整改结果：正在整改。
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        app = create_app(str(Path(tmp) / "ui.db"), register_wait=120)
        config = uvicorn.Config(app, host="127.0.0.1", port=port,
                                log_level="warning", lifespan="on")
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not srv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with tempfile.TemporaryDirectory() as profile:
        options = Options()
        options.binary_location = str(CHROMIUM)
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1360,1000"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(30)
        try:
            yield driver
        finally:
            driver.quit()


def _shot(driver: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def _wait(driver: object, seconds: float = 20) -> WebDriverWait:
    # Pages reload themselves after a decision: an element found just before is then stale,
    # and Chrome may instead answer a look-up made mid-navigation with a plain WebDriverException
    # ("Node with given id does not belong to the document"). Both mean "not yet": the wait
    # still fails, with a timeout, if the page never gets there.
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException, WebDriverException])


def test_upload_then_read_a_highlighted_document(server: str, browser: object, tmp_path: Path) -> None:
    d = browser
    source = tmp_path / "南湖区绩效报告.txt"
    source.write_text(REPORT, encoding="utf-8")

    d.get(f"{server}/upload")  # type: ignore[attr-defined]
    d.find_element(By.ID, "files").send_keys(str(source))  # type: ignore[attr-defined]
    d.find_element(By.ID, "send").click()  # type: ignore[attr-defined]
    _wait(d).until(ec.text_to_be_present_in_element((By.ID, "progress-text"), "Done."))
    row = d.find_element(By.CSS_SELECTOR, "#result-rows tr")  # type: ignore[attr-defined]
    assert "added" in row.text and "南湖区绩效报告.txt" in row.text
    assert d.find_element(By.ID, "progress").get_attribute("value") == "100"  # type: ignore[attr-defined]
    _shot(d, "upload")

    row.find_element(By.TAG_NAME, "a").click()
    _wait(d).until(ec.presence_of_element_located((By.ID, "doctext")))
    assert d.execute_script("return window.__xss === undefined")  # type: ignore[attr-defined]
    assert "<script>window.__xss=1</script>" in d.find_element(By.ID, "doctext").text  # type: ignore[attr-defined]
    figures = d.find_elements(By.CSS_SELECTOR, "mark.hl.fig[data-ref]")  # type: ignore[attr-defined]
    assert figures, "the figures of the report are highlighted"
    statements = d.find_elements(By.CSS_SELECTOR, "mark.hl.st[data-ref]")  # type: ignore[attr-defined]
    assert statements, "the issues and measures are highlighted"

    money = next(f for f in figures if f.text == "7.82亿元")
    ActionChains(d).move_to_element(money).perform()
    pop = _wait(d).until(ec.visibility_of_element_located((By.ID, "pop")))
    assert "7.82 亿元" in pop.text and "CNY" in pop.text and "Figure" in pop.text
    _shot(d, "document_hover")

    percent = next(f for f in figures if f.text.endswith("%"))
    percent.click()
    _wait(d).until(lambda drv: percent.text.rstrip("%") in drv.find_element(By.ID, "pop").text)
    assert "pinned" in percent.get_attribute("class")
    assert "percent" in d.find_element(By.ID, "pop").text  # type: ignore[attr-defined]
    _shot(d, "document_click")


def test_other_pages(server: str, browser: object) -> None:
    d = browser
    d.get(f"{server}/")  # type: ignore[attr-defined]
    assert d.find_elements(By.CSS_SELECTOR, ".chart svg rect.bar")  # type: ignore[attr-defined]
    _shot(d, "dashboard")
    d.get(f"{server}/documents")  # type: ignore[attr-defined]
    assert "南湖区" in d.find_element(By.CSS_SELECTOR, "table.rows").text  # type: ignore[attr-defined]
    _shot(d, "documents")
    d.get(f"{server}/search?q=绩效目标")  # type: ignore[attr-defined]
    hits = d.find_elements(By.CSS_SELECTOR, "ol.hits li a")  # type: ignore[attr-defined]
    assert hits
    _shot(d, "search")
    hits[0].click()
    hit = _wait(d).until(ec.presence_of_element_located((By.ID, "hit")))
    assert "绩效目标" in hit.text
    _shot(d, "search_hit")
    d.get(f"{server}/documents/nothing-like-this")  # type: ignore[attr-defined]
    assert "Error 404" in d.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]


def test_register_confirm_a_link(server: str, browser: object, tmp_path: Path) -> None:
    d = browser
    paths = []
    for name, text in (("evaluation.txt", EVALUATION), ("rectification.txt", RECTIFICATION)):
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    d.get(f"{server}/upload")  # type: ignore[attr-defined]
    d.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in paths))  # type: ignore[attr-defined]
    d.find_element(By.ID, "send").click()  # type: ignore[attr-defined]
    _wait(d).until(ec.text_to_be_present_in_element((By.ID, "progress-text"), "Done."))
    assert len(d.find_elements(By.CSS_SELECTOR, "#result-rows tr.added")) == 2  # type: ignore[attr-defined]

    d.get(f"{server}/register")  # type: ignore[attr-defined]
    link = d.find_element(By.CSS_SELECTOR, "li.link")  # type: ignore[attr-defined]
    link_id = link.get_attribute("id")
    assert "rectification.txt" in link.text
    link.find_element(By.CSS_SELECTOR, 'button[data-action="confirm"]').click()
    _wait(d).until(ec.staleness_of(link))  # the page reloads once the decision is saved
    # read inside the wait: an element looked up while the page reloads goes stale
    _wait(d).until(lambda drv: "confirmed" in drv.find_element(By.ID, link_id).text
                   and "decided-confirm" in drv.find_element(By.ID, link_id).get_attribute("class"))
    _shot(d, "register")
    d.get(f"{server}/")  # type: ignore[attr-defined]
    caption = d.find_element(By.XPATH, "//figcaption[contains(., 'Rectification rate by region')]")  # type: ignore[attr-defined]
    d.execute_script("arguments[0].scrollIntoView()", caption)  # type: ignore[attr-defined]
    assert "柳河市" in caption.find_element(By.XPATH, "..").text  # the region's bar, even at 0 %
    _shot(d, "dashboard_register")


PROPOSAL = "关于提升社区居家养老服务质量的建议\n\n一是建议严格审核养老服务人员资质。二是建议建立服务记录电子台账，按实际服务核拨补助资金。\n"


def test_answer_and_audit_pages(server: str, browser: object) -> None:
    d = browser
    d.get(f"{server}/answer")  # type: ignore[attr-defined]
    d.find_element(By.ID, "proposal").send_keys(PROPOSAL)  # type: ignore[attr-defined]
    d.find_element(By.ID, "ask").click()  # type: ignore[attr-defined]
    _wait(d, 60).until(ec.visibility_of_element_located((By.ID, "answer-result")))
    assert d.find_element(By.ID, "answer-class").text in {"A", "B", "C"}  # type: ignore[attr-defined]
    assert d.find_elements(By.CSS_SELECTOR, "#asks > li")  # type: ignore[attr-defined]
    assert "收悉" in d.find_element(By.ID, "draft").text  # type: ignore[attr-defined]
    _shot(d, "answer")

    d.get(f"{server}/audit")  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "#run-audit button").click()  # type: ignore[attr-defined]
    _wait(d, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".bigscore")))
    assert d.find_elements(By.CSS_SELECTOR, "table.subscores meter")  # type: ignore[attr-defined]
    _shot(d, "audit")
