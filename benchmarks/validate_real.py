"""Kitsak et al. (2010) validation on the real networks in ../shared/data.

For email-Eu-core, ego-Facebook, wiki-Vote and NetHEPT: SIR with recovery after one step at
``beta = 1.5 x <k>/(<k^2>-<k>)`` on the undirected view, the spreading efficiency of every
account by reverse-reachable sampling, and for each ranking the imprecision at the top 5 %
and Kendall's tau over all accounts. Every ranking is computed on the undirected network the
truth spreads on; the citizen score on the files' own directions is reported beside it
(``citizen_score_directed_load``). The rankings are the package's classic ones on the
undirected view (degree, k-core, VoteRank, collective influence) plus every scorer of
``SCORERS`` in ``benchmarks/scorers.py`` (citizen score, its components, PageRank, in-degree,
coreness of the follows graph, ...; the same dict the planted and village validations use).
Scorers that cannot run on a network (no users table for ``followers``) are left out and
named. Prints a markdown table, writes it to ``benchmarks/results/validation-real.md`` (and
draws it with ``--plot FILE``).

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/validate_real.py [--p 0.05] [--beta-factor 1.5] [--seed 0]
        [--plot f.png] [--out benchmarks/results/validation-real.md]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scorers import SCORERS

import netinfluence as ni
from netinfluence.report.plots import validation_plot as plot_validation
from netinfluence.scoring import validate_rankings

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
#: the package's own rankings kept beside the scorer dict (its citizen score comes from SCORERS)
BUILTIN = ("degree", "coreness", "voterank", "collective_influence")


def scorer_table(net: ni.Network, scorers=SCORERS) -> tuple[pd.DataFrame, list[str]]:
    """One column per scorer that runs on ``net`` (``scorer:`` prefix), and the ones skipped."""
    cols, skipped = {}, []
    for name, f in scorers.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s = f(net)
        except ni.NetInfluenceError as exc:
            skipped.append(f"{name} ({exc})")
            continue
        s = pd.to_numeric(s.reindex(net.ids), errors="coerce")
        if s.notna().sum() == 0 or s.min() == s.max():
            skipped.append(f"{name} (constant or empty)")
            continue
        cols[f"scorer:{name}"] = s
    return pd.DataFrame(cols, index=net.ids), skipped


def load(name: str, *, undirected: bool = True) -> ni.Network:
    """One of the four networks, by default as the undirected graph the SIR truth spreads on.

    Kitsak et al.'s SIR runs on the undirected view, so every ranking is given that same
    network (``undirected=True``: each tie both ways). ``undirected=False`` loads the files'
    own directions (email and wiki-Vote as follows, NetHEPT's weighted-cascade rows), which
    is reported beside it as ``citizen_score_directed_load``: a score that reads influence
    along one direction is then judged against a process that ignores it.
    """
    folder = DATA / name
    if name == "ego-Facebook":  # undirected as published
        return ni.read_network(follows=folder / "facebook_combined.txt.gz", directed=False)
    files = {
        "email-Eu-core": (folder / "email-Eu-core.txt", 0),
        "wiki-Vote": (folder / "Wiki-Vote.txt.gz", 0),
        "NetHEPT": (folder / "NetHEPT.txt.gz", 1),
    }
    if name not in files:
        raise ValueError(name)
    path, skip = files[name]
    if undirected:
        return ni.read_network(follows=path, skip_rows=skip, directed=False)
    if name == "NetHEPT":
        return ni.read_network(edges=path, skip_rows=skip, edge_weight_merge="probability")
    return ni.read_network(follows=path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--p", type=float, default=0.05)
    ap.add_argument("--beta-factor", type=float, default=1.5)
    ap.add_argument("--runs-per-node", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--datasets", default="email-Eu-core,ego-Facebook,wiki-Vote,NetHEPT")
    ap.add_argument("--out", type=Path, default=RESULTS / "validation-real.md")
    args = ap.parse_args(argv)

    tables, facts, skipped_all = [], [], []
    for name in args.datasets.split(","):
        net = load(name)
        t0 = time.perf_counter()
        extra, skipped = scorer_table(net)
        skipped_all += [f"{name}: {s}" for s in skipped]
        if name != "ego-Facebook":  # the same network either way
            directed = load(name, undirected=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extra["scorer:citizen_score_directed_load"] = (
                    ni.citizen_score(directed, seed=0)["score"].reindex(net.ids).fillna(0.0)
                )
        table = validate_rankings(
            net,
            rankings=list(BUILTIN),
            scores=extra,
            beta_factor=args.beta_factor,
            share=args.p,
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

    lines = [
        "# Kitsak et al. (2010) SIR validation on real networks",
        "",
        "SIR with recovery after one step at beta = "
        f"{args.beta_factor} x beta_c on the undirected view; spreading efficiency M of "
        "every account by reverse-reachable sampling. Every ranking is computed on the "
        "undirected network the truth spreads on (each tie both ways); "
        "`citizen_score_directed_load` is the score on the files' own directions. Generated "
        "by `benchmarks/validate_real.py`.",
        "",
        "| dataset | nodes | beta_c | beta | mean M | mean M of true top 5% | RR sets | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, n, bc, b, mm, best, runs, sec in facts:
        lines.append(
            f"| {name} | {n:,} | {bc:.4f} | {b:.4f} | {mm:.1f} | {best:.1f} | "
            f"{runs:,} | {sec:.0f} |"
        )
    lines += [
        "",
        f"Imprecision at the top {args.p:.0%} (0 = as good as the true best spreaders; "
        "lower is better) / Kendall tau with the spreading efficiency over all nodes "
        "(`scorer:` rows come from `benchmarks/scorers.py`):",
        "",
    ]
    rankings = list(dict.fromkeys(full["ranking"]))
    names = list(dict.fromkeys(full["dataset"]))
    lines += ["| ranking | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for r in rankings:
        cells = []
        for d in names:
            sel = full[(full["ranking"] == r) & (full["dataset"] == d)]
            if sel.empty:
                cells.append("")
                continue
            row = sel.iloc[0]
            cells.append(f"{row['imprecision']:.3f} / {row['kendall_tau']:.3f}")
        lines.append(f"| {r} | " + " | ".join(cells) + " |")
    if skipped_all:
        lines += ["", "Scorers left out: " + "; ".join(skipped_all) + "."]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.plot is not None:
        from netinfluence.io import save_figure

        save_figure(plot_validation(full), args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
