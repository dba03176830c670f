"""The committer benchmark's chart (docs/committers.png): both latencies in every panel.

Top: total and job-commit time as ratios to classic v1 of the same shape and latency (solid bars
at 0 ms, hatched at the latency run). Bottom left: S3 requests per file by API (MinIO's counters,
the latency does not change them). Bottom right: throughput against the raw PUT limit, per latency.
"""

from __future__ import annotations

from pathlib import Path

from measure import API_KINDS, BASELINE, S3A, SLOTS, TOPOLOGIES, VARIANTS
from report import GOAL_FILES, cell, cells_of, latencies, m, per_file

COLORS = {"classic-v1": "#636363", "classic-v2": "#bdbdbd", "directory": "#3182bd", "partitioned": "#9ecae1",
          "magic": "#e6550d", "magic-s3track": "#fdae6b", "raw-put": "#31a354"}
KIND_COLORS = {"upload": "#3182bd", "put": "#6baed6", "copy": "#756bb1", "head": "#e6550d", "list": "#fd8d3c", "get": "#fdd0a2",
               "delete": "#636363", "other": "#bdbdbd"}


def chart(runs, meta: dict, paths: list[Path]) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setup = meta["main"]
    mss = latencies(runs, setup)
    cells = [c for c in cells_of(runs, setup) if any(cell(runs, setup, *c, ms, BASELINE) for ms in mss)]
    names = [v for v in VARIANTS if v != BASELINE and any(cell(runs, setup, *c, ms, v) for c in cells for ms in mss)]
    groups = [(c, ms) for c in cells for ms in mss]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    width = 0.8 / max(1, len(names))
    for ax, metric, title in ((axes[0][0], "total_s", "total time"), (axes[0][1], "job_commit_s", "job-commit time")):
        for i, v in enumerate(names):
            for j, ((size, files), ms) in enumerate(groups):
                rs, base = cell(runs, setup, size, files, ms, v), cell(runs, setup, size, files, ms, BASELINE)
                if rs and base and m(base, metric):
                    ax.bar(j + (i - (len(names) - 1) / 2) * width, m(rs, metric) / m(base, metric), width, color=COLORS[v],
                           hatch="//" if ms else None, edgecolor="white" if ms else None, label=v if j == 0 or (ms and j == 1) else None)
        ax.axhline(1.0, color=COLORS[BASELINE], lw=1, ls="--")
        ax.set_xticks(range(len(groups)), [f"{s} MiB, {f} files\n{ms} ms" for (s, f), ms in groups], fontsize=8)
        ax.set_ylabel(f"{title} / {BASELINE} (median)")
        ax.set_title(f"{title}, ratio to {BASELINE} = 1 (hatched: {max(mss)} ms per request)", fontsize=10)
        if metric == "job_commit_s":
            ax.set_yscale("log")
    handles, labels = axes[0][0].get_legend_handles_labels()
    seen = {}
    for h, lab in zip(handles, labels):
        seen.setdefault(lab, h)
    axes[0][0].legend(seen.values(), seen.keys(), fontsize=7)

    ax = axes[1][0]
    req_cells = [c for c in cells if c[1] == GOAL_FILES] or cells[-1:]
    if req_cells:
        size, files = req_cells[0]
        shown = [v for v in [*VARIANTS, "raw-put"] if cell(runs, setup, size, files, 0, v)]
        bottom = [0.0] * len(shown)
        for kind in [*API_KINDS, "other"]:
            ys = [per_file(cell(runs, setup, size, files, 0, v))[kind] for v in shown]
            ax.bar(range(len(shown)), ys, 0.6, bottom=bottom, color=KIND_COLORS[kind], label=kind)
            bottom = [b + y for b, y in zip(bottom, ys)]
        for x, total in enumerate(bottom):
            ax.text(x, total, f"{total:.1f}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(shown)), shown, fontsize=8, rotation=15)
        ax.set_ylabel("S3 requests per file (MinIO)")
        ax.set_title(f"requests per file by API, {size} MiB in {files} files", fontsize=10)
        ax.legend(fontsize=7, ncol=2)

    ax = axes[1][1]
    raw_groups = [(c, ms) for c, ms in groups if cell(runs, setup, *c, ms, "raw-put")]
    shown = ["raw-put", *[v for v in S3A if any(cell(runs, setup, *c, ms, v) for c, ms in raw_groups)]]
    w = 0.8 / len(shown)
    for i, v in enumerate(shown):
        for j, ((size, files), ms) in enumerate(raw_groups):
            rs = cell(runs, setup, size, files, ms, v)
            if rs:
                ax.bar(j + (i - (len(shown) - 1) / 2) * w, size / m(rs, "total_s"), w, color=COLORS[v], hatch="//" if ms else None,
                       edgecolor="white" if ms else None, label=(f"raw S3A PUT, {SLOTS} streams" if v == "raw-put" else v) if j == 0 else None)
    ax.set_xticks(range(len(raw_groups)), [f"{s} MiB, {f} files\n{ms} ms" for (s, f), ms in raw_groups], fontsize=8)
    ax.set_ylabel("MiB/s end to end (median)")
    ax.set_title("throughput against the raw PUT limit (same objects, same parallelism)", fontsize=10)
    ax.legend(fontsize=7)
    topo = TOPOLOGIES[meta["setups_by_name"][setup]["topology"]]
    fig.suptitle(f"S3A committers, Spark {meta['spark']}, {topo}, MinIO on loopback at 0 and {max(mss)} ms per request (Toxiproxy)\n"
                 f"{meta['machine']}, {meta['date']}, {meta['reps']} repetition(s), load average {meta.get('load', '?')}", fontsize=10)
    fig.tight_layout()
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(p, dpi=100)
