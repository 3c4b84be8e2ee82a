"""Community roles of Guimerà & Amaral: hubs, connectors and embedded insiders.

Given a partition, every account gets a *within-module degree z-score* (how central it is
inside its own community) and a *participation coefficient* (how evenly its ties spread over
communities). Together they place it in one of seven roles, from ultra-peripheral to kinless
hub. A citizen influencer is typically a provincial hub, or a strongly embedded non-hub: see
:func:`is_insider`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.metrics._community import communities
from netinfluence.network import resolve_layer

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network

__all__ = ["HUB_Z", "ROLES", "is_insider", "roles"]

#: The seven roles, in order (Guimerà & Amaral 2005, Fig. 2).
ROLES = (
    "R1 ultra-peripheral",
    "R2 peripheral",
    "R3 non-hub connector",
    "R4 non-hub kinless",
    "R5 provincial hub",
    "R6 connector hub",
    "R7 kinless hub",
)
#: Within-module z-score from which a node is a hub.
HUB_Z = 2.5
_NONHUB_P = (0.05, 0.62, 0.80)  # upper P bounds of R1, R2, R3 (R4 above)
_HUB_P = (0.30, 0.75)  # upper P bounds of R5, R6 (R7 above)


def roles(
    net: Network,
    labels: pd.Series | None = None,
    *,
    layer: str | None = None,
    weighted: bool = True,
) -> pd.DataFrame:
    """Within-module degree z-score, participation coefficient and role of every node.

    Parameters
    ----------
    net : Network
    labels : pandas.Series, optional
        Community label per node, indexed by node id (or in node order). None computes
        ``netinfluence.metrics.communities(net)``.
    layer : {"follows", "interactions", "ties"}, optional
        Layer whose undirected view is used; ``net.default_layer`` by default.
    weighted : bool, default True
        Use edge weights (tie strength, interaction counts, ...) as degrees; False counts each
        neighbour once, as in the original paper.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id (index name ``node``), in node order, with columns
        ``within_module_z``, ``participation``, ``role`` (categorical, values from
        :data:`ROLES`), ``internal_share`` and ``community`` (the label used).
        ``attrs`` records ``layer`` and ``weighted``.

    Raises
    ------
    InputError
        Unknown layer, labels that miss nodes, or no labels while
        ``netinfluence.metrics`` is unavailable.

    Notes
    -----
    On the undirected view of the layer (each pair once, the weights of both directions
    summed, as ``net.graph(layer, directed=False)``), with ``k_is`` the (weighted) degree of
    node ``i`` towards community ``s``, ``k_i = sum_s k_is`` and ``s_i`` the community of ``i``:

    - ``within_module_z = (k_i,s_i - mean_s_i) / std_s_i`` over the members of ``s_i``
      (population standard deviation; 0 where it is 0);
    - ``participation = 1 - sum_s (k_is / k_i)^2`` (0 for isolated nodes);
    - ``internal_share = k_i,s_i / k_i`` (0 for isolated nodes).

    Roles use the published thresholds. Non-hubs (z < 2.5): R1 ultra-peripheral P <= 0.05,
    R2 peripheral 0.05 < P <= 0.62, R3 non-hub connector 0.62 < P <= 0.80, R4 non-hub
    kinless P > 0.80. Hubs (z >= 2.5): R5 provincial hub P <= 0.30, R6 connector hub
    0.30 < P <= 0.75, R7 kinless hub P > 0.75.

    Per-node, per-community degrees come from one sparse node x community matrix of the
    edge list with duplicates summed: O(m log m) time, O(m) memory, whatever the number of
    communities.

    R. Guimerà and L.A.N. Amaral, "Functional cartography of complex metabolic networks",
    Nature 433, 895-900 (2005).

    Examples
    --------
    >>> import pandas as pd
    >>> import netinfluence as ni
    >>> net = ni.Network.from_edges([("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"),
    ...                              ("d", "e"), ("e", "f")], directed=False)
    >>> labels = pd.Series([0, 0, 0, 0, 1, 1], index=["a", "b", "c", "d", "e", "f"])
    >>> r = roles(net, labels)
    >>> r[["within_module_z", "participation", "internal_share"]].round(3).loc[["a", "d"]]
          within_module_z  participation  internal_share
    node
    a               1.414            0.0             1.0
    d              -1.414            0.5             0.5
    >>> r.loc["a", "role"]
    'R1 ultra-peripheral'
    """
    layer_name = resolve_layer(net, layer)
    if not isinstance(weighted, (bool, np.bool_)):
        raise InputError(f"weighted must be True or False, got {weighted!r}")
    if labels is None:
        labels = _computed_labels(net)
    given, codes = _label_codes(net, labels)
    n = net.n_nodes
    lo, hi, w = _undirected_edges(net, layer_name)
    if not weighted:
        w = np.ones(len(lo))
    z, part, share = _role_statistics(n, codes, lo, hi, w)
    out = pd.DataFrame(
        {
            "within_module_z": z,
            "participation": part,
            "role": _classify(z, part),
            "internal_share": share,
            "community": given,
        },
        index=net.ids,
    )
    out.index.name = "node"
    out.attrs["layer"] = layer_name
    out.attrs["weighted"] = bool(weighted)
    return out


def is_insider(
    roles_df: pd.DataFrame, *, min_z: float = 1.0, min_internal_share: float = 0.6
) -> pd.Series:
    """Community insiders: provincial hubs and strongly embedded non-hubs.

    Parameters
    ----------
    roles_df : pandas.DataFrame
        A result of :func:`roles`.
    min_z : float, default 1.0
        Smallest within-module z-score of an embedded non-hub.
    min_internal_share : float, default 0.6
        Smallest share of its ties a non-hub must keep inside its own community.

    Returns
    -------
    pandas.Series
        Boolean, named ``insider``, with the index of ``roles_df``.

    Notes
    -----
    An insider is (a) an R5 provincial hub (z >= 2.5, P <= 0.30: central and mostly local), or
    (b) an R1/R2 non-hub with ``within_module_z >= min_z`` (at least one standard deviation
    better connected than its community's average) and ``internal_share >=
    min_internal_share`` (most of its ties stay home). These are the accounts a community
    hears from: the "citizen influencer" profile, as opposed to connectors (R3/R6), who
    bridge communities, and kinless nodes (R4/R7), who belong nowhere.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"within_module_z": [3.0, 1.2, 1.2, 0.0],
    ...                    "participation": [0.1, 0.3, 0.7, 0.0],
    ...                    "role": ["R5 provincial hub", "R2 peripheral",
    ...                             "R3 non-hub connector", "R1 ultra-peripheral"],
    ...                    "internal_share": [0.95, 0.8, 0.4, 1.0]})
    >>> is_insider(df).tolist()
    [True, True, False, False]
    """
    missing = [c for c in ("within_module_z", "role", "internal_share") if c not in roles_df]
    if missing:
        raise InputError(
            f"is_insider needs a roles() table with columns within_module_z, role and "
            f"internal_share; missing {missing}"
        )
    role = roles_df["role"].astype(str)
    hub = role.str.startswith("R5")
    embedded = (
        (role.str.startswith("R1") | role.str.startswith("R2"))
        & (roles_df["within_module_z"] >= min_z)
        & (roles_df["internal_share"] >= min_internal_share)
    )
    return (hub | embedded).rename("insider")


# ---------------------------------------------------------------------------- helpers


def _computed_labels(net: Network) -> pd.Series:
    result = communities(net)
    if isinstance(result, pd.DataFrame):
        result = result["community"]
    return result


def _label_codes(net: Network, labels) -> tuple[np.ndarray, np.ndarray]:
    """Labels in node order and their 0..k-1 codes; raises if any node lacks a label."""
    if isinstance(labels, pd.DataFrame):
        if "community" not in labels:
            raise InputError("labels must be a Series (or a table with a 'community' column)")
        labels = labels["community"]
    if isinstance(labels, pd.Series):
        if not labels.index.equals(net.ids):
            missing = net.ids.difference(labels.index)
            if len(missing):
                raise InputError(
                    f"labels must give a community for every node; {len(missing)} node(s) "
                    f"missing, e.g. {list(missing[:5])!r}"
                )
            if not labels.index.is_unique:
                raise InputError("labels has duplicate node ids in its index")
            labels = labels.reindex(net.ids)
        values = labels.to_numpy()
    else:
        values = np.asarray(labels)
        if values.ndim != 1 or len(values) != net.n_nodes:
            raise InputError(
                f"labels must have one community per node ({net.n_nodes}), got shape {values.shape}"
            )
    codes, _ = pd.factorize(values, sort=True)
    if (codes < 0).any():
        bad = net.ids[codes < 0][:5]
        raise InputError(f"labels has missing values, e.g. for nodes {list(bad)!r}")
    return values, codes.astype(np.int64)


def _undirected_edges(net: Network, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each undirected pair once with summed weights: the edges of ``net.graph(directed=False)``."""
    return net.undirected_edge_arrays(layer)


def _role_statistics(
    n: int, codes: np.ndarray, lo: np.ndarray, hi: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import scipy.sparse as sp

    k = int(codes.max()) + 1 if n else 0
    w = np.asarray(w, dtype=float)
    degree = np.bincount(lo, weights=w, minlength=n) + np.bincount(hi, weights=w, minlength=n)
    w_in = w * (codes[lo] == codes[hi])
    internal = np.bincount(lo, weights=w_in, minlength=n) + np.bincount(
        hi, weights=w_in, minlength=n
    )
    del w_in
    # sum over communities of k_is^2: a node x community matrix of tie weight, duplicates
    # summed by scipy (a third of the memory of sorting 2m int64 keys at 10^7 edges)
    index = np.int32 if max(n, k) < 2**31 - 1 else np.int64
    by_community = sp.csr_matrix(
        (
            np.concatenate([w, w]),
            (
                np.concatenate([lo, hi]).astype(index),
                np.concatenate([codes[hi], codes[lo]]).astype(index),
            ),
        ),
        shape=(n, max(k, 1)),
    )
    by_community.sum_duplicates()
    k_is = by_community.data
    sq = np.bincount(
        np.repeat(np.arange(n), np.diff(by_community.indptr)), weights=k_is * k_is, minlength=n
    )
    del by_community, k_is
    has = degree > 0
    safe = np.where(has, degree, 1.0)
    part = np.where(has, 1.0 - sq / (safe * safe), 0.0)
    part = np.clip(part, 0.0, 1.0)
    share = np.where(has, internal / safe, 0.0)
    size = np.bincount(codes, minlength=k).astype(float)
    mean = np.bincount(codes, weights=internal, minlength=k) / np.maximum(size, 1)
    dev = internal - mean[codes]
    std = np.sqrt(np.bincount(codes, weights=dev * dev, minlength=k) / np.maximum(size, 1))
    s = std[codes]
    tiny = s <= 1e-12 * np.maximum(np.abs(mean[codes]), 1.0)
    z = np.where(tiny, 0.0, dev / np.where(tiny, 1.0, s))
    return z, part, share


def _classify(z: np.ndarray, p: np.ndarray) -> pd.Categorical:
    hub = z >= HUB_Z
    nonhub_role = np.searchsorted(np.asarray(_NONHUB_P), p, side="left")  # 0..3
    hub_role = 4 + np.searchsorted(np.asarray(_HUB_P), p, side="left")  # 4..6
    code = np.where(hub, hub_role, nonhub_role)
    # pandas-stubs wants an Index for categories; pandas accepts any list-like
    return pd.Categorical.from_codes(  # type: ignore[call-overload]
        code, categories=list(ROLES), ordered=True
    )
