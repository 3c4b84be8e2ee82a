"""The bundled sample network and the synthetic generator behind it.

:func:`make_social_network` draws a small social network of topical communities with
*planted* roles, so that a citizen-influencer score can be checked against a known truth:

- **insider** -- nano/micro accounts (mostly 1k-30k platform followers) followed by 25-50 % of
  their own community, following most of those followers back, and exchanging many recent
  replies, comments and mentions inside it; engagement rate well above their tier norm;
- **regular** -- nano accounts (20-900 followers) that follow mostly inside their community;
  about one in ten is markedly more active, so insiders are not trivially separable;
- **celebrity** -- 1M-20M followers, followed across every community (the highest in-degree of
  the graph), following almost nobody, receiving mostly low-count likes;
- **macro** -- 100k-1M followers, followed across two to four communities, little reciprocity;
- **bought** -- 20k-400k platform followers whose sampled followers are mostly bots;
- **bot** -- mass followers (200-1000 follows each, heavy on bought accounts), almost no
  followers, no posts, (almost) no interactions.

The tables use the **file** conventions of :mod:`netinfluence.io` (``follower -> followed``,
``source`` engaged with ``target``'s content), not the influence direction used inside the
package. :func:`write_sample` writes them as CSV files; the copy under ``data/sample`` in the
repository is ``write_sample("data/sample", seed=SAMPLE_SEED)``, byte for byte.
:func:`load_sample` returns the same sample loaded as a :class:`~netinfluence.network.Network`.

Examples
--------
>>> from netinfluence.datasets import make_social_network
>>> sample = make_social_network(n_accounts=600, n_communities=3)
>>> list(sample.follows.columns)
['follower', 'followed']
>>> sample.truth["planted_role"].value_counts().sort_index().to_dict()
{'bot': 30, 'bought': 2, 'celebrity': 2, 'insider': 12, 'macro': 3, 'regular': 551}
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.network import read_network

if TYPE_CHECKING:
    from netinfluence.network import Network

__all__ = [
    "INTERACTION_TYPES",
    "ROLES",
    "SAMPLE_FILES",
    "SAMPLE_SEED",
    "TOPICS",
    "WINDOW_END",
    "WINDOW_START",
    "SocialSample",
    "load_sample",
    "make_social_network",
    "write_sample",
]

#: Seed of the bundled sample in ``data/sample``.
SAMPLE_SEED = 7

#: Topics of the planted communities, in the order they are handed out.
TOPICS: tuple[str, ...] = (
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
)

#: Planted roles, as written in ``truth.csv``.
ROLES: tuple[str, ...] = ("insider", "regular", "celebrity", "macro", "bought", "bot")

#: Interaction types, as written in ``interactions.csv``.
INTERACTION_TYPES: tuple[str, ...] = ("reply", "mention", "retweet", "quote", "comment", "like")

#: File names written by :func:`write_sample`, keyed by table.
SAMPLE_FILES: dict[str, str] = {
    "follows": "follows.csv",
    "interactions": "interactions.csv",
    "users": "users.csv",
    "truth": "truth.csv",
}

#: The interaction window: timestamps satisfy ``WINDOW_START <= t < WINDOW_END`` (91 days, UTC).
WINDOW_START = "2026-04-01T00:00:00Z"
WINDOW_END = "2026-07-01T00:00:00Z"

_INS, _REG, _CEL, _MAC, _BOU, _BOT = range(6)
_DAY = 86_400

# Approximate industry benchmarks of like and comment rates per post and follower, by follower
# tier (<1k, 1k-10k, 10k-100k, 100k-1M, 1M+). Used only to draw plausible `likes`/`comments`.
_TIER_EDGES = np.array([1_000, 10_000, 100_000, 1_000_000])
_TIER_LIKE_RATE = np.array([0.080, 0.0404, 0.0237, 0.0197, 0.0166])
_TIER_COMMENT_RATE = np.array([0.0050, 0.0027, 0.0017, 0.0014, 0.0010])

_NAMES = (
    "maya", "liam", "ana", "omar", "priya", "kenji", "lucas", "emma", "noah", "aisha",
    "mateo", "sofia", "ravi", "chen", "yuki", "fatima", "diego", "lena", "tom", "nora",
    "budi", "sari", "kofi", "amara", "jonas", "ines", "leo", "mia", "sam", "ivy",
    "dev", "hana", "tariq", "elif", "marco", "julia", "ben", "zara", "oscar", "lina",
    "arjun", "grace", "felix", "naomi", "hugo", "rosa", "kai", "tess", "malik", "jade",
    "pablo", "anya", "theo", "lucy", "eli", "dina", "raj", "clara", "max", "ruth",
)  # fmt: skip
_NAMES_UNICODE = (
    "zoë", "josé", "chloé", "søren", "ayşe", "łukasz", "renée", "andré", "björn", "françois",
    "nguyễn", "đức", "jürgen", "núria", "さくら", "陈静", "민지", "李娜", "たかし", "αννα",
)  # fmt: skip
_TOPIC_WORDS = {
    "parenting": ("mum", "dad", "parents", "littles", "family"),
    "running": ("runs", "miles", "trailrun", "pace", "marathon"),
    "cooking": ("cooks", "kitchen", "bakes", "eats", "recipes"),
    "gaming": ("plays", "gg", "games", "pixel", "respawn"),
    "fashion": ("style", "fits", "wears", "thrift", "looks"),
    "travel": ("travels", "wanders", "roams", "abroad", "journeys"),
    "fitness": ("lifts", "fit", "gym", "moves", "strong"),
    "photography": ("shoots", "lens", "photos", "frames", "35mm"),
    "gardening": ("grows", "garden", "plants", "sprouts", "allotment"),
    "tech": ("codes", "dev", "bytes", "builds", "hacks"),
    "music": ("sings", "beats", "tunes", "vinyl", "keys"),
    "books": ("reads", "books", "pages", "shelf", "bookish"),
}
_CELEB_TOPICS = ("music;entertainment", "sports;fitness", "fashion;lifestyle", "entertainment",
                 "travel;lifestyle", "gaming;entertainment", "cooking;entertainment", "news")  # fmt: skip
_BOT_TOPICS = ("crypto", "giveaway", "deals", "crypto;giveaway")
_SPAM_WORDS = ("user", "crypto_deals", "follow4follow", "giveaway", "promo", "real_news")

# Interaction classes: (probability that a follow tie carries engagement, mean extra rows,
# geometric parameter of `count`, recency scale in days (inf = uniform), type weights in
# INTERACTION_TYPES order: reply, mention, retweet, quote, comment, like).
_K_TO_INSIDER, _K_FROM_INSIDER, _K_PEER, _K_CROSS, _K_CELEB, _K_MACRO, _K_BOUGHT = range(7)
_K_MACRO_OUT, _K_RARE, _K_INSIDER_MENTION, _K_BOT_LIKE = range(7, 11)
_CLASS_PROB = np.array([0.75, 0.65, 0.28, 0.10, 0.20, 0.22, 0.06, 0.12, 0.02, 1.0, 1.0])
_CLASS_EXTRA_ROWS = np.array([1.6, 1.2, 0.3, 0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0])
_CLASS_GEOM_P = np.array([0.30, 0.33, 0.55, 0.65, 0.85, 0.60, 0.80, 0.70, 0.80, 0.45, 1.0])
_CLASS_RECENCY = np.array([20, 20, np.inf, np.inf, np.inf, 45, np.inf, np.inf, np.inf, 15, np.inf])
_CLASS_TYPE_WEIGHTS = np.array(
    [
        [0.26, 0.14, 0.08, 0.04, 0.26, 0.22],  # member -> insider of own community
        [0.30, 0.20, 0.04, 0.04, 0.30, 0.12],  # insider -> member of own community
        [0.18, 0.08, 0.10, 0.02, 0.20, 0.42],  # regular -> regular, same community
        [0.12, 0.05, 0.18, 0.03, 0.12, 0.50],  # across communities
        [0.04, 0.01, 0.08, 0.01, 0.02, 0.84],  # -> celebrity
        [0.08, 0.04, 0.15, 0.03, 0.12, 0.58],  # -> macro
        [0.02, 0.00, 0.03, 0.00, 0.05, 0.90],  # -> bought
        [0.10, 0.10, 0.20, 0.05, 0.10, 0.45],  # macro -> anyone it follows
        [0.00, 0.00, 0.20, 0.00, 0.00, 0.80],  # celebrity/bought -> anyone (rare)
        [0.45, 0.45, 0.00, 0.00, 0.10, 0.00],  # insider mentions members it does not follow
        [0.00, 0.00, 0.00, 0.00, 0.00, 1.00],  # a bot's rare like
    ]
)


@dataclass(frozen=True, eq=False)
class SocialSample:
    """The four tables of a synthetic social network, in the file conventions.

    Attributes
    ----------
    follows : pandas.DataFrame
        Columns ``follower, followed`` (the follower sees the followed account's posts).
    interactions : pandas.DataFrame
        Columns ``source, target, type, count, timestamp``: ``source`` engaged with ``target``'s
        content ``count`` times; ``timestamp`` is an ISO 8601 UTC string.
    users : pandas.DataFrame
        Columns ``id, handle, followers, following, posts, likes, comments, topics``;
        ``followers`` is the platform follower count, ``likes``/``comments`` the totals received
        on the last ``posts`` posts, ``topics`` ``;``-separated labels.
    truth : pandas.DataFrame
        Columns ``id, planted_role, community, community_topic``: the planted answer, for tests
        and evaluation only (``community`` is -1 and ``community_topic`` empty for accounts that
        belong to no community).
    """

    follows: pd.DataFrame
    interactions: pd.DataFrame
    users: pd.DataFrame
    truth: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the four tables keyed ``follows, interactions, users, truth``."""
        return {
            "follows": self.follows,
            "interactions": self.interactions,
            "users": self.users,
            "truth": self.truth,
        }


def make_social_network(
    *,
    seed: int | np.random.Generator | None = SAMPLE_SEED,
    n_accounts: int = 5000,
    n_communities: int = 12,
) -> SocialSample:
    """Draw a synthetic social network with planted citizen influencers.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None, default 7
        Seed of the one random generator every draw comes from. The same integer seed gives
        identical tables; a ``Generator`` is used (and advanced) as given; ``None`` draws fresh
        entropy.
    n_accounts : int, default 5000
        Number of accounts, at least ``max(400, 40 * n_communities)``.
    n_communities : int, default 12
        Number of topical communities, 1 to ``len(TOPICS)``; topics are drawn from
        :data:`TOPICS`.

    Returns
    -------
    SocialSample
        ``follows``, ``interactions``, ``users`` and ``truth`` tables (see
        :class:`SocialSample`), sorted by id; ids are zero-padded strings such as ``"u00042"``.

    Raises
    ------
    InputError
        If ``n_accounts`` or ``n_communities`` is out of range or ``seed`` has the wrong type.

    Notes
    -----
    Role counts scale with ``n_accounts``; at the default size there are about 8 celebrities,
    22 macro accounts, 15 bought accounts, 250 bots, 5 insiders per community and regular
    accounts for the rest. Community sizes are heavy-tailed (about 290 to 750 members at the
    default size) and labelled 0..k-1 by decreasing size.

    Follow ties: members follow each insider of their community with a per-insider probability
    in [0.25, 0.50], insiders follow back 60-85 % of them; regulars follow peers (preferring a
    few locally popular ones, 28 % reciprocated) and, for 10-20 % of their community ties,
    accounts in other communities. Celebrities are followed last, so that each of them ends up
    with a graph in-degree above every other account's.

    Interactions run along follow ties with a probability, number of rows, type mix,
    geometric ``count`` and recency that depend on the kind of tie (strongest and most recent
    between insiders and their community); insiders also mention and reply to members they do
    not follow. Bots like at most once.

    Runs in well under a second at the default size (vectorised with numpy).

    Examples
    --------
    >>> sample = make_social_network(seed=1, n_accounts=500, n_communities=2)
    >>> len(sample.users), sample.users["id"].iloc[0]
    (500, 'u00000')
    >>> sorted(sample.interactions["type"].unique())
    ['comment', 'like', 'mention', 'quote', 'reply', 'retweet']
    """
    if isinstance(n_communities, bool) or not isinstance(n_communities, int | np.integer):
        raise InputError(f"n_communities must be an integer, got {n_communities!r}")
    if not 1 <= n_communities <= len(TOPICS):
        raise InputError(
            f"n_communities must be between 1 and {len(TOPICS)} (one per topic in TOPICS), "
            f"got {n_communities}"
        )
    min_accounts = max(400, 40 * int(n_communities))
    if isinstance(n_accounts, bool) or not isinstance(n_accounts, int | np.integer):
        raise InputError(f"n_accounts must be an integer, got {n_accounts!r}")
    if n_accounts < min_accounts:
        raise InputError(
            f"n_accounts must be at least {min_accounts} for {n_communities} communities, "
            f"got {n_accounts}"
        )
    if isinstance(seed, np.random.Generator):
        rng = seed
    elif seed is None or (isinstance(seed, int | np.integer) and not isinstance(seed, bool)):
        rng = np.random.default_rng(seed)
    else:
        raise InputError(f"seed must be an int, a numpy.random.Generator or None, got {seed!r}")
    return _generate(rng, int(n_accounts), int(n_communities))


def load_sample(
    *,
    seed: int | np.random.Generator | None = SAMPLE_SEED,
    n_accounts: int = 5000,
    n_communities: int = 12,
) -> Network:
    """Return the bundled sample as a :class:`~netinfluence.network.Network`.

    The sample is drawn in memory by :func:`make_social_network` (no files are read), so it is
    the same network as the CSV files in ``data/sample`` of the repository, also when the
    package is installed without them.

    Parameters
    ----------
    seed, n_accounts, n_communities
        Passed to :func:`make_social_network`; the defaults give the bundled sample.

    Returns
    -------
    Network
        Follows, interactions and user attributes; the planted truth is not attached (get it
        from ``make_social_network(...).truth``, so no score can peek at it).

    Examples
    --------
    >>> net = load_sample()
    >>> net.n_nodes
    5000
    """

    sample = make_social_network(seed=seed, n_accounts=n_accounts, n_communities=n_communities)
    for kind in ("follows", "interactions", "users"):
        # the load report names its sources; these are the bundled sample's, not a user's frames
        getattr(sample, kind).attrs["name"] = f"sample {kind}"
    return read_network(
        follows=sample.follows, interactions=sample.interactions, users=sample.users
    )


def write_sample(
    folder: str | os.PathLike[str],
    *,
    seed: int | np.random.Generator | None = SAMPLE_SEED,
    n_accounts: int = 5000,
    n_communities: int = 12,
) -> dict[str, Path]:
    """Write a generated sample as ``follows.csv``, ``interactions.csv``, ``users.csv``, ``truth.csv``.

    Parameters
    ----------
    folder : str or os.PathLike
        Destination folder, created (with parents) if missing. Existing files of the same
        names are replaced.
    seed, n_accounts, n_communities
        Passed to :func:`make_social_network`.

    Returns
    -------
    dict of str to pathlib.Path
        The written files keyed ``follows, interactions, users, truth``.

    Notes
    -----
    Files are UTF-8 with ``\\n`` line endings, a header row and no index column; every number
    is an integer, so the same seed gives byte-identical files. Each file is written to a
    temporary file in ``folder`` and moved into place with :func:`os.replace`, so a reader
    never sees a half-written file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_sample(tmp, n_accounts=500, n_communities=2)
    ...     sorted(p.name for p in paths.values())
    ['follows.csv', 'interactions.csv', 'truth.csv', 'users.csv']
    """
    sample = make_social_network(seed=seed, n_accounts=n_accounts, n_communities=n_communities)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in sample.tables().items():
        path = out / SAMPLE_FILES[name]
        _write_csv_atomic(frame, path)
        paths[name] = path
    return paths


def _write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    # A plain exclusive open (not tempfile.mkstemp, which forces mode 0600) so the file gets
    # the usual permissions from the umask.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ----------------------------------------------------------------------------------------------
# generation


def _role_counts(n: int) -> tuple[int, int, int, int]:
    """Celebrities, macro, bought and bot accounts for ``n`` accounts."""
    n_celeb = max(2, round(8 * n / 5000))
    n_macro = max(3, round(22 * n / 5000))
    n_bought = max(2, round(15 * n / 5000))
    n_bot = max(10, round(250 * n / 5000))
    return n_celeb, n_macro, n_bought, n_bot


def _community_sizes(rng: np.random.Generator, pool: int, k: int) -> np.ndarray:
    """Heavy-tailed community sizes summing to ``pool``, in decreasing order.

    Each community gets ``min(150, pool / 2k)`` members plus a Zipf-like share (exponent 0.6,
    jittered) of the rest, capped at twice the mean size.
    """
    min_size = min(150, pool // (2 * k))
    cap_extra = 2 * pool // k - min_size
    weights = np.arange(1, k + 1) ** -0.6 * np.exp(rng.normal(0.0, 0.15, k))
    share = weights / weights.sum()
    extra = (pool - min_size * k) * share
    for _ in range(k):  # water-filling: pour what is above the cap into the others
        over = extra > cap_extra
        if not over.any():
            break
        surplus = float((extra[over] - cap_extra).sum())
        extra[over] = cap_extra
        free = extra < cap_extra
        extra[free] += surplus * share[free] / share[free].sum()
    sizes = min_size + np.floor(extra).astype(np.int64)
    sizes[np.argsort(sizes, kind="stable")[: pool - sizes.sum()]] += 1  # remainder to the smallest
    return np.sort(sizes)[::-1]


def _draw_rows(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For each row ``i``, ``k[i]`` distinct column indices drawn with probability ``weights``.

    Gumbel top-k sampling (without replacement) over all rows at once; returns the chosen
    column indices concatenated row by row.
    """
    n_rows = len(k)
    with np.errstate(divide="ignore"):
        logw = np.log(weights)
    k_max = int(k.max(initial=0))
    # rows in chunks of about 2^22 keys: memory stays bounded at any size, and the random
    # stream (drawn row after row) is the same as one big draw, so samples do not change
    step = max(1, (1 << 22) // max(len(weights), 1))
    parts = []
    for r0 in range(0, n_rows, step):
        kk = k[r0 : r0 + step]
        keys = logw[None, :] - np.log(-np.log(rng.random((len(kk), len(weights)))))
        if k_max == 0:  # drawn anyway: later draws must see the same random stream
            continue
        top = np.argpartition(-keys, k_max - 1, axis=1)[:, :k_max]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(keys, top, 1), axis=1), 1)
        parts.append(order[np.arange(k_max)[None, :] < kk[:, None]])
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _truncated_exponential(rng: np.random.Generator, scale: np.ndarray, width: float) -> np.ndarray:
    """Draw ages in ``[0, width)``: exponential with ``scale`` truncated, uniform where inf."""
    u = rng.random(len(scale))
    out = u * width
    finite = np.isfinite(scale)
    s = scale[finite]
    out[finite] = -s * np.log1p(-u[finite] * -np.expm1(-width / s))
    return np.minimum(out, np.nextafter(width, 0))


def _generate(rng: np.random.Generator, n: int, k: int) -> SocialSample:
    n_celeb, n_macro, n_bought, n_bot = _role_counts(n)
    pool = n - n_celeb - n_macro - n_bought - n_bot
    sizes = _community_sizes(rng, pool, k)
    n_ins = np.clip(np.rint(sizes / 70), 4, 6).astype(np.int64)
    n_ins = np.minimum(n_ins, np.maximum(1, sizes // 15))
    topics = [str(t) for t in rng.permutation(np.array(TOPICS))[:k]]

    # Roles in construction order, then scattered over ids by a random permutation.
    role_list = [np.full(n_celeb, _CEL), np.full(n_macro, _MAC), np.full(n_bought, _BOU),
                 np.full(n_bot, _BOT)]  # fmt: skip
    comm_list = [np.full(n_celeb + n_macro + n_bought + n_bot, -1)]
    for c in range(k):
        role_list.append(np.r_[np.full(n_ins[c], _INS), np.full(sizes[c] - n_ins[c], _REG)])
        comm_list.append(np.full(sizes[c], c))
    perm = rng.permutation(n)
    role = np.empty(n, dtype=np.int64)
    comm = np.empty(n, dtype=np.int64)
    role[perm] = np.concatenate(role_list)
    comm[perm] = np.concatenate(comm_list)

    celebs = np.flatnonzero(role == _CEL)
    macros = np.flatnonzero(role == _MAC)
    bought = np.flatnonzero(role == _BOU)
    bots = np.flatnonzero(role == _BOT)
    insiders = np.flatnonzero(role == _INS)
    regulars = np.flatnonzero(role == _REG)
    members = np.flatnonzero(comm >= 0)  # insiders and regulars

    # Activity (how much an account follows and engages) and local popularity of regulars.
    act = np.ones(n)
    pop = np.ones(n)
    act[regulars] = rng.lognormal(0.0, 0.45, len(regulars))
    pop[regulars] = rng.lognormal(0.0, 0.8, len(regulars))
    busy = regulars[rng.random(len(regulars)) < 0.10]
    act[busy] *= 2.5
    pop[busy] *= 2.0

    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []

    def add(s: np.ndarray, d: np.ndarray) -> None:
        src.append(np.asarray(s, dtype=np.int64))
        dst.append(np.asarray(d, dtype=np.int64))

    # --- inside each community -------------------------------------------------------------
    for c in range(k):
        mem = np.flatnonzero(comm == c)
        ins = mem[role[mem] == _INS]
        reg = mem[role[mem] == _REG]
        # members follow insiders
        p_follow = rng.uniform(0.25, 0.50, len(ins))
        hit = rng.random((len(mem), len(ins))) < p_follow[None, :]
        rows, cols = np.nonzero(hit)
        f_src, f_dst = mem[rows], ins[cols]
        add(f_src, f_dst)
        # insiders follow back most of them
        p_back = rng.uniform(0.60, 0.85, len(ins))
        back = rng.random(len(rows)) < p_back[cols]
        add(f_dst[back], f_src[back])
        # insiders know each other
        hit = rng.random((len(ins), len(ins))) < 0.85
        rows, cols = np.nonzero(hit)
        add(ins[rows], ins[cols])
        # insiders follow a few more members
        n_more = rng.poisson(8, len(ins))
        add(np.repeat(ins, n_more), rng.choice(mem, n_more.sum()))
        # regulars follow peers, preferring locally popular ones; some ties are mutual
        n_peer = rng.poisson(1.3 * act[reg])
        p_src = np.repeat(reg, n_peer)
        p_dst = rng.choice(reg, n_peer.sum(), p=pop[reg] / pop[reg].sum())
        add(p_src, p_dst)
        mutual = rng.random(len(p_src)) < 0.28
        add(p_dst[mutual], p_src[mutual])

    # --- across communities ----------------------------------------------------------------
    n_cross = rng.poisson(np.where(role[members] == _INS, 3.0, 0.6 * act[members]))
    c_src = np.repeat(members, n_cross)
    to_insider = rng.random(len(c_src)) < 0.25
    c_dst = np.where(
        to_insider,
        rng.choice(insiders, len(c_src)),
        rng.choice(regulars, len(c_src)),
    )
    keep = comm[c_src] != comm[c_dst]
    add(c_src[keep], c_dst[keep])

    # --- macro accounts: followed in 2-4 communities, follow a little, rarely back ----------
    macro_comms: list[np.ndarray] = []
    for m in macros:
        n_c = min(k, int(rng.integers(2, 5)))
        cs = rng.choice(k, n_c, replace=False, p=sizes / sizes.sum())
        macro_comms.append(cs)
        for c in cs:
            mem = np.flatnonzero(comm == c)
            fol = mem[rng.random(len(mem)) < rng.uniform(0.03, 0.12)]
            add(fol, np.full(len(fol), m))
            fol_back = fol[rng.random(len(fol)) < 0.03]
            add(np.full(len(fol_back), m), fol_back)
        ins_of = insiders[np.isin(comm[insiders], cs)]
        n_out = int(rng.poisson(12))
        add(np.full(n_out, m), rng.choice(ins_of, n_out))
        others = np.r_[macros, celebs]
        n_out = int(rng.poisson(6))
        add(np.full(n_out, m), rng.choice(others, n_out))
    macro_home = {int(m): int(cs[0]) for m, cs in zip(macros, macro_comms, strict=True)}

    # --- celebrities follow almost nobody ----------------------------------------------------
    n_cel_out = rng.poisson(2.0, len(celebs))
    add(np.repeat(celebs, n_cel_out), rng.choice(np.r_[celebs, macros], n_cel_out.sum()))

    # --- bought accounts: few real followers, follow-for-follow out-ties ---------------------
    n_real = rng.poisson(8, len(bought))
    add(rng.choice(members, n_real.sum()), np.repeat(bought, n_real))
    n_bought_out = rng.integers(20, 121, len(bought))
    add(np.repeat(bought, n_bought_out), rng.choice(members, n_bought_out.sum()))

    # --- bots: mass following, heavy on bought accounts --------------------------------------
    n_bot_follows = 200 + np.minimum(800, np.floor(rng.pareto(2.0, len(bots)) * 10)).astype(int)
    bought_rate = rng.uniform(0.5, 0.9, len(bought))
    hit = rng.random((len(bots), len(bought))) < bought_rate[None, :]
    rows, cols = np.nonzero(hit)
    add(bots[rows], bought[cols])
    weights = np.zeros(n)
    weights[members] = 1.0
    weights[macros] = 6.0
    weights[celebs] = 6.0
    # (in large networks the bought accounts alone can exceed a bot's follow budget)
    n_other = np.clip(n_bot_follows - hit.sum(axis=1), 0, int((weights > 0).sum()))
    cols = _draw_rows(rng, weights, n_other)
    add(np.repeat(bots, n_other), cols)
    # a few regulars follow a bot back out of courtesy
    n_courtesy = rng.poisson(0.6, len(bots))
    add(rng.choice(regulars, n_courtesy.sum()), np.repeat(bots, n_courtesy))

    # --- celebrities last: followed from everywhere, above every other in-degree -------------
    f_src, f_dst = _dedupe(np.concatenate(src), np.concatenate(dst), n)
    indeg = np.bincount(f_dst, minlength=n)
    top_other = int(indeg[role != _CEL].max())
    fan_pool = np.r_[members, macros]
    fan_w = act[fan_pool] / act[fan_pool].sum()
    lo = max(int(1.15 * top_other) + 1, round(0.09 * n))
    hi = max(lo + 1, round(0.18 * n))
    for cel in celebs:
        target = int(rng.integers(lo, hi + 1))
        need = min(len(fan_pool), max(0, target - int(indeg[cel])))
        fans = rng.choice(fan_pool, need, replace=False, p=fan_w)
        add(fans, np.full(need, cel))
    f_src, f_dst = _dedupe(np.concatenate(src), np.concatenate(dst), n)

    interactions = _interactions(rng, f_src, f_dst, role, comm, act, n)
    ids = _ids(n)
    follows = pd.DataFrame({"follower": ids[f_src], "followed": ids[f_dst]})
    users = _users(rng, role, comm, topics, macro_comms, macros, f_src, f_dst, ids, n)

    truth_comm = comm.copy()
    for macro, home in macro_home.items():
        truth_comm[macro] = home
    topic_arr = np.array([*topics, ""], dtype=object)
    truth = pd.DataFrame(
        {
            "id": ids,
            "planted_role": np.array(ROLES, dtype=object)[role],
            "community": truth_comm,
            "community_topic": topic_arr[truth_comm],  # -1 picks the trailing ""
        }
    )
    return SocialSample(follows=follows, interactions=interactions, users=users, truth=truth)


def _ids(n: int) -> np.ndarray:
    width = max(5, len(str(n - 1)))
    return np.array([f"u{i:0{width}d}" for i in range(n)], dtype=object)


def _dedupe(s: np.ndarray, d: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop self-loops and duplicate pairs; sort by (source, target)."""
    keep = s != d
    key = np.unique(s[keep] * n + d[keep])
    return key // n, key % n


def _interactions(
    rng: np.random.Generator,
    f_src: np.ndarray,
    f_dst: np.ndarray,
    role: np.ndarray,
    comm: np.ndarray,
    act: np.ndarray,
    n: int,
) -> pd.DataFrame:
    rs, rd = role[f_src], role[f_dst]
    same = (comm[f_src] == comm[f_dst]) & (comm[f_src] >= 0)
    member_s = (rs == _INS) | (rs == _REG)
    member_d = (rd == _INS) | (rd == _REG)
    rules = [  # first match wins: (condition, interaction class or -1 for none)
        (rs == _BOT, -1),
        (rd == _BOT, -1),
        (rd == _CEL, _K_CELEB),
        (rd == _MAC, _K_MACRO),
        (rd == _BOU, _K_BOUGHT),
        (rs == _MAC, _K_MACRO_OUT),
        ((rs == _CEL) | (rs == _BOU), _K_RARE),
        (same & (rd == _INS), _K_TO_INSIDER),
        (same & (rs == _INS), _K_FROM_INSIDER),
        (same, _K_PEER),
        (member_s & member_d, _K_CROSS),
    ]
    cls = np.select([r[0] for r in rules], [r[1] for r in rules], default=-1)
    ok = cls >= 0
    e_src, e_dst, cls = f_src[ok], f_dst[ok], cls[ok]
    prob = np.minimum(0.95, _CLASS_PROB[cls] * np.sqrt(act[e_src]))
    engaged = rng.random(len(cls)) < prob
    e_src, e_dst, cls = e_src[engaged], e_dst[engaged], cls[engaged]
    n_rows = 1 + rng.poisson(_CLASS_EXTRA_ROWS[cls])
    parts_src = [np.repeat(e_src, n_rows)]
    parts_dst = [np.repeat(e_dst, n_rows)]
    parts_cls = [np.repeat(cls, n_rows)]

    # insiders mention and reply to community members they do not (necessarily) follow
    insiders = np.flatnonzero(role == _INS)
    n_mention = rng.poisson(6, len(insiders))
    m_src = np.repeat(insiders, n_mention)
    m_dst = np.empty(len(m_src), dtype=np.int64)
    for c in np.unique(comm[insiders]):
        sel = comm[m_src] == c
        m_dst[sel] = rng.choice(np.flatnonzero(comm == c), int(sel.sum()))
    keep = m_src != m_dst
    parts_src.append(m_src[keep])
    parts_dst.append(m_dst[keep])
    parts_cls.append(np.full(int(keep.sum()), _K_INSIDER_MENTION))

    # a bot likes something, rarely
    bots = np.flatnonzero(role == _BOT)
    liked = np.flatnonzero((role == _BOU) | (role == _CEL))
    b_src = bots[rng.random(len(bots)) < 0.08]
    parts_src.append(b_src)
    parts_dst.append(rng.choice(liked, len(b_src)))
    parts_cls.append(np.full(len(b_src), _K_BOT_LIKE))

    i_src = np.concatenate(parts_src)
    i_dst = np.concatenate(parts_dst)
    i_cls = np.concatenate(parts_cls)
    n_i = len(i_cls)
    cum = np.cumsum(_CLASS_TYPE_WEIGHTS / _CLASS_TYPE_WEIGHTS.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(n_i)
    type_idx = np.minimum((u[:, None] >= cum[i_cls]).sum(axis=1), len(INTERACTION_TYPES) - 1)
    count = rng.geometric(_CLASS_GEOM_P[i_cls]).astype(np.int64)
    width = 91 * _DAY
    age = _truncated_exponential(rng, _CLASS_RECENCY[i_cls] * _DAY, width)
    end = np.datetime64(WINDOW_END.rstrip("Z"), "s")
    when = end - 1 - np.floor(age).astype(np.int64).astype("timedelta64[s]")
    stamps = np.char.add(np.datetime_as_string(when, unit="s"), "Z")

    order = np.lexsort((type_idx, i_dst, i_src, when))
    ids = _ids(n)
    return pd.DataFrame(
        {
            "source": ids[i_src[order]],
            "target": ids[i_dst[order]],
            "type": np.array(INTERACTION_TYPES, dtype=object)[type_idx[order]],
            "count": count[order],
            "timestamp": stamps[order].astype(object),
        }
    )


def _users(
    rng: np.random.Generator,
    role: np.ndarray,
    comm: np.ndarray,
    topics: list[str],
    macro_comms: list[np.ndarray],
    macros: np.ndarray,
    f_src: np.ndarray,
    f_dst: np.ndarray,
    ids: np.ndarray,
    n: int,
) -> pd.DataFrame:
    indeg = np.bincount(f_dst, minlength=n)
    outdeg = np.bincount(f_src, minlength=n)

    def loguniform(lo: float, hi: float, size: int) -> np.ndarray:
        return np.exp(rng.uniform(np.log(lo), np.log(hi), size))

    followers = np.zeros(n)
    following: np.ndarray = np.zeros(n)
    posts = np.zeros(n, dtype=np.int64)
    like_mult = np.zeros(n)
    comment_mult = np.zeros(n)
    for code, fol, extra_following, post_range, lm, cm in (
        (_REG, (20, 900), (30, 800), (3, 41), (0.45, 1.10), (0.40, 1.20)),
        (_INS, (1_000, 30_000), (150, 2_000), (25, 91), (1.80, 3.00), (3.00, 6.00)),
        (_CEL, (1e6, 2e7), (0, 400), (10, 51), (0.03, 0.08), (0.03, 0.10)),
        (_MAC, (1e5, 1e6), (100, 1_500), (20, 81), (0.50, 1.00), (0.40, 1.00)),
        (_BOU, (2e4, 4e5), (300, 3_000), (5, 31), (0.04, 0.10), (0.02, 0.10)),
        (_BOT, (1, 50), (1_000, 7_500), (0, 1), (0.0, 0.0), (0.0, 0.0)),
    ):
        idx = np.flatnonzero(role == code)
        followers[idx] = loguniform(fol[0], fol[1], len(idx))
        following[idx] = rng.uniform(*extra_following, len(idx))
        posts[idx] = rng.integers(*post_range, len(idx))
        like_mult[idx] = rng.uniform(*lm, len(idx))
        comment_mult[idx] = rng.uniform(*cm, len(idx))
    # a few insiders are nano (under 1k platform followers)
    ins = np.flatnonzero(role == _INS)
    nano = ins[rng.random(len(ins)) < 0.10]
    followers[nano] = rng.uniform(500, 1_000, len(nano))
    # a few bots posted once or twice (no engagement)
    bots = np.flatnonzero(role == _BOT)
    posts[bots] = np.where(rng.random(len(bots)) < 0.1, rng.integers(1, 3, len(bots)), 0)
    followers[bots] -= 1  # bots: 0..48

    # the platform sees at least the followers in the sample (and some more)
    floor = np.where(role == _BOT, indeg, np.ceil(1.2 * indeg)).astype(np.int64)
    followers = np.maximum(np.floor(followers).astype(np.int64), floor)
    following = outdeg + np.floor(following).astype(np.int64)

    tier = np.searchsorted(_TIER_EDGES, followers, side="right")
    lam = followers * posts
    likes = rng.poisson(lam * _TIER_LIKE_RATE[tier] * like_mult).astype(np.int64)
    comments = rng.poisson(lam * _TIER_COMMENT_RATE[tier] * comment_mult).astype(np.int64)

    # topics and handles
    macro_topics = {int(m): cs for m, cs in zip(macros, macro_comms, strict=True)}
    n_topics = len(topics)
    extra_draw = rng.random(n)
    extra_topic = rng.integers(0, n_topics, (n, 2))
    pick = rng.integers(0, 1 << 30, (n, 6))
    is_unicode = rng.random(n) < 0.08
    seen: set[str] = set()
    handles: list[str] = []
    topic_strings: list[str] = []
    for i in range(n):
        r = int(role[i])
        p = pick[i]
        names = _NAMES_UNICODE if is_unicode[i] else _NAMES
        name = names[p[0] % len(names)]
        initial = _NAMES[p[1] % len(_NAMES)][0]
        if r in (_INS, _REG):
            home = topics[comm[i]]
            labels = [home]
            if extra_draw[i] < 0.35:
                labels.append(topics[extra_topic[i, 0]])
            if extra_draw[i] < 0.10:
                labels.append(topics[extra_topic[i, 1]])
        elif r == _MAC:
            labels = [topics[c] for c in macro_topics[i]]
            home = labels[0]
        elif r == _BOU:
            home = topics[extra_topic[i, 0]]
            labels = [home, "lifestyle"]
        elif r == _CEL:
            labels = _CELEB_TOPICS[p[2] % len(_CELEB_TOPICS)].split(";")
            home = labels[0]
        else:
            labels = _BOT_TOPICS[p[2] % len(_BOT_TOPICS)].split(";")
            home = ""
        topic_strings.append(";".join(dict.fromkeys(labels)))
        words = _TOPIC_WORDS.get(home, ("life", "daily", "world", "vibes", "hq"))
        word = words[p[3] % len(words)]
        num = p[4] % 100
        if r == _BOT:
            handle = f"@{_SPAM_WORDS[p[2] % len(_SPAM_WORDS)]}{p[4] % 100_000_000:08d}"
        elif r == _CEL:
            handle = (f"@{name}official", f"@real{name}", f"@the{name}{initial}")[p[5] % 3]
        elif r == _MAC:
            handle = (f"@{word}by{name}", f"@{name}.{word}.hq", f"@{name}{word}daily")[p[5] % 3]
        elif r == _BOU:
            handle = (f"@{name}.{word}.life", f"@lux{name}{num}", f"@{name}_{word}_official")[
                p[5] % 3
            ]
        else:
            handle = (
                f"@{name}.{word}",
                f"@{name}_{word}",
                f"@{name}_{initial}",
                f"@{word}with{name}",
                f"@{name}{num}",
            )[p[5] % 5]
        base, j = handle, 2
        while handle in seen:
            handle = f"{base}{j}"
            j += 1
        seen.add(handle)
        handles.append(handle)

    return pd.DataFrame(
        {
            "id": ids,
            "handle": np.array(handles, dtype=object),
            "followers": followers,
            "following": following,
            "posts": posts,
            "likes": likes,
            "comments": comments,
            "topics": np.array(topic_strings, dtype=object),
        }
    )
