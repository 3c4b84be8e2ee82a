"""Kitsak et al. (2010) validation on the real networks in ../shared/data.

For email-Eu-core, ego-Facebook, wiki-Vote and NetHEPT: SIR with recovery after one step at
``beta = 1.5 x <k>/(<k^2>-<k>)`` on the undirected view, the spreading efficiency of every
account by reverse-reachable sampling, and for each ranking (degree, k-core, PageRank,
VoteRank, collective influence, citizen score) the imprecision at the top 5 % and Kendall's
tau over all accounts. Prints a markdown table (and draws it with ``--plot FILE``).

Usage (from the repository root)::

    python benchmarks/validate_real.py [--p 0.05] [--beta-factor 1.5] [--seed 0] [--plot f.png]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import netinfluence as ni
from netinfluence.report.plots import validation_plot as plot_validation
from netinfluence.scoring import validate_rankings

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def load(name: str) -> ni.Network:
    if name == "email-Eu-core":
        return ni.read_network(follows=DATA / name / "email-Eu-core.txt")
    if name == "ego-Facebook":
        return ni.read_network(follows=DATA / name / "facebook_combined.txt.gz", directed=False)
    if name == "wiki-Vote":
        return ni.read_network(follows=DATA / name / "Wiki-Vote.txt.gz")
    if name == "NetHEPT":
        return ni.read_network(
            edges=DATA / name / "NetHEPT.txt.gz", skip_rows=1, edge_weight_merge="probability"
        )
    raise ValueError(name)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--beta-factor", type=float, default=1.5)
    ap.add_argument("--runs-per-node", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--datasets", default="email-Eu-core,ego-Facebook,wiki-Vote,NetHEPT")
    args = ap.parse_args(argv)

    tables, facts = [], []
    for name in args.datasets.split(","):
        net = load(name)
        t0 = time.perf_counter()
        table = validate_rankings(
            net,
            beta_factor=args.beta_factor,
            p=args.p,
            runs=args.runs_per_node * net.n_nodes,
            seed=args.seed,
        )
        seconds = time.perf_counter() - t0
        a = table.attrs
        facts.append(
            (
                name,
                net.n_nodes,
                a["beta_c"],
                a["beta"],
                a["mean_efficiency"],
                table["best_spread"].iloc[0],
                a["runs"],
                seconds,
            )
        )
        tables.append(table.reset_index().assign(dataset=name))
    full = pd.concat(tables, ignore_index=True)

    columns = [
        "dataset",
        "nodes",
        "beta_c",
        "beta",
        "mean M",
        "mean M of true top 5%",
        "RR sets",
        "seconds",
    ]
    cells = [
        (
            name,
            f"{n:,}",
            f"{bc:.4f}",
            f"{b:.4f}",
            f"{mm:.1f}",
            f"{best:.1f}",
            f"{runs:,}",
            f"{sec:.0f}",
        )
        for name, n, bc, b, mm, best, runs, sec in facts
    ]
    print(pd.DataFrame(cells, columns=columns).to_markdown(index=False, disable_numparse=True))
    print()
    print(
        f"Imprecision at the top {args.p:.0%} (0 = as good as the true best spreaders; "
        "lower is better) / Kendall tau with the spreading efficiency over all nodes:"
    )
    print()
    rankings = list(dict.fromkeys(full["ranking"]))
    names = list(dict.fromkeys(full["dataset"]))
    cells = []
    for r in rankings:
        row = [r]
        for d in names:
            hit = full[(full["ranking"] == r) & (full["dataset"] == d)].iloc[0]
            row.append(f"{hit['imprecision']:.3f} / {hit['kendall_tau']:.3f}")
        cells.append(row)
    table = pd.DataFrame(cells, columns=["ranking", *names])
    print(table.to_markdown(index=False, disable_numparse=True))
    if args.plot is not None:
        from netinfluence.io import save_figure

        save_figure(plot_validation(full), args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
