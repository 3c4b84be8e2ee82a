"""Tiers, engagement relative to the tier norm, reciprocity and authenticity flags.

Tiers come from the platform follower count in the users table (never from the in-degree of
a sampled graph). Engagement is compared with what accounts of the same tier usually get, so a
nano account with 8% likes per post is ordinary while a celebrity with 0.2% is not. Flags are
graph evidence of bought or passive reach, never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from netinfluence._arrays import unique
from netinfluence.errors import InputError
from netinfluence.network import Network, tie_mutual_counts

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_NORMS",
    "FlagRules",
    "authenticity_flags",
    "engagement",
    "reciprocity",
    "tiers",
]

#: Follower bands (lower bound inclusive): the industry's nano/micro/macro/mega tiers, with
#: micro split at 10k as engagement benchmarks are.
DEFAULT_BANDS: tuple[tuple[str, str, float], ...] = (
    # (band, tier, lower bound of platform followers)
    ("<1k", "nano", 0.0),
    ("1k-10k", "micro", 1_000.0),
    ("10k-100k", "micro", 10_000.0),
    ("100k-1M", "macro", 100_000.0),
    ("1M+", "mega", 1_000_000.0),
)

# Per-post like and comment rates (per follower) by band. Like rates <1k 8%, 1k-10k 4.04%,
# 10k-100k 2.37% and 1M+ 1.66%, and comment rates 1k-10k 0.27% and 10k-100k 0.17%, are the
# published figures of a study of about 2M Instagram accounts. The 100k-1M like rate is the
# geometric mean of its neighbours (1.98%), and the missing comment rates are the like rate
# times the mean comment/like ratio of the two published bands (0.069): both are
# interpolations, marked as such, and can be replaced with ``norms=``.
_CL = (0.27 / 4.04 + 0.17 / 2.37) / 2
DEFAULT_NORMS: MappingProxyType = MappingProxyType(
    {
        "<1k": (0.08, 0.08 * _CL),
        "1k-10k": (0.0404, 0.0027),
        "10k-100k": (0.0237, 0.0017),
        "100k-1M": (float(np.sqrt(0.0237 * 0.0166)), float(np.sqrt(0.0237 * 0.0166)) * _CL),
        "1M+": (0.0166, 0.0166 * _CL),
    }
)


def _bands(net: Network, bands) -> tuple[pd.Series, pd.Series, pd.Series]:
    bands = tuple(bands or DEFAULT_BANDS)
    lows = np.array([b[2] for b in bands], dtype=float)
    if (np.diff(lows) <= 0).any() or lows[0] != 0:
        raise InputError("tier bands must start at 0 and increase strictly")
    followers = platform_followers(net)
    f = followers.to_numpy(dtype=float)
    idx = np.searchsorted(lows, np.where(np.isnan(f), 0, f), side="right") - 1
    band = np.array([b[0] for b in bands], dtype=object)[idx]
    tier = np.array([b[1] for b in bands], dtype=object)[idx]
    band[np.isnan(f)] = "unknown"
    tier[np.isnan(f)] = "unknown"
    return followers, net.series(band, "tier_band"), net.series(tier, "tier")


def platform_followers(net: Network) -> pd.Series:
    """Platform follower counts from the users table (NaN where unknown), named ``followers``."""
    if "followers" in net.nodes.columns:
        values = pd.to_numeric(net.nodes["followers"], errors="coerce").to_numpy(dtype=float)
    else:
        values = np.full(net.n_nodes, np.nan)
    return net.series(values, "followers")


def tiers(net: Network, *, bands=None) -> pd.Series:
    """Tier of each account from its platform followers: nano, micro, macro, mega or unknown.

    Parameters
    ----------
    net : Network
    bands : sequence of (band, tier, lower_bound), optional
        Defaults to :data:`DEFAULT_BANDS` (nano < 1k <= micro < 100k <= macro < 1M <= mega).

    Returns
    -------
    pandas.Series
        Named ``tier``, indexed by node id; ``"unknown"`` where followers are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from netinfluence import read_network
    >>> users = pd.DataFrame({"id": ["a", "b", "c"], "followers": [500, 25_000, 3_000_000]})
    >>> tiers(read_network(users=users)).tolist()
    ['nano', 'micro', 'mega']
    """
    return _bands(net, bands)[2]


def _interactions_received(net: Network) -> np.ndarray:
    it = net.interaction_codes
    return np.bincount(
        it["source"].to_numpy(), weights=it["count"].to_numpy(dtype=float), minlength=net.n_nodes
    )


def _audience(net: Network) -> np.ndarray:
    """Distinct accounts exposed to each node in the follows layer (its graph audience)."""
    return np.bincount(net.follow_codes["source"].to_numpy(), minlength=net.n_nodes)


def engagement(net: Network, *, norms=None, bands=None) -> pd.DataFrame:
    """Engagement rate per post and follower, and its ratio to the tier norm.

    Parameters
    ----------
    net : Network
    norms : mapping band -> (like_rate, comment_rate), optional
        Defaults to :data:`DEFAULT_NORMS`.
    bands : optional
        Follower bands, see :func:`tiers`.

    Returns
    -------
    pandas.DataFrame
        Indexed by node id, columns ``followers, tier, tier_band, engagement_rate,
        engagement_norm, engagement_vs_tier, engagement_source, interactions_received``.

    Notes
    -----
    Where the users table has ``likes``, ``comments``, ``posts`` and ``followers``:
    ``engagement_rate = (likes + comments) / posts / followers`` and
    ``engagement_vs_tier = engagement_rate / (like_norm + comment_norm)`` of the band.
    Elsewhere (``engagement_source = "graph"``) the rate is the interactions the account
    received per member of its graph audience, and the ratio compares it with the median of
    the accounts of the same band (no published norm applies to a sampled graph).
    ``engagement_source = "none"`` (ratio NaN) where neither is available.

    Examples
    --------
    >>> import pandas as pd
    >>> from netinfluence import read_network
    >>> users = pd.DataFrame({"id": ["a"], "followers": [5000], "posts": [10],
    ...                       "likes": [4040], "comments": [270]})
    >>> float(engagement(read_network(users=users))["engagement_vs_tier"].round(3).iloc[0])
    2.0
    """
    norms = dict(norms or DEFAULT_NORMS)
    followers, band, tier = _bands(net, bands)
    nodes = net.nodes
    n = net.n_nodes

    def col(name):
        if name in nodes.columns:
            return pd.to_numeric(nodes[name], errors="coerce").to_numpy(dtype=float)
        return np.full(n, np.nan)

    likes, comments, posts = col("likes"), col("comments"), col("posts")
    f = followers.to_numpy(dtype=float)
    eng = np.where(np.isnan(likes), 0, likes) + np.where(np.isnan(comments), 0, comments)
    has_posts = (~np.isnan(likes) | ~np.isnan(comments)) & (posts > 0) & (f > 0)
    rate = np.full(n, np.nan)
    rate[has_posts] = eng[has_posts] / posts[has_posts] / f[has_posts]
    unknown_band = set(band.unique()) - set(norms) - {"unknown"}
    if unknown_band:
        raise InputError(f"no engagement norm for band(s) {sorted(unknown_band)}")
    norm_of_band = {b: float(sum(v)) for b, v in norms.items()}
    norm = pd.Series(np.asarray(band, dtype=object)).map(norm_of_band).to_numpy(dtype=float)
    ratio = rate / norm
    source = np.where(has_posts, "posts", "none").astype(object)

    received = _interactions_received(net)
    audience = _audience(net)
    graph_ok = ~has_posts & (received > 0) | (~has_posts & (audience > 0) & net.has_interactions)
    if graph_ok.any():
        denom = np.maximum(audience, 1).astype(float)
        g_rate = received / denom
        g_ratio = np.full(n, np.nan)
        frame = pd.DataFrame({"band": band.to_numpy(), "r": g_rate, "ok": graph_ok})
        med = frame[frame["ok"]].groupby("band")["r"].median()
        med_all = float(np.median(g_rate[graph_ok])) if graph_ok.any() else np.nan
        m = frame["band"].map(med).to_numpy(dtype=float)
        m = np.where(np.isnan(m) | (m <= 0), med_all, m)
        with np.errstate(divide="ignore", invalid="ignore"):
            g_ratio = np.where(m > 0, g_rate / m, np.nan)
        rate = np.where(graph_ok, g_rate, rate)
        ratio = np.where(graph_ok, g_ratio, ratio)
        source = np.where(graph_ok, "graph", source)
        norm = np.where(graph_ok, m, norm)
    return pd.DataFrame(
        {
            "followers": f,
            "tier": tier.to_numpy(),
            "tier_band": band.to_numpy(),
            "engagement_rate": rate,
            "engagement_norm": norm,
            "engagement_vs_tier": ratio,
            "engagement_source": source,
            "interactions_received": received,
        },
        index=net.ids,
    )


def reciprocity(net: Network) -> pd.Series:
    """Share of each account's ties that are mutual (follow or engagement both ways).

    A tie is a pair with a follow and/or an interaction in either direction; it is mutual when
    each side follows or engages with the other. Accounts with no ties get 0.

    Examples
    --------
    >>> net = Network.from_edges([("a", "b"), ("b", "a"), ("c", "a")])
    >>> reciprocity(net).round(2).tolist()
    [0.5, 1.0, 0.0]
    """
    n = net.n_nodes
    counted = tie_mutual_counts(net)
    if counted is not None:  # the tie step has counted both already
        mut, ties = counted
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(ties > 0, mut / np.maximum(ties, 1), 0.0)
        return net.series(share, "reciprocity")
    if net.is_cached(("edges", "ties")):
        # the tie layer is the union of both layers' distinct pairs: no second union
        s, d, _ = net.edge_arrays("ties")
        s, d = s.astype(np.int64), d.astype(np.int64)
    else:
        fs, fd, _ = net.edge_arrays("follows")
        is_, id_, _ = net.edge_arrays("interactions")
        s = np.concatenate([fs, is_]).astype(np.int64)
        d = np.concatenate([fd, id_]).astype(np.int64)
        directed_keys = unique(s * n + d)
        s, d = directed_keys // n, directed_keys % n
    if not len(s):
        return net.series(np.zeros(n), "reciprocity")
    lo, hi = np.minimum(s, d), np.maximum(s, d)
    # each distinct directed pair once: an unordered pair seen twice is mutual
    pair_keys, seen = unique(lo * n + hi, return_counts=True)
    pair_mutual = (seen == 2).astype(float)
    a, b = pair_keys // n, pair_keys % n
    ties = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    mut = np.bincount(a, weights=pair_mutual, minlength=n) + np.bincount(
        b, weights=pair_mutual, minlength=n
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ties > 0, mut / np.maximum(ties, 1), 0.0)
    return net.series(share, "reciprocity")


@dataclass(frozen=True)
class FlagRules:
    """Thresholds of the authenticity flags (all documented in :func:`authenticity_flags`)."""

    low_engagement_ratio: float = 0.25
    low_engagement_min_followers: float = 1_000
    passive_share: float = 0.8
    mass_share: float = 0.5
    mass_following_min: int = 200
    mass_following_factor: float = 10.0
    low_reciprocity: float = 0.05
    min_audience: int = 20
    followers_gap_factor: float = 20.0
    followers_gap_min_followers: float = 10_000
    descriptions: MappingProxyType = field(
        default_factory=lambda: MappingProxyType(
            {
                "low_engagement": "engagement far below its tier norm",
                "passive_followers": "most graph followers never interact with anyone",
                "mass_followers": "most graph followers follow very many accounts",
                "low_reciprocity": "almost no tie is returned",
                "followers_gap": "platform followers far above what the graph shows",
            }
        )
    )


def authenticity_flags(
    net: Network, *, rules: FlagRules | None = None, engagement_table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Graph evidence of bought or passive reach (never a verdict).

    Returns
    -------
    pandas.DataFrame
        Indexed by node id: measures ``passive_share, mass_follower_share, reciprocity,
        followers_gap_ratio``, one boolean column per flag, and ``flags`` (flag names joined by
        ``";"``, empty when none).

    Notes
    -----
    With the default :class:`FlagRules`:

    - ``low_engagement``: ``engagement_vs_tier < 0.25`` for accounts with >= 1,000 followers;
    - ``passive_followers``: > 80% of its graph audience never interacts with anyone
      (only when the network has interactions and the audience has >= 20 accounts);
    - ``mass_followers``: > 50% of its audience follow at least
      ``max(200, 10 x median following)`` accounts (graph following or the users table's
      ``following``, whichever is larger);
    - ``low_reciprocity``: < 5% of its ties are mutual, with an audience >= 20;
    - ``followers_gap``: platform followers / graph audience is more than 20 times the
      network's median ratio, for accounts with >= 10,000 followers.

    Examples
    --------
    >>> net = Network.from_edges([("a", "b"), ("b", "a")])
    >>> authenticity_flags(net)["flags"].tolist()
    ['', '']
    """
    rules = rules or FlagRules()
    n = net.n_nodes
    eng = engagement_table if engagement_table is not None else engagement(net)
    fs = net.follow_codes["source"].to_numpy()
    fd = net.follow_codes["target"].to_numpy()
    audience = np.bincount(fs, minlength=n).astype(float)

    it = net.interaction_codes
    active = np.zeros(n, dtype=bool)
    active[it["target"].to_numpy()] = True  # engaged with someone
    active[it["source"].to_numpy()] |= False
    passive_cnt = np.bincount(fs, weights=~active[fd], minlength=n)

    following = np.bincount(fd, minlength=n).astype(float)
    if "following" in net.nodes.columns:
        plat = pd.to_numeric(net.nodes["following"], errors="coerce").to_numpy(dtype=float)
        following = np.fmax(following, plat)
    med_following = float(np.median(following)) if n else 0.0
    mass_cut = max(rules.mass_following_min, rules.mass_following_factor * med_following)
    mass = following >= mass_cut
    mass_cnt = np.bincount(fs, weights=mass[fd], minlength=n)

    with np.errstate(invalid="ignore", divide="ignore"):
        passive_share = np.where(audience > 0, passive_cnt / np.maximum(audience, 1), np.nan)
        mass_share = np.where(audience > 0, mass_cnt / np.maximum(audience, 1), np.nan)
    recip = reciprocity(net).to_numpy()
    followers = eng["followers"].to_numpy(dtype=float)
    gap = followers / np.maximum(audience, 1)
    ok = ~np.isnan(gap)
    med_gap = float(np.median(gap[ok])) if ok.any() else np.nan

    big = audience >= rules.min_audience
    flags = pd.DataFrame(index=net.ids)
    flags["passive_share"] = passive_share
    flags["mass_follower_share"] = mass_share
    flags["reciprocity"] = recip
    flags["followers_gap_ratio"] = gap / med_gap if med_gap and not np.isnan(med_gap) else np.nan
    ratio = eng["engagement_vs_tier"].to_numpy(dtype=float)
    flags["low_engagement"] = (ratio < rules.low_engagement_ratio) & (
        followers >= rules.low_engagement_min_followers
    )
    flags["passive_followers"] = (
        net.has_interactions & big & (np.nan_to_num(passive_share) > rules.passive_share)
    )
    flags["mass_followers"] = big & (np.nan_to_num(mass_share) > rules.mass_share)
    flags["low_reciprocity"] = big & (recip < rules.low_reciprocity)
    flags["followers_gap"] = flags["followers_gap_ratio"] > rules.followers_gap_factor
    flags["followers_gap"] &= followers >= rules.followers_gap_min_followers
    names = list(rules.descriptions)
    # one bit per flag: join the names once per distinct combination, not once per node
    bits = flags[names].to_numpy(dtype=np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    combos, which = np.unique(bits, return_inverse=True)
    text = np.array(
        [";".join(k for j, k in enumerate(names) if int(c) >> j & 1) for c in combos], dtype=object
    )
    flags["flags"] = text[which.reshape(-1)] if n else np.zeros(0, dtype=object)
    return flags
