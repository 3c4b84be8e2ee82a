"""The network: the :class:`Network` value object, its layers and graph views, and how it is read.

Inside a ``Network`` every edge points the way influence flows: ``u -> v`` means ``v`` is exposed
to ``u`` (``v`` follows ``u``, or engaged with ``u``'s content). Modules: ``_network`` (the value
object), ``_layers`` (the layers and the rule that picks one), ``_graph`` (igraph views),
``_ties`` (the tie layer: tie strength from types, counts, reciprocity, recency, proximity),
``_probability`` (calibrated tie probabilities: spectral scaling, Goyal et al. learnt),
``_read`` (:func:`read_network` from files, DataFrames or graph files).
"""

from netinfluence.io import Source
from netinfluence.network._graph import igraph_from_arrays
from netinfluence.network._layers import (
    LAYERS,
    check_layer,
    directed_pairs,
    resolve_layer,
    undirected_pairs,
)
from netinfluence.network._network import Network, match_ids, read_network
from netinfluence.network._posts import read_posts
from netinfluence.network._probability import (
    DEFAULT_TARGET,
    PROBABILITY_METHODS,
    calibration_scale,
    spectral_radius,
    tie_probability,
    tie_probability_arrays,
)
from netinfluence.network._ties import (
    DEFAULT_TYPE_WEIGHTS,
    tie_edge_arrays,
    tie_mutual_counts,
    tie_strength,
)

__all__ = [
    "DEFAULT_TARGET",
    "DEFAULT_TYPE_WEIGHTS",
    "LAYERS",
    "PROBABILITY_METHODS",
    "Network",
    "Source",
    "calibration_scale",
    "check_layer",
    "directed_pairs",
    "igraph_from_arrays",
    "match_ids",
    "read_network",
    "read_posts",
    "resolve_layer",
    "spectral_radius",
    "tie_edge_arrays",
    "tie_mutual_counts",
    "tie_probability",
    "tie_probability_arrays",
    "tie_strength",
    "undirected_pairs",
]
