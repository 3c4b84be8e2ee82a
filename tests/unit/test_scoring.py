"""The citizen score: components, weights, penalties, and what it finds on the planted truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.scoring import COMPONENTS, ScoreWeights, citizen_score, combine, score_inputs
from netinfluence.scoring._score import percentile


@pytest.fixture(scope="module")
def sample_inputs(sample_net):
    return score_inputs(sample_net, seed=0)


@pytest.fixture(scope="module")
def truth(sample_paths):
    return pd.read_csv(sample_paths["truth"], dtype={"id": str}).set_index("id")


def test_percentile_ties_and_missing():
    p = percentile([3, 1, 2, 2, np.nan])
    assert p.tolist() == pytest.approx([1.0, 0.0, 1 / 3, 1 / 3, 0.0])
    assert (percentile([5, 5, 5]) == 0.0).all()  # constant: cannot reorder


def test_weights_validation_and_file(tmp_path):
    with pytest.raises(ni.InputError, match=">= 0"):
        ScoreWeights(engagement=-1)
    with pytest.raises(ni.InputError, match="unknown score weight"):
        ScoreWeights.from_dict({"followers": 1.0})
    with pytest.raises(ni.InputError, match="at least one"):
        ScoreWeights(**{c: 0 for c in COMPONENTS})
    path = tmp_path / "w.json"
    path.write_text(
        json.dumps(
            {
                "engaged_reach": 1,
                "embeddedness": 0,
                "coreness": 0,
                "engagement": 0,
                "reciprocity": 0,
            }
        )
    )
    assert ScoreWeights.from_file(path).normalised()["engaged_reach"] == 1.0
    path.write_text("{not json")
    with pytest.raises(ni.InputError, match=r"w\.json"):
        ScoreWeights.from_file(path)


def test_combine_formula():
    comps = pd.DataFrame({c: [0.2, 0.8] for c in COMPONENTS})
    w = ScoreWeights(
        engaged_reach=1, embeddedness=1, coreness=0, engagement=0, reciprocity=0, flag_penalty=0.5
    )
    assert combine(comps, [0, 2], w).tolist() == pytest.approx([20.0, 20.0])


def test_score_table_contract(sample_net, sample_inputs):
    s = citizen_score(sample_net, inputs=sample_inputs)
    assert list(s.columns) == [*COMPONENTS, "n_flags", "score"]
    assert s.index.equals(sample_net.ids) and s.index.name == "node"
    assert not s.isna().any().any()
    assert s["score"].between(0, 100).all()
    for c in COMPONENTS:
        assert s[c].between(0, 1).all()


def test_followers_are_not_rewarded(sample_net, sample_inputs):
    """Doubling every platform follower count must not change any score component."""
    nodes = sample_net.nodes.copy()
    nodes["followers"] = nodes["followers"] * 1.0
    s = citizen_score(sample_net, inputs=sample_inputs)
    inputs2 = sample_inputs.copy()
    inputs2["followers"] = inputs2["followers"] * 2
    s2 = citizen_score(sample_net, inputs=inputs2)
    pd.testing.assert_series_equal(s["score"], s2["score"])


def test_planted_insiders_fill_the_top(sample_net, sample_inputs, truth):
    s = citizen_score(sample_net, inputs=sample_inputs)["score"]
    top = s.sort_values(ascending=False).head(50).index
    roles = truth.loc[top, "planted_role"]
    assert (roles == "insider").mean() >= 0.7
    assert not roles.isin(["celebrity", "bought", "bot"]).any()
    by_followers = truth.loc[
        sample_net.nodes["followers"].sort_values(ascending=False).head(50).index, "planted_role"
    ]
    assert (by_followers == "insider").mean() < (roles == "insider").mean() - 0.3


def test_same_seed_same_scores(sample_net, sample_inputs):
    again = score_inputs(sample_net, seed=0)
    pd.testing.assert_frame_equal(sample_inputs, again)


def test_leiden_iterations_fall_with_graph_size():
    from netinfluence.scoring._score import (
        LEIDEN_FULL_MAX_EDGES,
        LEIDEN_TWO_PASS_MAX_EDGES,
        leiden_iterations,
    )

    assert leiden_iterations(0) == leiden_iterations(LEIDEN_FULL_MAX_EDGES) == -1
    assert leiden_iterations(LEIDEN_FULL_MAX_EDGES + 1) == 2
    assert leiden_iterations(LEIDEN_TWO_PASS_MAX_EDGES) == 2
    assert leiden_iterations(LEIDEN_TWO_PASS_MAX_EDGES + 1) == 1
