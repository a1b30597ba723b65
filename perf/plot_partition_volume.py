#!/usr/bin/env python3
"""Plots the activation columns sent per layer by each network partitioner as an SVG (no matplotlib).

  plot_partition_volume.py LAYERS_CSV PARTS OUT_SVG

LAYERS_CSV is the per-layer CSV of perf/bench_model_parallel.sh (network, neurons, layers, parts,
partitioner, layer, volume, imbalance). One panel per network at PARTS parts: x = layer, y = activation
columns sent per inference row in that layer, a line per partitioner.
"""
import csv
import math
import sys
from xml.sax.saxutils import escape

STYLE = {"block": ("#1f77b4", ""), "hashed": ("#ff7f0e", "6,4"), "hypergraph": ("#2ca02c", "")}
PANEL_W, PANEL_H = 420, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 15, 50, 45  # margins of a panel's plot area


def nice_step(top, ticks=5):
    """A 1, 2 or 5 x 10^k step that cuts [0, top] into about `ticks` intervals."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def panel(x0, title, series):
    """The SVG elements of one panel at horizontal offset x0: series maps partitioner -> [(layer, volume)]."""
    layers = max(layer for points in series.values() for layer, _ in points)
    step = nice_step(max(v for points in series.values() for _, v in points))
    top = step * math.ceil(max(v for points in series.values() for _, v in points) / step) or step
    w, h = PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM
    px = lambda layer: x0 + LEFT + w * (layer - 1) / max(layers - 1, 1)
    py = lambda v: TOP + h * (1 - v / top)
    out = [f'<text x="{x0 + LEFT + w / 2}" y="{TOP - 28}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<rect x="{x0 + LEFT}" y="{TOP}" width="{w}" height="{h}" fill="none" stroke="#000"/>']
    for i in range(int(round(top / step)) + 1):  # y ticks and grid
        y = py(i * step)
        out.append(f'<line x1="{x0 + LEFT}" y1="{y:.1f}" x2="{x0 + LEFT + w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 + LEFT - 5}" y="{y + 4:.1f}" text-anchor="end">{i * step:g}</text>')
    xstep = nice_step(layers, 6)
    for layer in [1] + list(range(xstep, layers + 1, xstep)):  # x ticks
        out.append(f'<text x="{px(layer):.1f}" y="{TOP + h + 16}" text-anchor="middle">{layer}</text>')
    out.append(f'<text x="{x0 + LEFT + w / 2}" y="{PANEL_H - 8}" text-anchor="middle">layer</text>')
    out.append(f'<text transform="translate({x0 + 16},{TOP + h / 2}) rotate(-90)" text-anchor="middle">'
               'activation columns sent</text>')
    for k, (name, points) in enumerate(series.items()):  # lines, then the legend above the plot
        color, dash = STYLE.get(name, ("#000", "2,2"))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{px(layer):.1f},{py(v):.1f}" for layer, v in sorted(points))
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"{dashes}/>')
        lx = x0 + LEFT + k * 110
        out.append(f'<line x1="{lx}" y1="{TOP - 10}" x2="{lx + 22}" y2="{TOP - 10}" stroke="{color}" '
                   f'stroke-width="2"{dashes}/>')
        out.append(f'<text x="{lx + 26}" y="{TOP - 6}">{escape(name)}</text>')
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, parts, svg = sys.argv[1], sys.argv[2], sys.argv[3]
    panels = {}  # (network, neurons) -> partitioner -> [(layer, volume)], in the CSV's order
    with open(path) as file:
        for row in csv.DictReader(file):
            if row["parts"] == parts:
                series = panels.setdefault((row["network"], row["neurons"]), {})
                series.setdefault(row["partitioner"], []).append((int(row["layer"]), float(row["volume"])))
    if not panels:
        sys.exit(f"plot_partition_volume.py: no rows with {parts} parts in {path}")
    body = []
    for i, ((network, neurons), series) in enumerate(panels.items()):
        body += panel(i * PANEL_W, f"{network} N={neurons}, P={parts}", series)
    width = PANEL_W * len(panels)
    with open(svg, "w") as file:
        file.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{PANEL_H}" '
                   f'font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="#fff"/>\n')
        file.write("\n".join(body) + "\n</svg>\n")


if __name__ == "__main__":
    main()
