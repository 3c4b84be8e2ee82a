"""Above AUTO_EXACT_PATHS, expected and within-community reach use the first-order estimate:
it must rank accounts like the exact computation and never exceed what can be reached."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

import netinfluence.metrics._reach as R
from netinfluence.metrics import communities


@pytest.fixture
def force_first_order(monkeypatch):
    monkeypatch.setattr(R, "AUTO_EXACT_PATHS", 10)


def test_first_order_expected_reach_ranks_like_exact(sample_net, monkeypatch):
    exact = R.reach(sample_net, expected=True)
    monkeypatch.setattr(R, "AUTO_EXACT_PATHS", 10)
    approx = R.reach(sample_net, expected=True)
    assert approx.attrs["method"] == "first-order" and "over-counts" in approx.attrs["note"]
    assert spearmanr(exact, approx).statistic > 0.99
    assert (approx >= exact - 1e-9).all()  # a union bound never under-counts
    assert (approx <= sample_net.n_nodes - 1).all()


def test_first_order_within_community_is_capped_by_the_community(sample_net, monkeypatch):
    labels = communities(sample_net, seed=0)
    exact = R.reach(sample_net, within_community=True, labels=labels)
    monkeypatch.setattr(R, "AUTO_EXACT_PATHS", 10)
    approx = R.reach(sample_net, within_community=True, labels=labels)
    sizes = labels.map(labels.value_counts()).to_numpy()
    assert (approx.to_numpy() <= sizes - 1).all()
    assert (approx.to_numpy() >= exact.to_numpy() - 1e-9).all()
    assert spearmanr(exact, approx).statistic > 0.95
    assert np.isfinite(approx).all()
