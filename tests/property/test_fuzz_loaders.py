"""Fuzzing the loaders: random bytes and random CSV-ish text give a Network or a clean
InputError — never another exception, never a traceback from deep inside a library."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netinfluence as ni
from netinfluence.io import read_edges, read_users

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ALPHABET = st.sampled_from(
    [*"ab0179,;\t |\"'#%\n\r -=@é李NaN.", "null", "None", "\x00", "follower", "source"]
)
csvish = st.lists(ALPHABET, max_size=120).map("".join)


def load(path, kind):
    if kind == "users":
        return read_users(path)
    if kind == "network":
        return ni.read_network(follows=path, on_bad_rows="drop")
    return read_edges(path, kind=kind)


@FUZZ
@given(
    data=st.binary(max_size=600),
    kind=st.sampled_from(["follows", "interactions", "edges", "users", "network"]),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ".gz", ".parquet", ".zip"]),
)
def test_random_bytes(tmp_path_factory, data, kind, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    try:
        result = load(path, kind)
    except ni.InputError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(result, (pd.DataFrame, ni.Network))


@FUZZ
@given(text=csvish, kind=st.sampled_from(["follows", "interactions", "edges", "users", "network"]))
def test_random_csvish_text(tmp_path_factory, text, kind):
    path = tmp_path_factory.mktemp("fuzz") / "input.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        result = load(path, kind)
    except ni.InputError as exc:
        assert "\n" not in str(exc).strip() or "line" in str(exc)
        return
    if isinstance(result, ni.Network):
        # nothing silently lost: every id is in the network or reported as dropped
        assert result.n_nodes >= 0


@pytest.mark.parametrize("kind", ["follows", "interactions", "users"])
def test_fuzz_never_leaks_library_errors_on_known_nasties(tmp_path, kind):
    nasties = [
        b"\xff\xfe\x00a\x00b",
        b'"',
        b'a,"b\n',
        b"\n\n\n",
        b"#only comment\n",
        b"a,b\n" * 3 + b"\x00",
        b"a\tb,c\n1\t2,3\n",
    ]
    for i, data in enumerate(nasties):
        path = tmp_path / f"n{i}.csv"
        path.write_bytes(data)
        try:
            load(path, kind)
        except ni.InputError:
            pass
