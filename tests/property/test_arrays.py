"""The sort-based array helpers agree with numpy's own functions on any integer keys.

``sort_order`` packs keys and positions into 64-bit words when their range allows and falls
back to ``np.argsort(kind="stable")`` otherwise; both branches must give numpy's stable order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from netinfluence._arrays import isin, sort_order, unique

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(INT_DTYPES).flatmap(
        lambda dt: hnp.arrays(dt, st.integers(0, 60), elements=hnp.from_dtype(np.dtype(dt)))
    )
)
def test_sort_order_is_numpys_stable_argsort(keys):
    order, ordered = sort_order(keys)
    expected = np.argsort(keys, kind="stable")
    assert order.dtype == np.int64
    np.testing.assert_array_equal(order, expected)
    np.testing.assert_array_equal(ordered, keys[expected])
    assert ordered.dtype == keys.dtype


@pytest.mark.parametrize("span_bits, packed", [(40, True), (41, False)])
def test_sort_order_packs_only_when_the_range_fits(monkeypatch, span_bits, packed):
    # 2**24 positions need 24 bits: a 40-bit range fits in 64, a 41-bit one does not
    rng = np.random.default_rng(0)
    m = (1 << 23) + 1
    keys = rng.integers(0, 1 << span_bits, m, dtype=np.int64)
    keys[:1000] = keys[1000:2000]  # duplicates, whose relative order must be kept
    calls = []
    real = np.argsort
    monkeypatch.setattr(np, "argsort", lambda *a, **k: calls.append(1) or real(*a, **k))
    order, ordered = sort_order(keys)
    monkeypatch.undo()
    assert (not calls) == packed
    assert (np.diff(ordered) >= 0).all()
    np.testing.assert_array_equal(ordered, keys[order])
    dup = ordered[1:] == ordered[:-1]
    assert (order[1:][dup] > order[:-1][dup]).all()  # stable


def test_sort_order_of_floats_and_empty_arrays():
    order, ordered = sort_order(np.array([0.5, -1.0, 0.5]))
    assert order.tolist() == [1, 0, 2] and ordered.tolist() == [-1.0, 0.5, 0.5]
    order, ordered = sort_order(np.zeros(0, dtype=np.int64))
    assert len(order) == 0 and len(ordered) == 0


@settings(max_examples=100, deadline=None)
@given(
    hnp.arrays(np.int64, st.integers(0, 50), elements=st.integers(-1000, 1000)),
    hnp.arrays(np.int64, st.integers(0, 50), elements=st.integers(-1000, 1000)),
)
def test_unique_and_isin_equal_numpy(keys, candidates):
    got = unique(keys, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, np.asarray(w).ravel())
    np.testing.assert_array_equal(isin(keys, candidates), np.isin(keys, candidates))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.5, 0.9, float("nan")]), st.text(max_size=4)),
        unique_by=lambda row: row[1],
        max_size=40,
    )
)
def test_rank_order_equals_pandas_two_key_sort(rows):
    import pandas as pd

    from netinfluence.scoring._rank import _rank_order

    score = np.array([r[0] for r in rows], dtype=float)
    ids = pd.Index([r[1] for r in rows], dtype=object)
    want = (
        pd.DataFrame({"score": score, "id": ids.to_numpy()})
        .sort_values(["score", "id"], ascending=[False, True], kind="mergesort")
        .index.to_numpy()
    )
    np.testing.assert_array_equal(_rank_order(score, ids), want)
