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
from netinfluence.io import LoadReport
from netinfluence.network import LAYERS, Network, read_network

# public name -> the subpackage whose door exports it (imported on first use, so that
# `import netinfluence` stays light: no plotting, CLI or Spark code)
_LAZY = {
    "read_edges": "netinfluence.io",
    "read_users": "netinfluence.io",
    "read_posts": "netinfluence.network",
    "datasets": "netinfluence.datasets",
    "load_sample": "netinfluence.datasets",
    "make_social_network": "netinfluence.datasets",
    "tie_strength": "netinfluence.network",
    "tie_probability": "netinfluence.network",
    "communities": "netinfluence.metrics",
    "community_quality": "netinfluence.metrics",
    "compare_partitions": "netinfluence.metrics",
    "centrality": "netinfluence.metrics",
    "roles": "netinfluence.metrics",
    "is_insider": "netinfluence.metrics",
    "reach": "netinfluence.metrics",
    "set_reach": "netinfluence.metrics",
    "engagement": "netinfluence.metrics",
    "tiers": "netinfluence.metrics",
    "authenticity_flags": "netinfluence.metrics",
    "citizen_score": "netinfluence.scoring",
    "ScoreWeights": "netinfluence.scoring",
    "rank": "netinfluence.scoring",
    "validate_rankings": "netinfluence.scoring",
    "analyze": "netinfluence.pipeline",
    "simulate_spread": "netinfluence.spread",
    "expected_spread": "netinfluence.spread",
    "plan_campaign": "netinfluence.spread",
    "write_html_report": "netinfluence.report",
    "report_progress": "netinfluence._progress",
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
    value = mod if name == "datasets" else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
