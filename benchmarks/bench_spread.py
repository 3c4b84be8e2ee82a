"""Speed target of issue 5: expected spread of every node of the 10^6-edge benchmark graph.

IC with weighted-cascade probabilities (``1 / in-degree``), reverse-reachable sampling until
the top 1 % of nodes have a relative standard error under 5 %; target: under 60 s. A few
estimates are then checked against independent forward Monte Carlo from those nodes.

Usage (from the repository root)::

    python benchmarks/bench_spread.py [--edges 1e6] [--layer follows] [--check 3]

The graph comes from ``benchmarks/generate.py`` (written to ``benchmarks/inputs/<size>/`` on
first use). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)

import netinfluence as ni  # noqa: E402
from netinfluence.spread import diffusion_model, expected_spread, simulate_spread  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edges", default="1e6", help="follow edges of the generated graph")
    ap.add_argument("--layer", default="ties", help="follows, interactions or ties")
    ap.add_argument("--rse", type=float, default=0.05)
    ap.add_argument("--top", type=float, default=0.01)
    ap.add_argument("--check", type=int, default=3, help="top nodes checked by forward MC")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    folder = generate.ensure(generate.parse_size(args.edges), seed=args.seed)
    t0 = time.perf_counter()
    net = ni.read_network(
        follows=folder / "follows.parquet",
        interactions=folder / "interactions.parquet",
        users=folder / "users.parquet",
    )
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    dm = diffusion_model(net, probability="weighted_cascade", layer=args.layer)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    es = expected_spread(
        net,
        probability="weighted_cascade",
        layer=args.layer,
        rse=args.rse,
        top=args.top,
        seed=args.seed,
    )
    t_spread = time.perf_counter() - t0

    n_top = int(np.ceil(args.top * net.n_nodes))
    top = es.nlargest(n_top, "expected_spread")
    rse = top["stderr"] / top["expected_spread"]
    print(
        f"graph: {net.n_nodes:,} nodes, {dm.m:,} directed pairs on layer {args.layer!r} "
        f"({net.n_follows:,} follows, {net.n_interactions:,} interaction rows)"
    )
    print()
    steps = [
        ("load (parquet)", f"{t_load:.1f}"),
        ("propagation arrays", f"{t_model:.1f}"),
        ("expected spread of every node", f"**{t_spread:.1f}** (target < 60)"),
    ]
    print(
        pd.DataFrame(steps, columns=["step", "seconds"]).to_markdown(
            index=False, disable_numparse=True
        )
    )
    print()
    print(
        f"RR sets: {es.attrs['runs']:,}; top {args.top:.0%} = {n_top:,} nodes: relative "
        f"standard error max {rse.max():.3f}, median {rse.median():.3f} (target "
        f"{args.rse}); expected spread of the top node {top['expected_spread'].iloc[0]:,.1f}, "
        f"median node {es['expected_spread'].median():.2f}"
    )
    if args.check:
        print()
        rows = []
        for node in top.index[: args.check]:
            res = simulate_spread(
                net,
                [node],
                probability="weighted_cascade",
                layer=args.layer,
                runs=2000,
                seed=args.seed + 1,
            )
            rows.append(
                (
                    str(node),
                    f"{es.loc[node, 'expected_spread']:,.1f} +- {2 * es.loc[node, 'stderr']:,.1f}",
                    f"{res.mean:,.1f} +- {2 * res.stderr:,.1f}",
                )
            )
        columns = ["node", "RR estimate (+- 2 se)", "forward MC, 2,000 cascades (+- 2 se)"]
        print(pd.DataFrame(rows, columns=columns).to_markdown(index=False, disable_numparse=True))


if __name__ == "__main__":
    main()
