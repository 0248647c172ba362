"""Draws a two-objective Pareto front as a standalone SVG for the README.

Input: `hpo trials EXPERIMENT --store STORE --format json` on stdin (one JSON
object per trial, with "metrics", "pareto" and "feasible"). Arguments: the x
metric, the y metric, the released trial number (circled; -1 for none) and
the output file. Complete trials are grey dots, the front's trials blue and
joined by a step line. Standard library only.
"""
import json
import sys


def main():
    x_name, y_name, released, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    points = [
        (r["number"], r["metrics"][x_name], r["metrics"][y_name], bool(r.get("pareto")))
        for r in rows
        if r["state"] == "complete" and x_name in r.get("metrics", {}) and y_name in r.get("metrics", {})
    ]
    if not points:
        sys.exit("no complete trial has both metrics")
    width, height, left, right, top, bottom = 640, 360, 70, 20, 20, 50
    import math
    # A log x axis when the values are positive and span more than 20x (latency, size).
    log_x = min(p[1] for p in points) > 0 and max(p[1] for p in points) / min(p[1] for p in points) > 20
    tx = math.log10 if log_x else (lambda v: v)
    xs = [tx(p[1]) for p in points]
    ys = [p[2] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad_x = (x1 - x0) * 0.05 or 0.01
    pad_y = (y1 - y0) * 0.05 or 0.01
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y

    def px(v, raw=True):
        return left + ((tx(v) if raw else v) - x0) / (x1 - x0) * (width - left - right)

    def py(v):
        return top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom)

    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#444"/>',
    ]
    for i in range(6):
        xv = x0 + (x1 - x0) * i / 5
        yv = y0 + (y1 - y0) * i / 5
        label = 10 ** xv if log_x else xv
        svg.append(f'<text x="{px(xv, raw=False):.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#444">{label:.3g}</text>')
        svg.append(f'<text x="{left - 6}" y="{py(yv) + 4:.1f}" text-anchor="end" fill="#444">{yv:.3g}</text>')
    svg.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">{x_name}{" (log scale)" if log_x else ""}</text>')
    svg.append(f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {(top + height - bottom) / 2})">{y_name}</text>')
    front = sorted((p for p in points if p[3]), key=lambda p: p[1])
    if front:
        steps = []
        for i, p in enumerate(front):
            if i:
                steps.append(f"{px(p[1]):.1f},{py(front[i - 1][2]):.1f}")
            steps.append(f"{px(p[1]):.1f},{py(p[2]):.1f}")
        svg.append(f'<polyline points="{" ".join(steps)}" fill="none" stroke="#1f5fbf" stroke-width="1.5"/>')
    for number, xv, yv, on_front in points:
        colour, r = ("#1f5fbf", 4) if on_front else ("#aaa", 3)
        svg.append(f'<circle cx="{px(xv):.1f}" cy="{py(yv):.1f}" r="{r}" fill="{colour}"><title>trial {number}</title></circle>')
        if number == released:
            svg.append(f'<circle cx="{px(xv):.1f}" cy="{py(yv):.1f}" r="8" fill="none" stroke="#d62" stroke-width="2"/>')
    svg.append("</svg>")
    with open(out + ".tmp", "w") as f:
        f.write("\n".join(svg) + "\n")
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
