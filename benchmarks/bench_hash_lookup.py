"""The tie step's pair-key lookup: the hand-written hash table vs pandas and numpy.

``edge_common_neighbours`` (``netinfluence.network._ties``) builds a table of the sorted
undirected pair keys ``a * n + b`` (degree ranks, ``a < b``) and looks up the closing pair
``b[p] * n + b[q]`` of every wedge. This script measures, in one process, three ways of
answering "position of each query key in the keys, or -1":

- ``hash``: the package's open-addressing table (``_hash_index`` + ``_hash_lookup``);
- ``pandas``: ``pandas.Index(keys).get_indexer(queries)`` (a khash table inside pandas);
- ``searchsorted``: ``np.searchsorted`` on the keys, which the tie step already has sorted.

Keys and queries are built as the tie step builds them, from the benchmark generator's follow
graph (``benchmarks/generate.py``, in memory, seeded): the follows are folded into undirected
pairs, ranked by degree, and the queries are wedges drawn uniformly from all the wedges the
step would look up, in the order it would look them up. Times are the median of ``--repeat``
runs (build and lookup separately); peak memory is ``tracemalloc``'s peak over one extra run
of build + lookup (numpy and pandas' hash tables report their allocations to tracemalloc).
Lookups run single-threaded here (the tie step spreads chunks over up to 4 threads).

Usage (from the repository root)::

    python benchmarks/bench_hash_lookup.py                    # 1e5, 1e6, 1e7
    python benchmarks/bench_hash_lookup.py --sizes 1e5 --repeat 1
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import Params, _Graph, follow_edges, parse_size, size_label  # noqa: E402

from netinfluence._arrays import sort_order, unique  # noqa: E402
from netinfluence.network._ties import _hash_index, _hash_lookup  # noqa: E402

RESULTS = HERE / "results" / "hash-lookup.md"


def tie_step_keys(edges: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Sorted pair keys, ``edges`` wedge queries (built as ``edge_common_neighbours`` does) and
    the number of wedges the step looks up in all."""
    p = Params(edges=edges, seed=seed)
    rng = np.random.default_rng(seed)
    src, dst = follow_edges(p, _Graph(p, rng), rng)
    n = p.accounts
    nn = np.int64(n)
    ukeys = unique(np.minimum(src, dst) * nn + np.maximum(src, dst))
    u, v = ukeys // nn, ukeys % nn
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    ru, rv = rank[u], rank[v]
    a, b = np.minimum(ru, rv), np.maximum(ru, rv)
    order, keys = sort_order(a * nn + b)
    a, b = a[order], b[order]
    m = len(keys)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    cnt = indptr[a + 1] - 1 - np.arange(m)
    cum = np.cumsum(cnt)
    # `edges` wedges drawn uniformly from all cum[-1] of them, in processing order
    wedge = np.sort(rng.integers(0, int(cum[-1]), edges))
    rep = np.searchsorted(cum, wedge, side="right")
    q = rep + 1 + (wedge - (cum[rep] - cnt[rep]))
    return keys, b[rep] * nn + b[q], int(cum[-1])


def by_hash(keys, queries):
    table = _hash_index(keys)
    return table, lambda: _hash_lookup(table, queries)


def by_pandas(keys, queries):
    index = pd.Index(keys)
    # pandas builds its hash table lazily in the first large lookup: compare total_s
    return index, lambda: index.get_indexer(queries)


def by_searchsorted(keys, queries):
    def lookup():
        pos = np.searchsorted(keys, queries)
        np.minimum(pos, len(keys) - 1, out=pos)
        return np.where(keys[pos] == queries, pos, -1)

    return keys, lookup


METHODS = {"hash": by_hash, "pandas": by_pandas, "searchsorted": by_searchsorted}


def timed(method, keys, queries) -> tuple[float, float, float, np.ndarray]:
    """Build and lookup wall seconds, their CPU seconds, and the lookup's result."""
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    built, lookup = method(keys, queries)
    t1 = time.perf_counter()
    result = lookup()
    c2, t2 = time.process_time(), time.perf_counter()
    del built, lookup
    return t1 - t0, t2 - t1, c2 - c0, result


def peak_mib(method, keys, queries) -> float:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    built, lookup = method(keys, queries)
    out = lookup()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del built, lookup, out
    return peak / 2**20


def measure(keys, queries, repeat: int) -> dict[str, dict]:
    """Every method once per round (interleaved, so load drift hits all alike); medians."""
    runs: dict[str, list] = {name: [] for name in METHODS}
    results = {}
    for _ in range(repeat):
        for name, method in METHODS.items():
            *times, results[name] = timed(method, keys, queries)
            runs[name].append(times)
    out = {}
    for name, method in METHODS.items():
        build, lookup, cpu = (list(col) for col in zip(*runs[name], strict=True))
        out[name] = {
            "build_s": statistics.median(build),
            "lookup_s": statistics.median(lookup),
            "total_s": statistics.median(b + s for b, s in zip(build, lookup, strict=True)),
            "cpu_s": statistics.median(cpu),
            "peak_mib": peak_mib(method, keys, queries),
            "result": results[name],
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e5,1e6,1e7")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    rows = []
    for edges in [parse_size(s) for s in args.sizes.split(",")]:
        t0 = time.perf_counter()
        keys, queries, wedges = tie_step_keys(edges, args.seed)
        print(
            f"{size_label(edges)}: {len(keys):,} keys, {len(queries):,} queries of "
            f"{wedges:,} wedges "
            f"(built in {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        reference = None
        for name, r in measure(keys, queries, args.repeat).items():
            res = r.pop("result")
            if reference is None:
                reference = res
            elif not np.array_equal(res, reference):
                raise SystemExit(f"{name} disagrees with hash at {size_label(edges)}")
            hits = float((res >= 0).mean())
            rows.append(
                {"size": size_label(edges), "keys": len(keys), "step_wedges": wedges}
                | {"queries": len(queries)}
                | {"method": name, "hit_rate": hits}
                | r
            )
            print(f"  {name:12s} " + "  ".join(f"{k} {v:.3f}" for k, v in r.items()), flush=True)
    frame = pd.DataFrame(rows)
    base = frame[frame["method"] == "hash"].set_index("size")["total_s"]
    frame["vs_hash"] = frame["total_s"] / frame["size"].map(base)
    cpu_base = frame[frame["method"] == "hash"].set_index("size")["cpu_s"]
    frame["cpu_vs_hash"] = frame["cpu_s"] / frame["size"].map(cpu_base)
    # the step's own volume: one build, then lookups of all its wedges at the measured rate
    frame["step_est_s"] = frame["build_s"] + frame["lookup_s"] * (
        frame["step_wedges"] / frame["queries"]
    )
    step_base = frame[frame["method"] == "hash"].set_index("size")["step_est_s"]
    frame["step_vs_hash"] = frame["step_est_s"] / frame["size"].map(step_base)
    table = frame.assign(
        keys=frame["keys"].map("{:,}".format),
        queries=frame["queries"].map("{:,}".format),
        step_wedges=frame["step_wedges"].map("{:,}".format),
        hit_rate=frame["hit_rate"].map("{:.3f}".format),
        build_s=frame["build_s"].map("{:.3f}".format),
        lookup_s=frame["lookup_s"].map("{:.3f}".format),
        total_s=frame["total_s"].map("{:.3f}".format),
        cpu_s=frame["cpu_s"].map("{:.3f}".format),
        vs_hash=frame["vs_hash"].map("{:.2f}x".format),
        cpu_vs_hash=frame["cpu_vs_hash"].map("{:.2f}x".format),
        step_est_s=frame["step_est_s"].map("{:.2f}".format),
        step_vs_hash=frame["step_vs_hash"].map("{:.2f}x".format),
        peak_mib=frame["peak_mib"].map("{:.0f}".format),
    )
    text = (
        "# Pair-key lookup of the tie step: hash table vs pandas vs searchsorted\n\n"
        f"`python benchmarks/bench_hash_lookup.py --sizes {args.sizes} --repeat {args.repeat} "
        f"--seed {args.seed}`; numpy {np.__version__}, pandas {pd.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
        f"load average at start {load}.\n\n"
        "Keys: the sorted undirected pair keys of the generator's follow graph of `size` "
        "edges, as `edge_common_neighbours` builds them; queries: as many wedge-closing "
        "pairs, drawn uniformly from all the step's wedges (`step_wedges`: how many the step "
        "looks up against one table), in processing order. Times: "
        f"median of {args.repeat} rounds, each running every method once (interleaved), "
        "single-threaded; `cpu_s`: process CPU seconds of build + lookup; `vs_hash`: total time / the hash "
        "table's; peak: tracemalloc over one build + lookup; `step_est_s`: one build plus "
        "`step_wedges` lookups at the measured rate (the step's own volume, one thread), "
        "`step_vs_hash` its ratio. All three give identical results.\n\n"
        + table.to_markdown(index=False, disable_numparse=True)
        + "\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
