"""Leaders' rankings against microfinance take-up in the 43 Karnataka villages.

Banerjee, Chandrasekhar, Duflo & Jackson (2013), "The Diffusion of Microfinance", Science
341:1236498: microfinance was announced to village "leaders"; villages whose leaders were more
central saw more take-up among the other households. For each village (the household network's
giant component, as in the paper) this script averages over the leaders each ranking of
``benchmarks/scorers.py`` that applies to an undirected network without interactions (the
citizen score, its components, degree, coreness, PageRank) plus eigenvector centrality, and
regresses non-leader take-up on the standardised leader mean by OLS with HC1 (Stata
``robust``) standard errors: without controls (A) and with the number of households (B).
The paper's own regressions are shown beside them as ``replicate.py`` (in the data folder)
reproduces them. 43 data points; nothing here was tuned on them.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/validate_villages.py [--data DIR] [--out FILE_STEM]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scorers import SCORERS

import netinfluence as ni

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "microfinance-villages"
RESULTS = Path(__file__).resolve().parent / "results"
#: scorers that need follower counts or interactions mean nothing on a household network
SKIP = ("followers", "in_degree")


def load_replicate(folder: Path):
    """Import the data folder's ``replicate.py`` as a module reading ``folder``."""
    spec = importlib.util.spec_from_file_location("mf_replicate", folder / "replicate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.HERE = folder
    return mod


def village_rankings(folder: Path, rep, villages: list[int] | None = None) -> pd.DataFrame:
    """Per village (all, or ``villages``): leaders' mean of each ranking on the giant component."""
    hh = pd.read_csv(folder / "households.csv")
    vil = pd.read_csv(folder / "villages.csv")
    if villages is not None:
        vil = vil[vil.village.isin(villages)]
    rows = []
    for _, vr in vil.iterrows():
        v, n = int(vr.village), int(vr.n_households)
        h = hh[hh.village == v].sort_values("household")
        gi = h["in_giant"].to_numpy() == 1
        lead = h["leader"].to_numpy() == 1
        e = pd.read_csv(folder / "edges" / f"village_{v}.csv.gz")
        giant = set(h["household"].to_numpy()[gi].tolist())
        e = e[e.u.isin(giant) & e.v.isin(giant)]
        follows = pd.DataFrame({"follower": e.u.astype(str), "followed": e.v.astype(str)})
        net = ni.read_network(follows=follows, directed=False)
        leaders = pd.Index(h["household"].to_numpy()[gi & lead].astype(str))
        row = {"village": v}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name, f in SCORERS.items():
                if name in SKIP:
                    continue
                s = f(net)
                row[name] = float(s.reindex(leaders).astype(float).mean())
            A = rep.load_adjacency(v, n)[np.ix_(gi, gi)]
        _w, U = np.linalg.eigh(A)
        ev = np.abs(U[:, -1])
        order = h["household"].to_numpy()[gi]
        row["eigenvector"] = float(ev[lead[gi]].mean())
        row["degree"] = float(A.sum(1)[lead[gi]].mean())
        assert len(order) == len(A)
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=RESULTS / "validation-villages")
    args = ap.parse_args(argv)
    folder = args.data.resolve()
    if not folder.is_dir():
        raise SystemExit(f"microfinance data not found at {folder}")
    t0 = time.perf_counter()
    rep = load_replicate(folder)
    vil = pd.read_csv(folder / "villages.csv")
    hh = pd.read_csv(folder / "households.csv")
    paper = rep.village_measures(hh, vil).merge(
        vil, on=["village", "n_households", "n_edges", "n_leaders", "n_giant"]
    )
    ours = village_rankings(folder, rep)
    m = paper.merge(ours, on="village", suffixes=("", "_ours"))
    seconds = time.perf_counter() - t0

    measures = [c for c in ours.columns if c != "village"]
    paper_measures = ["degree_pub", "eigenvector", "diffusion"]
    rows = []
    for source, names in (("this harness", measures), ("paper (replicate.py)", paper_measures)):
        for x in names:
            col = x if source == "paper (replicate.py)" or x not in paper else f"{x}_ours"
            row = {"source": source, "ranking": x}
            for spec, ctr in (("A", []), ("B", ["n_households"])):
                if m[col].std() == 0 or m[col].isna().any():
                    row.update(
                        {
                            f"{spec} coef": np.nan,
                            f"{spec} t_HC1": np.nan,
                            f"{spec} p": np.nan,
                            f"{spec} R2": np.nan,
                        }
                    )
                    continue
                b, t, p, _, r2 = rep.regress(m, "takeup", col, ctr)
                row.update(
                    {f"{spec} coef": b, f"{spec} t_HC1": t, f"{spec} p": p, f"{spec} R2": r2}
                )
            rows.append(row)
    table = pd.DataFrame(rows)
    corr = (
        m[[c if c not in paper else f"{c}_ours" for c in measures] + ["diffusion"]]
        .corr(method="spearman")["diffusion"]
        .drop("diffusion")
    )
    text = "\n".join(
        [
            "# Microfinance villages (Banerjee et al. 2013): leaders' ranking vs non-leader take-up",
            "",
            f"43 villages; OLS of take-up on the standardised leaders' mean, HC1 t statistics. "
            f"A: no controls; B: + number of households. `degree`/`eigenvector` in the harness "
            f"rows are recomputed here on the giant component; the paper rows are `replicate.py`'s "
            f"(`degree_pub`: surveyed leaders only; `diffusion`: q = 1/lambda1, T = trimesters). "
            f"Run time {seconds:.0f} s. Generated by `benchmarks/validate_villages.py`.",
            "",
            table.to_markdown(index=False, floatfmt=".3f"),
            "",
            "Spearman correlation of each village-level leaders' mean with the paper's diffusion "
            "centrality:",
            "",
            corr.rename("rho_vs_diffusion").to_frame().to_markdown(floatfmt=".3f"),
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(
        json.dumps(
            {
                "regressions": json.loads(table.to_json(orient="records")),
                "villages": json.loads(
                    m[
                        ["village", "takeup", "n_households", *paper_measures]
                        + [c if c not in paper else f"{c}_ours" for c in measures]
                    ].to_json(orient="records")
                ),
                "seconds": seconds,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()
