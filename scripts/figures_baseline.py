"""Compare reportmine's figure finder with general-purpose baselines: same gold, same matcher.

Baselines (what one would use without reportmine):

* ``cn2an``: ``cn2an.transform`` turns Chinese numerals into digits, then one regular expression
  takes a number with the unit word after it (元 / % / 分 / 年 / 个月 / 天 / any one measure word).
* ``recognizers``: Microsoft Recognizers-Text for Chinese (number, percentage, currency,
  dimension and duration models). It is not a reportmine dependency: install it in a scratch
  virtualenv (``pip install recognizers-text-suite "emoji<1.0"``) and pass that interpreter with
  ``--rts-python``; this script then runs itself there in ``--worker`` mode.

Every system is scored with :func:`reportmine.evaluate.match_figures`, the reference scorer's
rule. Usage::

    .venv/bin/python scripts/figures_baseline.py [--rts-python /tmp/rtsvenv/bin/python]
        [--shared /work/shared/corpora]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_MULT = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}


# ---- baseline 1: cn2an + one regex ---------------------------------------------------------
def cn2an_baseline(text: str) -> list[dict]:
    import warnings

    import cn2an

    out = []
    for line in text.splitlines():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cn2an warns on every run it cannot read (十四五)
            try:
                line = cn2an.transform(line, "cn2an")
            except Exception:  # cn2an raises on odd input; a baseline keeps the line as it is
                pass
        pattern = r"(\d+(?:,\d{3})*(?:\.\d+)?)(万亿|亿|万|千)?(元|%|％|分|年|个月|天|[\u4e00-\u9fff])"
        for m in re.finditer(pattern, line):
            number, mult, unit = m.groups()
            value = Decimal(number.replace(",", ""))
            if unit == "元":
                out.append({"text": m.group(0), "value": float(value * _MULT.get(mult or "", 1)), "unit": "CNY"})
            elif unit in "%％":
                out.append({"text": m.group(0), "value": float(value), "unit": "percent"})
            elif unit == "分":
                out.append({"text": m.group(0), "value": float(value), "unit": "score"})
            elif unit in ("年", "个月", "天"):
                if unit == "年" and 1900 <= value <= 2100:
                    continue  # a calendar year
                out.append({"text": m.group(0), "value": float(value), "unit": "duration"})
            elif unit not in "月日号":
                out.append({"text": m.group(0), "value": float(value * _MULT.get(mult or "", 1)), "unit": "count",
                            "measure_word": unit})
    return out


# ---- baseline 2: Microsoft Recognizers-Text (runs in its own interpreter) --------------------
def recognizers_worker(paths: list[str]) -> dict[str, list[dict]]:
    from recognizers_date_time import DateTimeRecognizer
    from recognizers_number import NumberRecognizer
    from recognizers_number_with_unit import NumberWithUnitRecognizer
    from recognizers_text import Culture

    units, number = NumberWithUnitRecognizer(Culture.Chinese), NumberRecognizer(Culture.Chinese)
    models = [("CNY", units.get_currency_model()), ("percent", number.get_percentage_model()),
              ("other", units.get_dimension_model()),
              ("duration", DateTimeRecognizer(Culture.Chinese).get_datetime_model())]
    numbers = number.get_number_model()
    result = {}
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="ignore")
        figures, taken = [], []
        for line_start, line in _lines(text):
            for unit, model in models:
                for r in model.parse(line):
                    fig = _rts_figure(unit, r)
                    if fig:
                        figures.append(fig)
                        taken.append((line_start + r.start, line_start + r.end + 1))
            for r in numbers.parse(line):
                s, e = line_start + r.start, line_start + r.end + 1
                nxt = line[r.end + 1 : r.end + 2]
                if any(a < e and s < b for a, b in taken) or not re.match(r"[\u4e00-\u9fff]", nxt) or nxt in "年月日号":
                    continue
                figures.append({"text": r.text + nxt, "value": float(r.resolution["value"]), "unit": "count",
                                "measure_word": nxt})
        result[path] = figures
    return result


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _rts_figure(unit: str, r) -> dict | None:
    res = r.resolution or {}
    if unit == "duration":
        values = res.get("values") or []
        if r.type_name != "datetimeV2.duration" or not values:
            return None
        m = re.match(r"P(\d+(?:\.\d+)?)", values[0].get("timex", ""))
        return {"text": r.text, "value": float(m.group(1)), "unit": "duration"} if m else None
    value = str(res.get("value", "")).rstrip("%")
    try:
        number = float(value)
    except ValueError:
        return None
    if unit == "CNY":
        if res.get("unit") == "Fen":
            return {"text": r.text, "value": number / 100, "unit": "CNY"}
        if res.get("isoCurrency") != "CNY":
            return None
    fig = {"text": r.text, "value": number, "unit": unit}
    if unit == "other":
        fig["measure_word"] = res.get("unit")
    return fig


# ---- scoring ---------------------------------------------------------------------------------
def reportmine_figures(path: Path) -> list[dict]:
    from reportmine.document import to_jsonable
    from reportmine.extractors.figures import find_figures
    from reportmine.normalize import normalize
    from reportmine.readers import read_document

    doc = read_document(path)
    return [to_jsonable(f) for f in find_figures(doc, normalize(doc.text))]


def corpora(shared: Path | None) -> list[tuple[str, list[tuple[Path, list[dict]]]]]:
    from reportmine.evaluate import _find_document, load_gold

    sets = []
    if shared and (shared / "gold").is_dir():
        sets.append(("shared seeds gold", shared / "gold", shared / "seeds"))
    sets.append(("own figure docs", ROOT / "corpora" / "gold", ROOT / "corpora" / "figures"))
    sets.append(("all project gold", ROOT / "corpora" / "gold", ROOT / "corpora"))
    out = []
    for name, gold_dir, docs_dir in sets:
        docs = []
        for doc, gold in sorted(load_gold(gold_dir).items()):
            path = _find_document(docs_dir, doc)
            if path is not None and "figures" in gold:
                docs.append((path, gold["figures"]))
        out.append((name, docs))
    return out


def score(system: str, docs: list[tuple[Path, list[dict]]], predict) -> dict:
    from reportmine.evaluate import match_figures

    tp = gold = pred = exact = 0
    t0 = time.perf_counter()
    predictions = predict([p for p, _ in docs])
    seconds = time.perf_counter() - t0
    for path, gold_figs in docs:
        figs = predictions.get(str(path), [])
        m, e, _, _ = match_figures(gold_figs, figs)
        tp, gold, pred, exact = tp + m, gold + len(gold_figs), pred + len(figs), exact + e
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"system": system, "P": p, "R": r, "F1": f, "exact": exact / tp if tp else 0.0, "gold": gold,
            "pred": pred, "seconds": seconds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("/work/shared/corpora"))
    ap.add_argument("--rts-python", help="interpreter with recognizers-text-suite installed")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        json.dump(recognizers_worker(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
        return 0
    sys.path.insert(0, str(ROOT / "src"))

    def run_rts(paths: list[Path]) -> dict:
        cmd = [args.rts_python, str(Path(__file__).resolve()), "--worker"]
        done = subprocess.run(cmd, input=json.dumps([str(p) for p in paths]), capture_output=True, text=True,
                              check=True)
        return json.loads(done.stdout)

    systems = [("reportmine", lambda ps: {str(p): reportmine_figures(p) for p in ps}),
               ("cn2an + regex", lambda ps: {str(p): cn2an_baseline(p.read_text(encoding="utf-8", errors="ignore"))
                                             for p in ps})]
    if args.rts_python:
        systems.append(("recognizers-text", run_rts))
    print(f"{'corpus':18} {'system':17} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'gold':>5} {'pred':>5} {'sec':>6}")
    for name, docs in corpora(args.shared):
        for system, predict in systems:
            s = score(system, docs, predict)
            print(f"{name:18} {system:17} {s['P']:6.3f} {s['R']:6.3f} {s['F1']:6.3f} {s['exact']:6.3f} "
                  f"{s['gold']:5d} {s['pred']:5d} {s['seconds']:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
