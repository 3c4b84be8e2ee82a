"""netinfluence: find the citizen influencers who really move a community.

Follower counts mislead; engaged, reciprocal ties inside a community move people. This package
reads follower and interaction networks, measures communities, centrality, k-cores, community
roles and friends-of-friends reach, and ranks accounts by an explainable citizen score.

>>> import netinfluence as ni
>>> net = ni.Network.from_edges([("ana", "bo"), ("bo", "ana"), ("cy", "ana")])
>>> net.n_nodes
3

Importing the package loads no plotting, CLI or Spark code; public names are resolved lazily.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from netinfluence._version import __version__
from netinfluence.errors import (
    ComputationError,
    InputError,
    MissingDependencyError,
    NetInfluenceError,
)
from netinfluence.network import LAYERS, Network, read_network
from netinfluence.io import LoadReport

# public name -> module that defines it (imported on first use)
_LAZY = {
    "read_edges": "netinfluence.io",
    "read_users": "netinfluence.io",
    "datasets": "netinfluence.datasets",
    "load_sample": "netinfluence.datasets",
    "make_social_network": "netinfluence.datasets",
    "tie_strength": "netinfluence.ties",
    "communities": "netinfluence.community",
    "community_quality": "netinfluence.community",
    "compare_partitions": "netinfluence.community",
    "centrality": "netinfluence.centrality",
    "roles": "netinfluence.roles",
    "is_insider": "netinfluence.roles",
    "reach": "netinfluence.reach",
    "set_reach": "netinfluence.reach",
    "engagement": "netinfluence.engagement",
    "tiers": "netinfluence.engagement",
    "authenticity_flags": "netinfluence.engagement",
    "citizen_score": "netinfluence.scoring",
    "ScoreWeights": "netinfluence.scoring",
    "rank": "netinfluence.candidates",
    "analyze": "netinfluence.pipeline",
    "simulate_spread": "netinfluence.diffusion",
    "expected_spread": "netinfluence.diffusion",
    "plan_campaign": "netinfluence.campaign",
    "validate_rankings": "netinfluence.validation",
    "write_html_report": "netinfluence.html_report",
}

__all__ = [
    "LAYERS",
    "ComputationError",
    "InputError",
    "LoadReport",
    "MissingDependencyError",
    "NetInfluenceError",
    "Network",
    "__version__",
    "read_network",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netinfluence' has no attribute {name!r}")
    mod = import_module(module)
    # centrality, reach, roles, engagement: the module itself, callable as its main function
    value = mod if module.rsplit(".", 1)[-1] == name else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
