"""Reading a network from files, DataFrames or a graph file: :func:`read_network`."""

from __future__ import annotations

import functools
import operator
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from netinfluence._arrays import sort_order, unique
from netinfluence._threads import threaded_map, worker_threads
from netinfluence.errors import InputError, warn_caller
from netinfluence.io import LoadReport, is_graph_file, read_edges, read_graph_file, read_users
from netinfluence.io._clean import _string_bytes
from netinfluence.io._files import Source

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    pass


# ---------------------------------------------------------------------------- read_network


class NetworkParts(NamedTuple):
    """The validated tables a :class:`~netinfluence.network.Network` is made of."""

    ids: pd.Index
    nodes: pd.DataFrame
    follows: pd.DataFrame
    interactions: pd.DataFrame
    directed: bool
    load_report: LoadReport


def _as_list(src) -> list:
    if src is None:
        return []
    if isinstance(src, (list, tuple)):
        return list(src)
    return [src]


#: What ``interactions=`` takes: a source, a list of them, ``{type: source(s)}``, or a list
#: mixing sources and ``{type: source}`` mappings (the order of reading is the order given).
InteractionSources = (
    Source | Sequence[Source | Mapping[str, Any]] | Mapping[str, Source | Sequence[Source]]
)


def _interaction_items(interactions: InteractionSources | None) -> list[tuple[str | None, Any]]:
    """``(type or None, source)`` for every interactions input, in the order given.

    >>> _interaction_items(["all.csv", {"mention": "m.gz", "reply": ["r1.gz", "r2.gz"]}])
    [(None, 'all.csv'), ('mention', 'm.gz'), ('reply', 'r1.gz'), ('reply', 'r2.gz')]
    """
    entries = [interactions] if isinstance(interactions, Mapping) else _as_list(interactions)
    items: list[tuple[str | None, Any]] = []
    for entry in entries:
        if isinstance(entry, Mapping):
            for kind, srcs in entry.items():
                if not str(kind).strip():
                    raise InputError("an interaction type (a key of interactions=) is empty")
                items += [(str(kind).strip(), src) for src in _as_list(srcs)]
        else:
            items.append((None, entry))
    return items


def read_parts(
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
    check_user_ids: bool = True,
) -> NetworkParts:
    """The validated tables of :func:`~netinfluence.network.read_network` (same arguments).

    ``check_user_ids=False`` skips the warning about a users table whose ids match few edge
    endpoints: for users tables derived from the same data (graph nodes, post authors)."""
    if graph is not None:
        if any(x is not None for x in (follows, interactions, users, edges)):
            raise InputError("graph= cannot be combined with follows/interactions/users/edges")
        if not is_graph_file(graph):
            raise InputError(f"graph= expects a .gml or .graphml file, got {graph!r}")
        return networkx_parts(
            read_graph_file(graph), edge_direction=edge_direction, weight=weight, source=str(graph)
        )
    columns = dict(columns or {})
    merge = str(edge_weight_merge).strip().lower()
    if merge not in ("sum", "probability", "max"):
        raise InputError(
            f"edge_weight_merge must be 'sum', 'probability' or 'max', got {edge_weight_merge!r}"
        )
    inter_items = _interaction_items(interactions)
    follow_srcs, edge_srcs = _as_list(follows), _as_list(edges)
    if not follow_srcs and not inter_items and not edge_srcs and users is None:
        raise InputError("nothing to read: give follows, interactions, edges or users")

    # (kind, source, interaction type) in the order given; each becomes a table of the
    # influence direction: follows flip (followed -> follower), interactions flip (the
    # engaged-with account -> the one who engaged), edges stay as they are.
    inputs = (
        [("follows", src, None) for src in follow_srcs]
        + [("edges", src, None) for src in edge_srcs]
        + [("interactions", src, itype) for itype, src in inter_items]
    )
    # the users table and the edge files are read side by side (the parsers release the
    # GIL), each into its own report; results, report lines and a first error keep the order
    # users, then edges
    user_report, edge_report = LoadReport(), LoadReport()
    read_edges_job = functools.partial(
        _read_edge_tables,
        inputs,
        columns=columns,
        sep=sep,
        skip_rows=skip_rows,
        on_bad_rows=on_bad_rows,
        report=edge_report,
        date_format=date_format,
    )
    if users is None:
        user_table, (tables, dropped, extra_ids) = None, read_edges_job()
    else:
        read_users_job = functools.partial(
            read_users,
            users,
            id_column=columns.get("users"),
            sep=sep,
            on_bad_rows=on_bad_rows,
            report=user_report,
        )
        user_table, (tables, dropped, extra_ids) = threaded_map(
            operator.call, [read_users_job, read_edges_job]
        )
    report = LoadReport()
    report.extend(user_report)
    report.extend(edge_report)
    return _assemble(
        user_table,
        tables,
        directed=directed,
        merge=merge,
        report=report,
        dropped=dropped,
        extra_ids=extra_ids,
        check_user_ids=check_user_ids,
    )


def _read_edge_tables(
    inputs: list[tuple[str, Any, str | None]],
    *,
    columns: Mapping[str, Any],
    sep: str | None,
    skip_rows: int,
    on_bad_rows: str,
    report: LoadReport,
    date_format: str | None,
) -> tuple[list[tuple[str, pd.DataFrame, str]], set, list]:
    """Each edge input read and turned into the influence direction:
    ``(tables, dropped ids, ids kept from empty rows)``."""
    tables: list[tuple[str, pd.DataFrame, str]] = []  # (layer, frame in influence dir, source)
    dropped: set = set()
    extra_ids: list = []  # accounts seen only in rows dropped as empty: kept as nodes
    for kind, src, itype in inputs:
        t = read_edges(
            src,
            kind=kind,
            columns=columns.get(kind),
            sep=sep,
            skip_rows=0 if kind == "interactions" else skip_rows,
            interaction_type=itype,
            on_bad_rows=on_bad_rows,
            report=report,
            date_format=date_format,
        )
        dropped |= t.attrs["dropped_ids"]
        extra_ids.extend(t.attrs.get("kept_ids", []))
        if kind == "follows":
            frame = pd.DataFrame({"source": t["followed"], "target": t["follower"]})
        elif kind == "edges":
            frame = t[["source", "target", "weight"]]
        else:
            frame = pd.DataFrame(
                {
                    "source": t["target"],
                    "target": t["source"],
                    "type": t["type"],
                    "count": t["count"],
                    "timestamp": t["timestamp"],
                }
            )
        tables.append((kind, frame, t.attrs["source"]))
    return tables, dropped, extra_ids


def _assemble(
    users, tables, *, directed, merge, report, dropped, extra_ids=(), check_user_ids=True
) -> NetworkParts:
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
        keep = ~loop if loop.any() else slice(None)  # no self-loop: views, not copies
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
                else np.full(len(s) - int(loop.sum()), np.nan)
            )
            fol_w.append(w)

    # the two merges are independent (their sorts release the GIL): side by side, each into
    # its own report so the lines keep the order follows, then interactions
    follow_report, inter_report = LoadReport(), LoadReport()
    follows, interactions = threaded_map(
        operator.call,
        [
            functools.partial(
                _merge_follows,
                fol_parts,
                fol_w,
                n,
                directed=directed,
                merge=merge,
                report=follow_report,
            ),
            functools.partial(_merge_interactions, inter_parts, inter_report),
        ],
    )
    report.extend(follow_report)
    report.extend(inter_report)

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
            matched_share = (len(users) - isolated) / max(len(users), 1)
            if check_user_ids and matched_share < USERS_MATCH_SHARE:
                _warn_unmatched_users(users, ids, touched, report)
    else:
        nodes = pd.DataFrame(index=ids)
    lost = [i for i in dropped if ids.get_indexer([i])[0] < 0] if dropped else []
    report.drop_ids(lost, "appears only in rows dropped as bad")
    return NetworkParts(ids, nodes, follows, interactions, directed, report)


#: Below this share of user rows matching an edge endpoint, reading warns that the users
#: table and the edge lists probably use different ids (handles vs numeric ids, say).
USERS_MATCH_SHARE = 0.5


def _warn_unmatched_users(users: pd.DataFrame, ids: pd.Index, touched, report) -> None:
    """Warn (and say in the load report) that most user rows match no edge endpoint."""
    n_users = len(users)
    matched = int(touched[:n_users].sum())
    name = users.attrs.get("source", "users")
    lonely = [str(i) for i in ids[:n_users][~touched[:n_users]][:3]]
    edge_ids = [str(i) for i in ids[n_users:][:3]] or [
        str(i) for i in ids[:n_users][touched[:n_users]][:3]
    ]
    reason = (
        f"user rows that match no edge endpoint: only {matched:,} of {n_users:,} "
        f"({matched / n_users:.0%}) do, so their scores will be 0; check that the users table "
        f"and the edge lists use the same ids (users: {', '.join(lonely)}; edges: "
        f"{', '.join(edge_ids) or 'none'})"
    )
    report.add(name, "warning", n_users - matched, reason)
    warn_caller(f"{name}: {reason}")


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
        values = (
            col.to_numpy(dtype=object)
            if isinstance(col, pd.Series)
            else np.asarray(col, dtype=object)
        )
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
        parts = [
            c.to_numpy(dtype=object) if isinstance(c, pd.Series) else np.asarray(c, dtype=object)
            for c in columns
        ]
        allids = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
        codes, uniques = pd.factorize(allids, sort=False)
        codes = codes.astype(np.int64)
    out, start = [], 0
    for length in lengths:
        out.append(codes[start : start + length])
        start += length
    return out, np.asarray(uniques, dtype=object)


def _encode_strings(chunks: list) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64) and unique values, in order of first appearance, of Arrow string chunks.

    Ids of at most 8 bytes (most handles and numeric ids) are encoded as one 64-bit word
    each (:func:`_as_words`): Arrow's hash table for integers is several times faster than
    its one for strings, whose lookups touch the string bytes too.
    """
    words = _as_words(chunks)
    codes, dictionary = _encode_runs(chunks if words is None else words)
    if words is not None:
        dictionary = _words_as_text(dictionary)
    return codes, np.asarray(dictionary.to_pylist(), dtype=object)


def _encode_runs(chunks: list) -> tuple[np.ndarray, Any]:
    """Codes (int64) and the Arrow dictionary, in order of first appearance, of Arrow chunks.

    The chunks are cut into one run per worker thread, each run is dictionary-encoded by
    Arrow (which releases the GIL), and the runs' dictionaries are then joined in order: a
    later run's values already seen keep their code, new ones get the next codes in their
    own order of first appearance. That is exactly the one-pass encoding, on both cores.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    total = sum(len(c) for c in chunks)
    parts = max(1, min(worker_threads(), len(chunks)))
    runs: list[list] = [[] for _ in range(parts)]
    seen = 0
    for chunk in chunks:
        runs[min(parts - 1, seen * parts // max(total, 1))].append(chunk)
        seen += len(chunk)

    def encode(run):
        enc = pc.dictionary_encode(pa.chunked_array(run, type=run[0].type))
        if not enc.num_chunks:
            return pa.array([], type=run[0].type), []
        return enc.chunks[0].dictionary, enc.chunks

    codes = np.empty(total, dtype=np.int64)
    dictionary: Any = None
    at = 0
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
            codes[at : at + len(idx)] = idx if mapping is None else mapping[idx]
            at += len(idx)
    return codes, dictionary


#: ``_LOW_BYTES[k]``: the mask of a 64-bit word's first ``k`` bytes (little-endian).
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def _as_words(chunks: list) -> list | None:
    """Each Arrow large_string chunk as a uint64 Arrow array holding its ids' UTF-8 bytes,
    zero-padded; None unless every id has at most 8 bytes, none of them zero, and no id is
    missing: then two ids are equal exactly when their words are.

    >>> import pyarrow as pa
    >>> words = _as_words([pa.array(["ab", "", "abcdefgh"], pa.large_string())])
    >>> _words_as_text(words[0]).to_pylist()
    ['ab', '', 'abcdefgh']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not chunks or any(c.null_count or not pa.types.is_large_string(c.type) for c in chunks):
        return None
    longest = pc.max(pc.binary_length(pa.chunked_array(chunks))).as_py()
    if longest is None or longest > 8:
        return None
    words = []
    for chunk in chunks:
        word = _chunk_words(chunk)
        if word is None:
            return None
        words.append(pa.array(word, type=pa.uint64()))
    return words


def _chunk_words(chunk) -> np.ndarray | None:
    """:func:`_as_words` of one chunk, read from its Arrow buffers; None if an id holds a
    zero byte (``"a\\0"`` and ``"a"`` would share a word)."""
    offsets, data = _string_bytes(chunk)
    start, end = int(offsets[0]), int(offsets[-1])
    if not data[start:end].all():
        return None
    if end + 8 > len(data):  # Arrow pads its buffers; a slice or a foreign one may not be
        data = np.concatenate([data[:end], np.zeros(8, dtype=np.uint8)])
    # a uint64 starting at every byte (unaligned reads): the 8 bytes from each id's start
    at_byte = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
    return at_byte[offsets[:-1]] & _LOW_BYTES[np.diff(offsets)]


def _words_as_text(words):
    """The ids behind :func:`_as_words`' words, as an Arrow large_string array."""
    import pyarrow as pa

    raw = words.to_numpy(zero_copy_only=False).astype("<u8", copy=False).view("S8")
    return pa.array(raw).cast(pa.large_string())  # numpy drops the zero padding


def _joined(arrays: list) -> np.ndarray:
    """The integer arrays end to end as int64, without copying a lone int64 array."""
    if len(arrays) == 1:
        return np.asarray(arrays[0], dtype=np.int64)
    return np.concatenate(arrays).astype(np.int64, copy=False)


def _merge_follows(parts, weights, n, *, directed, merge, report) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {"source": np.zeros(0, dtype=np.int64), "target": np.zeros(0, dtype=np.int64)}
        )
    s = _joined([p[0] for p in parts])
    d = _joined([p[1] for p in parts])
    w = np.concatenate(weights)
    has_weight = not np.isnan(w).all()
    name = parts[0][2] if len(parts) == 1 else "follows/edges"
    if not directed:
        s, d = np.minimum(s, d), np.maximum(s, d)
    key = s * max(n, 1)
    key += d
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
        assert inv is not None  # computed above whenever has_weight
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


def edges_parts(
    follows: Iterable[tuple] | pd.DataFrame | None = None,
    *,
    interactions: pd.DataFrame | None = None,
    users: pd.DataFrame | None = None,
    directed: bool = True,
) -> NetworkParts:
    """The tables of :meth:`Network.from_edges`."""
    if follows is not None and not isinstance(follows, pd.DataFrame):
        pairs = list(follows)
        follows = pd.DataFrame(
            {"follower": [p[0] for p in pairs], "followed": [p[1] for p in pairs]},
            dtype=object,
        )
    return read_parts(follows=follows, interactions=interactions, users=users, directed=directed)


def networkx_parts(
    graph: networkx.Graph,
    *,
    edge_direction: str | None = "influence",
    weight: str | None = None,
    source: str | None = None,
) -> NetworkParts:
    """The tables of :meth:`Network.from_networkx` (``edge_direction=None``: the graph's own
    ``graph["edge_direction"]``, else ``"influence"``)."""
    if edge_direction is None:
        edge_direction = str(graph.graph.get("edge_direction", "influence"))
    direction = str(edge_direction).strip().lower()
    if direction not in ("influence", "attention"):
        raise InputError(
            f"edge_direction must be 'influence' or 'attention', got {edge_direction!r}"
        )
    name = source or "<networkx graph>"
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
    layered = graph.graph.get("layer") == "all"  # to_networkx(layer="all"): both layers
    is_inter = [layered and e[2].get("layer") == "interactions" for e in edges]
    follow_edges = [e for e, i in zip(edges, is_inter, strict=True) if not i]
    inter_edges = [e for e, i in zip(edges, is_inter, strict=True) if i]
    u = [e[0] for e in follow_edges]
    v = [e[1] for e in follow_edges]
    if direction == "attention":
        u, v = v, u
    frame = pd.DataFrame(
        {"source": pd.Series(u, dtype=object), "target": pd.Series(v, dtype=object)}
    )
    weight_key = weight
    if layered and weight is None and any("weight" in e[2] for e in follow_edges):
        weight_key = "weight"  # the package's own format: the input's weights, kept
    if weight_key is not None:
        frame["weight"] = [float(e[2].get(weight_key, np.nan)) for e in follow_edges]
    frame.attrs["name"] = name
    inter = None
    if inter_edges:
        # influence u -> v is "v engaged with u": the interactions file row is (v, u)
        a = [e[0] for e in inter_edges]
        b = [e[1] for e in inter_edges]
        engaged, engager = (b, a) if direction == "attention" else (a, b)
        inter = pd.DataFrame(
            {
                "source": pd.Series(engager, dtype=object),
                "target": pd.Series(engaged, dtype=object),
                "type": [str(e[2].get("type", "interaction")) for e in inter_edges],
                "count": [float(e[2].get("count", 1.0)) for e in inter_edges],
                "timestamp": [float(e[2].get("timestamp", np.nan)) for e in inter_edges],
            }
        )
        inter.attrs["name"] = name
    if "id" in attrs.columns:  # a node attribute called "id" would clash with the ids
        attrs = attrs.rename(columns={"id": "id_attribute"})
    users = attrs.reset_index().rename(columns={"node": "id"}) if nodes else None
    if users is not None:
        users.attrs["name"] = name
    directed = bool(graph.graph.get("directed", True)) if layered else graph.is_directed()
    return read_parts(
        edges=frame if len(frame) or inter is None else None,
        interactions=inter,
        users=users,
        directed=directed,
        edge_weight_merge="sum",
        columns={"users": 0} if users is not None else None,
        check_user_ids=False,
    )
