"""Per-node measurements of a network: communities, centrality, roles, reach and engagement.

Each public function takes a :class:`~netinfluence.network.Network` and returns a pandas Series
or DataFrame indexed by node id. Modules: ``_community`` (detection), ``_leiden`` and
``_leiden_process`` (the seeded Leiden call, in this or a second process), ``_partitions``
(quality and comparison), ``_centrality``, ``_roles`` (Guimerà-Amaral roles), ``_reach``
(friends-of-friends reach), ``_engagement`` (tiers, engagement rates, authenticity flags).
"""

from netinfluence.metrics._centrality import (
    MEASURES,
    betweenness,
    centrality,
    collective_influence,
    coreness,
    followers,
    h_index,
    harmonic,
    in_degree,
    pagerank,
    strength,
    voterank,
)
from netinfluence.metrics._community import METHODS as COMMUNITY_METHODS
from netinfluence.metrics._community import LeidenInBackground, communities
from netinfluence.metrics._engagement import (
    DEFAULT_BANDS,
    DEFAULT_NORMS,
    FlagRules,
    authenticity_flags,
    engagement,
    reciprocity,
    tiers,
)
from netinfluence.metrics._partitions import community_quality, compare_partitions
from netinfluence.metrics._reach import (
    AUTO_EXACT_PATHS,
    SetReach,
    TwoHopReach,
    reach,
    set_reach,
    two_hop_reach,
    two_hop_summary,
)
from netinfluence.metrics._reach import METHODS as REACH_METHODS
from netinfluence.metrics._roles import HUB_Z, ROLES, is_insider, roles

__all__ = [
    "AUTO_EXACT_PATHS",
    "COMMUNITY_METHODS",
    "DEFAULT_BANDS",
    "DEFAULT_NORMS",
    "HUB_Z",
    "MEASURES",
    "REACH_METHODS",
    "ROLES",
    "FlagRules",
    "LeidenInBackground",
    "SetReach",
    "TwoHopReach",
    "authenticity_flags",
    "betweenness",
    "centrality",
    "collective_influence",
    "communities",
    "community_quality",
    "compare_partitions",
    "coreness",
    "engagement",
    "followers",
    "h_index",
    "harmonic",
    "in_degree",
    "is_insider",
    "pagerank",
    "reach",
    "reciprocity",
    "roles",
    "set_reach",
    "strength",
    "tiers",
    "two_hop_reach",
    "two_hop_summary",
    "voterank",
]
