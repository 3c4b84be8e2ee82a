"""The netinfluence benchmark: the ``rank`` pipeline end to end and step by step, at several
sizes, against the networkx way and the plain-igraph way, in one run.

Usage (from the repository root, with the package installed)::

    python benchmarks/run.py --sizes 1e5,1e6                 # with both reference pipelines
    python benchmarks/run.py --sizes 1e7 --skip-reference    # netinfluence only
    python benchmarks/run.py --sizes 1e6 --limit 60          # 60 s per reference step

Inputs are generated (seeded) by ``benchmarks/generate.py`` into ``benchmarks/inputs/<size>/``
when missing. Results go to ``benchmarks/results/<size>.json`` and ``<size>.md``, and
``benchmarks/results/summary.md`` is rebuilt from every ``<size>.json`` present. See
``benchmarks/README.md`` for what each column means.

How things are measured
-----------------------
- End to end: ``netinfluence --quiet rank --follows F --interactions I --users U --out X.csv
  --top 0`` as a child process; wall time, and peak RSS of that one child from
  ``os.wait4`` (the kernel's ``ru_maxrss`` of exactly that child and its waited-for
  descendants).
- Steps: every pipeline (netinfluence, networkx, plain igraph) runs in its own worker
  process that executes the steps in order and reports each one as a JSON line. Before each
  step the worker resets the kernel's peak-RSS counter (``/proc/self/clear_refs``, value 5),
  so "peak MiB" is the highest RSS of the process *during that step* (data kept from
  earlier steps included) and "+MiB" the growth over the RSS at its start.
- Per-step limit: the parent waits at most ``--limit`` seconds for a reference step; when a
  step runs over, the worker is killed, the step is reported as "> limit", and a fresh worker
  redoes the prerequisites silently (not timed) and goes on with the next step.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py, next to this file)

PIPELINES = ("netinfluence", "networkx", "igraph")
REFERENCES = ("networkx", "igraph")
TAG = "@@bench "

#: Steps in pipeline order: name -> (label, prerequisites). Each pipeline implements a subset.
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "load": ("load (read files)", ()),
    "graph": ("graph build (follows)", ("load",)),
    "ties": ("tie strength + tie graph", ("graph",)),
    "communities": ("Leiden / Louvain", ("ties",)),
    "pagerank": ("PageRank (follows)", ("graph",)),
    "coreness": ("coreness (ties)", ("ties",)),
    "betweenness": ("betweenness, 256 sources", ("graph",)),
    "roles": ("roles (z, participation)", ("ties", "communities")),
    "reach_exact": ("2-hop reach, exact", ("graph",)),
    "reach_sketch": ("2-hop reach, sketch", ("graph",)),
    "spread": ("expected spread (IC)", ("ties",)),
    "score_inputs": ("score inputs", ("roles",)),
    "scoring": ("scoring", ("score_inputs",)),
    "ranking": ("ranking + reasons", ("scoring",)),
    "export": ("export CSV", ("ranking",)),
}

#: Which steps enter the "same steps" totals compared with each reference.
COMPARED = (
    "load",
    "graph",
    "ties",
    "communities",
    "pagerank",
    "coreness",
    "betweenness",
    "roles",
    "reach_exact",
    "scoring",
    "export",
)

TYPE_WEIGHTS = {
    "reply": 3.0,
    "comment": 3.0,
    "quote": 2.5,
    "mention": 2.0,
    "retweet": 1.5,
    "share": 1.5,
    "repost": 1.5,
    "like": 0.5,
    "follow": 0.5,
}


# ============================================================================ worker side


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _emit(**record) -> None:
    sys.stdout.write(TAG + json.dumps(record, default=str) + "\n")
    sys.stdout.flush()


class State(dict):
    """What the steps of one worker hand to each other."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value


# ---------------------------------------------------------------------------- netinfluence


def ni_steps() -> dict:
    """The netinfluence steps, as the ``rank`` command runs them (caches shared on the net)."""

    def load(s):
        import netinfluence as ni

        d = s.inputs
        ext = s.fmt
        s.net = ni.read_network(
            follows=str(d / f"follows.{ext}"),
            interactions=str(d / f"interactions.{ext}"),
            users=str(d / f"users.{ext}"),
        )
        return (
            f"{s.net.n_nodes:,} nodes, {s.net.n_follows:,} follows, "
            f"{s.net.n_interactions:,} interaction rows"
        )

    def graph(s):
        g = s.net.graph("follows", directed=True)
        return f"igraph, {g.ecount():,} edges"

    def ties(s):
        src, _, _ = s.net.edge_arrays("ties")
        g = s.net.graph("ties", directed=False)
        return f"{len(src):,} directed ties, {g.ecount():,} undirected pairs"

    def communities(s):
        from netinfluence.metrics import communities as detect
        from netinfluence.metrics import compare_partitions

        n_iter = _leiden_iterations(len(s.net.edge_arrays(s.net.default_layer)[0]))
        s.labels = detect(s.net, seed=s.seed, n_iterations=n_iter)

        def note():  # after the clock stops: reading the truth and NMI are not Leiden
            truth = _truth(s)
            cmp = compare_partitions(s.labels, truth) if truth is not None else {}
            return (
                f"Leiden (n_iterations={n_iter}): {s.labels.max() + 1:,} communities, "
                f"modularity {s.labels.attrs.get('modularity', float('nan')):.3f}"
                + (f", NMI vs planted {cmp['nmi']:.3f}" if cmp else "")
            )

        return note

    def pagerank(s):
        from netinfluence.metrics import pagerank as pr

        pr(s.net)

    def coreness(s):
        from netinfluence.metrics import coreness as core

        c = core(s.net, layer=s.net.default_layer)
        return f"max core {int(c.max())}"

    def betweenness(s):
        from netinfluence.metrics import betweenness as btw

        btw(s.net, method="sampled", samples=256, seed=s.seed)

    def roles(s):
        from netinfluence.metrics import roles as rl

        if "labels" not in s:
            s.labels = _truth(s).reindex(s.net.ids).rename("community")
            s.labels.index.name = "node"
            s.planted = True
        rl(s.net, s.labels)
        return "used the planted communities (Leiden did not finish)" if "planted" in s else None

    def reach_exact(s):
        from netinfluence.metrics import reach

        r = reach(s.net, hops=2, method="exact", seed=s.seed)
        return f"paths {r.attrs.get('paths', float('nan')):.3g}, mean {r.mean():.1f}"

    def reach_sketch(s):
        from netinfluence.metrics import reach

        r = reach(s.net, hops=2, method="sketch", seed=s.seed)
        return f"precision {r.attrs.get('precision', '?')}, mean {r.mean():.1f}"

    def spread(s):
        try:
            from netinfluence.spread import expected_spread
        except ImportError:
            return "skipped: netinfluence.diffusion.expected_spread not available"
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            e = expected_spread(s.net, seed=s.seed)
        return (
            f"{e.attrs.get('runs', '?'):,} RR sets"
            if isinstance(e.attrs.get("runs"), int)
            else None
        )

    def score_inputs(s):
        from netinfluence.scoring import score_inputs as si

        s.inputs_table = si(s.net, labels=s.labels, seed=s.seed)
        return f"reach method {s.inputs_table.attrs.get('reach_method')}"

    def scoring(s):
        from netinfluence.scoring import ScoreWeights, citizen_score

        s.weights = ScoreWeights()
        s.scores = citizen_score(s.net, weights=s.weights, inputs=s.inputs_table)

    def ranking(s):
        from netinfluence.scoring import rank

        s.ranked = rank(s.net, top=None, inputs=s.inputs_table, weights=s.weights, seed=s.seed)

    def export(s):
        from netinfluence.io import write_table

        write_table(s.ranked, s.out / "ranked.csv")

    return {k: v for k, v in locals().items() if k in STEPS}


def _leiden_iterations(n_tie_edges: int) -> int:
    """Leiden iterations as ``scoring.score_inputs`` (the ``rank`` pipeline) chooses them:
    ``netinfluence.scoring.leiden_iterations``."""
    try:
        from netinfluence.scoring._score import leiden_iterations
    except ImportError:  # older versions ran until stable
        return -1
    return leiden_iterations(n_tie_edges)


def _truth(s):
    import pandas as pd

    path = s.inputs / "truth.csv"
    if not path.is_file():
        return None
    t = pd.read_csv(path, dtype={"id": str}).set_index("id")["community"]
    return t


# ---------------------------------------------------------------------------- shared by refs


def _ref_load(s):
    import pandas as pd

    d = s.inputs
    s.f = pd.read_csv(d / "follows.csv", dtype=str)
    s.it = pd.read_csv(d / "interactions.csv", dtype={"source": str, "target": str})
    s.users = pd.read_csv(d / "users.csv", dtype={"id": str})
    return f"{len(s.f):,} follows, {len(s.it):,} interaction rows"


def _intensity(s) -> dict:
    """Type-weighted interaction counts per influence pair (content owner -> engager)."""
    it = s.it
    ev = it["type"].str.lower().map(TYPE_WEIGHTS).fillna(1.0) * it["count"]
    grouped = ev.groupby([it["target"], it["source"]]).sum()
    return dict(zip(grouped.index.tolist(), grouped.tolist(), strict=True))


def _strength(follows: bool, intensity: float, mutual: bool, jaccard: float) -> float:
    # the same formula as netinfluence.ties (no community bonus, no decay: its defaults)
    base = 0.5 * follows + math.log1p(intensity)
    return base * (1 + 0.5 * mutual) * (1 + 0.5 * jaccard)


def _roles_loop(neighbours, weights_of, labels: list, n: int):
    """Within-module z-score and participation coefficient with per-node Python loops."""
    k_in = [0.0] * n
    k_tot = [0.0] * n
    parts: list[dict] = [None] * n
    for v in range(n):
        per: dict = {}
        total = 0.0
        for u, w in zip(neighbours(v), weights_of(v), strict=True):
            per[labels[u]] = per.get(labels[u], 0.0) + w
            total += w
        k_tot[v] = total
        k_in[v] = per.get(labels[v], 0.0)
        parts[v] = per
    by_comm: dict = {}
    for v in range(n):
        by_comm.setdefault(labels[v], []).append(k_in[v])
    stats = {}
    for c, vals in by_comm.items():
        mean = sum(vals) / len(vals)
        var = sum((x - mean) ** 2 for x in vals) / len(vals)
        stats[c] = (mean, math.sqrt(var))
    z, p = [0.0] * n, [0.0] * n
    for v in range(n):
        mean, sd = stats[labels[v]]
        z[v] = (k_in[v] - mean) / sd if sd > 0 else 0.0
        p[v] = 1.0 - sum((x / k_tot[v]) ** 2 for x in parts[v].values()) if k_tot[v] else 0.0
    return z, p


def _ref_scoring(s):
    import pandas as pd

    cols = {k: v for k, v in s.measures.items() if len(v) == len(s.node_names)}
    table = pd.DataFrame(cols, index=pd.Index(s.node_names, name="node"))
    weights = {
        "reach_2hop": 0.3,
        "participation": -0.25,
        "coreness": 0.15,
        "pagerank": 0.15,
        "within_module_z": 0.15,
    }
    score = sum(w * table[c].rank(pct=True) for c, w in weights.items() if c in table)
    table["score"] = 100 * score if not isinstance(score, int) else 0.0
    s.table = table.sort_values("score", ascending=False)
    return f"{len(cols)} measures available in this worker"


def _ref_export(s):
    s.table.to_csv(s.out / "ranked.csv")


# ---------------------------------------------------------------------------- networkx


def nx_steps() -> dict:
    """The networkx way: nx graphs from the pandas edge list, networkx algorithms."""

    def load(s):
        s.measures = {}
        return _ref_load(s)

    def graph(s):
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(s.users["id"])
        g.add_edges_from(zip(s.f["followed"], s.f["follower"], strict=True))  # influence
        s.G = g
        s.node_names = list(g.nodes)
        return f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges"

    def ties(s):
        import networkx as nx

        inten = _intensity(s)
        t = nx.DiGraph()
        t.add_nodes_from(s.G)
        t.add_edges_from(s.G.edges, follows=True)
        for (u, v), x in inten.items():
            t.add_edge(u, v, intensity=x)
        und = nx.Graph(t)  # undirected simple view for Jaccard
        jac = {(u, v): j for u, v, j in nx.jaccard_coefficient(und, t.edges())}
        w = nx.Graph()
        w.add_nodes_from(t)
        for u, v, d in t.edges(data=True):
            x = _strength(
                d.get("follows", False), d.get("intensity", 0.0), t.has_edge(v, u), jac[(u, v)]
            )
            if w.has_edge(u, v):
                w[u][v]["weight"] += x
            else:
                w.add_edge(u, v, weight=x)
        s.W = w
        return f"{t.number_of_edges():,} ties, {w.number_of_edges():,} undirected pairs"

    def communities(s):
        import networkx as nx

        comms = nx.community.louvain_communities(s.W, weight="weight", seed=s.seed)
        s.labels = {v: i for i, c in enumerate(comms) for v in c}
        return f"Louvain: {len(comms):,} communities"

    def pagerank(s):
        import networkx as nx

        pr = nx.pagerank(s.G)
        s.measures["pagerank"] = [pr[v] for v in s.node_names]

    def coreness(s):
        import networkx as nx

        core = nx.core_number(s.W)
        s.measures["coreness"] = [core[v] for v in s.node_names]

    def betweenness(s):
        import networkx as nx

        nx.betweenness_centrality(s.G, k=256, seed=s.seed)

    def roles(s):
        index = {v: i for i, v in enumerate(s.node_names)}
        labels = [s.labels[v] for v in s.node_names] if "labels" in s else _planted(s)
        adj = s.W.adj
        z, p = _roles_loop(
            lambda i: [index[u] for u in adj[s.node_names[i]]],
            lambda i: [d["weight"] for d in adj[s.node_names[i]].values()],
            labels,
            len(s.node_names),
        )
        s.measures["within_module_z"], s.measures["participation"] = z, p
        return None if "labels" in s else "used the planted communities (Louvain did not finish)"

    def reach_exact(s):
        import networkx as nx

        g = s.G
        s.measures["reach_2hop"] = [
            len(nx.single_source_shortest_path_length(g, v, cutoff=2)) - 1 for v in s.node_names
        ]

    return {
        "load": load,
        "graph": graph,
        "ties": ties,
        "communities": communities,
        "pagerank": pagerank,
        "coreness": coreness,
        "betweenness": betweenness,
        "roles": roles,
        "reach_exact": reach_exact,
        "scoring": _ref_scoring,
        "export": _ref_export,
    }


def _planted(s) -> list:
    truth = _truth(s)
    return truth.reindex(s.node_names).fillna(-1).astype(int).tolist()


# ---------------------------------------------------------------------------- plain igraph


def ig_steps() -> dict:
    """The plain-igraph way: graphs from Python lists of tuples, igraph calls, no numpy."""

    def load(s):
        s.measures = {}
        return _ref_load(s)

    def graph(s):
        import igraph as ig

        edges = list(zip(s.f["followed"].tolist(), s.f["follower"].tolist(), strict=True))
        g = ig.Graph.TupleList(edges, directed=True)
        names = g.vs["name"]
        seen = set(names)
        missing = [u for u in s.users["id"].tolist() if u not in seen]
        if missing:
            g.add_vertices(missing)
        s.g = g
        s.node_names = g.vs["name"]
        s.index = {v: i for i, v in enumerate(s.node_names)}
        return f"{g.vcount():,} nodes, {g.ecount():,} edges"

    def ties(s):
        import igraph as ig

        index = s.index
        pairs = {e: [True, 0.0] for e in s.g.get_edgelist()}
        for (u, v), x in _intensity(s).items():
            key = (index[u], index[v])
            if key in pairs:
                pairs[key][1] = x
            else:
                pairs[key] = [False, x]
        keys = list(pairs)
        und = ig.Graph(n=s.g.vcount(), edges=keys, directed=False).simplify()
        jac = und.similarity_jaccard(pairs=keys)
        acc: dict = {}
        for (u, v), j in zip(keys, jac, strict=True):
            fol, x = pairs[(u, v)]
            w = _strength(fol, x, (v, u) in pairs, j)
            key = (u, v) if u < v else (v, u)
            acc[key] = acc.get(key, 0.0) + w
        s.n_ties = len(keys)
        w = ig.Graph(n=s.g.vcount(), edges=list(acc), directed=False)
        w.es["weight"] = list(acc.values())
        s.W = w
        return f"{len(keys):,} ties, {w.ecount():,} undirected pairs"

    def communities(s):
        import random

        random.seed(s.seed)
        # the iterations the netinfluence pipeline uses at this size (igraph's default is 2)
        n_iter = _leiden_iterations(s.n_ties)
        part = s.W.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=n_iter
        )
        s.labels = part.membership
        return f"Leiden (n_iterations={n_iter}): {len(part):,} communities"

    def pagerank(s):
        s.measures["pagerank"] = s.g.pagerank(directed=True)

    def coreness(s):
        s.measures["coreness"] = s.W.coreness()

    def betweenness(s):
        import numpy as np

        # the sources netinfluence samples (default_rng(seed) over the users-table order,
        # which is its node order here), so both do the same breadth-first searches
        ids = s.users["id"].tolist()
        picks = np.random.default_rng(s.seed).choice(
            len(ids), size=min(256, len(ids)), replace=False
        )
        sources = [s.index[ids[i]] for i in np.sort(picks)]
        s.g.betweenness(directed=True, sources=sources)

    def roles(s):
        w = s.W
        adj = w.get_inclist()
        ends = w.get_edgelist()
        weight = w.es["weight"]
        labels = s.labels if "labels" in s else _planted(s)
        z, p = _roles_loop(
            lambda v: [ends[e][0] if ends[e][1] == v else ends[e][1] for e in adj[v]],
            lambda v: [weight[e] for e in adj[v]],
            labels,
            w.vcount(),
        )
        s.measures["within_module_z"], s.measures["participation"] = z, p
        return None if "labels" in s else "used the planted communities (Leiden did not finish)"

    def reach_exact(s):
        s.measures["reach_2hop"] = [k - 1 for k in s.g.neighborhood_size(order=2, mode="out")]

    return {
        "load": load,
        "graph": graph,
        "ties": ties,
        "communities": communities,
        "pagerank": pagerank,
        "coreness": coreness,
        "betweenness": betweenness,
        "roles": roles,
        "reach_exact": reach_exact,
        "scoring": _ref_scoring,
        "export": _ref_export,
    }


#: (step, prerequisite) pairs where the step has a fallback when the prerequisite failed.
#: Reference roles use the planted communities; reference scoring uses the measures it has.
FALLBACKS = {("roles", "communities"), ("scoring", "roles")}


def _direct_needs(steps: dict, name: str) -> list[str]:
    """The prerequisites of a step among the steps a pipeline implements."""
    out = []
    for pre in STEPS[name][1]:
        if pre in steps:
            out.append(pre)
        else:
            out += [pp for pp in STEPS[pre][1] if pp in steps]
    return out


def _closure(steps: dict, wanted: list[str]) -> list[str]:
    """``wanted`` plus every prerequisite the pipeline implements, in pipeline order."""
    need = set()

    def add(name):
        if name in need:
            return
        need.add(name)
        for pre in STEPS[name][1]:
            if pre in steps:
                add(pre)
            else:  # a prerequisite this pipeline lacks: take its own prerequisites
                for pp in STEPS[pre][1]:
                    if pp in steps:
                        add(pp)

    for w in wanted:
        add(w)
    return [n for n in STEPS if n in need and n in steps]


PRELOAD = {
    "netinfluence": (
        "igraph",
        "scipy.sparse",
        "pandas",
        "pyarrow",
        "netinfluence",
        "netinfluence.community",
        "netinfluence.centrality",
        "netinfluence.reach",
        "netinfluence.roles",
        "netinfluence.scoring",
        "netinfluence.candidates",
        "netinfluence.engagement",
        "netinfluence.ties",
        "netinfluence.io",
        "netinfluence.diffusion",
    ),
    "networkx": ("pandas", "networkx"),
    "igraph": ("pandas", "igraph"),
}
FACTORIES = {"netinfluence": ni_steps, "networkx": nx_steps, "igraph": ig_steps}


def worker(args) -> None:
    """Run a pipeline's steps and report each as a JSON line (``TAG`` prefix) on stdout.

    Steps in ``--steps`` are timed and reported; their prerequisites run first, silently;
    steps in ``--skip`` (over the limit or failed in an earlier worker) are not run at all,
    and the steps that need them fall back (planted communities) or fail with a note.
    """
    import importlib

    for mod in PRELOAD[args.worker]:  # import time is not part of any step
        with contextlib.suppress(ImportError):
            importlib.import_module(mod)
    steps = FACTORIES[args.worker]()
    report = [n for n in args.steps.split(",") if n in steps]
    skip = set(filter(None, (args.skip or "").split(",")))
    s = State(inputs=Path(args.inputs), out=Path(args.out), seed=args.seed, fmt=args.fmt)
    can_reset = _reset_peak()
    _emit(event="hello", pid=os.getpid(), peak_reset=can_reset)
    failed = set(skip)
    for name in _closure(steps, report):
        if name in skip:
            continue
        silent = name not in report
        missing = [
            p for p in _direct_needs(steps, name) if p in failed and (name, p) not in FALLBACKS
        ]
        if missing:
            failed.add(name)
            if not silent:
                _emit(event="start", step=name)
                _emit(
                    event="end",
                    step=name,
                    seconds=None,
                    status="blocked",
                    peak_mib=None,
                    delta_mib=None,
                    note=f"not run: needs {missing[0]}, which did not finish",
                )
            continue
        if not silent:
            _emit(event="start", step=name)
        _reset_peak()
        rss0 = _status_kib("VmRSS")
        t0 = time.perf_counter()
        status = "ok"
        try:
            note = steps[name](s)
        except Exception as exc:
            status, note = "error", f"{exc.__class__.__name__}: {exc}"[:300]
            failed.add(name)
        dt = time.perf_counter() - t0
        hwm = _status_kib("VmHWM") if can_reset else None
        if callable(note):  # a step may hand back work for its note that is not measured
            try:
                note = note()
            except Exception as exc:
                note = f"note failed: {exc.__class__.__name__}: {exc}"[:300]
        if not silent:
            _emit(
                event="end",
                step=name,
                seconds=dt,
                status=status,
                peak_mib=None if hwm is None else hwm / 1024,
                delta_mib=None if hwm is None else (hwm - rss0) / 1024,
                note=note,
            )
    _emit(event="done", process_peak_mib=_status_kib("VmHWM") / 1024)


# ============================================================================ parent side


@dataclass
class StepResult:
    seconds: float | None = None
    peak_mib: float | None = None
    delta_mib: float | None = None
    status: str = "ok"  # ok | limit | error | n/a | skipped
    note: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _reader(stream, q: queue.Queue, tail: list):
    for line in stream:
        if line.startswith(TAG):
            q.put(json.loads(line[len(TAG) :]))
        else:
            tail.append(line.rstrip("\n"))
            del tail[:-20]
    q.put(None)


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def run_pipeline(
    pipeline: str,
    folder: Path,
    out: Path,
    *,
    steps: list[str],
    limit: float,
    seed: int,
    fmt: str = "csv",
    log=print,
) -> dict[str, StepResult]:
    """Run one pipeline's steps in worker processes, each step bounded by ``limit`` seconds."""
    results: dict[str, StepResult] = {}
    implemented = FACTORIES[pipeline]()
    pending = [p for p in steps if p in implemented]
    skip: set[str] = set()  # over the limit or failed: never run again
    while pending:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            pipeline,
            "--inputs",
            str(folder),
            "--out",
            str(out),
            "--seed",
            str(seed),
            "--fmt",
            fmt,
            "--steps",
            ",".join(pending),
            "--skip",
            ",".join(sorted(skip)),
        ]
        env = dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="2")
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        q: queue.Queue = queue.Queue()
        tail: list[str] = []
        threading.Thread(target=_reader, args=(proc.stdout, q, tail), daemon=True).start()
        current = None
        started = time.monotonic()
        finished = False
        while True:
            timeout = None if current is None else max(0.0, started + limit - time.monotonic())
            try:
                msg = q.get(timeout=timeout if current is not None else 3600)
            except queue.Empty:
                if current is None:
                    continue
                _kill(proc)
                results[current] = StepResult(
                    seconds=limit, status="limit", note=f"> {limit:g} s, stopped"
                )
                log(f"    {pipeline:<12} {current:<13} > {limit:g} s (stopped)")
                skip.add(current)
                break
            if msg is None:  # worker ended
                proc.wait()
                if current is not None:
                    results[current] = StepResult(
                        status="error",
                        note=(f"worker died (exit {proc.returncode}): " + " | ".join(tail[-3:]))[
                            :300
                        ],
                    )
                    log(f"    {pipeline:<12} {current:<13} error: {results[current].note}")
                    skip.add(current)
                else:
                    finished = True
                break
            if msg["event"] == "start":
                current = msg["step"]
                started = time.monotonic()
            elif msg["event"] == "end":
                r = StepResult(
                    msg["seconds"],
                    msg["peak_mib"],
                    msg["delta_mib"],
                    msg["status"],
                    msg.get("note"),
                )
                if r.note and str(r.note).startswith("skipped"):
                    r.status = "skipped"
                results[msg["step"]] = r
                if r.status == "error":
                    skip.add(msg["step"])
                shown = (
                    f"{r.seconds:9.2f} s {r.peak_mib or 0:8.0f} MiB"
                    if r.seconds is not None
                    else f"{r.status:>22}"
                )
                log(f"    {pipeline:<12} {msg['step']:<13} {shown}  {r.note or ''}")
                current = None
        pending = [p for p in pending if p not in results]
        if finished:
            for p in pending:
                results[p] = StepResult(status="error", note="not reported by the worker")
            break
    return results


def _e2e_peak(e: dict) -> float:
    """The larger of the command's own peak RSS and the sampled peak of its process tree."""
    return max(e["peak_mib"], e.get("peak_tree_mib") or 0.0)


def _e2e_memory_note(e: dict) -> str:
    tree = e.get("peak_tree_mib")
    if tree is None:
        return "ru_maxrss of the command"
    k = e.get("processes", 1)
    return (
        f"command alone {e['peak_mib']:,.0f} MiB by ru_maxrss; "
        + (f"{k} processes together" if k > 1 else "its one process")
        + f" {tree:,.0f} MiB, sampled"
    )


class _TreeMemory:
    """Peak of the summed RSS of every process in one session (the command and the processes
    it starts, e.g. the Leiden child), sampled every 50 ms from /proc (Linux; None elsewhere).
    ``ru_maxrss`` counts one process only, so it would miss a child's memory."""

    def __init__(self, session: int, every: float = 0.05) -> None:
        self.session, self.every = session, every
        self.peak_mib: float | None = None
        self.processes = 0
        self._seen: set[int] = set()
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._thread = threading.Thread(target=self._run, daemon=True)
        if Path("/proc/self/stat").exists():
            self._thread.start()

    def _sample(self) -> float:
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) != self.session:  # state ppid pgrp session ...
                    continue
                pid = int(stat.parent.name)
                total += int((stat.parent / "statm").read_text().split()[1]) * self._page
            except (OSError, IndexError, ValueError):
                continue
            self._seen.add(pid)
        return total / 2**20

    def _run(self) -> None:
        while not self._done.is_set():
            mib = self._sample()
            if mib and (self.peak_mib is None or mib > self.peak_mib):
                self.peak_mib = mib
            self._done.wait(self.every)

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        self.processes = len(self._seen)


def end_to_end(
    folder: Path, out: Path, *, fmt: str = "csv", seed: int = 0, timeout: float = 3600
) -> dict:
    """``netinfluence --quiet rank ... --top 0`` as one child: wall seconds and its peak RSS."""
    exe = Path(sys.executable).with_name("netinfluence")
    base = (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-c", "from netinfluence.cli import main; main()"]
    )
    target = out / f"ranked-e2e-{fmt}.csv"
    cmd = [
        *base,
        "--quiet",
        "rank",
        "--follows",
        str(folder / f"follows.{fmt}"),
        "--interactions",
        str(folder / f"interactions.{fmt}"),
        "--users",
        str(folder / f"users.{fmt}"),
        "--out",
        str(target),
        "--top",
        "0",
        "--seed",
        str(seed),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    tree = _TreeMemory(proc.pid)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    tree.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "command": " ".join(["netinfluence", *cmd[len(base) :]]),
        "format": fmt,
        "seconds": wall,
        "peak_mib": usage.ru_maxrss / 1024,
        "peak_tree_mib": tree.peak_mib,
        "processes": tree.processes,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "exit_code": proc.returncode,
        "memory_source": "os.wait4 ru_maxrss of the child; peak_tree_mib: summed RSS "
        "of the child and its own children, sampled every 50 ms",
    }
    if proc.returncode != 0:
        result["error"] = err.decode(errors="replace")[-500:]
    meta = target.with_name(target.name + ".meta.json")
    if meta.is_file():
        with contextlib.suppress(ValueError):
            written = json.loads(meta.read_text())
            result["timings_seconds"] = written["timings_seconds"]
            child = written.get("leiden_process") or {}
            if child.get("seconds"):
                result["leiden_process_seconds"] = child["seconds"]
    return result


# ---------------------------------------------------------------------------- reporting


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
    versions = {}
    for mod in ("netinfluence", "igraph", "networkx", "numpy", "scipy", "pandas", "pyarrow"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:
            versions[mod] = None
    info["versions"] = versions
    with contextlib.suppress(Exception):
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["git"] = head + (" + uncommitted changes in src/" if dirty else "")
    return info


def _fmt_s(r: dict | None) -> str:
    if not r:
        return "—"
    if r["status"] == "limit":
        return f"> {r['seconds']:g}"
    if r["status"] == "blocked":
        return "not run"
    if r["status"] in ("error", "n/a", "skipped"):
        return r["status"]
    s = r["seconds"]
    return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"


def _fmt_mib(r: dict | None) -> str:
    if not r or r.get("peak_mib") is None or r["status"] != "ok":
        return ""
    return f"{r['peak_mib']:,.0f}"


def _ratio(ref: dict | None, ni: dict | None) -> str:
    if not ref or not ni or ni["status"] != "ok" or not ni["seconds"]:
        return ""
    if ref["status"] == "limit":
        return f"> {ref['seconds'] / ni['seconds']:.1f}x"
    if ref["status"] != "ok":
        return ""
    return f"{ref['seconds'] / ni['seconds']:.1f}x"


def totals(res: dict) -> dict:
    """Sum of the compared steps per reference, and netinfluence's sum of the same steps."""
    out = {}
    ni = res["steps"].get("netinfluence", {})
    for ref in REFERENCES:
        rs = res["steps"].get(ref)
        if not rs:
            continue
        common = [
            k
            for k in COMPARED
            if k in rs
            and k in ni
            and ni[k]["status"] == "ok"
            and rs[k]["status"] in ("ok", "limit")
        ]
        if not common:
            continue
        ref_s = sum(rs[k]["seconds"] for k in common)
        ni_s = sum(ni[k]["seconds"] for k in common)
        lower = any(rs[k]["status"] == "limit" for k in common)
        out[ref] = {
            "steps": common,
            "reference_seconds": ref_s,
            "netinfluence_seconds": ni_s,
            "ratio": ref_s / ni_s if ni_s else None,
            "lower_bound": lower,
        }
    return out


def _md_table(rows: list[list[str]], columns: list[str], align: str) -> str:
    """Pipe table of already formatted cells; ``align`` has one ``l``/``r`` per column."""
    import pandas as pd

    return pd.DataFrame(rows, columns=columns).to_markdown(
        index=False,
        disable_numparse=True,
        colalign=["right" if a == "r" else "left" for a in align],
    )


def markdown(res: dict) -> str:
    size = res["size"]
    g = res["inputs"]
    me = res["edges"] / 1e6
    lines = [
        f"## {size}: {g['follows']:,} follows, {g['interactions']:,} interaction rows, "
        f"{g['accounts']:,} accounts ({g['communities']:,} planted communities)",
        "",
    ]
    lines.append(
        f"Run {res['started']} on {res['machine'].get('cpu', '?')}, "
        f"{res['machine'].get('cores')} cores, {res['machine'].get('memory_gib')} GiB; "
        f"netinfluence {res['machine']['versions'].get('netinfluence')} "
        f"({res['machine'].get('git', '?')}); load average at start "
        f"{res['load_average_start']}; per-step limit {res['limit']:g} s for the "
        f"references, {res.get('ni_limit', 3600):g} s for netinfluence."
    )
    lines.append("")
    for e in res.get("end_to_end", []):
        if "error" in e:
            lines.append(
                f"**End to end** ({e['format']}): failed with exit code "
                f"{e['exit_code']}: `{e['error'].strip().splitlines()[-1]}`"
            )
            continue
        lines.append(
            f"**End to end** `netinfluence --quiet rank` ({e['format'].upper()} in, "
            f"CSV out, every node ranked): **{e['seconds']:.1f} s** wall, "
            f"**{_e2e_peak(e):,.0f} MiB** peak memory ({_e2e_memory_note(e)}), "
            f"{e['cpu_seconds']:.1f} s CPU; "
            f"{e['seconds'] / me:.2f} s per million follow edges"
            + (
                f" (fastest of {len(e['all_seconds'])}: {e['all_seconds']})"
                if len(e.get("all_seconds", [])) > 1
                else ""
            )
            + "."
        )
    st = res["steps"]
    ni = st.get("netinfluence", {})
    rows = []
    for name, (label, _) in STEPS.items():
        row = [label]
        n = ni.get(name)
        row += [_fmt_s(n), _fmt_mib(n)]
        for ref in REFERENCES:
            r = st.get(ref, {}).get(name)
            if ref not in st:
                row += ["not run", "", ""]
            elif r is None:
                row += ["n/a", "", ""]
            else:
                row += [_fmt_s(r), _fmt_mib(r), _ratio(r, n)]
        row.append(f"{n['seconds'] / me:.3f}" if n and n["status"] == "ok" else "")
        rows.append(row)
    columns = [
        "step",
        "netinfluence s",
        "peak MiB",
        "networkx s",
        "peak MiB",
        "vs networkx",
        "igraph s",
        "peak MiB",
        "vs igraph",
        "netinfluence s per 10^6 edges",
    ]
    lines += ["", _md_table(rows, columns, align="l" + "r" * 9)]
    tot = totals(res)
    if tot:
        lines.append("")
        for ref, t in tot.items():
            gt = "> " if t["lower_bound"] else ""
            lines.append(
                f"- Same steps ({', '.join(t['steps'])}): {ref} {gt}"
                f"{t['reference_seconds']:.1f} s vs netinfluence "
                f"{t['netinfluence_seconds']:.1f} s: **{gt}{t['ratio']:.1f}x**."
            )
    notes = [
        (p, k, r["note"])
        for p, steps in st.items()
        for k, r in steps.items()
        if r.get("note") and r["status"] != "limit"
    ]
    if notes:
        lines += ["", "Notes:"]
        lines += [f"- {p} / {k}: {n}" for p, k, n in notes]
    return "\n".join(lines) + "\n"


def summary(results: list[dict]) -> str:
    lines = [
        "# Benchmark summary",
        "",
        "Rebuilt by `python benchmarks/run.py` from every `results/<size>.json`; see "
        "`benchmarks/README.md` for the columns. Seconds are wall time on a shared "
        "machine; each size's file records the load average at its start.",
        "",
    ]
    rows = []
    for res in sorted(results, key=lambda r: r["edges"]):
        e = next(
            (x for x in res.get("end_to_end", []) if x["format"] == "csv" and "error" not in x),
            None,
        )
        me = res["edges"] / 1e6
        ni = res["steps"].get("netinfluence", {})
        tot = totals(res)
        steps_total = sum(r["seconds"] for r in ni.values() if r["status"] == "ok")
        cells = [
            res["size"],
            f"{res['edges']:,}",
            f"{e['seconds']:.1f}" if e else "—",
            f"{_e2e_peak(e):,.0f}" if e else "—",
            f"{e['seconds'] / me:.2f}" if e else "—",
            _fmt_s(ni.get("communities")),
            f"{steps_total:.1f}",
        ]
        for ref in REFERENCES:
            t = tot.get(ref)
            cells.append(f"{'> ' if t['lower_bound'] else ''}{t['ratio']:.1f}x" if t else "not run")
        cells.append(res["started"][:16])
        rows.append(cells)
    columns = [
        "size",
        "follows",
        "e2e s",
        "e2e peak MiB",
        "e2e s per 10^6 edges",
        "Leiden s",
        "steps total s",
        "vs networkx (same steps)",
        "vs igraph (same steps)",
        "run",
    ]
    lines.append(_md_table(rows, columns, align="l" + "r" * 8 + "l"))
    lines += ["", *[markdown(r) for r in sorted(results, key=lambda r: r["edges"])]]
    return "\n".join(lines)


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="netinfluence benchmark (see benchmarks/README.md)")
    ap.add_argument(
        "--sizes", default="1e5,1e6", help="Comma-separated follow-edge counts (default 1e5,1e6)."
    )
    ap.add_argument(
        "--skip-reference",
        action="store_true",
        help="Run netinfluence only (no networkx / plain-igraph pipelines).",
    )
    ap.add_argument(
        "--references",
        default="networkx,igraph",
        help="Reference pipelines to run (default networkx,igraph).",
    )
    ap.add_argument(
        "--limit",
        type=float,
        default=120.0,
        help="Seconds allowed per reference step (default 120).",
    )
    ap.add_argument(
        "--ni-limit",
        type=float,
        default=900.0,
        help="Seconds allowed per netinfluence step (default 900).",
    )
    ap.add_argument("--steps", default=",".join(STEPS), help="Steps to run (default: all).")
    ap.add_argument("--no-e2e", action="store_true", help="Skip the end-to-end run.")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="End-to-end runs per format; the fastest is reported (default 1).",
    )
    ap.add_argument(
        "--e2e-formats",
        default="csv",
        help="Input formats of the end-to-end run: csv and/or parquet.",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--results", default=str(RESULTS), help="Results folder.")
    # worker mode (internal)
    ap.add_argument("--worker", choices=PIPELINES, help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--skip", help=argparse.SUPPRESS)
    ap.add_argument("--fmt", default="csv", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return

    results_dir = Path(args.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        ap.error(f"unknown steps {sorted(unknown)}; known: {', '.join(STEPS)}")
    refs = (
        [] if args.skip_reference else [r.strip() for r in args.references.split(",") if r.strip()]
    )
    info = machine()
    for text in args.sizes.split(","):
        edges = generate.parse_size(text.strip())
        label = generate.size_label(edges)
        print(f"== {label}: inputs", flush=True)
        folder = generate.ensure(edges, seed=args.seed)
        meta = json.loads((folder / "meta.json").read_text())
        scratch = HERE / "out" / label
        scratch.mkdir(parents=True, exist_ok=True)
        res = {
            "size": label,
            "edges": edges,
            "inputs": meta,
            "machine": info,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average_start": _load_average(),
            "limit": args.limit,
            "ni_limit": args.ni_limit,
            "seed": args.seed,
            "end_to_end": [],
            "steps": {},
        }
        if not args.no_e2e:
            for fmt in args.e2e_formats.split(","):
                runs = []
                for i in range(max(args.repeat, 1)):
                    print(f"== {label}: end to end ({fmt}, run {i + 1})", flush=True)
                    e = end_to_end(folder, scratch, fmt=fmt.strip(), seed=args.seed)
                    runs.append(e)
                    print(
                        f"    {e['seconds']:.1f} s, {_e2e_peak(e):,.0f} MiB peak "
                        f"({_e2e_memory_note(e)}), "
                        f"{e['cpu_seconds']:.1f} s CPU"
                        + (f", FAILED: {e.get('error', '')[-200:]}" if "error" in e else ""),
                        flush=True,
                    )
                best = dict(min(runs, key=lambda r: (r.get("exit_code") != 0, r["seconds"])))
                best["all_seconds"] = [round(r["seconds"], 2) for r in runs]
                res["end_to_end"].append(best)
        for pipeline in ["netinfluence", *refs]:
            print(f"== {label}: steps, {pipeline}", flush=True)
            limit = args.limit if pipeline != "netinfluence" else args.ni_limit
            out = run_pipeline(
                pipeline,
                folder,
                scratch,
                steps=steps,
                limit=limit,
                seed=args.seed,
                log=lambda m: print(m, flush=True),
            )
            res["steps"][pipeline] = {k: v.as_dict() for k, v in out.items()}
        res["load_average_end"] = _load_average()
        res["totals"] = totals(res)
        (results_dir / f"{label}.json").write_text(json.dumps(res, indent=2) + "\n")
        (results_dir / f"{label}.md").write_text(markdown(res))
        print(markdown(res), flush=True)
    every = []
    for p in sorted(results_dir.glob("*.json")):  # only run.py's own <size>.json files
        if not re.fullmatch(r"\d+(e\d+)?", p.stem):
            continue
        with contextlib.suppress(ValueError, KeyError):
            data = json.loads(p.read_text())
            if "steps" in data and "size" in data and "end_to_end" in data:
                every.append(data)
    (results_dir / "summary.md").write_text(summary(every))
    print(f"wrote {results_dir / 'summary.md'}")


if __name__ == "__main__":
    main()
