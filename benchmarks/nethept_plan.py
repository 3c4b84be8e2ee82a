"""NetHEPT campaign benchmark: k = 50 seeds under IC (file probabilities) and LT.

For each model, IMM chooses 50 seeds; their expected spread is then measured by an independent
forward Monte Carlo run (2,000 cascades, separate random stream) beside the 50 accounts of
highest degree (out-degree of the influence graph, i.e. the accounts with most co-authors
exposed to them). Prints a markdown table.

Usage (from the repository root)::

    python benchmarks/nethept_plan.py [--runs 2000] [--epsilon 0.1] [--seed 0]

Reads ``../shared/data/NetHEPT/NetHEPT.txt.gz`` (header line skipped; parallel rows combined
as independent chances ``1 - prod(1 - p)``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import netinfluence as ni
from netinfluence.spread import plan_campaign, simulate_spread

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "NetHEPT" / "NetHEPT.txt.gz"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--runs", type=int, default=2000, help="forward Monte Carlo cascades")
    ap.add_argument("--epsilon", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    net = ni.read_network(edges=DATA, skip_rows=1, edge_weight_merge="probability")
    print(f"NetHEPT: {net.n_nodes:,} nodes, {net.n_follows:,} directed pairs")
    src, _, _ = net.edge_arrays("follows")
    degree = np.bincount(src, minlength=net.n_nodes)
    top_degree = list(net.ids[np.argsort(-degree, kind="stable")[: args.k]])
    rows = []
    for model, probability in (("ic", "edge"), ("lt", "edge"), ("lt", "weighted_cascade")):
        t0 = time.perf_counter()
        plan = plan_campaign(
            net,
            k=args.k,
            model=model,
            probability=probability,
            method="imm",
            epsilon=args.epsilon,
            evaluation_runs=args.runs,
            seed=args.seed,
        )
        t_plan = time.perf_counter() - t0
        chosen = list(plan.seeds["node"])
        evaluation = {}
        for name, seeds in (("IMM", chosen), ("top degree", top_degree)):
            res = simulate_spread(
                net,
                seeds,
                model=model,
                probability=probability,
                runs=args.runs,
                seed=args.seed + 1000,
            )
            evaluation[name] = res
        rows.append(
            (
                model,
                probability,
                t_plan,
                plan.parameters.get("rr_sets"),
                plan.summary.loc["estimated_spread", "plan"],
                evaluation,
            )
        )
    print()
    cells = []
    for model, prob, t_plan, theta, est, ev in rows:
        a, b = ev["IMM"], ev["top degree"]
        cells.append(
            (
                model.upper(),
                str(prob),
                f"{a.mean:,.1f} ({a.ci[0]:,.1f}-{a.ci[1]:,.1f})",
                f"{b.mean:,.1f} ({b.ci[0]:,.1f}-{b.ci[1]:,.1f})",
                f"{est:,.1f}",
                f"{theta:,}",
                f"{t_plan:.1f} s",
            )
        )
    columns = [
        "model",
        "weights",
        "IMM seeds: MC spread (95% CI)",
        f"top-{args.k} degree: MC spread (95% CI)",
        "IMM estimate",
        "RR sets",
        "IMM time",
    ]
    print(pd.DataFrame(cells, columns=columns).to_markdown(index=False, disable_numparse=True))
    print(
        f"\n{args.runs:,} forward cascades per figure (independent of the selection); "
        f"epsilon={args.epsilon}, seed={args.seed}."
    )


if __name__ == "__main__":
    main()
