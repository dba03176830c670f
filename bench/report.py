"""The committer benchmark's report: markdown tables from the runs bench/committers.py recorded,
each committer's times as ratios to classic v1 of the same shape and latency, the two latencies
side by side, and S3 requests per file by API as MinIO counted them. bench/chart.py draws them."""

from __future__ import annotations

import statistics

from measure import API_KINDS, BASELINE, BUCKET_TUNING, SLOTS, TOPOLOGIES, VARIANTS, Run, kinds, shape

#: The file count issue 26's goals are stated at.
GOAL_FILES = 1024
#: The committers a stack can choose (magic-s3track is Hadoop's default bookkeeping, for comparison).
CHOICES = ("directory", "partitioned", "magic")


def med(xs):
    return statistics.median(xs) if xs else 0.0


def spread(xs):
    return max(xs) - min(xs) if xs else 0.0


def pick(runs, **kw):
    return [r for r in runs if all(getattr(r, k, 0 if k == "latency_ms" else None) == v for k, v in kw.items())]


def cells_of(runs, setup):
    return sorted({(r.size_mib, r.files) for r in runs if r.setup == setup and r.tuning == "program" and r.variant in VARIANTS}, key=lambda c: (c[1], c[0]))


def latencies(runs, setup=None) -> list[int]:
    return sorted({getattr(r, "latency_ms", 0) for r in runs if setup is None or r.setup == setup})


def cell(runs, setup, size, files, ms, variant, tuning="program"):
    return pick(runs, setup=setup, size_mib=size, files=files, latency_ms=ms, variant=variant, tuning=tuning)


def m(rs, attr):
    return med([getattr(r, attr) for r in rs])


def ratio(x, base):
    return x / base if base else 0.0


def per_file(rs) -> dict[str, float]:
    """Median S3 requests per file by kind (and `all`), as MinIO counted them."""
    files = rs[0].files
    out = {n: med([kinds(r.api)[n] for r in rs]) / files for n in [*API_KINDS, "other"]}
    out["all"] = med([r.requests for r in rs]) / files
    return out


def best_committer(runs, setup, size, files, ms):
    got = [(v, m(cell(runs, setup, size, files, ms, v), "total_s")) for v in CHOICES if cell(runs, setup, size, files, ms, v)]
    return min(got, key=lambda x: x[1]) if got else (None, 0.0)


def summarize(runs: list[Run], meta: dict) -> str:
    lat = meta.get("latency_ms", 0)
    lines = [f"# Committer benchmark ({meta['date']})", "",
             f"Machine: {meta['machine']}; load average during the run {meta.get('load', '?')}. Spark {meta['spark']}, "
             f"MinIO on 127.0.0.1 (one server, one disk) behind Toxiproxy: 0 ms, and {lat} ms added to every S3 response, in the "
             f"same Spark session on the same data. {meta['reps']} repetitions, variants interleaved per session, the latencies' order "
             f"alternating per repetition. Median (spread = max - min over repetitions); × = ratio to {BASELINE} of the same setup, "
             f"shape and latency. Command: `{meta['command']}`.", "",
             "Setups: " + "; ".join(f"`{s['name']}` = {TOPOLOGIES[s['topology']]}, buffer on {s['buffer']} disk"
                                    + (", " + ", ".join(f"{k}={v}" for k, v in s["fs"].items()) if s["fs"] else "") for s in meta["setups"]), ""]
    if meta.get("requests"):
        lines += ["Request-saving settings in the session: " + ", ".join(f"`{k}={v}`" for k, v in sorted(meta["requests"].items())), ""]
    lines += goals(runs, meta)
    for setup in [s["name"] for s in meta["setups"]]:
        for size, files in cells_of(runs, setup):
            lines += shape_table(runs, setup, size, files)
    lines += requests_per_file(runs, meta)
    lines += where_time_goes(runs, meta)
    lines += placements(runs, meta)
    return "\n".join(lines)


def shape_table(runs, setup, size, files) -> list[str]:
    mss = latencies(pick(runs, setup=setup, size_mib=size, files=files))
    if not any(cell(runs, setup, size, files, ms, BASELINE) for ms in mss):
        return []
    tasks, dirs = shape(files)
    head = "| committer | " + " | ".join(f"{ms} ms total s | × | {ms} ms job commit s | ×" for ms in mss)
    head += " | task commit s | task write s | objects | pending uploads | requests/file | " + " | ".join(API_KINDS) + " | load |"
    out = [f"## {setup}: {size} MiB in {files} files ({tasks} tasks, {dirs} directories)", "",
           "Task commit and write: the tasks' summed times over the slots, at 0 ms. Requests per file: at 0 ms (the latency does not change them).", "",
           head, "|---|" + "---:|" * (4 * len(mss) + 6 + len(API_KINDS))]
    base = {ms: cell(runs, setup, size, files, ms, BASELINE) for ms in mss}
    for v in VARIANTS:
        if not any(cell(runs, setup, size, files, ms, v) for ms in mss):
            continue
        row = [v]
        for ms in mss:
            rs, b = cell(runs, setup, size, files, ms, v), base[ms]
            if rs:
                row += [f"{m(rs, 'total_s'):.2f} ({spread([r.total_s for r in rs]):.2f})", f"{ratio(m(rs, 'total_s'), m(b, 'total_s')):.2f}" if b else "",
                        f"{m(rs, 'job_commit_s'):.2f}", f"{ratio(m(rs, 'job_commit_s'), m(b, 'job_commit_s')):.3f}" if b else ""]
            else:
                row += ["", "", "", ""]
        rs0 = cell(runs, setup, size, files, mss[0], v)
        pf = per_file(rs0)
        row += [f"{m(rs0, 'task_commit_s') / SLOTS:.2f}", f"{med([r.run_s - r.task_commit_s for r in rs0]) / SLOTS:.2f}", f"{m(rs0, 'objects'):.0f}",
                f"{max(getattr(r, 'pending_uploads', 0) for r in pick(runs, setup=setup, size_mib=size, files=files, variant=v))}",
                f"{pf['all']:.2f}", *[f"{pf[n]:.2f}" for n in API_KINDS],
                f"{med([r.load for r in pick(runs, setup=setup, size_mib=size, files=files, variant=v)]):.1f}"]
        out.append("| " + " | ".join(row) + " |")
    for ms in mss:
        gen = cell(runs, setup, size, files, ms, "generate-only", "noop")
        raw = cell(runs, setup, size, files, ms, "raw-put")
        best, best_s = best_committer(runs, setup, size, files, ms)
        if gen:
            out += ["", f"{ms} ms: generating the data alone (noop sink) takes {m(gen, 'total_s'):.2f} s."]
        if raw and best:
            raw_s = m(raw, "total_s")
            out += ["", f"{ms} ms raw limit: {files} objects of {size * 1024 / files:.0f} KiB through S3A with {SLOTS} concurrent streams "
                        f"took {raw_s:.2f} s ({spread([r.total_s for r in raw]):.2f}), {size / raw_s:.0f} MiB/s, {m(raw, 'requests') / files:.2f} requests "
                        f"per file. Best S3A committer ({best}): {size / best_s:.0f} MiB/s end to end, **{raw_s / best_s:.2f} of the limit**."]
    return out + [""]


def goals(runs, meta) -> list[str]:
    """Issue 26's goals, computed from the runs of the main setup."""
    setup, lat = meta["main"], meta.get("latency_ms", 0)
    cells = cells_of(runs, setup)
    many = [c for c in cells if c[1] == GOAL_FILES] or cells[-1:]
    if not many:
        return []
    size, files = many[0]
    out = ["## Goals", "", "| goal | measured | met? |", "|---|---|---|"]
    for v, limit in (("magic", 5), ("directory", 3)):
        rs = cell(runs, setup, size, files, 0, v)
        if rs:
            pf = per_file(rs)["all"]
            out.append(f"| {v} ≤ {limit} requests per file ({files} files) | {pf:.2f} | {'yes' if pf <= limit else 'no'} |")
    for v in CHOICES:
        rs, b = cell(runs, setup, size, files, lat, v), cell(runs, setup, size, files, lat, BASELINE)
        if rs and b:
            jc, tt = ratio(m(b, "job_commit_s"), m(rs, "job_commit_s")), ratio(m(b, "total_s"), m(rs, "total_s"))
            out.append(f"| {v} at {lat} ms, {files} files: job commit ≥ 20x faster than {BASELINE} | {jc:.1f}x "
                       f"({m(rs, 'job_commit_s'):.2f} s against {m(b, 'job_commit_s'):.2f} s) | {'yes' if jc >= 20 else 'no'} |")
            out.append(f"| {v} at {lat} ms, {files} files: end to end ≥ 3x faster | {tt:.2f}x ({m(rs, 'total_s'):.1f} s against "
                       f"{m(b, 'total_s'):.1f} s) | {'yes' if tt >= 3 else 'no'} |")
    for size_c, files_c in cells:
        for ms in latencies(runs, setup):
            raw = cell(runs, setup, size_c, files_c, ms, "raw-put")
            best, best_s = best_committer(runs, setup, size_c, files_c, ms)
            if raw and best:
                share = m(raw, "total_s") / best_s
                out.append(f"| best committer ≥ 70% of the raw PUT, {size_c} MiB in {files_c} files, {ms} ms | {best}: {share:.0%} | "
                           f"{'yes' if share >= 0.7 else 'no'} |")
    return out + [""]


def requests_per_file(runs, meta) -> list[str]:
    """Per committer, S3 requests per file by MinIO's API names, at the goal's file count."""
    setup = meta["main"]
    cells = [c for c in cells_of(runs, setup) if c[1] == GOAL_FILES] or cells_of(runs, setup)[-1:]
    if not cells:
        return []
    size, files = cells[0]
    rows, apis = [], set()
    for v in [*VARIANTS, "raw-put"]:
        rs = cell(runs, setup, size, files, 0, v)
        if rs:
            per = {}
            for r in rs:
                for k, n in r.api.items():
                    per.setdefault(k, []).append(n)
            per = {k: med(n + [0] * (len(rs) - len(n))) / files for k, n in per.items()}
            apis |= {k for k, x in per.items() if x >= 0.005}
            rows.append((v, per, m(rs, "requests") / files))
    apis = sorted(apis, key=lambda k: -max(p.get(k, 0) for _, p, _ in rows))
    out = [f"## S3 requests per file by API ({setup}, {size} MiB in {files} files, MinIO's counters, every JVM)", "",
           "| committer | all | " + " | ".join(apis) + " |", "|---|---:|" + "---:|" * len(apis)]
    out += [f"| {v} | {total:.2f} | " + " | ".join(f"{p.get(k, 0):.2f}" for k in apis) + " |" for v, p, total in rows]
    return out + [""]


def where_time_goes(runs, meta) -> list[str]:
    setup = meta["main"]
    cells = [c for c in cells_of(runs, setup) if c[1] == GOAL_FILES]
    if not cells:
        return []
    size, files = cells[0]
    rows = []
    for ms in latencies(runs, setup):
        for v in ("classic-v1", "directory", "magic", "magic-s3track"):
            rs = cell(runs, setup, size, files, ms, v)
            if not rs:
                continue
            ios = {k: med([r.iostats.get(k, 0) for r in rs]) for k in sorted({k for r in rs for k in r.iostats})}
            counts = {k: x for k, x in ios.items() if "bytes" not in k and "data" not in k}
            top = ", ".join(f"{k} {x:.0f}" for k, x in sorted(counts.items(), key=lambda kv: -kv[1])[:6])
            rows.append(f"| {v} | {ms} | {m(rs, 'total_s'):.2f} | {med([r.run_s - r.task_commit_s for r in rs]) / SLOTS:.2f} | "
                        f"{m(rs, 'task_commit_s') / SLOTS:.2f} | {m(rs, 'job_commit_s'):.2f} | {top or '-'} |")
    return [f"## Where the time goes: {setup}, {files} files", "",
            f"Task write and task commit are the tasks' summed times divided by the {SLOTS} slots (wall-clock equivalent); "
            "the rest of the total is scheduling, the job's setup and the driver. S3A: the largest IOStatistics counters "
            "in the committer's `_SUCCESS`.", "",
            "| committer | latency ms | total s | task write s | task commit s | job commit s | S3A IOStatistics (_SUCCESS) |",
            "|---|---:|---:|---:|---:|---:|---|", *rows, ""]


def placements(runs, meta) -> list[str]:
    """Setups and job-conf tunings against the main setup, same committer, shape and latency, as ratios."""
    main = meta["main"]
    lines = [f"## Setups and tuning against `{main}` (same committer, shape and latency; ratio of medians, < 1 is faster)", "",
             f"Bucket settings ({', '.join(BUCKET_TUNING)}) against the control in their own session (`cluster-tuning`), the rest against `{main}`.", "",
             "| setup / tuning | committer | shape | latency ms | total s | spread | control s | control spread | ratio | job commit s | control job commit s |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    n = 0
    for setup, tuning, v, size, files, ms in sorted({(r.setup, r.tuning, r.variant, r.size_mib, r.files, getattr(r, "latency_ms", 0)) for r in runs
                                                     if r.variant in VARIANTS and (r.setup, r.tuning) != (main, "program")}):
        rs = cell(runs, setup, size, files, ms, v, tuning)
        base = cell(runs, setup if tuning in BUCKET_TUNING else main, size, files, ms, v)
        if not rs or not base:
            continue
        name = setup if tuning == "program" else f"{setup}, {tuning}"
        lines.append(f"| {name} | {v} | {size} MiB / {files} files | {ms} | {m(rs, 'total_s'):.2f} | {spread([r.total_s for r in rs]):.2f} | "
                     f"{m(base, 'total_s'):.2f} | {spread([r.total_s for r in base]):.2f} | {ratio(m(rs, 'total_s'), m(base, 'total_s')):.2f} | "
                     f"{m(rs, 'job_commit_s'):.2f} | {m(base, 'job_commit_s'):.2f} |")
        n += 1
    return lines + [""] if n else []


def chart(runs, meta, paths):
    import chart as chart_module
    chart_module.chart(runs, meta, paths)

