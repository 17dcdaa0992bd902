#!/usr/bin/env python3
"""Turns bench/run.sh's results.csv into the tables and charts of docs/06-performance.md.

For every workload and target: the median over the interleaved rounds of requests/s, p99 latency
and server CPU time per request, the spread of requests/s (min-max), and the ratio of each median
to the reference target's. Writes results.json, results.md and one SVG chart per figure, using
only the standard library (the charts are hand-written SVG: bars, labels, nothing else).

    python3 bench/report.py --results bench/results --reference final-server
"""
import argparse
import csv
import json
import statistics
from collections import OrderedDict
from pathlib import Path
from xml.sax.saxutils import escape

WORKLOAD_TITLES = {
    "keepalive-50": "keep-alive, 50 connections",
    "keepalive-1000": "keep-alive, 1,000 connections",
    "pipeline-16": "16-deep pipelining, 50 connections",
    "close": "connection per request (Connection: close), 50 connections",
    "post-json": "POST /api with a small JSON body, 50 connections",
}
PALETTE = ["#1b6ca8", "#e07b39", "#3a9d5d", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"]


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(rows, reference):
    """{workload: {target: summary}} in the order the rows came (run.sh's interleaving order)."""
    grouped = OrderedDict()
    for row in rows:
        grouped.setdefault(row["workload"], OrderedDict()).setdefault(row["target"], []).append(row)
    summary = OrderedDict()
    for workload, targets in grouped.items():
        summary[workload] = OrderedDict()
        for target, runs in targets.items():
            rps = [number(r["requests_per_second"]) for r in runs]
            summary[workload][target] = {
                "rounds": len(runs),
                "requests_per_second": median(rps),
                "requests_per_second_min": min(v for v in rps if v is not None) if any(v is not None for v in rps) else None,
                "requests_per_second_max": max(v for v in rps if v is not None) if any(v is not None for v in rps) else None,
                # wrk prints 0.00us when it recorded no latency at all (a pipelined batch that never
                # completed, because the server closes after the first response): not a figure.
                "p99_ms": median([v for v in (number(r["p99_ms"]) for r in runs) if v]),
                "cpu_us_per_request": median([number(r["cpu_us_per_request"]) for r in runs]),
                "errors": sum(int(float(r["socket_errors"] or 0)) + int(float(r["non_2xx"] or 0)) for r in runs),
                "load_1min": median([number(r["load_1min"]) for r in runs]),
            }
        ref = summary[workload].get(reference)
        for target, s in summary[workload].items():
            for key in ("requests_per_second", "p99_ms", "cpu_us_per_request"):
                mine, theirs = s[key], ref[key] if ref else None
                s[key + "_ratio"] = round(mine / theirs, 3) if mine and theirs else None
    return summary


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def ratio(value):
    return "–" if value is None else f"{value:.2f}×"


def markdown(summary, reference, environment):
    lines = ["# Benchmark results", "", "Written by `bench/report.py` from `results.csv` (made by `bash bench/run.sh`).", ""]
    lines += ["```", environment.strip(), "```", ""]
    lines += [f"Medians over the interleaved rounds; ratios are to **{reference}** (its row reads 1.00×). "
              "CPU/request is the server process's utime+stime over the measured run divided by the "
              "requests wrk completed (lower is better).", ""]
    for workload, targets in summary.items():
        lines.append(f"## {WORKLOAD_TITLES.get(workload, workload)} (`{workload}`)")
        lines.append("")
        lines.append("| target | req/s (median) | min–max | × ref | p99 ms | × ref | CPU µs/request | × ref | errors | load |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for target, s in targets.items():
            name = f"**{target}**" if target == reference else target
            lines.append(
                f"| {name} | {fmt(s['requests_per_second'])} | {fmt(s['requests_per_second_min'])}–{fmt(s['requests_per_second_max'])}"
                f" | {ratio(s['requests_per_second_ratio'])} | {fmt(s['p99_ms'], 2)} | {ratio(s['p99_ms_ratio'])}"
                f" | {fmt(s['cpu_us_per_request'], 1)} | {ratio(s['cpu_us_per_request_ratio'])} | {s['errors']} | {fmt(s['load_1min'], 2)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def bar_chart(summary, key, title, unit, path):
    """Grouped horizontal bars: one group per workload, one bar per target."""
    workloads = list(summary)
    targets = []
    for w in workloads:
        for t in summary[w]:
            if t not in targets:
                targets.append(t)
    color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(targets)}
    bar, gap, left, width = 14, 12, 250, 460
    height_per_group = bar * len(targets) + gap + 22
    height = 50 + height_per_group * len(workloads)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="22" font-size="15" font-weight="bold">{escape(title)}</text>']
    y = 44
    for w in workloads:
        values = [summary[w][t][key] for t in summary[w] if summary[w][t][key] is not None]
        # One far-off target (step 2's thread per connection, say) would squash every other bar:
        # the scale stops at 4x the median, and a longer bar is cut with a white notch.
        top = min(max(values), 4 * statistics.median(values)) if values else 1
        out.append(f'<text x="10" y="{y + 12}" font-weight="bold">{escape(WORKLOAD_TITLES.get(w, w))}</text>')
        y += 20
        for t in targets:
            s = summary[w].get(t)
            value = s[key] if s else None
            out.append(f'<text x="{left - 6}" y="{y + bar - 3}" text-anchor="end">{escape(t)}</text>')
            if value is not None:
                length = max(1, width * min(value, top) / top)
                out.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar - 2}" fill="{color[t]}"/>')
                if value > top:
                    notch = left + length - 24
                    out.append(f'<path d="M{notch:.1f},{y - 1} l6,0 l-4,{bar} l-6,0 z" fill="white"/>')
                out.append(f'<text x="{left + length + 4:.1f}" y="{y + bar - 3}">{fmt(value, 1 if value < 100 else 0)} {escape(unit)}</text>')
            else:
                out.append(f'<text x="{left + 4}" y="{y + bar - 3}" fill="#888">not measured</text>')
            y += bar
        y += gap
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="bench/results")
    parser.add_argument("--reference", default="final-server")
    args = parser.parse_args()
    results = Path(args.results)
    with open(results / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    present = {r["target"] for r in rows}
    reference = args.reference if args.reference in present else "raw-nio-loop" if "raw-nio-loop" in present else rows[0]["target"]
    summary = summarize(rows, reference)
    environment = (results / "environment.txt").read_text() if (results / "environment.txt").exists() else ""
    (results / "results.json").write_text(json.dumps({"reference": reference, "environment": environment,
                                                      "workloads": summary}, indent=2) + "\n")
    (results / "results.md").write_text(markdown(summary, reference, environment))
    bar_chart(summary, "requests_per_second", "Requests per second (median; higher is better)", "req/s",
              results / "requests-per-second.svg")
    bar_chart(summary, "cpu_us_per_request", "Server CPU time per request (median; lower is better)", "µs",
              results / "cpu-per-request.svg")
    bar_chart(summary, "p99_ms", "p99 latency (median of rounds; lower is better)", "ms", results / "p99-latency.svg")
    print((results / "results.md").read_text())


if __name__ == "__main__":
    main()
