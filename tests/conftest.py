"""Shared fixtures: the real datasets in ../shared/data and small edge-case networks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import netinfluence as ni

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public datasets, or skip with a clear message where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (../shared/data beside the repo)")
    return SHARED_DATA


def shared_file(shared_data: Path, *parts: str) -> Path:
    path = shared_data.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset file missing: {path}")
    return path


@pytest.fixture(scope="session")
def sample_paths() -> dict[str, Path]:
    """Paths of the bundled sample network files."""
    paths = {k: SAMPLE / f"{k}.csv" for k in ("follows", "interactions", "users", "truth")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        pytest.skip(f"bundled sample missing: {missing}; run `netinfluence sample-data`")
    return paths


@pytest.fixture(scope="session")
def sample_net(sample_paths) -> ni.Network:
    """The bundled sample network, loaded once per test session."""
    return ni.read_network(
        follows=sample_paths["follows"],
        interactions=sample_paths["interactions"],
        users=sample_paths["users"],
    )


@pytest.fixture
def tricky_net() -> ni.Network:
    """Edge cases in one network: string, unicode, leading-zero ids, an isolated node,
    a self-loop, duplicate edges, two components, and interactions."""
    follows = pd.DataFrame(
        {
            "follower": ["007", "ana", "@budi_s", "zoë", "ana", "ana", "x1", "x2", "zoë"],
            "followed": ["ana", "007", "ana", "ana", "@budi_s", "@budi_s", "x2", "x1", "zoë"],
        }
    )
    interactions = pd.DataFrame(
        {
            "source": ["007", "@budi_s", "ana", "zoë", "x1"],
            "target": ["ana", "ana", "007", "ana", "x2"],
            "type": ["reply", "like", "comment", "mention", "reply"],
            "count": [3, 1, 2, 1, 1],
        }
    )
    users = pd.DataFrame(
        {
            "id": ["007", "ana", "@budi_s", "zoë", "x1", "x2", "lonely"],
            "followers": [1200, 54000, 300, 80, 10, 12, 5],
        }
    )
    return ni.read_network(follows=follows, interactions=interactions, users=users)


@pytest.fixture
def empty_net() -> ni.Network:
    """A network with no nodes at all."""
    return ni.read_network(users=pd.DataFrame({"id": pd.Series([], dtype=object)}))
