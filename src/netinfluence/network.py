"""The :class:`Network` value object and :func:`read_network`.

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

from netinfluence._arrays import isin, sort_order, unique
from netinfluence.errors import InputError
from netinfluence.io import is_graph_file, read_edges, read_graph_file, read_users
from netinfluence.io import LoadReport

if TYPE_CHECKING:  # pragma: no cover
    import igraph
    import networkx

__all__ = ["LAYERS", "Network", "read_network"]

#: Graph layers a Network can show: the follows (exposure) graph, the interactions graph
#: (weight = summed interaction counts) and the tie-strength graph (see ``netinfluence.ties``).
LAYERS = ("follows", "interactions", "ties")

Source = str | os.PathLike | pd.DataFrame


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

    __slots__ = ("_cache", "_follows", "_interactions", "directed", "ids", "load_report", "nodes")

    def __init__(
        self,
        ids: pd.Index,
        nodes: pd.DataFrame,
        follows: pd.DataFrame,
        interactions: pd.DataFrame,
        *,
        directed: bool = True,
        load_report: LoadReport | None = None,
    ):
        # Internal constructor: tables hold integer positions already validated by the readers.
        self.ids = ids
        self.nodes = nodes
        self._follows = follows
        self._interactions = interactions
        self.directed = bool(directed)
        self.load_report = load_report if load_report is not None else LoadReport()
        self._cache: dict[Hashable, Any] = {}

    # ------------------------------------------------------------------ constructors

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
        if follows is not None and not isinstance(follows, pd.DataFrame):
            pairs = list(follows)
            follows = pd.DataFrame(
                {"follower": [p[0] for p in pairs], "followed": [p[1] for p in pairs]},
                dtype=object,
            )
        return read_network(
            follows=follows, interactions=interactions, users=users, directed=directed
        )

    @classmethod
    def from_networkx(
        cls,
        graph: networkx.Graph,
        *,
        edge_direction: str = "influence",
        weight: str | None = None,
        source: str | None = None,
    ) -> Network:
        """Build a network from a networkx graph, keeping node ids and node attributes.

        Parameters
        ----------
        graph : networkx.Graph or DiGraph (multi-graphs are merged)
            Undirected graphs become mutual ties (``directed=False``).
        edge_direction : {"influence", "attention"}
            For directed graphs: ``"influence"`` (default) reads ``u -> v`` as "v is exposed
            to u", the package's own convention (what :meth:`to_networkx` writes);
            ``"attention"`` reads it as "u follows / engages with v" and reverses it.
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
        direction = str(edge_direction).strip().lower()
        if direction not in ("influence", "attention"):
            raise InputError(
                f"edge_direction must be 'influence' or 'attention', got {edge_direction!r}"
            )
        nodes = list(graph.nodes)
        attrs = (
            pd.DataFrame.from_records(
                [dict(graph.nodes[n]) for n in nodes],
                index=pd.Index(nodes, name="node", dtype=object),
            )
            if nodes
            else pd.DataFrame(index=pd.Index([], name="node", dtype=object))
        )
        edges = list(graph.edges(data=True))
        u = [e[0] for e in edges]
        v = [e[1] for e in edges]
        if direction == "attention":
            u, v = v, u
        frame = pd.DataFrame(
            {"source": pd.Series(u, dtype=object), "target": pd.Series(v, dtype=object)}
        )
        if weight is not None:
            frame["weight"] = [float(e[2].get(weight, np.nan)) for e in edges]
        frame.attrs["name"] = source or "<networkx graph>"
        if "id" in attrs.columns:  # a node attribute called "id" would clash with the ids
            attrs = attrs.rename(columns={"id": "id_attribute"})
        users = attrs.reset_index().rename(columns={"node": "id"}) if nodes else None
        if users is not None:
            users.attrs["name"] = source or "<networkx graph>"
        return read_network(
            edges=frame,
            users=users,
            directed=graph.is_directed(),
            edge_weight_merge="sum",
            columns={"users": 0} if users is not None else None,
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
        return "ties" if self.has_interactions else "follows"

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
        :func:`netinfluence.ties.tie_strength` with its defaults.
        """
        layer = _check_layer(layer)

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
            from netinfluence.ties import tie_edge_arrays  # computed layer above this module

            return tie_edge_arrays(self)

        return self.cached(("edges", layer), build)

    def graph(self, layer: str = "follows", *, directed: bool = True) -> igraph.Graph:
        """The igraph view of a layer (cached); vertex ``i`` is ``ids[i]``, edge attr ``weight``.

        ``directed=False`` gives the undirected view used by community detection: each pair
        once, with the weights of both directions summed.
        """
        layer = _check_layer(layer)
        return self.cached(
            ("graph", layer, bool(directed)), lambda: self._build_graph(layer, directed)
        )

    def undirected_edge_arrays(self, layer: str = "follows"
                               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(lo, hi, weight)`` with each unordered pair once, ``lo < hi``, sorted by pair.

        The weights of both directions are summed, except that a mutual tie read with
        ``directed=False`` (stored in both directions) counts once. This is the edge list of
        ``graph(layer, directed=False)``, in the same order (cached).
        """
        layer = _check_layer(layer)

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

    def to_networkx(self, layer: str = "follows", *, attributes: bool = True) -> networkx.DiGraph:
        """The layer as a networkx graph in the influence direction (``Graph`` if undirected).

        Edges carry ``weight``; nodes carry the users-table attributes (missing values omitted).

        Examples
        --------
        >>> net = Network.from_edges([("a", "b")])
        >>> list(net.to_networkx().edges)
        [('b', 'a')]
        """
        import networkx as nx

        layer = _check_layer(layer)
        g = nx.DiGraph() if self.directed or layer != "follows" else nx.Graph()
        ids = list(self.ids)
        if attributes and len(self.nodes.columns):
            recs = self.nodes.to_dict("records")
            g.add_nodes_from(
                (i, {k: v for k, v in r.items() if not _is_missing(v)})
                for i, r in zip(ids, recs, strict=True)
            )
        else:
            g.add_nodes_from(ids)
        src, dst, w = self.edge_arrays(layer)
        idarr = np.asarray(ids, dtype=object)
        g.add_weighted_edges_from(zip(idarr[src], idarr[dst], w.tolist(), strict=True))
        return g

    # ------------------------------------------------------------------ summaries

    def summary(self) -> pd.Series:
        """Headline facts: sizes, isolated nodes, components, reciprocity, density.

        Examples
        --------
        >>> net = Network.from_edges([("a", "b"), ("b", "a"), ("c", "d")])
        >>> net.summary()[["nodes", "follows_edges", "weak_components", "reciprocity"]].tolist()
        [4, 3, 2, 0.6666666666666666]
        """
        n = self.n_nodes
        fs, fd, _ = self.edge_arrays("follows")
        is_, id_, _ = self.edge_arrays("interactions")
        touched = np.zeros(n, dtype=bool)
        for a in (fs, fd, is_, id_):
            touched[a] = True
        und = self.graph("follows", directed=False) if self.has_follows else None
        comps = und.connected_components() if und is not None else None
        recip = np.nan
        if len(fs):
            key = fs.astype(np.int64) * n + fd
            rkey = fd.astype(np.int64) * n + fs
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
                "isolated_nodes": int((~touched).sum()),
                "weak_components": len(comps) if comps is not None else n,
                "largest_component": max(comps.sizes()) if comps is not None and n else 0,
                "reciprocity": recip,
                "density": self.n_follows / (n * (n - 1)) if n > 1 else np.nan,
                "users_with_attributes": int(users.notna().any(axis=1).sum())
                if len(users.columns)
                else 0,
            },
            name="summary",
        )


def igraph_from_arrays(n: int, src, dst, weight, *, directed: bool):
    """The igraph graph of ``n`` vertices with edges ``src[i] -> dst[i]`` (in that order) and
    edge attribute ``weight`` (none when ``weight`` is None): how every graph view is built,
    and the graph of the Leiden process (:mod:`netinfluence._leiden_process`).

    >>> g = igraph_from_arrays(3, np.array([0, 1]), np.array([1, 2]), np.array([0.5, 2.0]),
    ...                        directed=True)
    >>> g.get_edgelist(), g.es["weight"]
    ([(0, 1), (1, 2)], [0.5, 2.0])
    """
    import igraph as ig

    g = ig.Graph(n=int(n), edges=_edge_pairs(src, dst), directed=directed)
    if weight is not None:
        g.es["weight"] = np.asarray(weight, dtype=float).tolist()
    return g


def _edge_pairs(src: np.ndarray, dst: np.ndarray, chunk: int = 1 << 18):
    """``(source, target)`` pairs of Python ints for igraph, made a chunk at a time.

    igraph reads a 2-D ndarray element by element through numpy scalars: at 10^7 edges this
    lazy iterator builds the graph about 2x faster and with half the transient memory.
    """
    import itertools

    return itertools.chain.from_iterable(
        zip(src[i:i + chunk].tolist(), dst[i:i + chunk].tolist(), strict=True)
        for i in range(0, len(src), chunk))


def _check_layer(layer: str) -> str:
    name = str(layer).strip().lower()
    if name not in LAYERS:
        raise InputError(f"layer must be one of {LAYERS}, got {layer!r}")
    return name


def _is_missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(col: pd.Series) -> list:
    return [None if _is_missing(v) else (v.item() if hasattr(v, "item") else v) for v in col]


# ---------------------------------------------------------------------------- read_network


def _as_list(src) -> list:
    if src is None:
        return []
    if isinstance(src, (list, tuple)):
        return list(src)
    return [src]


def read_network(
    follows: Source | Sequence[Source] | None = None,
    interactions: Source | Sequence[Source] | Mapping[str, Source] | None = None,
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
) -> Network:
    """Read follows, interactions and users into a validated :class:`Network`.

    Parameters
    ----------
    follows : path, DataFrame or list of them
        Rows ``follower, followed`` (the follower sees the followed account's posts).
    interactions : path, DataFrame, list, or dict ``{type: source}``
        Rows ``source, target[, type][, count][, timestamp]`` (``source`` engaged with
        ``target``'s content). A dict gives the type of files that have no type column, e.g.
        ``{"mention": "higgs-mention.edgelist.gz", "reply": "higgs-reply.edgelist.gz"}``.
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
    if graph is not None:
        if any(x is not None for x in (follows, interactions, users, edges)):
            raise InputError("graph= cannot be combined with follows/interactions/users/edges")
        if not is_graph_file(graph):
            raise InputError(f"graph= expects a .gml or .graphml file, got {graph!r}")
        return Network.from_networkx(
            read_graph_file(graph), edge_direction=edge_direction, weight=weight, source=str(graph)
        )
    columns = dict(columns or {})
    merge = str(edge_weight_merge).strip().lower()
    if merge not in ("sum", "probability", "max"):
        raise InputError(
            f"edge_weight_merge must be 'sum', 'probability' or 'max', got {edge_weight_merge!r}"
        )
    if isinstance(interactions, Mapping):
        inter_items = [(str(t), s) for t, s in interactions.items()]
    else:
        inter_items = [(None, s) for s in _as_list(interactions)]
    follow_srcs, edge_srcs = _as_list(follows), _as_list(edges)
    if not follow_srcs and not inter_items and not edge_srcs and users is None:
        raise InputError("nothing to read: give follows, interactions, edges or users")

    report = LoadReport()
    user_table = None
    if users is not None:
        user_table = read_users(
            users, id_column=columns.get("users"), sep=sep, on_bad_rows=on_bad_rows, report=report
        )
    tables: list[tuple[str, pd.DataFrame, str]] = []  # (layer, frame in influence dir, source)
    dropped: set = set()
    extra_ids: list = []  # accounts seen only in rows dropped as empty: kept as nodes
    # (kind, source, interaction type) in the order given; each becomes a table of the
    # influence direction: follows flip (followed -> follower), interactions flip (the
    # engaged-with account -> the one who engaged), edges stay as they are.
    inputs = ([("follows", src, None) for src in follow_srcs]
              + [("edges", src, None) for src in edge_srcs]
              + [("interactions", src, itype) for itype, src in inter_items])
    for kind, src, itype in inputs:
        t = read_edges(src, kind=kind, columns=columns.get(kind), sep=sep,
                       skip_rows=0 if kind == "interactions" else skip_rows,
                       interaction_type=itype, on_bad_rows=on_bad_rows, report=report)
        dropped |= t.attrs["dropped_ids"]
        extra_ids.extend(t.attrs.get("kept_ids", []))
        if kind == "follows":
            frame = pd.DataFrame({"source": t["followed"], "target": t["follower"]})
        elif kind == "edges":
            frame = t[["source", "target", "weight"]]
        else:
            frame = pd.DataFrame({"source": t["target"], "target": t["source"], "type": t["type"],
                                  "count": t["count"], "timestamp": t["timestamp"]})
        tables.append((kind, frame, t.attrs["source"]))
    return _assemble(
        user_table, tables, directed=directed, merge=merge, report=report, dropped=dropped,
        extra_ids=extra_ids,
    )


def _assemble(users, tables, *, directed, merge, report, dropped, extra_ids=()) -> Network:
    """Factorise ids once, drop self-loops, merge duplicates and build the Network."""
    # Node order: users-table order, then new ids by first appearance, column by column
    # (first column of each file, then its second column), files in the order given.
    columns: list = []
    if users is not None:
        columns.append(users.index.to_numpy(dtype=object))
    for layer, t, _ in tables:
        first, second = (
            ("target", "source") if layer in ("follows", "interactions") else ("source", "target")
        )  # the column that comes first in the file
        columns.append(t[first])
        columns.append(t[second])
    if len(extra_ids):
        columns.append(np.asarray(list(extra_ids), dtype=object))
    col_codes, uniques = _factorize_ids(columns)
    ids = pd.Index(uniques, name="node", dtype=object)
    n = len(ids)
    k = 1 if users is not None else 0
    fol_parts, fol_w, inter_parts = [], [], []
    for layer, t, name in tables:
        a, b = col_codes[k], col_codes[k + 1]
        k += 2
        s, d = (b, a) if layer in ("follows", "interactions") else (a, b)
        loop = s == d
        if loop.any():
            report.add(name, "dropped", int(loop.sum()), "self-loop (node kept)")
        keep = ~loop
        if layer == "interactions":
            inter_parts.append(
                pd.DataFrame(
                    {
                        "source": s[keep],
                        "target": d[keep],
                        "type": t["type"].to_numpy()[keep],
                        "count": t["count"].to_numpy(dtype=float)[keep],
                        "timestamp": t["timestamp"].to_numpy(dtype=float)[keep],
                    }
                )
            )
        else:
            fol_parts.append((s[keep], d[keep], name))
            w = (
                t["weight"].to_numpy(dtype=float)[keep]
                if "weight" in t
                else np.full(int(keep.sum()), np.nan)
            )
            fol_w.append(w)

    follows = _merge_follows(fol_parts, fol_w, n, directed=directed, merge=merge, report=report)
    interactions = _merge_interactions(inter_parts, report)

    if users is not None:
        nodes = users.reindex(ids)
        nodes.index.name = "node"
        n_added = n - len(users)
        if n_added:
            report.add(
                users.attrs.get("source", "users"),
                "added",
                n_added,
                "edge endpoints missing from the users table, added with empty attributes",
            )
        touched = np.zeros(n, dtype=bool)
        for t in (follows, interactions):
            touched[t["source"].to_numpy()] = True
            touched[t["target"].to_numpy()] = True
        isolated = int((~touched[: len(users)]).sum())
        if isolated and tables:
            report.add(
                users.attrs.get("source", "users"),
                "kept",
                isolated,
                "users with no edges, kept as isolated nodes",
            )
    else:
        nodes = pd.DataFrame(index=ids)
    lost = [i for i in dropped if ids.get_indexer([i])[0] < 0] if dropped else []
    report.drop_ids(lost, "appears only in rows dropped as bad")
    return Network(ids, nodes, follows, interactions, directed=directed, load_report=report)


def _factorize_ids(columns: list) -> tuple[list[np.ndarray], np.ndarray]:
    """Integer codes for every id column and the unique ids, in order of first appearance.

    Text ids from files stay Arrow strings and are encoded by Arrow's hash table: no Python
    object per edge (10^7 edges need 2*10^7 ids). Other ids (ints, mixed types from
    DataFrames) go through ``pandas.factorize`` on objects.
    """
    import pyarrow as pa

    def as_arrow(col):
        if isinstance(col, pd.Series) and isinstance(col.dtype, pd.StringDtype):
            return pa.chunked_array(pa.array(col.array)).cast(pa.large_string())
        values = col.to_numpy(dtype=object) if isinstance(col, pd.Series) else np.asarray(
            col, dtype=object)
        if len(values) <= 5_000_000 and all(type(v) is str for v in values):
            return pa.chunked_array([pa.array(values.tolist(), type=pa.large_string())])
        return None

    arrow = [as_arrow(c) for c in columns]
    lengths = [len(c) for c in columns]
    if columns and all(a is not None for a in arrow):
        chunks = [ch for a in arrow for ch in a.chunks]
        if not chunks:
            return [np.zeros(0, dtype=np.int64) for _ in columns], np.zeros(0, dtype=object)
        codes, uniques = _encode_strings(chunks)
    else:
        parts = [c.to_numpy(dtype=object) if isinstance(c, pd.Series) else np.asarray(
            c, dtype=object) for c in columns]
        allids = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
        codes, uniques = pd.factorize(allids, sort=False)
        codes = codes.astype(np.int64)
    out, start = [], 0
    for length in lengths:
        out.append(codes[start:start + length])
        start += length
    return out, np.asarray(uniques, dtype=object)


def _encode_strings(chunks: list) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64) and unique values, in order of first appearance, of Arrow string chunks.

    The chunks are cut into one run per worker thread, each run is dictionary-encoded by
    Arrow (which releases the GIL), and the runs' dictionaries are then joined in order: a
    later run's values already seen keep their code, new ones get the next codes in their
    own order of first appearance. That is exactly the one-pass encoding, on both cores.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from netinfluence._threads import threaded_map, worker_threads

    total = sum(len(c) for c in chunks)
    parts = max(1, min(worker_threads(), len(chunks)))
    runs: list[list] = [[] for _ in range(parts)]
    seen = 0
    for chunk in chunks:
        runs[min(parts - 1, seen * parts // max(total, 1))].append(chunk)
        seen += len(chunk)

    def encode(run):
        enc = pc.dictionary_encode(pa.chunked_array(run, type=pa.large_string()))
        if not enc.num_chunks:
            return pa.array([], type=pa.large_string()), []
        return enc.chunks[0].dictionary, enc.chunks

    codes = np.empty(total, dtype=np.int64)
    dictionary, at = None, 0
    for values, encoded in threaded_map(encode, [r for r in runs if r]):
        if dictionary is None:
            dictionary, mapping = values, None
        else:
            pos = pc.index_in(values, value_set=dictionary)
            new = ~pos.is_valid().to_numpy(zero_copy_only=False)
            mapping = pos.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
            mapping[new] = len(dictionary) + np.arange(int(new.sum()))
            dictionary = pa.concat_arrays([dictionary, values.filter(pa.array(new))])
        for chunk in encoded:  # chunk by chunk: no combined copy of the int32 indices
            idx = chunk.indices.to_numpy(zero_copy_only=False)
            codes[at:at + len(idx)] = idx if mapping is None else mapping[idx]
            at += len(idx)
    return codes, np.asarray(dictionary.to_pylist(), dtype=object)


def _merge_follows(parts, weights, n, *, directed, merge, report) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {"source": np.zeros(0, dtype=np.int64), "target": np.zeros(0, dtype=np.int64)}
        )
    s = np.concatenate([p[0] for p in parts]).astype(np.int64)
    d = np.concatenate([p[1] for p in parts]).astype(np.int64)
    w = np.concatenate(weights)
    has_weight = not np.isnan(w).all()
    name = parts[0][2] if len(parts) == 1 else "follows/edges"
    if not directed:
        s, d = np.minimum(s, d), np.maximum(s, d)
    key = s * max(n, 1) + d
    # the inverse (a second pass over 10^7 keys) only where weights must be merged
    uniq, inv = unique(key, return_inverse=True) if has_weight else (unique(key), None)
    n_merged = len(key) - len(uniq)
    if n_merged:
        what = "duplicate rows merged" if directed else "duplicate undirected ties merged"
        if has_weight:
            what += {
                "sum": " (weights summed)",
                "max": " (largest weight kept)",
                "probability": " (probabilities combined as 1-prod(1-p))",
            }[merge]
        report.add(name, "merged", n_merged, what)
    if has_weight:
        w0 = np.where(np.isnan(w), 0.0, w)
        if merge == "sum":
            wm = np.bincount(inv, weights=w0, minlength=len(uniq))
        elif merge == "max":
            wm = np.full(len(uniq), -np.inf)
            np.maximum.at(wm, inv, w0)
        else:
            if (w0 > 1).any():
                raise InputError(
                    f"probabilities must be in [0, 1], found {w0.max():g}", source=name
                )
            logq = np.bincount(
                inv, weights=np.log1p(-np.minimum(w0, 1 - 1e-15)), minlength=len(uniq)
            )
            wm = -np.expm1(logq)
            wm[np.bincount(inv, weights=(w0 >= 1).astype(float), minlength=len(uniq)) > 0] = 1.0
    s, d = uniq // max(n, 1), uniq % max(n, 1)
    if not directed:
        order, key = sort_order(np.concatenate([uniq, d * max(n, 1) + s]))
        s, d = key // max(n, 1), key % max(n, 1)
        if has_weight:
            wm = np.concatenate([wm, wm])[order]
    out = pd.DataFrame({"source": s, "target": d})
    if has_weight:
        out["weight"] = wm
    return out


def _merge_interactions(parts, report) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {
                "source": np.zeros(0, dtype=np.int64),
                "target": np.zeros(0, dtype=np.int64),
                "type": pd.Categorical([]),
                "count": np.zeros(0),
                "timestamp": np.zeros(0),
            }
        )
    t = pd.concat(parts, ignore_index=True)
    t["type"] = t["type"].astype("category")
    before = len(t)
    t = (
        t.groupby(
            ["source", "target", "type", "timestamp"], sort=True, dropna=False, observed=True
        )["count"]
        .sum()
        .reset_index()
    )
    merged = before - len(t)
    if merged:
        report.add(
            "interactions",
            "merged",
            merged,
            "duplicate rows (same pair, type and timestamp), counts summed",
        )
    t["source"] = t["source"].astype(np.int64)
    t["target"] = t["target"].astype(np.int64)
    return t[["source", "target", "type", "count", "timestamp"]]
