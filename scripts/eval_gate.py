"""Accuracy gate: score the development gold and fail on a regression below the pinned floors.

usage: python scripts/eval_gate.py [--allow-regression] [--update]
Floors live in tests/eval_floors.json: {"<gold_dir> <docs_dir>": {"figures.f1": 0.98, ...}}; a key
"register <corpora_dir>" scores the recommendation register against <corpora_dir>/tracking.
Paths are relative to the repository; a pair whose folders are missing (no ../shared on this
machine) is skipped. --update raises floors to today's scores (never lowers them unless
--allow-regression is given too), in the spirit of trafilatura's eval gate.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from reportmine.evaluate import evaluate  # noqa: E402
from reportmine.register_eval import evaluate_register  # noqa: E402

FLOORS = REPO / "tests" / "eval_floors.json"
EPSILON = 0.005


def lookup(report: dict, dotted: str) -> float:
    value: object = report
    for part in dotted.split("."):
        value = value[part]  # type: ignore[index]
    return float(value)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--allow-regression", action="store_true")
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    failed = False
    for pair, metrics in floors.items():
        if pair.startswith("register "):  # "register <corpora dir>": the link gold in <dir>/tracking
            report = evaluate_register(REPO / pair.split()[1]).as_dict()
        else:
            gold_dir, docs_dir = (REPO / p for p in pair.split())
            if not gold_dir.is_dir() or not docs_dir.is_dir():
                print(f"skip {pair}: folders not here")
                continue
            report = evaluate(gold_dir, docs_dir).to_dict()
        for name, floor in metrics.items():
            score = lookup(report, name)
            status = "ok"
            if score < floor - EPSILON:
                status = "REGRESSION"
                failed = failed or not args.allow_regression
            print(f"{pair:60s} {name:32s} {score:.3f} (floor {floor:.3f}) {status}")
            if args.update and (score > floor or args.allow_regression):
                metrics[name] = round(score, 3)
    if args.update:
        FLOORS.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
