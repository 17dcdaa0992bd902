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
import math
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
    "file-16k": "GET of a 16 KiB file, keep-alive, 50 connections",
    "file-1m": "GET of a 1 MiB file, keep-alive, 50 connections",
}
# Group titles in the charts: short enough for a phone-width line at the charts' font size.
SHORT_TITLES = {
    "keepalive-50": "keep-alive, 50 conns",
    "keepalive-1000": "keep-alive, 1,000 conns",
    "pipeline-16": "pipelined ×16, 50 conns",
    "close": "Connection: close, 50 conns",
    "post-json": "POST JSON, 50 conns",
    "file-16k": "16 KiB file, 50 conns",
    "file-1m": "1 MiB file, 50 conns",
}
PALETTE = ["#1b6ca8", "#e07b39", "#3a9d5d", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#6f6f6f", "#b39b2e", "#3c9fbf"]
METRICS = ("requests_per_second", "p99_ms", "cpu_us_per_request")


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def counted(row):
    """A run that counts: not the preflight (round 0), not a noisy attempt that was measured again."""
    return row.get("round", "1") != "0" and row.get("kept", "1") != "0"


def summarize(rows, reference):
    """{workload: {target: summary}} in the order the rows came (run.sh's interleaving order).

    Runs whose checks failed are left out of the medians (they did not measure what the workload
    says) and counted in failed_checks."""
    grouped = OrderedDict()
    for row in rows:
        if counted(row):
            grouped.setdefault(row["workload"], OrderedDict()).setdefault(row["target"], []).append(row)
    summary = OrderedDict()
    for workload, targets in grouped.items():
        summary[workload] = OrderedDict()
        for target, all_runs in targets.items():
            runs = [r for r in all_runs if r.get("check", "pass") == "pass"]
            s = {"rounds": len(runs), "failed_checks": len(all_runs) - len(runs),
                 "check_detail": sorted({r.get("check_detail", "") for r in all_runs if r.get("check", "pass") != "pass"})}
            for key in METRICS:
                # wrk prints 0.00us when it recorded no latency at all (a pipelined batch that never
                # completed, because the server closes after the first response): not a figure.
                values = [number(r[key]) for r in runs]
                if key == "p99_ms":
                    values = [v for v in values if v]
                s[key] = median(values)
                s[key + "_min"], s[key + "_max"] = spread(values)
            s["errors"] = sum(int(float(r["socket_errors"] or 0)) + int(float(r["non_2xx"] or 0)) for r in runs)
            s["load_1min"] = median([number(r["load_1min"]) for r in runs])
            s["accepts_per_request"] = median([number(r.get("accepts_per_request")) for r in runs])
            s["others_cpu_pct_max"] = spread([number(r.get("others_cpu_pct_during")) for r in runs])[1]
            summary[workload][target] = s
        ref = summary[workload].get(reference)
        for target, s in summary[workload].items():
            for key in METRICS:
                mine, theirs = s[key], ref[key] if ref else None
                s[key + "_ratio"] = round(mine / theirs, 3) if mine and theirs else None
    return summary


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def fmt_range(low, high, digits=0):
    return "–" if low is None else f"{fmt(low, digits)}–{fmt(high, digits)}"


def ratio(value):
    return "–" if value is None else f"{value:.2f}×"


def markdown(summary, reference, environment):
    lines = ["# Benchmark results", "", "Written by `bench/report.py` from `results.csv` (made by `bash bench/run.sh`).", ""]
    lines += ["```", environment.strip(), "```", ""]
    lines += [f"Medians over the interleaved rounds whose checks passed; ratios are to **{reference}** (its row "
              "reads 1.00×). CPU/request is the server process's utime+stime over the measured run divided by "
              "the requests wrk completed (lower is better). accepts/req: connections the kernel accepted per "
              "request (about 1 at `close`, near 0 at keep-alive). others: the most CPU the rest of the machine "
              "used during a counted run, in % of one CPU. check: `pass`, or how many runs failed their check "
              "(left out of the medians; see `check_detail` in results.csv).", ""]
    for workload, targets in summary.items():
        lines.append(f"## {WORKLOAD_TITLES.get(workload, workload)} (`{workload}`)")
        lines.append("")
        lines.append("| target | req/s (median) | min–max | × ref | p99 ms | × ref | CPU µs/request | min–max | × ref "
                     "| accepts/req | errors | others % | check |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for target, s in targets.items():
            name = f"**{target}**" if target == reference else target
            check = "pass" if not s["failed_checks"] else f"FAILED {s['failed_checks']}×"
            lines.append(
                f"| {name} | {fmt(s['requests_per_second'])} | {fmt_range(s['requests_per_second_min'], s['requests_per_second_max'])}"
                f" | {ratio(s['requests_per_second_ratio'])} | {fmt(s['p99_ms'], 2)} | {ratio(s['p99_ms_ratio'])}"
                f" | {fmt(s['cpu_us_per_request'], 1)} | {fmt_range(s['cpu_us_per_request_min'], s['cpu_us_per_request_max'], 1)}"
                f" | {ratio(s['cpu_us_per_request_ratio'])} | {fmt(s['accepts_per_request'], 3)} | {s['errors']}"
                f" | {fmt(s['others_cpu_pct_max'], 1)} | {check} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def short(value):
    """A tick label: 120k, 1.5M, 7.5."""
    if value >= 1e6:
        return f"{value / 1e6:.3g}M"
    if value >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"  # 0, 2.5, 25, 250


# Chart geometry. The SVGs are 420 units wide: shown at a phone's 360 px, 17-unit text is 14.6 px.
WIDTH, FONT, MARGIN = 420, 17, 8
ROW = FONT + 25        # a label line, then the bar under it


def bar_chart(summary, key, title, subtitle, unit, path, shared_axis):
    """One row per target: its name and median value on a line, a bar under it with a whisker
    from the lowest to the highest round. shared_axis: one scale for the whole chart (a bar longer
    than 4× the chart's median is cut with a notch); otherwise each workload has its own scale,
    drawn as ticks under its group, and the chart says so."""
    workloads = list(summary)
    targets = []
    for w in workloads:
        for t in summary[w]:
            if t not in targets:
                targets.append(t)
    color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(targets)}
    span = WIDTH - 2 * MARGIN

    def top_of(cells):
        """The scale's end: the highest whisker, rounded up to a round number (1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n), at most 4× the median."""
        medians = [c[key] for c in cells if c[key] is not None]
        if not medians:
            return 1
        highest = max(c[key + "_max"] or c[key] for c in cells if c[key] is not None)
        limit = min(highest, 4 * statistics.median(medians))
        magnitude = 10 ** math.floor(math.log10(limit)) if limit > 0 else 1
        return next(step * magnitude for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * magnitude >= limit)

    shared_top = top_of([summary[w][t] for w in workloads for t in summary[w]])
    body, y, cut_any = [], 0, False

    def ticks(top, y):
        out = [f'<line x1="{MARGIN}" y1="{y}" x2="{MARGIN + span}" y2="{y}" stroke="#999"/>']
        for fraction, anchor in ((0, "start"), (0.5, "middle"), (1, "end")):
            x = MARGIN + span * fraction
            out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 5}" stroke="#999"/>')
            out.append(f'<text x="{x:.1f}" y="{y + 5 + FONT}" text-anchor="{anchor}" fill="#555">{short(top * fraction)}</text>')
        return out

    for w in workloads:
        top = shared_top if shared_axis else top_of(list(summary[w].values()))
        body.append(f'<text x="{MARGIN}" y="{y + FONT + 8}" font-weight="bold">{escape(SHORT_TITLES.get(w, w))}</text>')
        y += FONT + 16
        for t in targets:
            s = summary[w].get(t)
            if s is None:
                continue
            value = s[key]
            body.append(f'<text x="{MARGIN}" y="{y + FONT}">{escape(t)}</text>')
            if value is None:
                text = "check failed" if s["failed_checks"] else "not measured"
                body.append(f'<text x="{WIDTH - MARGIN}" y="{y + FONT}" text-anchor="end" fill="#888">{text}</text>')
                y += ROW
                continue
            body.append(f'<text x="{WIDTH - MARGIN}" y="{y + FONT}" text-anchor="end">'
                        f'{fmt(value, 1 if value < 100 else 0)} {escape(unit)}</text>')
            bar_y = y + FONT + 6
            length = max(1.0, span * min(value, top) / top)
            body.append(f'<rect x="{MARGIN}" y="{bar_y}" width="{length:.1f}" height="12" fill="{color[t]}"/>')
            if value > top:
                cut_any = True
                notch = MARGIN + length - 24
                body.append(f'<path d="M{notch:.1f},{bar_y - 1} l6,0 l-4,14 l-6,0 z" fill="white"/>')
            low, high = s[key + "_min"], s[key + "_max"]
            if low is not None and high is not None and high > low:
                x1 = MARGIN + span * min(low, top) / top
                x2 = MARGIN + span * min(high, top) / top
                mid = bar_y + 6
                body.append(f'<path d="M{x1:.1f},{mid - 5} v10 M{x1:.1f},{mid} H{x2:.1f} M{x2:.1f},{mid - 5} v10" '
                            f'stroke="#222" stroke-width="1.5" fill="none"/>')
            y += ROW
        if not shared_axis:
            body += ticks(top, y)
            y += FONT + 14
        y += 10

    note = "One scale for all groups (ticks above)." if shared_axis else "Own scale per group (ticks under each)."
    head = []
    for i, (line, extra) in enumerate(((title, f'font-size="{FONT + 3}" font-weight="bold"'), (subtitle, 'fill="#555"'),
                                       ("Whiskers: lowest to highest round.", 'fill="#555"'), (note, 'fill="#555"'))):
        head.append(f'<text x="{MARGIN}" y="{(i + 1) * (FONT + 7)}" {extra}>{escape(line)}</text>')
    offset = 4 * (FONT + 7) + 12
    if shared_axis:
        head += [f'<g transform="translate(0,{offset})">'] + ticks(shared_top, 0) + ['</g>']
        offset += FONT + 18
    foot = []
    if cut_any:
        for line in ("A bar with a white notch is cut: longer", "than the scale; its value is printed."):
            foot.append(f'<text x="{MARGIN}" y="{offset + y + FONT}" fill="#555">{line}</text>')
            y += FONT + 7
        y += 4
    height = offset + y + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
           f'font-family="sans-serif" font-size="{FONT}">',
           '<rect width="100%" height="100%" fill="white"/>'] + head
    out.append(f'<g transform="translate(0,{offset})">')
    out += body
    out.append('</g>')
    out += foot
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")
    return cut_any


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
    text = markdown(summary, reference, environment)
    if (results / "rss-after.csv").exists():
        with open(results / "rss-after.csv", newline="") as f:
            rss = list(csv.DictReader(f))
        text += "\n## Resident memory after the whole run\n\n| target | VmRSS MiB |\n|---|---:|\n"
        text += "".join(f"| {r['target']} | {int(r['vmrss_kib']) / 1024:,.0f} |\n" for r in rss)
    (results / "results.md").write_text(text)
    # Requests/s differ 50× between workloads (pipelined vs close): one scale would flatten the
    # close group, so each workload has its own, and the chart says so. CPU per request and p99
    # share one scale per chart.
    charts = [("requests_per_second", "Requests per second", "Median of the rounds; higher is better.", "req/s",
               "requests-per-second.svg", False),
              ("cpu_us_per_request", "Server CPU time per request", "Median of the rounds; lower is better.", "µs",
               "cpu-per-request.svg", True),
              ("p99_ms", "p99 latency", "Median of the rounds; lower is better.", "ms", "p99-latency.svg", True)]
    for key, title, subtitle, unit, name, shared in charts:
        cut = bar_chart(summary, key, title, subtitle, unit, results / name, shared)
        print(f"{name}: {'one scale' if shared else 'a scale per group'}{', has cut bars' if cut else ''}")
    print((results / "results.md").read_text())


if __name__ == "__main__":
    main()
