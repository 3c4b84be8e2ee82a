"""The rankings every validation benchmark measures: name -> callable(net) -> Series by node id.

Adding a scorer is one line in :data:`SCORERS` (higher value = more influential). The citizen
score (awareness, the default, and advocacy) and its components come from one
:func:`netinfluence.citizen_score` call per network and objective (cached on the network
object); ``composite_old`` is the former weighted-percentile score, kept for comparison, the classic measures from :func:`netinfluence.centrality`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

import netinfluence as ni

Scorer = Callable[[ni.Network], pd.Series]

_SCORE_CACHE: dict[int, tuple[ni.Network, pd.DataFrame]] = {}
_ADVOCACY_CACHE: dict[int, tuple[ni.Network, pd.DataFrame]] = {}
_CENT_CACHE: dict[int, tuple[ni.Network, pd.DataFrame]] = {}


def score_table(net: ni.Network) -> pd.DataFrame:
    """``ni.citizen_score(net, seed=0)``, computed once per network object."""
    hit = _SCORE_CACHE.get(id(net))
    if hit is None or hit[0] is not net:
        _SCORE_CACHE.clear()
        hit = (net, ni.citizen_score(net, seed=0))
        _SCORE_CACHE[id(net)] = hit
    return hit[1]


def advocacy_table(net: ni.Network) -> pd.DataFrame:
    """``ni.citizen_score(net, seed=0, objective="advocacy")``, once per network object."""
    hit = _ADVOCACY_CACHE.get(id(net))
    if hit is None or hit[0] is not net:
        _ADVOCACY_CACHE.clear()
        hit = (net, ni.citizen_score(net, seed=0, objective="advocacy"))
        _ADVOCACY_CACHE[id(net)] = hit
    return hit[1]


def centrality_table(net: ni.Network) -> pd.DataFrame:
    """Followers, in-degree, PageRank and coreness, computed once per network object."""
    hit = _CENT_CACHE.get(id(net))
    if hit is None or hit[0] is not net:
        _CENT_CACHE.clear()
        hit = (net, ni.centrality(net, measures=["followers", "in_degree", "pagerank", "coreness"]))
        _CENT_CACHE[id(net)] = hit
    return hit[1]


def _col(table: Callable[[ni.Network], pd.DataFrame], name: str) -> Scorer:
    return lambda net: table(net)[name]


#: name -> callable(net) -> pd.Series indexed by node id (higher = more influential).
SCORERS: dict[str, Scorer] = {
    "citizen_score": _col(score_table, "score"),
    "citizen_score_advocacy": _col(advocacy_table, "score"),
    "composite_old": _col(score_table, "composite"),
    "engaged_reach": _col(score_table, "engaged_reach"),
    "embeddedness": _col(score_table, "embeddedness"),
    "coreness_component": _col(score_table, "coreness"),
    "engagement": _col(score_table, "engagement"),
    "reciprocity": _col(score_table, "reciprocity"),
    "followers": _col(centrality_table, "followers"),
    "in_degree": _col(centrality_table, "in_degree"),
    "pagerank": _col(centrality_table, "pagerank"),
    "coreness": _col(centrality_table, "coreness"),
}
