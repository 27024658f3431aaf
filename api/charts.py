"""Bar charts as geometry for inline SVG: no chart library, no script, nothing fetched.

``bar_chart`` turns categories and one or more series into rectangles, ticks and a legend; the
``chart`` macro in ``templates/_charts.html`` draws them. Series are stacked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 10, 34


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    css: str  # the series' class: s0, s1, … or one the caller chose
    tip: str


@dataclass(slots=True)
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    xlabels: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (name, css class)
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.xlabels  # all-zero values still draw: a 0 % rate is data


def bar_chart(title: str, categories: list[str], series: dict[str, list[float]], *, fmt: str = "{:,.0f}",
              note: str = "", classes: list[str] | None = None) -> Chart:
    """Stacked bars, one per category; ``series`` maps a legend name to one value per category.

    With the default integer ``fmt`` the ticks are whole numbers (counts); pass e.g. ``"{:,.1f}"``
    for amounts. ``classes`` names a css class per series where colours carry meaning (statuses).
    """
    css = classes or [f"s{i % 5}" for i in range(len(series))]
    chart = Chart(title, legend=list(zip(series, css)) if len(series) > 1 else [], note=note)
    totals = [sum(vals[i] for vals in series.values()) for i in range(len(categories))]
    if not categories:
        return chart
    peak = max(max(totals), 1e-9 if fmt != "{:,.0f}" else 1.0)
    step = _nice_step(peak / 4, whole=fmt == "{:,.0f}")
    ticks = max(1, math.ceil(peak / step - 1e-9))
    top = step * ticks
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(categories)
    bar_w = max(2.0, min(48.0, slot * 0.7))
    for i, category in enumerate(categories):
        x = LEFT + i * slot + (slot - bar_w) / 2
        base = 0.0
        for s, (name, values) in enumerate(series.items()):
            value = values[i]
            if value > 0:
                h = value / top * plot_h
                y = TOP + plot_h - (base + value) / top * plot_h
                label = f"{category} · {name}: " if len(series) > 1 else f"{category}: "
                chart.bars.append(Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1), css[s],
                                     label + fmt.format(value)))
                base += value
        chart.xlabels.append((round(x + bar_w / 2, 1), category))
    chart.xlabels = _thin(chart.xlabels)
    chart.yticks = [(round(TOP + plot_h - k / ticks * plot_h, 1), fmt.format(step * k)) for k in range(ticks + 1)]
    return chart


def histogram(title: str, values: list[float], *, lo: float, hi: float, bins: int = 10, note: str = "") -> Chart:
    """Counts of ``values`` in ``bins`` equal bins over ``[lo, hi]``."""
    width = (hi - lo) / bins
    counts = [0.0] * bins
    for v in values:
        if lo <= v <= hi:
            counts[min(bins - 1, int((v - lo) / width))] += 1
    labels = [f"{lo + i * width:g}–{lo + (i + 1) * width:g}" for i in range(bins)]
    return bar_chart(title, labels, {"count": counts}, note=note)


def _nice_step(raw: float, *, whole: bool) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``raw``, so ticks read as round numbers
    (whole numbers only when ``whole``: a count axis must not read 0, 0, 1, 1)."""
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * power
        if step >= raw and (not whole or step >= 1 and step == int(step)):
            return step
    return 10 * power


def _thin(labels: list[tuple[float, str]], max_labels: int = 12) -> list[tuple[float, str]]:
    """Every n-th x label when there are too many to read."""
    step = max(1, math.ceil(len(labels) / max_labels))
    return labels[::step]
