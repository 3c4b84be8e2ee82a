"""Measure the citizen score's weights against planted truth (and spreading on real graphs).

    python benchmarks/score_weights.py [--real]

On the bundled sample (planted insiders, celebrities, bought accounts, bots) it reports
precision at 20/50/100 of: the default score, each component alone, the default without each
component (leave one out), and ranking by platform followers. With ``--real`` it also reports,
on real networks from ../shared/data, Kendall's tau between each ranking and the expected
spread of every node under SIR near the epidemic threshold (needs netinfluence.diffusion).
Results go to benchmarks/results/score_weights.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import pandas as pd

import netinfluence as ni
from netinfluence.scoring import COMPONENTS, ScoreWeights, citizen_score, score_inputs

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = (REPO / ".." / "shared" / "data").resolve()


def markdown(frame: pd.DataFrame, *, index: bool = False, digits: int = 2) -> str:
    """A GitHub markdown table, floats with ``digits`` decimals (``DataFrame.to_markdown``)."""
    df = frame.reset_index() if index else frame
    fmt = lambda v: f"{v:.{digits}f}" if isinstance(v, float) else str(v)  # noqa: E731
    rows = [[fmt(v) for v in row] for row in df.itertuples(index=False)]
    cells = pd.DataFrame(rows, columns=[str(c) for c in df.columns])
    return cells.to_markdown(index=False, disable_numparse=True)


def precision_at(scores: pd.Series, truth: pd.Series, ks=(20, 50, 100)) -> dict:
    order = scores.sort_values(ascending=False, kind="mergesort").index
    return {f"p@{k}": float((truth.loc[order[:k]] == "insider").mean()) for k in ks}


def variants() -> dict[str, ScoreWeights]:
    base = ScoreWeights()
    out = {"default": base}
    for c in COMPONENTS:
        only = {k: 0.0 for k in COMPONENTS}
        only[c] = 1.0
        out[f"only {c}"] = dataclasses.replace(base, **only)
    for c in COMPONENTS:
        out[f"without {c}"] = dataclasses.replace(base, **{c: 0.0})
    out["no flag penalty"] = dataclasses.replace(base, flag_penalty=0.0)
    return out


def sample_table() -> pd.DataFrame:
    from netinfluence.datasets import load_sample, make_social_network

    net = load_sample()
    truth = make_social_network().truth.set_index("id")["planted_role"]
    inputs = score_inputs(net, seed=0)
    rows = []
    for name, w in variants().items():
        s = citizen_score(net, weights=w, inputs=inputs)["score"]
        top50 = s.sort_values(ascending=False, kind="mergesort").index[:50]
        bad = int(truth.loc[top50].isin(["celebrity", "bought", "bot"]).sum())
        rows.append({"ranking": name, **precision_at(s, truth), "bad in top 50": bad})
    followers = net.nodes["followers"].astype(float)
    top50 = followers.sort_values(ascending=False, kind="mergesort").index[:50]
    rows.append(
        {
            "ranking": "platform followers",
            **precision_at(followers, truth),
            "bad in top 50": int(truth.loc[top50].isin(["celebrity", "bought", "bot"]).sum()),
        }
    )
    return pd.DataFrame(rows)


def real_table() -> pd.DataFrame:
    from scipy.stats import kendalltau

    from netinfluence.spread import _diffusion as diffusion

    sets = {
        "email-Eu-core": dict(edges=SHARED / "email-Eu-core" / "email-Eu-core.txt"),
        "ego-Facebook": dict(
            follows=SHARED / "ego-Facebook" / "facebook_combined.txt.gz", directed=False
        ),
    }
    rows = []
    for name, kw in sets.items():
        net = ni.read_network(**kw)
        t0 = time.time()
        spread = diffusion.expected_spread(net, model="sir", seed=0)
        spread = spread["expected_spread"] if isinstance(spread, pd.DataFrame) else spread
        inputs = score_inputs(net, seed=0)
        for vname, w in variants().items():
            s = citizen_score(net, weights=w, inputs=inputs)["score"]
            tau = kendalltau(s.to_numpy(), spread.reindex(s.index).to_numpy()).statistic
            rows.append({"dataset": name, "ranking": vname, "kendall_tau": round(float(tau), 3)})
        rows.append(
            {"dataset": name, "ranking": "(seconds)", "kendall_tau": round(time.time() - t0, 1)}
        )
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", action="store_true", help="also measure on ../shared/data")
    args = ap.parse_args()
    out = ["# Citizen score weights, measured", ""]
    table = sample_table()
    out += ["## Sample network: precision against planted insiders", "", markdown(table), ""]
    print(table.to_string(index=False))
    if args.real:
        real = real_table().pivot(index="ranking", columns="dataset", values="kendall_tau")  # noqa: PD010 - one value per cell
        out += [
            "## Real networks: Kendall tau with SIR expected spread",
            "",
            markdown(real, index=True, digits=3),
            "",
        ]
        print(real.to_string())
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "score_weights.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
