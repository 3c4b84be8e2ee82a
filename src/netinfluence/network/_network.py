"""The :class:`Network` value object: nodes, edge tables in the influence direction, cached graph views.

Inside a ``Network`` every edge points the way influence flows: ``u -> v`` means ``v`` is
exposed to ``u`` (``v`` follows ``u``, or ``v`` engaged with ``u``'s content). A node's audience
and reach follow its out-edges. Ids are kept exactly as given; vertex ``i`` of every graph view
is ``net.ids[i]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from netinfluence._arrays import isin, unique
from netinfluence._check import choice
from netinfluence.errors import InputError
from netinfluence.io import LoadReport, Source
from netinfluence.network._graph import igraph_from_arrays
from netinfluence.network._layers import check_layer, directed_pairs, resolve_layer
from netinfluence.network._read import (
    InteractionSources,
    NetworkParts,
    edges_parts,
    networkx_parts,
    read_parts,
)
from netinfluence.network._ties import tie_edge_arrays

if TYPE_CHECKING:  # pragma: no cover
    import igraph
    import networkx


class Network:
    """An immutable follower/interaction network keyed by the user's own ids.

    Build one with :func:`read_network`, :meth:`from_edges` or :meth:`from_networkx`.

    Attributes
    ----------
    ids : pandas.Index
        Node ids in node order (index name ``node``); vertex ``i`` of every graph is ``ids[i]``.
    nodes : pandas.DataFrame
        Node attributes (the users table), indexed by ``ids``.
    directed : bool
        False when the edge lists were read as mutual ties.
    load_report : LoadReport
        Everything reading merged, repaired and dropped.

    Examples
    --------
    >>> net = Network.from_edges([("007", "ana"), ("ana", "@budi_s")])
    >>> list(net.ids)
    ['007', 'ana', '@budi_s']
    >>> net.follows.to_dict("list")
    {'source': ['ana', '@budi_s'], 'target': ['007', 'ana']}
    """

    __slots__ = (
        "_cache",
        "_follows",
        "_interactions",
        "directed",
        "ids",
        "load_report",
        "nodes",
        "posts",
    )

    def __init__(
        self,
        ids: pd.Index,
        nodes: pd.DataFrame,
        follows: pd.DataFrame,
        interactions: pd.DataFrame,
        *,
        directed: bool = True,
        load_report: LoadReport | None = None,
        posts: pd.DataFrame | None = None,
    ):
        # Internal constructor: tables hold integer positions already validated by the readers.
        self.ids = ids
        self.nodes = nodes
        self._follows = follows
        self._interactions = interactions
        self.directed = bool(directed)
        self.load_report = load_report if load_report is not None else LoadReport()
        #: The posts a network was read from (:func:`read_posts`), indexed by post id; None
        #: for networks read from edge lists.
        self.posts = posts
        self._cache: dict[Hashable, Any] = {}

    # ------------------------------------------------------------------ constructors

    @classmethod
    def _from_parts(cls, parts: NetworkParts) -> Network:
        return cls(
            parts.ids,
            parts.nodes,
            parts.follows,
            parts.interactions,
            directed=parts.directed,
            load_report=parts.load_report,
        )

    @classmethod
    def from_edges(
        cls,
        follows: Iterable[tuple] | pd.DataFrame | None = None,
        *,
        interactions: pd.DataFrame | None = None,
        users: pd.DataFrame | None = None,
        directed: bool = True,
    ) -> Network:
        """Build a network from in-memory ``(follower, followed)`` pairs or DataFrames.

        A list of pairs is read as follows rows (``follower, followed``); DataFrames are read as
        by :func:`read_network`.
        """
        return cls._from_parts(
            edges_parts(follows, interactions=interactions, users=users, directed=directed)
        )

    @classmethod
    def from_networkx(
        cls,
        graph: networkx.Graph,
        *,
        edge_direction: str | None = None,
        weight: str | None = None,
        source: str | None = None,
    ) -> Network:
        """Build a network from a networkx graph, keeping node ids and node attributes.

        Parameters
        ----------
        graph : networkx.Graph or DiGraph (multi-graphs are merged)
            Undirected graphs become mutual ties (``directed=False``). A graph written by
            :meth:`to_networkx` with ``layer="all"`` gives back both layers: the edges marked
            ``layer="interactions"`` become interaction rows (type, count, timestamp), the
            others follows edges.
        edge_direction : {"influence", "attention"}, optional
            For directed graphs: ``"influence"`` reads ``u -> v`` as "v is exposed to u", the
            package's own convention; ``"attention"`` reads it as "u follows / engages with v"
            and reverses it. By default the graph's own ``graph["edge_direction"]`` (set by
            :meth:`to_networkx`), else ``"influence"``.
        weight : str, optional
            Edge attribute kept as the edge ``weight`` (e.g. a propagation probability);
            parallel edges are summed. Ignored when None (no attribute is picked up silently).
        source : str, optional
            Name used for this input in the load report.

        Examples
        --------
        >>> import networkx as nx
        >>> net = Network.from_networkx(nx.path_graph(3))
        >>> net.n_nodes, net.n_follows, net.directed
        (3, 4, False)
        """
        return cls._from_parts(
            networkx_parts(graph, edge_direction=edge_direction, weight=weight, source=source)
        )

    # ------------------------------------------------------------------ basic facts

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.ids)

    @property
    def n_follows(self) -> int:
        """Number of follows edges (each direction of a mutual tie counts once)."""
        return len(self._follows)

    @property
    def n_interactions(self) -> int:
        """Number of interaction rows after merging duplicates."""
        return len(self._interactions)

    @property
    def has_follows(self) -> bool:
        return len(self._follows) > 0

    @property
    def has_interactions(self) -> bool:
        return len(self._interactions) > 0

    @property
    def default_layer(self) -> str:
        """``"ties"`` when interactions exist, else ``"follows"`` (what metrics use by default)."""
        return resolve_layer(self, None)

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return (
            f"<Network {kind}: {self.n_nodes:,} nodes, {self.n_follows:,} follows edges, "
            f"{self.n_interactions:,} interaction rows>"
        )

    def __len__(self) -> int:
        return self.n_nodes

    # ------------------------------------------------------------------ edge tables

    @property
    def follow_codes(self) -> pd.DataFrame:
        """Follows edges as integer positions: ``source, target[, weight]`` (influence direction)."""
        return self._follows

    @property
    def interaction_codes(self) -> pd.DataFrame:
        """Interaction rows as positions: ``source, target, type, count, timestamp``."""
        return self._interactions

    def _with_ids(self, table: pd.DataFrame) -> pd.DataFrame:
        out = table.copy()
        for col in ("source", "target"):
            out[col] = self.ids.take(table[col].to_numpy()).to_numpy()
        return out

    @property
    def follows(self) -> pd.DataFrame:
        """Follows edges with node ids, in the influence direction.

        ``source`` is the followed account, ``target`` the follower who sees its posts.
        """
        return self._with_ids(self._follows)

    @property
    def interactions(self) -> pd.DataFrame:
        """Interaction rows with node ids, in the influence direction.

        ``source`` is the account whose content was engaged with; ``target`` the account that
        engaged (replied, mentioned, liked, ...). ``timestamp`` is unix seconds (NaN if unknown).
        """
        return self._with_ids(self._interactions)

    def position(self, nodes: Iterable[Hashable]) -> np.ndarray:
        """Vertex positions of ``nodes``; raises :class:`InputError` naming unknown ids."""
        nodes = list(nodes)
        pos = self.ids.get_indexer(pd.Index(nodes, dtype=object))
        if (pos < 0).any():
            unknown = [n for n, p in zip(nodes, pos, strict=True) if p < 0]
            raise InputError(f"{len(unknown)} id(s) not in the network, e.g. {unknown[:5]!r}")
        return pos

    def series(self, values, name: str, dtype=None) -> pd.Series:
        """A Series over the nodes, in node order (how every metric returns its result)."""
        return pd.Series(values, index=self.ids, name=name, dtype=dtype)

    # ------------------------------------------------------------------ graph views

    def cached(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """Return the cached value for ``key``, building it once (graph views, tie tables)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def is_cached(self, key: Hashable) -> bool:
        """Whether :meth:`cached` holds a value for ``key``."""
        return key in self._cache

    def drop_cached(self, *keys: Hashable) -> None:
        """Forget cached values (they are rebuilt on demand): frees graph views that a long
        pipeline no longer needs."""
        for key in keys:
            self._cache.pop(key, None)

    def edge_arrays(self, layer: str = "follows") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(source, target, weight)`` position arrays of a layer, one row per distinct pair.

        ``follows``: weight is the edge weight where given, else 1. ``interactions``: weight is
        the summed interaction count of the pair. ``ties``: tie strength from
        :func:`netinfluence.network.tie_strength` with its defaults.
        """
        layer = check_layer(layer)

        def build():
            if layer == "follows":
                f = self._follows
                w = f["weight"].to_numpy(dtype=float) if "weight" in f else np.ones(len(f))
                w = np.where(np.isnan(w), 1.0, w)
                return (f["source"].to_numpy(), f["target"].to_numpy(), w)
            if layer == "interactions":
                it = self._interactions
                if it.empty:
                    z = np.zeros(0, dtype=np.int64)
                    return z, z, np.zeros(0)
                key = it["source"].to_numpy() * self.n_nodes + it["target"].to_numpy()
                uniq, inv = unique(key, return_inverse=True)
                w = np.bincount(inv, weights=it["count"].to_numpy(dtype=float))
                return (uniq // self.n_nodes, uniq % self.n_nodes, w)

            return tie_edge_arrays(self)

        return self.cached(("edges", layer), build)

    def graph(self, layer: str = "follows", *, directed: bool = True) -> igraph.Graph:
        """The igraph view of a layer (cached); vertex ``i`` is ``ids[i]``, edge attr ``weight``.

        ``directed=False`` gives the undirected view used by community detection: each pair
        once, with the weights of both directions summed.
        """
        layer = check_layer(layer)
        return self.cached(
            ("graph", layer, bool(directed)), lambda: self._build_graph(layer, directed)
        )

    def undirected_edge_arrays(
        self, layer: str = "follows"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(lo, hi, weight)`` with each unordered pair once, ``lo < hi``, sorted by pair.

        The weights of both directions are summed, except that a mutual tie read with
        ``directed=False`` (stored in both directions) counts once. This is the edge list of
        ``graph(layer, directed=False)``, in the same order (cached).
        """
        layer = check_layer(layer)

        def build():
            src, dst, w = self.edge_arrays(layer)
            n = np.int64(max(self.n_nodes, 1))
            if len(src) == 0:
                z = np.zeros(0, dtype=np.int64)
                return z, z, np.zeros(0)
            lo = np.minimum(src, dst).astype(np.int64)
            hi = np.maximum(src, dst).astype(np.int64)
            uniq, inv = unique(lo * n + hi, return_inverse=True)
            ws = np.bincount(inv, weights=np.asarray(w, dtype=float), minlength=len(uniq))
            if not self.directed and layer == "follows":
                ws = ws / 2.0  # a mutual tie is stored in both directions: count it once
            return uniq // n, uniq % n, ws

        return self.cached(("undirected_edges", layer), build)

    def _build_graph(self, layer: str, directed: bool):
        if directed:
            src, dst, w = self.edge_arrays(layer)
        else:
            src, dst, w = self.undirected_edge_arrays(layer)
        return igraph_from_arrays(self.n_nodes, src, dst, w, directed=directed)

    def to_igraph(
        self, layer: str = "follows", *, directed: bool = True, attributes: bool = True
    ) -> igraph.Graph:
        """A copy of the igraph view with vertex attribute ``name`` (the id) and node attributes.

        Examples
        --------
        >>> net = Network.from_edges([("a", "b"), ("b", "c")])
        >>> g = net.to_igraph()
        >>> g.vs["name"], g.ecount()
        (['a', 'b', 'c'], 2)
        """
        g = self.graph(layer, directed=directed).copy()
        g.vs["name"] = list(self.ids)
        if attributes:
            for col in self.nodes.columns:
                g.vs[str(col)] = _plain(self.nodes[col])
        return g

    def to_networkx(
        self,
        layer: str = "follows",
        *,
        attributes: bool = True,
        edge_direction: str = "influence",
    ) -> networkx.DiGraph:
        """A layer, or every input layer, as a networkx graph.

        Parameters
        ----------
        layer : {"follows", "interactions", "ties", "all"}
            One layer as a ``DiGraph`` (a ``Graph`` for undirected follows), one edge per pair
            with its ``weight``; or ``"all"``: a ``MultiDiGraph`` holding the follows edges
            (``layer="follows"``, with ``weight`` where the input had one) and every
            interaction row (``layer="interactions"``, with ``type``, ``count`` and
            ``timestamp`` where known), which :meth:`from_networkx` reads back into the same
            network.
        attributes : bool
            Nodes carry the users-table attributes (missing values omitted).
        edge_direction : {"influence", "attention"}
            ``"influence"`` (default): ``u -> v`` means v is exposed to u, the package's own
            convention; ``"attention"``: the way people read their data, follower -> followed
            and source -> target of an interaction (u follows / engaged with v).

        Returns
        -------
        networkx.DiGraph, Graph or MultiDiGraph
            ``graph.graph`` says ``layer``, ``edge_direction``, ``influence_flows``
            (``"source -> target"`` or ``"target -> source"``) and ``directed``.

        Examples
        --------
        >>> net = Network.from_edges([("a", "b")])
        >>> list(net.to_networkx().edges)
        [('b', 'a')]
        >>> g = net.to_networkx(edge_direction="attention")
        >>> list(g.edges), g.graph["influence_flows"]
        ([('a', 'b')], 'target -> source')
        """
        import networkx as nx

        direction = choice("edge_direction", edge_direction, ("influence", "attention"))
        layer = str(layer).strip().lower()
        if layer != "all":
            layer = check_layer(layer)
        g: Any
        if layer == "all":
            g = nx.MultiDiGraph()
        else:
            g = nx.DiGraph() if self.directed or layer != "follows" else nx.Graph()
        g.graph.update(
            layer=layer,
            edge_direction=direction,
            influence_flows="source -> target" if direction == "influence" else "target -> source",
            directed=self.directed,
        )
        ids = list(self.ids)
        if attributes and len(self.nodes.columns):
            recs = self.nodes.to_dict("records")
            g.add_nodes_from(
                (i, {k: v for k, v in r.items() if not _is_missing(v)})
                for i, r in zip(ids, recs, strict=True)
            )
        else:
            g.add_nodes_from(ids)
        idarr = np.asarray(ids, dtype=object)
        if layer != "all":
            src, dst, w = self.edge_arrays(layer)
            if direction == "attention":
                src, dst = dst, src
            g.add_weighted_edges_from(zip(idarr[src], idarr[dst], w.tolist(), strict=True))
            return g
        f = self._follows
        if not self.directed:  # a mutual tie is stored both ways: write it once
            f = f[f["source"].to_numpy() < f["target"].to_numpy()]
        src, dst = f["source"].to_numpy(), f["target"].to_numpy()
        if direction == "attention":
            src, dst = dst, src
        weights = f["weight"].tolist() if "weight" in f else [None] * len(f)
        g.add_edges_from(
            (u, v, {"layer": "follows", **({} if _is_missing(w) else {"weight": float(w)})})
            for u, v, w in zip(idarr[src], idarr[dst], weights, strict=True)
        )
        it = self._interactions
        src, dst = it["source"].to_numpy(), it["target"].to_numpy()
        if direction == "attention":
            src, dst = dst, src
        g.add_edges_from(
            (
                u,
                v,
                {"layer": "interactions", "type": str(t), "count": float(c)}
                | ({} if np.isnan(ts) else {"timestamp": float(ts)}),
            )
            for u, v, t, c, ts in zip(
                idarr[src],
                idarr[dst],
                it["type"].astype(str).tolist(),
                it["count"].to_numpy(dtype=float).tolist(),
                it["timestamp"].to_numpy(dtype=float),
                strict=True,
            )
        )
        return g

    # ------------------------------------------------------------------ summaries

    def summary(self) -> pd.Series:
        """Headline facts: sizes, isolated nodes, components, reciprocity, density.

        Components, reciprocity and density are measured on the follows layer, or on the tie
        layer for a network that has interactions only (``structure_layer`` says which).

        Examples
        --------
        >>> net = Network.from_edges([("a", "b"), ("b", "a"), ("c", "d")])
        >>> net.summary()[["nodes", "follows_edges", "weak_components", "reciprocity"]].tolist()
        [4, 3, 2, 0.6666666666666666]
        """
        n = self.n_nodes
        layer = resolve_layer(self, None, default="follows")
        fs, fd, _ = self.edge_arrays("follows")
        is_, id_, _ = self.edge_arrays("interactions")
        touched = np.zeros(n, dtype=bool)
        for a in (fs, fd, is_, id_):
            touched[a] = True
        has_edges = self.has_follows or self.has_interactions
        und = self.graph(layer, directed=False) if has_edges else None
        comps = und.connected_components() if und is not None else None
        ls, ld = directed_pairs(self, layer)
        recip = np.nan
        if len(ls):
            key = ls.astype(np.int64) * n + ld
            rkey = ld.astype(np.int64) * n + ls
            recip = float(isin(rkey, key).mean())
        users = self.nodes
        return pd.Series(
            {
                "nodes": n,
                "follows_edges": self.n_follows,
                "interaction_rows": self.n_interactions,
                "interaction_pairs": len(is_),
                "interaction_types": int(self._interactions["type"].nunique())
                if self.has_interactions
                else 0,
                "directed": self.directed,
                "structure_layer": layer,
                "isolated_nodes": int((~touched).sum()),
                "weak_components": len(comps) if comps is not None else n,
                "largest_component": max(comps.sizes()) if comps is not None and n else 0,
                "reciprocity": recip,
                "density": len(ls) / (n * (n - 1)) if n > 1 else np.nan,
                "users_with_attributes": int(users.notna().any(axis=1).sum())
                if len(users.columns)
                else 0,
            },
            name="summary",
        )


def match_ids(net: Network, wanted: Iterable) -> tuple[np.ndarray, list]:
    """Positions of the accounts named by id or handle (with or without '@'), and the names
    that match no account (blank names are ignored).

    >>> import pandas as pd
    >>> net = Network.from_edges([("a", "b")], users=pd.DataFrame({"id": ["a"], "handle": ["@Ana"]}))
    >>> match_ids(net, ["ana", "b", "zed"])
    (array([0, 1]), ['zed'])
    """
    wanted = [w for w in wanted if not (isinstance(w, str) and not w.strip())]
    by_id = {str(i): p for p, i in enumerate(net.ids)}
    by_handle = {}
    if "handle" in net.nodes.columns:
        for p, h in enumerate(net.nodes["handle"].to_numpy()):
            if isinstance(h, str):
                by_handle[h.lower().lstrip("@")] = p
    found, unknown = [], []
    for w in wanted:
        key = str(w).strip()
        hit = by_id.get(key)
        if hit is None:
            hit = by_handle.get(key.lower().lstrip("@"))
        (found.append(hit) if hit is not None else unknown.append(w))
    return np.asarray(sorted(set(found)), dtype=np.int64), unknown


def _is_missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(col: pd.Series) -> list:
    return [None if _is_missing(v) else (v.item() if hasattr(v, "item") else v) for v in col]


def read_network(
    follows: Source | Sequence[Source] | None = None,
    interactions: InteractionSources | None = None,
    users: Source | None = None,
    *,
    edges: Source | Sequence[Source] | None = None,
    directed: bool = True,
    columns: Mapping[str, Any] | None = None,
    sep: str | None = None,
    skip_rows: int = 0,
    edge_weight_merge: str = "sum",
    on_bad_rows: str = "raise",
    graph: str | os.PathLike | None = None,
    edge_direction: str = "attention",
    weight: str | None = None,
    date_format: str | None = None,
) -> Network:
    """Read follows, interactions and users into a validated :class:`Network`.

    Parameters
    ----------
    follows : path, DataFrame or list of them
        Rows ``follower, followed`` (the follower sees the followed account's posts).
    interactions : path, DataFrame, list, or dict ``{type: source}``
        Rows ``source, target[, type][, count][, timestamp]`` (``source`` engaged with
        ``target``'s content). A dict gives the type of files that have no type column, e.g.
        ``{"mention": "higgs-mention.edgelist.gz", "reply": "higgs-reply.edgelist.gz"}``; a
        dict value may be a list of files of that type, and a list may mix plain sources with
        such dicts (``["typed.csv", {"mention": "m.gz"}]``), read in the order given. A
        headerless file is read by position: source, target, and a third column as the count.
    users : path or DataFrame
        One row per account (``id, handle, followers, following, posts, likes, comments,
        topics``, ...). Accounts with no edges are kept as isolated nodes; edge endpoints
        missing from it are added with empty attributes (both counted in the load report).
    edges : path, DataFrame or list
        Rows ``source, target[, weight]`` already in the influence direction (``source`` can
        influence ``target``), e.g. an influence-maximisation benchmark with probabilities.
        Stored in the follows layer with a ``weight`` column.
    directed : bool
        ``False`` reads follows/edges rows as mutual ties (friendship, co-authorship).
        Interactions are events and stay directed.
    columns : mapping, optional
        Column roles per input kind: ``{"follows": {...}, "interactions": [...], "users": "id",
        "edges": {...}}`` (see :func:`netinfluence.io.read_edges`).
    sep : str, optional
        Delimiter for every text input (detected by default).
    skip_rows : int
        Records to skip at the top of each edges/follows file (NetHEPT's count line: 1).
    edge_weight_merge : {"sum", "probability", "max"}
        How parallel ``edges`` rows combine their weights: summed (counts), as independent
        chances ``1 - prod(1 - p)`` (propagation probabilities), or the maximum.
    on_bad_rows : {"raise", "drop"}
        Stop at the first bad row (default) or drop bad rows and count them.
    graph : path, optional
        A GML or GraphML file (read safely, see :func:`netinfluence.io.read_graph_file`);
        node attributes become the users table, edges the follows layer. Undirected graphs
        become mutual ties. Cannot be combined with the other inputs.
    edge_direction : {"attention", "influence"}
        How the directed edges of ``graph`` read: ``"attention"`` (default: ``u -> v`` means u
        links to, follows or cites v, as in polblogs) or ``"influence"``.
    weight : str, optional
        Edge attribute of ``graph`` kept as the edge weight.
    date_format : str, optional
        ``strftime`` format of interaction timestamps that are neither unix seconds nor ISO
        8601 (``"%d/%m/%Y"``). Without it a day/month date that reads two ways
        (``01/04/2026``) is an :class:`InputError`: it is never guessed.

    Returns
    -------
    Network

    Raises
    ------
    InputError
        When nothing is given, or any input is unreadable (file, row and problem named).

    Examples
    --------
    >>> import pandas as pd
    >>> follows = pd.DataFrame({"follower": ["ana", "ana", "bo"], "followed": ["bo", "bo", "ana"]})
    >>> users = pd.DataFrame({"id": ["ana", "bo", "cy"], "followers": [10, 2000, 5]})
    >>> net = read_network(follows=follows, users=users)
    >>> net.n_nodes, net.n_follows
    (3, 2)
    >>> net.load_report.count("merged")
    1
    """
    return Network._from_parts(
        read_parts(
            follows,
            interactions,
            users,
            edges=edges,
            directed=directed,
            columns=columns,
            sep=sep,
            skip_rows=skip_rows,
            edge_weight_merge=edge_weight_merge,
            on_bad_rows=on_bad_rows,
            graph=graph,
            edge_direction=edge_direction,
            weight=weight,
            date_format=date_format,
        )
    )
