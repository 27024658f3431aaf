"""Load benchmark for the HTTP API and UI over a large store. Prints numbers; asserts nothing.

usage: python scripts/load_benchmark.py [--docs 10000] [--db PATH] [--concurrency 16]
                                        [--requests 300] [--seconds 30] [--workers 2]
                                        [--answer-concurrency 2] [--only SUBSTRING,...]

1. Builds a store of ``--docs`` synthetic documents (skipped when ``--db`` already holds that many):
   texts are generated from templates written for this script (work reports, evaluation reports,
   rectification reports, self-evaluations, replies to delegates), varied by region, year,
   projects and figures, and stored through ``Store.add`` with the rows ``extract_document``
   finds in them, so figures, statements, checks and the search index are real.
2. Starts ``reportmine serve`` on 127.0.0.1 (a free port) in a subprocess.
3. Drives it with httpx: for each endpoint, ``--requests`` requests at most, ``--concurrency`` in
   flight, stopping after ``--seconds``; prints p50/p95/max latency and throughput per endpoint.
   Proposal answering (POST /api/answer, synthetic proposals about the store's own regions and
   projects, see ``synth_proposal``) runs ``--answer-concurrency`` in flight: each answer is a
   few hundred milliseconds of work, so 16 at once on two cores measures the queue, not the answer.
   The load average is printed before and after: the numbers mean little on a busy machine, and
   ``GET /health (floor)`` shows what any request costs there before an endpoint does any work.
   ``--client raw`` (default) is a minimal HTTP/1.1 client, so the client takes little CPU from
   the server on the same cores; ``--client httpx`` uses httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]

import httpx

from reportmine import tracking
from reportmine.document import Document
from reportmine.passages import passages
from reportmine.pipeline import extract_document
from reportmine.store import Store

REGIONS = ["临江市", "东川区", "西岭县", "北山区", "南湖区", "青石县", "柳河市", "白沙湾区", "枫桥镇", "云岗县",
           "金水区", "红谷市", "松涛县", "石门区", "梅林市", "鹤鸣县", "长滩区", "星沙县", "玉屏市", "平川区"]
SECTORS = [("教育", "义务教育薄弱学校改造"), ("卫生健康", "基层医疗机构能力提升"), ("农业农村", "高标准农田建设"),
           ("交通运输", "农村公路养护"), ("文化旅游", "公共文化服务体系建设"), ("民政", "困难群众救助"),
           ("生态环境", "农村生活污水治理"), ("住房城乡建设", "老旧小区改造"), ("人力资源社会保障", "就业创业补贴"),
           ("水利", "小型水库除险加固")]
ISSUES = ["绩效目标设置不够具体，部分指标难以量化", "资金拨付进度偏慢，年末结余{m}万元",
          "项目前期论证不充分，实施方案多次调整", "部分资金未按规定用途使用，涉及金额{m}万元",
          "绩效自评流于形式，佐证材料不完整", "政府采购程序不规范，合同管理薄弱",
          "项目建成后管护机制缺失，设施闲置{n}处", "预算编制与实际需求脱节，调整率达{p}%"]
ADVICE = ["细化绩效目标，建立可衡量的指标体系", "加快资金拨付，按月通报支出进度", "完善项目库管理，强化事前论证",
          "规范资金使用，对违规资金限期收回", "建立长效管护机制，明确管护主体和经费",
          "加强政府采购内控，完善合同履约验收", "将评价结果与下年度预算安排挂钩"]
DONE = ["已完成整改", "已全部整改到位", "正在整改，计划年底前完成", "已制定整改方案，逐步推进", "部分整改"]
TYPES = ["work_report", "evaluation_report", "rectification_report", "self_evaluation", "proposal_reply"]
SEARCH_WORDS = ["整改", "绩效目标", "资金拨付", "管护", "政府采购", "预算", "结余", "高标准农田", "老旧小区", "评价"]
QUERY_WORDS = sorted({*SEARCH_WORDS, "项目", "资金", "绩效", "支出", "年度", "拨付", "目标", "评价结果", "整改到位",
                      "设备购置", "人员培训", "运行维护", "乡镇", "受益", "核减", "得分", "问题", "建议", "合同",
                      "管理", "指标", "量化", "闲置", "采购", "论证", "编制", "调整", "挂钩", "用途"})
# What a delegate asks for, in a proposal's words ({project} and {dept} filled in per proposal).
PROPOSAL_ASKS = ["加快{project}项目资金拨付进度，减少年末结余资金", "细化{project}绩效目标，向社会公开评价结果",
                 "明确{project}建成设施的管护主体和经费，防止设施闲置", "严格规范{dept}专项资金用途，及时收回违规资金",
                 "将{project}绩效评价结果与下年度预算安排挂钩", "加强{dept}政府采购内控和合同履约验收",
                 "对新增{project}项目开展事前绩效评估，压减低效支出", "按月通报{project}支出进度，压实主管部门责任"]
DELEGATES = ["周明远", "林秀兰", "何建国", "赵晓燕", "钱志强", "孙丽华", "吴海涛", "郑春梅"]


def synth(i: int) -> str:
    """Document ``i``: a deterministic mix of one genre, region, year, sector and random figures."""
    rng = random.Random(i)
    region, year = rng.choice(REGIONS), rng.randint(2015, 2024)
    dept, project = rng.choice(SECTORS)
    kind = TYPES[i % len(TYPES)]
    fill = {"m": rng.randint(12, 980), "n": rng.randint(2, 40), "p": rng.randint(11, 45)}
    total = rng.randint(200, 90000) / 100  # 万元
    spent = round(total * rng.uniform(0.55, 0.99), 2)
    head = {
        "work_report": f"{region}财政局{year}年度预算绩效管理工作情况报告",
        "evaluation_report": f"{region}{project}项目{year}年度绩效评价报告",
        "rectification_report": f"{region}{dept}局关于{year}年度{project}项目绩效评价问题整改情况的报告",
        "self_evaluation": f"{region}{dept}局{year}年度{project}项目绩效自评报告",
        "proposal_reply": f"关于{region}人大代表第{rng.randint(10, 400)}号建议的答复（{year}年）",
    }[kind]
    issues = rng.sample(ISSUES, rng.randint(2, 4))
    advice = rng.sample(ADVICE, rng.randint(2, 4))
    use = rng.choice(["设备购置", "工程建设", "人员培训", "运行维护"])
    part = round(spent * rng.uniform(0.2, 0.6), 2)
    asked = total * 1.3
    cut = round(asked * rng.uniform(0.1, 0.4), 2)
    # a quarter of the stated shares and cut rates are off, so some arithmetic checks fail
    share = part / spent * 100 + rng.choice([0, 0, 0, 4.5])
    cut_rate = cut / asked * 100 + rng.choice([0, 0, 0, 3.0])
    lines = [head, "", "一、基本情况",
             (f"{year}年，{project}项目预算资金{total:.2f}万元，实际支出{spent:.2f}万元，预算执行率"
              f"{spent / total * 100:.1f}%。项目覆盖{rng.randint(3, 60)}个乡镇（街道），受益群众{rng.randint(1, 90)}万人。"),
             f"其中用于{use}{part:.2f}万元，占实际支出的{share:.1f}%。",
             f"事前评估申报预算{asked:.2f}万元，核减{cut:.2f}万元，核减率为{cut_rate:.2f}%。",
             f"绩效评价得分{rng.randint(60, 98)}分，评价等级为“{rng.choice(['优', '良', '中'])}”。", "",
             "二、存在的问题"]
    lines += [f"（{'一二三四'[k]}）{s.format(**fill)}。" for k, s in enumerate(issues)]
    lines += ["", "三、意见建议" if kind != "rectification_report" else "三、整改情况"]
    for k, s in enumerate(advice):
        tail = f"目前{rng.choice(DONE)}。" if kind in ("rectification_report", "proposal_reply") else ""
        lines.append(f"{k + 1}. {s}。{tail}")
    lines += ["", f"编号 {i:06d}"]  # keeps every text, and so every content hash, unique
    return "\n".join(lines) + "\n"


def synth_proposal(i: int) -> str:
    """Delegate proposal ``i``: two to four asks after a '为此建议：' line, about one of the store's
    regions and projects, so that answering it finds evidence there."""
    rng = random.Random(100_000 + i)
    region, year = rng.choice(REGIONS), rng.randint(2019, 2025)
    dept, project = rng.choice(SECTORS)
    asks = rng.sample(PROPOSAL_ASKS, rng.randint(2, 4))
    lines = [f"关于提高{region}{project}资金使用绩效的建议", "",
             f"代表：{rng.choice(DELEGATES)}    建议编号：第{rng.randint(10, 400)}号（{year}年）", "",
             f"近几年{region}{project}投入逐年增加，群众反映较好，但也存在一些值得重视的情况：有的项目资金下达后迟迟"
             f"拨付不到位，有的项目绩效目标笼统，建成后的设施无人维护。{dept}部门虽已做了不少工作，仍需进一步改进。", "",
             "为此建议："]
    lines += [f"{'一二三四'[k]}、{a.format(project=project, dept=dept)}。" for k, a in enumerate(asks)]
    return "\n".join(lines) + "\n"


def build_one(i: int) -> tuple[list, dict]:  # type: ignore[type-arg]
    text = synth(i)
    doc = Document(id=hashlib.sha256(text.encode()).hexdigest(), source=f"synthetic_{i:06d}.txt", format="txt",
                   text=text)
    extractions = extract_document(doc)
    return extractions, {ex.document.id: passages(ex.document) for ex in extractions}


def build_store(db: str, n: int, workers: int) -> None:
    store = Store(db)
    have = store.documents(limit=1).total
    if have >= n:
        print(f"store {db}: {have} documents already, not rebuilding", flush=True)
        t1 = time.perf_counter()
        tracking.ensure_linked(store)
        print(f"register up to date ({time.perf_counter() - t1:.0f} s)", flush=True)
        return
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for k, (extractions, passage_map) in enumerate(pool.map(build_one, range(have, n), chunksize=50), 1):
            store.add(extractions, passage_map)
            if k % 1000 == 0:
                print(f"  {have + k}/{n} documents, {time.perf_counter() - t0:.0f} s", flush=True)
    t1 = time.perf_counter()
    register = tracking.relink(store)  # up front, so the load below measures reads, not the rebuild
    print(f"register: {register.items} items, {register.links} links in {time.perf_counter() - t1:.0f} s", flush=True)
    s = store.summary()
    print(f"built {n - have} documents in {time.perf_counter() - t0:.0f} s: {s['figures']} figures, "
          f"{s['statements']} statements, {s['checks']} checks -> {db} "
          f"({os.path.getsize(db) / 2**20:.0f} MiB)", flush=True)
    store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    env.pop("REPORTMINE_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "reportmine", "serve", "--db", db, "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
    proc.kill()
    raise SystemExit("server did not answer /health within 60 s")


@dataclass
class Result:
    name: str
    latencies: list[float]
    errors: int
    wall: float

    def line(self) -> str:
        lat = sorted(self.latencies)
        if not lat:
            return f"{self.name:<28} no successful requests ({self.errors} errors)"
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        return (f"{self.name:<28} n={len(lat):>4}  p50 {statistics.median(lat) * 1000:7.1f} ms  "
                f"p95 {p95 * 1000:7.1f} ms  max {lat[-1] * 1000:7.1f} ms  {len(lat) / self.wall:6.1f} req/s"
                f"  errors {self.errors}")


Request = str | tuple[str, dict]  # a GET url, or (url, JSON body) to POST


class RawClient:
    """HTTP/1.1 over asyncio streams, kept-alive connections in a pool: what the benchmark needs of
    a client and no more. On two shared cores httpx spent 1.6 ms of CPU per request, more than the
    server's own 1.2 ms for /health, and that CPU is taken from the server it measures."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def send(self, request: Request) -> int:
        """The response's status, its body read in full; a broken connection raises OSError."""
        path, body = (request[0], json.dumps(request[1]).encode()) if isinstance(request, tuple) else (request, b"")
        reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
        head = (f"{'POST' if body else 'GET'} {quote(path, safe='/?=&%')} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                + (f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else "") + "\r\n")
        writer.write(head.encode() + body)
        status = int((await reader.readline()).split()[1])
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            await reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            while size := int((await reader.readline()).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        if headers.get(b"connection") == b"close":
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status

    async def aclose(self) -> None:
        for _, writer in self.idle:
            writer.close()


class HttpxClient:
    """The same interface over httpx (``--client httpx``)."""

    def __init__(self, base: str, concurrency: int) -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self.client = httpx.AsyncClient(base_url=base, limits=limits, timeout=120)

    async def send(self, request: Request) -> int:
        if isinstance(request, tuple):
            return (await self.client.post(request[0], json=request[1])).status_code
        return (await self.client.get(request)).status_code

    async def aclose(self) -> None:
        await self.client.aclose()


async def drive(client: RawClient | HttpxClient, name: str, urls: list[Request], concurrency: int,
                seconds: float) -> Result:
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def one(request: Request) -> None:
        nonlocal errors
        async with sem:
            if time.perf_counter() > stop_at:
                return
            t = time.perf_counter()
            try:
                ok = await asyncio.wait_for(client.send(request), 120) == 200
            except (httpx.HTTPError, OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
                ok = False
            if ok:
                latencies.append(time.perf_counter() - t)
            else:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(one(u) for u in urls))
    return Result(name, latencies, errors, time.perf_counter() - t0)


def new_queries(n: int, rng: random.Random) -> list[tuple[str, ...]]:
    """``n`` different queries of two words (three once the pairs run out)."""
    pairs = list(itertools.combinations(QUERY_WORDS, 2))
    if n <= len(pairs):
        return rng.sample(pairs, n)
    return pairs + rng.sample(list(itertools.combinations(QUERY_WORDS, 3)), n - len(pairs))


def plan(db: str, n_requests: int, rng: random.Random) -> dict[str, list[Request]]:
    store = Store(db)
    total = store.documents(limit=1).total
    ids = [r["id"] for r in store.documents(limit=1000, offset=rng.randrange(max(1, total - 1000))).rows]
    store.close()
    pick = lambda seq: [rng.choice(seq) for _ in range(n_requests)]
    off = lambda: rng.randrange(0, max(1, total - 50))
    return {
        # does nothing but answer: what the server, the client and the machine's load cost alone
        "GET /health (floor)": ["/health"] * n_requests,
        "GET /api/documents page": [f"/api/documents?limit=50&offset={off()}" for _ in range(n_requests)],
        "GET /api/documents filter": [f"/api/documents?region={rng.choice(REGIONS)}&year={rng.randint(2015, 2024)}"
                                      for _ in range(n_requests)],
        "GET /api/documents/{id}": [f"/api/documents/{i}" for i in pick(ids)],
        "GET /api/figures filter": [f"/api/figures?unit=CNY&min={rng.randint(1, 900) * 1e5:.0f}&limit=50"
                                    f"&year={rng.randint(2015, 2024)}" for _ in range(n_requests)],
        "GET /api/statements filter": [f"/api/statements?kind={rng.choice(['issue', 'recommendation'])}"
                                       f"&region={rng.choice(REGIONS)}&limit=50" for _ in range(n_requests)],
        "GET /api/search": [f"/api/search?q={w}" for w in pick(SEARCH_WORDS)],
        # every query new, so none is answered from the per-query ranking the store keeps
        "GET /api/search (new queries)": ["/api/search?q=" + "%20".join(words) for words in new_queries(n_requests, rng)],
        "GET /documents (UI list)": [f"/documents?offset={off()}" for _ in range(n_requests)],
        "GET /documents/{id} (UI)": [f"/documents/{i}" for i in pick(ids)],
        "GET /api/recommendations": [f"/api/recommendations?region={rng.choice(REGIONS)}&limit=50"
                                     for _ in range(n_requests)],
        "GET /register (UI)": [f"/register?offset={rng.randrange(0, 500)}" for _ in range(max(1, n_requests // 3))],
        "GET / (dashboard)": ["/"] * max(1, n_requests // 10),
        ANSWER: [("/api/answer", {"text": synth_proposal(i)}) for i in range(max(50, n_requests // 3))],
    }


ANSWER = "POST /api/answer"


async def run_load(port: int, urls: dict[str, list[Request]], concurrency: int, seconds: float,
                   answer_concurrency: int, client_kind: str = "raw") -> None:
    client = (RawClient("127.0.0.1", port) if client_kind == "raw"
              else HttpxClient(f"http://127.0.0.1:{port}", concurrency))
    try:
        # jieba, templates and caches fill on first use
        for warm in ("/", "/api/search?q=预算", "/register", ("/api/answer", {"text": synth_proposal(-1)})):
            t = time.perf_counter()
            status = await client.send(warm)
            label = warm[0] if isinstance(warm, tuple) else warm
            print(f"warm-up {label:<24} {status} in {(time.perf_counter() - t) * 1000:8.1f} ms", flush=True)
        # open every connection and start the server's worker threads before anything is timed
        await asyncio.gather(*(client.send("/health") for _ in range(2 * concurrency)))
        for name, u in urls.items():
            n = answer_concurrency if name == ANSWER else concurrency
            print((await drive(client, name, u, n, seconds)).line(), flush=True)
    finally:
        await client.aclose()


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the store (default 10000)")
    ap.add_argument("--db", help="store to build or reuse (default: a temp file, removed afterwards)")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    ap.add_argument("--requests", type=int, default=300, help="requests per endpoint at most (default 300)")
    ap.add_argument("--seconds", type=float, default=30, help="time cap per endpoint (default 30)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="processes building the store")
    ap.add_argument("--answer-concurrency", type=int, default=2, help="proposal answers in flight (default 2)")
    ap.add_argument("--only", help="comma-separated parts of endpoint names to run (e.g. 'figures,answer')")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="raw: a minimal HTTP/1.1 client (default; least CPU taken from the server); httpx")
    args = ap.parse_args()
    tmp = None if args.db else tempfile.TemporaryDirectory(prefix="reportmine-load-")
    db = args.db or str(Path(tmp.name) / "load.db")  # type: ignore[union-attr]
    build_store(db, args.docs, args.workers)
    port = free_port()
    server = start_server(db, port)
    try:
        print(f"server on 127.0.0.1:{port}; {args.client} client, concurrency {args.concurrency} "
              f"(answers {args.answer_concurrency}), "
              f"<= {args.requests} requests and <= {args.seconds:.0f} s per endpoint; {load_average()}", flush=True)
        urls = plan(db, args.requests, random.Random(1))
        if args.only:
            urls = {k: v for k, v in urls.items() if any(part.lower() in k.lower() for part in args.only.split(","))}
        asyncio.run(run_load(port, urls, args.concurrency, args.seconds, args.answer_concurrency, args.client))
        print(f"done; {load_average()}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # requests still queued in it: stop it hard
            server.kill()
            server.wait()
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
