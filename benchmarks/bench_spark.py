"""The Spark engine against the in-memory engine on the generated benchmark graphs.

Runs the same per-node metrics and citizen score both ways on one input (the seeded benchmark
graph of ``benchmarks/generate.py``: follows, interactions and users at 10^5..10^7 follow
edges, generated when missing) and writes what each step cost and how far the answers agree:

- **in-memory**: ``read_network`` (Parquet), then ``centrality`` (in_degree, strength on ties,
  PageRank), ``score_inputs`` (Leiden, roles, k-cores, 2-hop reach, expected reach, engagement,
  flags) and ``citizen_score``;
- **Spark** (``local[2]`` by default): ``netinfluence.spark.metrics`` on the same Parquet
  files, every step timed, rounds of the iterative steps recorded;
- **agreement**: degrees, PageRank, 2-hop reach (sketch vs in-memory exact or sketch), who
  counts as a person moved, impact (differences over their standard errors), the top 50 by
  score against the in-memory score (and against the in-memory engine's next seed, the noise
  floor), and the composite with the Spark and with Leiden's communities.

Usage (from the repository root, with ``pip install -e '.[spark]'`` and Java 17)::

    python benchmarks/bench_spark.py --sizes 1e5,1e6
    python benchmarks/bench_spark.py --sizes 1e7 --skip-memory --driver-memory 12g
    python benchmarks/bench_spark.py --sizes 1e6 --shape heavy   # inputs/heavy-1e6

Results go to ``benchmarks/results/spark-<size>.json`` and ``.md``. Nothing here is collected
by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the benchmark input generator beside this file)


def _jvm_cpu_seconds() -> float:
    """CPU seconds used so far by this process's child processes that are alive (the JVM)."""
    me, total = str(os.getpid()), 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().split()
        except OSError:
            continue
        if parts[3] == me:
            total += (int(parts[13]) + int(parts[14])) / tick
    return total


def run_memory(folder: Path, seed: int) -> tuple[dict, dict]:
    """The in-memory engine on the Parquet inputs: timings and per-node results."""
    import netinfluence as ni
    from netinfluence.metrics import _centrality as C
    from netinfluence.scoring import citizen_score, score_inputs

    times: dict[str, float] = {}
    t = time.perf_counter()
    net = ni.read_network(
        follows=folder / "follows.parquet",
        interactions=folder / "interactions.parquet",
        users=folder / "users.parquet",
    )
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    cen = C.centrality(net, measures=["in_degree", "pagerank"])
    strength = C.strength(net, layer="ties")
    times["degrees + pagerank + strength"] = time.perf_counter() - t
    steps: dict[str, float] = {}
    clock = {"name": None, "t": time.perf_counter()}

    def progress(name):
        now = time.perf_counter()
        if clock["name"]:
            steps[clock["name"]] = now - clock["t"]
        clock.update(name=name, t=now)

    t = time.perf_counter()
    inputs = score_inputs(net, seed=seed, progress=progress)
    progress(None)
    scores = citizen_score(net, inputs=inputs)
    times["score inputs + score"] = time.perf_counter() - t
    times.update({f"  {k}": v for k, v in steps.items()})
    times["total (after load)"] = sum(
        v
        for k, v in times.items()
        if k in ("degrees + pagerank + strength", "score inputs + score")
    )
    return times, {
        "net": net,
        "in_degree": cen["in_degree"],
        "pagerank": cen["pagerank"],
        "strength": strength,
        "inputs": inputs,
        "scores": scores,
    }


def run_spark(folder: Path, args) -> tuple[dict, dict]:
    from netinfluence.spark import metrics, session

    t = time.perf_counter()
    spark = session(
        args.master, shuffle_partitions=args.partitions, driver_memory=args.driver_memory
    )
    start = time.perf_counter() - t
    read = spark.read.parquet
    info: dict = {}
    cpu0 = _jvm_cpu_seconds()
    t = time.perf_counter()
    table = metrics(
        spark,
        read(str(folder / "follows.parquet")),
        read(str(folder / "interactions.parquet")),
        read(str(folder / "users.parquet")),
        seed=args.seed,
        info=info,
        reach=args.reach,
        concurrent=not args.sequential,
    )
    wall = time.perf_counter() - t
    arrow = table.toArrow()
    OUT.mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq

    pq.write_table(arrow, OUT / f"spark-metrics-{folder.name}{args.tag}.parquet")  # inspection
    local = arrow.to_pandas().set_index("node")
    facts = {
        "session_start": start,
        "metrics_wall": wall,
        "jvm_cpu_seconds": _jvm_cpu_seconds() - cpu0,
        **info,
    }
    spark.stop()
    return facts, {"table": local}


def agreement(mem: dict, sp: dict, seed: int) -> dict:
    from netinfluence.metrics import reach
    from netinfluence.scoring import citizen_score, score_inputs

    net = mem["net"]
    s = sp["table"].reindex(net.ids)
    out = {
        "in_degree_equal": bool((s["in_degree"].to_numpy() == mem["in_degree"].to_numpy()).all()),
        "strength_max_abs_diff": float(np.abs(s["strength"] - mem["strength"]).max()),
        "pagerank_max_abs_diff": float(np.abs(s["pagerank"] - mem["pagerank"]).max()),
    }
    r2 = mem["inputs"]["reach_2hop"].to_numpy(dtype=float)
    rel = np.abs(s["reach_2hop"].to_numpy() - r2) / np.maximum(r2, 1.0)
    out.update(
        reach_method_memory=mem["inputs"].attrs.get("reach_method"),
        reach_rel_err_rms=float(np.sqrt(np.mean(rel**2))),
        reach_rel_err_max=float(rel.max()),
    )
    labels = s["community"].rename("community")
    t = time.perf_counter()
    same = score_inputs(net, labels=labels, seed=seed)
    scores = citizen_score(net, inputs=same)
    out["memory_score_with_spark_labels_seconds"] = time.perf_counter() - t

    def top(values: pd.Series) -> set:
        return set(values.sort_values(ascending=False, kind="mergesort").index[:50])

    # both engines rank by score = 100 impact / W (RR sampling, each engine with its own
    # coins); the composite (percentile blend) is compared with the same and with Leiden's
    # communities, as it depends on them
    top_spark = top(s["score"])
    out["counted_equal"] = bool((s["counted"].to_numpy() == same["counted"].to_numpy()).all())
    diff = s["impact"] - mem["inputs"]["impact"]
    se = np.sqrt(s["impact_se"] ** 2 + mem["inputs"]["impact_se"] ** 2)
    z = (diff / se)[se > 0]
    out["impact_z_mean"] = float(z.mean())
    out["impact_z_std"] = float(z.std())
    out["top50_score_vs_memory"] = len(top_spark & top(mem["scores"]["score"]))
    out["top50_composite_same_labels"] = len(top(s["composite"]) & top(scores["composite"]))
    out["top50_composite_vs_leiden"] = len(top(s["composite"]) & top(mem["scores"]["composite"]))
    out["composite_max_abs_diff_same_labels"] = float(
        np.abs(s["composite"] - scores["composite"]).max()
    )
    # the noise floor of the score: the in-memory engine with the next seed
    other = citizen_score(net, inputs=score_inputs(net, seed=seed + 1))
    out["top50_score_memory_seed_vs_next_seed"] = len(
        top(mem["scores"]["score"]) & top(other["score"])
    )
    out["top50_composite_memory_seed_vs_next_seed"] = len(
        top(mem["scores"]["composite"]) & top(other["composite"])
    )
    from netinfluence.metrics import compare_partitions

    out["communities_spark"] = int(labels.nunique())
    out["communities_leiden"] = int(mem["inputs"]["community"].nunique())
    out["nmi_spark_vs_leiden"] = compare_partitions(labels, mem["inputs"]["community"])["nmi"]
    exact = reach(net, method="exact") if r2.sum() else None
    if exact is not None and mem["inputs"].attrs.get("reach_method") != "exact":
        e = exact.to_numpy(dtype=float)
        rel = np.abs(s["reach_2hop"].to_numpy() - e) / np.maximum(e, 1.0)
        out["reach_rel_err_rms_vs_exact"] = float(np.sqrt(np.mean(rel**2)))
    return out


def _md(size: str, meta: dict, memory: dict | None, spark: dict, agree: dict | None) -> str:
    lines = [
        f"## Spark engine, {size}: {meta['follows']:,} follows, {meta['interactions']:,} "
        f"interaction rows, {meta['accounts']:,} accounts",
        "",
    ]
    lines.append(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average at start {spark.get('load_at_start')}; master "
        f"`{spark['master']}`, {spark['partitions']} shuffle partitions, driver "
        f"memory {spark['driver_memory']}."
    )
    t = spark["timings_seconds"]
    mem_t = memory or {}
    rows = [
        ("prepare (ids, layers, tie table with triangles)", t.get("prepare"), mem_t.get("load")),
        ("degrees", t.get("degrees"), mem_t.get("degrees + pagerank + strength")),
        ("reciprocity, mass followers", t.get("reciprocity"), None),
        (f"PageRank ({spark.get('pagerank_rounds')} rounds)", t.get("pagerank"), None),
        (
            f"communities ({spark.get('community_method')}, rounds per level "
            f"{spark.get('lpa_rounds')})",
            t.get("communities"),
            mem_t.get("  communities"),
        ),
        ("roles", t.get("roles"), mem_t.get("  roles")),
        (f"k-cores ({spark.get('core_rounds')} rounds)", t.get("core"), mem_t.get("  core")),
        ("expected reach + exact 2-hop pairs", t.get("expected_reach"), None),
        (f"2-hop reach ({spark.get('reach_method')})", t.get("reach"), mem_t.get("  reach")),
        ("engagement, flags", t.get("engagement"), mem_t.get("  engagement")),
        (
            f"impact ({spark.get('impact_runs', 0):,} RR sets, rounds per batch "
            f"{spark.get('impact_rounds')})",
            t.get("impact"),
            mem_t.get("  impact"),
        ),
        ("the four chains above, run concurrently (wall)", t.get("concurrent_steps"), None),
        ("impact inside the own community", t.get("impact_in_community"), None),
        ("score (driver)", t.get("score"), mem_t.get("  scoring")),
        ("**total**", spark["metrics_wall"], mem_t.get("total (after load)")),
    ]
    fmt = lambda v: f"{v:,.1f}" if isinstance(v, (int, float)) else ""  # noqa: E731
    table = pd.DataFrame(
        [(name, fmt(a), fmt(b)) for name, a, b in rows],
        columns=["step", "Spark s", "in-memory s"],
    )
    lines += [
        "",
        table.to_markdown(index=False, disable_numparse=True, colalign=("left", "right", "right")),
        "",
        f"JVM CPU during the Spark run: {spark['jvm_cpu_seconds']:,.0f} s. "
        f"Session start {spark['session_start']:.1f} s (not counted).",
    ]
    per_round = []
    for name, key, count in (
        ("PageRank", "pagerank_round_seconds", "pagerank_rounds"),
        ("label propagation", "lpa_round_seconds", "lpa_rounds"),
        ("k-cores", "core_round_seconds", "core_rounds"),
        ("RR sets (impact)", "impact_round_seconds", "impact_rounds"),
    ):
        secs = spark.get(key)
        if secs:
            per_round.append(
                f"| {name} | {spark.get(count)} | {sum(secs):,.1f} | {np.mean(secs):.2f} | "
                f"{np.median(secs):.2f} | {max(secs):.2f} |"
            )
    if per_round:
        lines += [
            "",
            "Rounds, timed one by one (the four chains share the cores while they overlap):",
            "",
            "| step | rounds | seconds in rounds | mean s/round | median | max |",
            "|---|---|---:|---:|---:|---:|",
            *per_round,
        ]
    if agree:
        lines += [
            "",
            "Agreement: "
            + ", ".join(
                f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}" for k, v in agree.items()
            ),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e5,1e6", help="follow-edge counts, comma-separated")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=8, help="spark.sql.shuffle.partitions")
    ap.add_argument("--driver-memory", default="6g")
    ap.add_argument("--reach", default="sketch", choices=("sketch", "exact"))
    ap.add_argument("--skip-memory", action="store_true", help="Spark only")
    ap.add_argument(
        "--sequential",
        action="store_true",
        help="run the metric chains one after the other (metrics(concurrent=False))",
    )
    ap.add_argument(
        "--shape",
        default="planted",
        choices=generate.SHAPES,
        help="benchmark graph shape: the planted graph (inputs/<size>) or the heavy-tailed one "
        "(inputs/heavy-<size>, results spark-heavy-<size>)",
    )
    ap.add_argument("--tag", default="", help="suffix of the result file names")
    ap.add_argument(
        "--agreement-only",
        action="store_true",
        help="recompute the agreement of an earlier run from its saved Spark table "
        "(out/spark-metrics-<folder><tag>.parquet) and result file",
    )
    args = ap.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for text in args.sizes.split(","):
        edges = generate.parse_size(text.strip())
        size = generate.folder_name(edges, args.shape)
        folder = generate.ensure(edges, seed=args.seed, shape=args.shape)
        meta = json.loads((folder / "meta.json").read_text())
        print(f"[{size}] inputs {folder}", flush=True)
        memory = mem = None
        if not args.skip_memory:
            memory, mem = run_memory(folder, args.seed)
            print(
                f"[{size}] in-memory: {memory['total (after load)']:.1f} s after "
                f"{memory['load']:.1f} s load",
                flush=True,
            )
        if args.agreement_only:
            if mem is None:
                raise SystemExit(
                    "--agreement-only compares with the in-memory run: drop --skip-memory"
                )
            record = json.loads((RESULTS / f"spark-{size}{args.tag}.json").read_text())
            saved = pd.read_parquet(OUT / f"spark-metrics-{folder.name}{args.tag}.parquet")
            spark, sp = record["spark"], {"table": saved.set_index("node")}
            _write(size, args.tag, meta, memory, spark, agreement(mem, sp, args.seed))
            continue
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        spark, sp = run_spark(folder, args)
        spark.update(
            master=args.master,
            partitions=args.partitions,
            concurrent=not args.sequential,
            driver_memory=args.driver_memory,
            load_at_start=load,
        )
        print(
            f"[{size}] Spark: {spark['metrics_wall']:.1f} s, "
            f"{spark['jvm_cpu_seconds']:.0f} JVM CPU s",
            flush=True,
        )
        agree = agreement(mem, sp, args.seed) if mem is not None else None
        _write(size, args.tag, meta, memory, spark, agree)


def _write(size: str, tag: str, meta: dict, memory, spark: dict, agree) -> None:
    record = {"size": size, "meta": meta, "memory_seconds": memory, "spark": spark}
    record["agreement"] = agree
    (RESULTS / f"spark-{size}{tag}.json").write_text(
        json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8"
    )
    md = _md(size, meta, memory, spark, agree)
    (RESULTS / f"spark-{size}{tag}.md").write_text(md, encoding="utf-8")
    print(md, flush=True)


if __name__ == "__main__":
    main()
