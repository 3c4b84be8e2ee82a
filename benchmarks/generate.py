"""Seeded generator of benchmark inputs: follows, interactions and users at 10^5..10^7 edges.

The graphs have what real follower exports have and what makes the algorithms work for their
money: heavy-tailed in-degrees (a few accounts followed by tens of thousands), log-normal
out-degrees, planted communities of heavy-tailed sizes (most follows stay inside one), mutual
follows inside communities, an interaction layer that mostly rides on the follows with types,
counts and ISO timestamps, and a users table whose platform follower counts exceed the sampled
in-degree. Ids are strings (``u0000042``) so loading has to factorise them, as with real data.

Every step is vectorised numpy (no Python loop per edge or per node): ``10^7`` follow edges,
``1.5 * 10^6`` interaction rows and ``10^6`` users are generated and written as CSV and Parquet
in well under a minute.

Usage (from the repository root)::

    python benchmarks/generate.py --sizes 1e5,1e6,1e7        # writes benchmarks/inputs/<size>/

Files per size: ``follows.{csv,parquet}`` (``follower,followed``), ``interactions.{csv,parquet}``
(``source,target,type,count,timestamp``: source engaged with target's content),
``users.{csv,parquet}`` (``id,handle,followers,following,posts,likes,comments,topics``),
``truth.csv`` (planted ``community`` per id) and ``meta.json`` (parameters and counts).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"

#: Interaction types and their shares (source engaged with target's content this way).
TYPES = ("like", "reply", "comment", "retweet", "mention", "quote", "share")
TYPE_SHARES = (0.36, 0.18, 0.14, 0.13, 0.10, 0.05, 0.04)
TOPICS = (
    "parenting",
    "running",
    "cooking",
    "gaming",
    "fashion",
    "travel",
    "fitness",
    "photography",
    "gardening",
    "tech",
    "music",
    "books",
    "football",
    "politics",
    "science",
    "movies",
    "crypto",
    "beauty",
    "cycling",
    "art",
)
#: Benchmark shapes: ``planted`` (power-law community sizes, log-normal activity, mutual
#: follows inside communities) and ``heavy`` (issue 18's heavy-tailed recipe: n = m / 10
#: accounts in max(10, sqrt(n) / 3) communities drawn uniformly, attractiveness
#: w ~ Pareto(1.2) + 1, followers uniform, 80 % of targets drawn by w inside the follower's
#: community and 20 % by w over everyone; interactions on 15 % of the follows, types
#: reply/mention/retweet/like/comment, counts 1 + Poisson(1.5)).
SHAPES = ("planted", "heavy")
HEAVY = {"mixing": 0.2, "reciprocity": 0.0, "in_exponent": 1.2, "on_follow_share": 1.0}
HEAVY_TYPES = ("reply", "mention", "retweet", "like", "comment")
WINDOW_START = np.datetime64("2026-01-01T00:00:00", "s")
WINDOW_DAYS = 90


@dataclass(frozen=True)
class Params:
    """Everything that shapes one benchmark graph (recorded in ``meta.json``)."""

    edges: int  # follow edges (distinct follower->followed pairs)
    seed: int = 0
    shape: str = "planted"  # "planted" (the default graph) or "heavy" (see HEAVY)
    accounts_per_edge: float = 0.1  # 10^7 edges -> 10^6 accounts (mean out-degree 10)
    interactions_per_edge: float = 0.15  # 10^7 edges -> 1.5 * 10^6 interaction rows
    mixing: float = 0.25  # share of follows drawn across the whole network
    reciprocity: float = 0.3  # share of in-community follows followed back
    community_min: int = 30  # planted community sizes: power law, exponent 2.5
    community_exponent: float = 2.5
    in_exponent: float = 2.2  # in-degree propensity: Pareto tail P(k) ~ k^-2.2
    out_sigma: float = 1.0  # out-degree propensity: log-normal sigma
    on_follow_share: float = 0.85  # interactions along an existing follow

    @classmethod
    def for_shape(cls, edges: int, *, seed: int = 0, shape: str = "planted") -> Params:
        """The parameters of one benchmark shape (``planted`` or ``heavy``)."""
        if shape == "planted":
            return cls(edges=edges, seed=seed)
        if shape == "heavy":
            return cls(edges=edges, seed=seed, shape="heavy", **HEAVY)
        raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")

    @property
    def accounts(self) -> int:
        return max(round(self.edges * self.accounts_per_edge), 50)

    @property
    def interactions(self) -> int:
        return round(self.edges * self.interactions_per_edge)


def parse_size(text: str) -> int:
    """``"1e6"``, ``"1000000"`` or ``"1_000_000"`` -> 1000000."""
    value = float(text.replace("_", ""))
    if value < 100 or value != int(value):
        raise argparse.ArgumentTypeError(f"a size must be a whole number >= 100, got {text!r}")
    return int(value)


def size_label(edges: int) -> str:
    """1000000 -> ``"1e6"``; 3000000 -> ``"3e6"``; 250000 -> ``"250000"``."""
    exp = int(np.floor(np.log10(edges)))
    mant = edges / 10**exp
    return f"{mant:g}e{exp}" if mant == int(mant) else str(edges)


# ----------------------------------------------------------------------------- the graph


def _community_sizes(n: int, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Power-law community sizes (exponent ``community_exponent``) summing to ``n``."""
    cap = max(p.community_min, n // 20)
    expected = p.community_min * (p.community_exponent - 1) / (p.community_exponent - 2)
    draw = int(n / expected * 1.5) + 16
    u = rng.random(draw)
    sizes = np.floor(p.community_min * (1 - u) ** (-1 / (p.community_exponent - 1)))
    sizes = np.minimum(sizes, cap).astype(np.int64)
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, n)) + 1
    sizes = sizes[:k]
    sizes[-1] -= int(sizes.sum() - n)
    if sizes[-1] < p.community_min and k > 1:  # fold a small remainder into the previous one
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def _weighted_pick(
    cum: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Positions drawn with probability proportional to weight between cum offsets lo..hi."""
    u = lo + rng.random(len(lo)) * (hi - lo)
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


def _draws(weight: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` positions drawn with probability proportional to ``weight``, in sorted order
    (one multinomial draw and a repeat: no per-draw binary search)."""
    counts = rng.multinomial(k, weight / weight.sum())
    return np.repeat(np.arange(len(weight), dtype=np.int64), counts)


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: ``np.unique`` hashes and is ~60x slower on 10^7
    distinct int64 with numpy 2.4)."""
    keys = np.sort(keys)
    if len(keys):
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    return keys


class _Graph:
    """Node propensities and community layout shared by the follow and interaction draws.

    Draws happen in *community order* (position ``i`` is node ``node[i]``; positions of one
    community are consecutive), so in-community draws stay cache-local; ``node`` is a random
    permutation, so the written ids carry no community locality.
    """

    def __init__(self, p: Params, rng: np.random.Generator):
        n = p.accounts
        self.n = n
        if p.shape == "heavy":
            k = max(10, int(np.sqrt(n) / 3))
            sizes = np.bincount(rng.integers(0, k, n), minlength=k)
            sizes = sizes[sizes > 0]
        else:
            sizes = _community_sizes(n, p, rng)
        self.n_communities = len(sizes)
        self.comm_pos = np.repeat(np.arange(len(sizes)), sizes)  # community of position i
        self.node = rng.permutation(n)  # node id of position i
        self.community = np.empty(n, dtype=np.int64)  # community of node id
        self.community[self.node] = self.comm_pos
        if p.shape == "heavy":  # followers uniform; attractiveness Pareto(1.2) + 1
            self.activity = np.ones(n)
            self.popularity = rng.pareto(p.in_exponent, n) + 1.0
        else:
            self.activity = rng.lognormal(0.0, p.out_sigma, n)
            self.popularity = (1.0 - rng.random(n)) ** (-1.0 / (p.in_exponent - 1.0))
        self.cum_pop = np.cumsum(self.popularity)
        ends = np.cumsum(sizes)
        starts = ends - sizes
        self.pop_lo = np.where(starts > 0, self.cum_pop[np.maximum(starts - 1, 0)], 0.0)
        self.pop_hi = self.cum_pop[ends - 1]

    def sources(self, k: int, rng) -> np.ndarray:
        """Positions of ``k`` active accounts (by activity), sorted."""
        return _draws(self.activity, k, rng)

    def global_targets(self, k: int, rng) -> np.ndarray:
        """Positions of ``k`` popular accounts anywhere (by popularity), shuffled."""
        return rng.permutation(_draws(self.popularity, k, rng))

    def local_targets(self, src: np.ndarray, rng) -> np.ndarray:
        """Position of a popular account in each source's community."""
        c = self.comm_pos[src]
        return _weighted_pick(self.cum_pop, self.pop_lo[c], self.pop_hi[c], rng)


def follow_edges(p: Params, g: _Graph, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Exactly ``p.edges`` distinct follower->followed node pairs (no self-follows), shuffled."""
    n = np.int64(g.n)
    keys = np.zeros(0, dtype=np.int64)
    over = 1.12
    while len(keys) < p.edges:
        need = int((p.edges - len(keys)) * over) + 64
        base = int(need / (1 + p.reciprocity * (1 - p.mixing)))
        follower = g.sources(base, rng)
        across = rng.random(base) < p.mixing
        followed = np.empty(base, dtype=np.int64)
        followed[across] = g.global_targets(int(across.sum()), rng)
        followed[~across] = g.local_targets(follower[~across], rng)
        back = ~across & (rng.random(base) < p.reciprocity)
        f = g.node[np.concatenate([follower, followed[back]])]
        t = g.node[np.concatenate([followed, follower[back]])]
        ok = f != t
        keys = _distinct(np.concatenate([keys, f[ok] * n + t[ok]]))
        over *= 1.5
    keys = keys[rng.permutation(len(keys))[: p.edges]]
    return keys // n, keys % n


def interaction_rows(
    p: Params, g: _Graph, follower: np.ndarray, followed: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Interaction events: mostly a follower engaging with a followed account, in-community
    ties three times as likely; the rest engagement without a follow inside the source's
    community. Node ids in, node ids out."""
    k = p.interactions
    on_follow = int(k * p.on_follow_share)
    # rejection sampling of follow edges: accept in-community 1, across 1/3
    pick = np.zeros(0, dtype=np.int64)
    while len(pick) < on_follow:
        cand = rng.integers(0, len(follower), 2 * (on_follow - len(pick)) + 16)
        local = g.community[follower[cand]] == g.community[followed[cand]]
        accept = local | (rng.random(len(cand)) < 1 / 3)
        pick = np.concatenate([pick, cand[accept]])
    pick = pick[:on_follow]
    src_a, dst_a = follower[pick], followed[pick]
    pos_b = rng.permutation(g.sources(k - on_follow, rng))
    src_b = g.node[pos_b]
    dst_b = g.node[g.local_targets(pos_b, rng)]
    src = np.concatenate([src_a, src_b])
    dst = np.concatenate([dst_a, dst_b])
    keep = src != dst
    src, dst = src[keep], dst[keep]
    m = len(src)
    type_code = np.searchsorted(
        np.cumsum(TYPE_SHARES), rng.random(m) * sum(TYPE_SHARES), side="right"
    ).clip(0, len(TYPES) - 1)
    count = np.minimum(rng.geometric(0.45, m), 200).astype(np.int64)
    count[type_code == 0] = np.minimum(count[type_code == 0] * 2, 200)  # likes come in runs
    seconds = rng.integers(0, WINDOW_DAYS * 86400, m)
    perm = np.argsort(seconds, kind="stable")  # exports come in time order
    return {
        "source": src[perm],
        "target": dst[perm],
        "type": type_code[perm],
        "count": count[perm],
        "seconds": seconds[perm],
    }


def heavy_interaction_rows(
    p: Params, follower: np.ndarray, followed: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """The heavy shape's interactions: one row on each of 15 % of the follows (the follower
    engaging with the followed account), types uniform, counts 1 + Poisson(1.5)."""
    k = min(p.interactions, len(follower))
    pick = np.sort(rng.choice(len(follower), size=k, replace=False))
    m = len(pick)
    seconds = rng.integers(0, WINDOW_DAYS * 86400, m)
    perm = np.argsort(seconds, kind="stable")
    return {
        "source": follower[pick][perm],
        "target": followed[pick][perm],
        "type": rng.integers(0, len(HEAVY_TYPES), m)[perm],
        "count": (1 + rng.poisson(1.5, m)).astype(np.int64)[perm],
        "seconds": seconds[perm],
    }


def users_table(
    p: Params, g: _Graph, follower: np.ndarray, followed: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Per-account attributes; platform counts are at least what the sample graph shows."""
    n = g.n
    indeg = np.bincount(followed, minlength=n)
    outdeg = np.bincount(follower, minlength=n)
    # the sample graph sees a fraction of the platform audience
    followers = np.floor(indeg * rng.lognormal(1.5, 0.8, n) + rng.integers(0, 30, n))
    following = np.floor(outdeg * rng.lognormal(0.5, 0.4, n) + rng.integers(0, 10, n))
    posts = np.floor(rng.lognormal(3.5, 1.2, n))
    rate = rng.lognormal(np.log(0.03), 0.7, n)  # likes per follower per post
    likes = np.floor(posts * np.sqrt(followers + 1) * rate * 10)
    comments = np.floor(likes * rng.uniform(0.02, 0.12, n))
    own = g.community % len(TOPICS)
    other = rng.integers(0, len(TOPICS), n)
    topic = np.where(rng.random(n) < 0.75, own, other)
    second = np.where(rng.random(n) < 0.3, rng.integers(0, len(TOPICS), n), -1)
    return {
        "followers": followers.astype(np.int64),
        "following": following.astype(np.int64),
        "posts": posts.astype(np.int64),
        "likes": likes.astype(np.int64),
        "comments": comments.astype(np.int64),
        "topic": topic,
        "topic2": second,
    }


# ----------------------------------------------------------------------------- writing


def _ids(n: int) -> pa.Array:
    width = max(7, len(str(n - 1)))
    return pa.array([f"u{i:0{width}d}" for i in range(n)], type=pa.string())


def _text(dictionary: pa.Array, codes: np.ndarray, *, as_dictionary: bool) -> pa.Array:
    """Strings ``dictionary[codes]``: dictionary-encoded for Parquet, plain for CSV."""
    idx = pa.array(codes.astype(np.int32))
    if as_dictionary:
        return pa.DictionaryArray.from_arrays(idx, dictionary)
    return dictionary.take(idx)


def _write_csv(table: pa.Table, path: Path) -> None:
    """Plain CSV without any quotes (pyarrow quotes the header by default)."""
    with open(path, "wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(
            table, fh, write_options=pacsv.WriteOptions(include_header=False, quoting_style="none")
        )


def _write(table_for, folder: Path, name: str) -> dict[str, int]:
    csv_path, pq_path = folder / f"{name}.csv", folder / f"{name}.parquet"
    tmp_csv, tmp_pq = csv_path.with_suffix(".csv.tmp"), pq_path.with_suffix(".parquet.tmp")
    _write_csv(table_for(False), tmp_csv)
    pq.write_table(table_for(True), tmp_pq, compression="snappy")
    tmp_csv.replace(csv_path)
    tmp_pq.replace(pq_path)
    return {"csv_bytes": csv_path.stat().st_size, "parquet_bytes": pq_path.stat().st_size}


def folder_name(edges: int, shape: str = "planted") -> str:
    """``inputs/`` sub-folder of one size and shape: ``1e6`` or ``heavy-1e6``."""
    return size_label(edges) if shape == "planted" else f"{shape}-{size_label(edges)}"


def generate(
    edges: int,
    *,
    seed: int = 0,
    out: Path | None = None,
    formats_ok: bool = True,
    shape: str = "planted",
) -> Path:
    """Generate one benchmark graph and write it to ``out`` (default ``inputs/<size>/``)."""
    p = Params.for_shape(edges, seed=seed, shape=shape)
    folder = out or INPUTS / folder_name(edges, shape)
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # the planted shape keeps its historical stream; other shapes get their own
    rng = np.random.default_rng([seed, edges] if shape == "planted" else [seed, edges, 18])
    g = _Graph(p, rng)
    follower, followed = follow_edges(p, g, rng)
    if shape == "heavy":
        inter = heavy_interaction_rows(p, follower, followed, rng)
    else:
        inter = interaction_rows(p, g, follower, followed, rng)
    users = users_table(p, g, follower, followed, rng)
    t_draw = time.perf_counter() - t0

    ids = _ids(g.n)
    sizes = {}
    sizes["follows"] = _write(
        lambda d: pa.table(
            {
                "follower": _text(ids, follower, as_dictionary=d),
                "followed": _text(ids, followed, as_dictionary=d),
            }
        ),
        folder,
        "follows",
    )

    types = pa.array(HEAVY_TYPES if shape == "heavy" else TYPES)
    ts = WINDOW_START + inter["seconds"].astype("timedelta64[s]")
    iso = pa.array(np.char.add(np.datetime_as_string(ts, unit="s"), "Z"))

    def inter_table(d):
        return pa.table(
            {
                "source": _text(ids, inter["source"], as_dictionary=d),
                "target": _text(ids, inter["target"], as_dictionary=d),
                "type": _text(types, inter["type"], as_dictionary=d),
                "count": pa.array(inter["count"]),
                "timestamp": pa.array(ts, type=pa.timestamp("s", tz="UTC")) if d else iso,
            }
        )

    sizes["interactions"] = _write(inter_table, folder, "interactions")

    topics = pa.array(TOPICS)
    two = users["topic2"] >= 0
    pairs = pa.array([f"{a};{b}" for a in TOPICS for b in TOPICS])
    topic_code = np.where(
        two, len(TOPICS) + users["topic"] * len(TOPICS) + users["topic2"], users["topic"]
    )
    all_topics = pa.concat_arrays([topics, pairs])
    handles = pa.array([f"@acct{i}" for i in range(g.n)], type=pa.string())

    def users_tbl(d):
        cols = {"id": ids, "handle": handles}
        for c in ("followers", "following", "posts", "likes", "comments"):
            cols[c] = pa.array(users[c])
        cols["topics"] = _text(all_topics, topic_code, as_dictionary=d)
        return pa.table(cols)

    sizes["users"] = _write(users_tbl, folder, "users")
    _write_csv(pa.table({"id": ids, "community": pa.array(g.community)}), folder / "truth.csv")
    indeg = np.bincount(followed, minlength=g.n)
    outdeg = np.bincount(follower, minlength=g.n)
    key = np.sort(follower.astype(np.int64) * g.n + followed)
    probe = rng.choice(len(key), size=min(len(key), 200_000), replace=False)
    rev = (key[probe] % g.n) * g.n + key[probe] // g.n
    pos = np.minimum(np.searchsorted(key, rev), len(key) - 1)
    meta = {
        "params": asdict(p),
        "accounts": g.n,
        "follows": len(follower),
        "interactions": len(inter["source"]),
        "communities": g.n_communities,
        "in_community_follow_share": float(np.mean(g.community[follower] == g.community[followed])),
        "reciprocal_follow_share": round(float(np.mean(key[pos] == rev)), 4),  # 2e5 probes
        "max_in_degree": int(indeg.max()),
        "max_out_degree": int(outdeg.max()),
        "two_hop_paths": float(np.dot(indeg.astype(float), outdeg)),
        "isolated_accounts": int(np.sum((indeg == 0) & (outdeg == 0))),
        "bytes": sizes,
        "seconds_draw": round(t_draw, 2),
        "seconds_total": round(time.perf_counter() - t0, 2),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return folder


def ensure(edges: int, *, seed: int = 0, shape: str = "planted") -> Path:
    """The input folder of a size, generated when missing or made with other parameters."""
    folder = INPUTS / folder_name(edges, shape)
    meta = folder / "meta.json"
    if meta.is_file():
        try:
            recorded = json.loads(meta.read_text(encoding="utf-8"))["params"]
        except (ValueError, KeyError):
            recorded = None
        if recorded == asdict(Params.for_shape(edges, seed=seed, shape=shape)):
            return folder
    return generate(edges, seed=seed, shape=shape)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default="1e5,1e6", help="Comma-separated follow-edge counts, e.g. 1e5,1e6,1e7."
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shape", choices=SHAPES, default="planted", help="Benchmark graph shape.")
    ap.add_argument("--force", action="store_true", help="Regenerate even when present.")
    args = ap.parse_args(argv)
    for text in args.sizes.split(","):
        edges = parse_size(text.strip())
        t0 = time.perf_counter()
        folder = (
            generate(edges, seed=args.seed, shape=args.shape)
            if args.force
            else ensure(edges, seed=args.seed, shape=args.shape)
        )
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        print(
            f"{size_label(edges):>6}: {meta['follows']:,} follows, {meta['interactions']:,} "
            f"interactions, {meta['accounts']:,} accounts, {meta['communities']:,} "
            f"communities -> {folder} ({time.perf_counter() - t0:.1f} s)"
        )


if __name__ == "__main__":
    main()
