"""Tests of the sample network generator (netinfluence.datasets)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netinfluence.datasets import (
    INTERACTION_TYPES,
    ROLES,
    SAMPLE_FILES,
    SAMPLE_SEED,
    TOPICS,
    SocialSample,
    load_sample,
    make_social_network,
    write_sample,
)
from netinfluence.errors import InputError

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def sample() -> SocialSample:
    return make_social_network()


@pytest.fixture(scope="module")
def stats(sample: SocialSample) -> pd.DataFrame:
    """Per-account graph statistics joined with the truth and the user attributes."""
    f, u, t = sample.follows, sample.users, sample.truth
    df = t.set_index("id").join(u.set_index("id"))
    df["indeg"] = f["followed"].value_counts().reindex(df.index, fill_value=0)
    df["outdeg"] = f["follower"].value_counts().reindex(df.index, fill_value=0)
    pairs = pd.MultiIndex.from_frame(f)
    mutual = pd.MultiIndex.from_arrays([f["followed"], f["follower"]]).isin(pairs)
    df["followed_back"] = (
        f.assign(m=mutual).groupby("followed")["m"].mean().reindex(df.index, fill_value=0.0)
    )
    comm = df["community"]
    same = comm.loc[f["follower"]].to_numpy() == comm.loc[f["followed"]].to_numpy()
    df["own_share"] = (
        f.assign(s=same).groupby("followed")["s"].mean().reindex(df.index, fill_value=0.0)
    )
    df["own_followers"] = (
        f.assign(s=same).groupby("followed")["s"].sum().reindex(df.index, fill_value=0)
    )
    posts = df["posts"].where(df["posts"] > 0)
    df["er"] = (df["likes"] + df["comments"]) / df["followers"] / posts
    return df


def _role(stats: pd.DataFrame, role: str) -> pd.DataFrame:
    return stats[stats["planted_role"] == role]


# --- shape and determinism -------------------------------------------------------------------


def test_columns(sample: SocialSample) -> None:
    assert list(sample.follows.columns) == ["follower", "followed"]
    assert list(sample.interactions.columns) == ["source", "target", "type", "count", "timestamp"]
    assert list(sample.users.columns) == [
        "id", "handle", "followers", "following", "posts", "likes", "comments", "topics",
    ]  # fmt: skip
    assert list(sample.truth.columns) == ["id", "planted_role", "community", "community_topic"]
    for col in ("followers", "following", "posts", "likes", "comments"):
        assert pd.api.types.is_integer_dtype(sample.users[col]), col
    assert pd.api.types.is_integer_dtype(sample.interactions["count"])


def test_same_seed_same_tables_other_seed_differs(sample: SocialSample) -> None:
    again = make_social_network(seed=SAMPLE_SEED)
    other = make_social_network(seed=SAMPLE_SEED + 1)
    for name, frame in sample.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name])
        assert not frame.equals(other.tables()[name]), name


def test_generator_seed_is_used_as_given(sample: SocialSample) -> None:
    from_gen = make_social_network(seed=np.random.default_rng(SAMPLE_SEED))
    pd.testing.assert_frame_equal(from_gen.follows, sample.follows)
    gen = np.random.default_rng(1)
    a = make_social_network(seed=gen, n_accounts=500, n_communities=2)
    b = make_social_network(seed=gen, n_accounts=500, n_communities=2)
    assert not a.follows.equals(b.follows)  # the generator advanced


def test_sizes(sample: SocialSample) -> None:
    assert len(sample.users) == len(sample.truth) == 5000
    assert 40_000 <= len(sample.follows) <= 95_000
    assert 20_000 <= len(sample.interactions) <= 60_000


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_communities": 0}, "n_communities"),
        ({"n_communities": len(TOPICS) + 1}, "n_communities"),
        ({"n_accounts": 100}, "n_accounts"),
        ({"n_accounts": 5000.0}, "n_accounts"),
        ({"seed": "seven"}, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        make_social_network(**kwargs)
    with pytest.raises(ValueError, match=match):  # InputError is also a ValueError
        make_social_network(**kwargs)


# --- referential integrity -------------------------------------------------------------------


def test_ids_are_padded_strings_and_known(sample: SocialSample) -> None:
    ids = sample.users["id"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"u\d{5}").all()
    assert (sample.truth["id"] == ids).all()
    known = set(ids)
    for frame, cols in (
        (sample.follows, ("follower", "followed")),
        (sample.interactions, ("source", "target")),
    ):
        for col in cols:
            assert set(frame[col]) <= known, col


def test_follows_have_no_self_loops_or_duplicates(sample: SocialSample) -> None:
    f = sample.follows
    assert not (f["follower"] == f["followed"]).any()
    assert not f.duplicated().any()


def test_interactions_are_well_formed(sample: SocialSample) -> None:
    i = sample.interactions
    assert set(i["type"]) == set(INTERACTION_TYPES)
    assert (i["count"] >= 1).all()
    assert i["timestamp"].str.match(STAMP).all()
    assert i["timestamp"].min() >= "2026-04-01T00:00:00Z"
    assert i["timestamp"].max() <= "2026-06-30T23:59:59Z"
    assert not (i["source"] == i["target"]).any()


def test_handles_and_topics(sample: SocialSample) -> None:
    u = sample.users
    assert u["handle"].is_unique
    assert u["handle"].str.startswith("@").all()
    non_ascii = u["handle"].map(lambda h: not h.isascii())
    assert 0.02 < non_ascii.mean() < 0.2
    members = sample.truth["community"] >= 0
    first_topic = u["topics"].str.split(";").str[0]
    assert (first_topic[members] == sample.truth["community_topic"][members]).all()
    assert set(sample.truth.loc[members, "community_topic"]) <= set(TOPICS)


# --- planted roles ---------------------------------------------------------------------------


def test_role_counts(sample: SocialSample) -> None:
    t = sample.truth
    counts = t["planted_role"].value_counts()
    assert set(counts.index) == set(ROLES)
    assert 48 <= counts["insider"] <= 72
    assert 6 <= counts["celebrity"] <= 10
    assert 20 <= counts["macro"] <= 25
    assert 12 <= counts["bought"] <= 18
    assert 250 <= counts["bot"] <= 350
    per_comm = t[t["planted_role"] == "insider"].groupby("community").size()
    assert len(per_comm) == 12
    assert per_comm.between(4, 6).all()
    members = t[t["planted_role"].isin(["insider", "regular"])]
    sizes = members.groupby("community").size()
    assert sizes.between(150, 800).all()
    assert sizes.max() >= 2 * sizes.min()  # unequal sizes
    assert list(sizes.sort_index()) == sorted(sizes, reverse=True)  # labelled by size
    assert (t.loc[t["planted_role"].isin(["celebrity", "bot", "bought"]), "community"] == -1).all()
    assert (t.loc[t["community"] == -1, "community_topic"] == "").all()


def test_platform_follower_tiers(stats: pd.DataFrame) -> None:
    fol = stats["followers"]
    role = stats["planted_role"]
    assert fol[role == "celebrity"].between(1_000_000, 20_000_000).all()
    assert fol[role == "macro"].between(100_000, 1_000_000).all()
    assert fol[role == "bought"].between(20_000, 400_000).all()
    assert fol[role == "regular"].between(20, 900).all()
    assert (fol[role == "bot"] < 50).all()
    ins = fol[role == "insider"]
    assert ins.between(1_000, 30_000).mean() >= 0.8
    assert (ins < 1_000).any() and (ins <= 30_000).all()
    assert (stats["followers"] >= stats["indeg"]).all()
    assert (stats["following"] >= stats["outdeg"]).all()


def test_celebrities_top_in_degree_but_lowest_engagement(stats: pd.DataFrame) -> None:
    cel = _role(stats, "celebrity")
    others = stats[stats["planted_role"] != "celebrity"]
    assert cel["indeg"].min() > others["indeg"].max()
    assert cel["indeg"].between(400, 1500).all()
    assert (cel["outdeg"] <= 10).all()
    assert cel["er"].max() < _role(stats, "insider")["er"].min()
    assert cel["er"].max() < _role(stats, "macro")["er"].min()
    assert cel["er"].median() < _role(stats, "regular")["er"].quantile(0.01)
    # a follower-count ranking puts no insider above any celebrity or macro account, and a top
    # list as long as the planted insiders finds few of them
    role = stats["planted_role"]
    big = role.isin(["celebrity", "macro"])
    assert stats["followers"][role == "insider"].max() < stats["followers"][big].min()
    n_ins = int((role == "insider").sum())
    top = stats["followers"].nlargest(n_ins).index
    assert (role[top] == "insider").mean() < 0.5


def test_insiders_are_embedded_and_reciprocal(stats: pd.DataFrame) -> None:
    ins = _role(stats, "insider")
    reg = _role(stats, "regular")
    assert (ins["own_share"] > 0.6).all()
    size = stats[stats["community"] >= 0].groupby("community").size()
    reach = ins["own_followers"] / ins["community"].map(size)
    assert reach.between(0.2, 0.65).all()
    assert ins["followed_back"].min() > reg["followed_back"].median()
    assert ins["followed_back"].median() > 2 * reg["followed_back"].median()
    assert ins["own_followers"].min() > reg["own_followers"].max()


def test_insiders_engage_more_and_above_tier_norm(
    sample: SocialSample, stats: pd.DataFrame
) -> None:
    i = sample.interactions
    role = stats["planted_role"]
    given = i.groupby("source")["count"].sum().reindex(stats.index, fill_value=0)
    received = i.groupby("target")["count"].sum().reindex(stats.index, fill_value=0)
    for series in (given, received):
        assert series[role == "insider"].median() > 5 * series[role == "regular"].median()
    conversational = i["type"].isin(["reply", "comment", "mention"])
    to_ins = i["target"].map(role) == "insider"
    assert conversational[to_ins].mean() > 0.5
    to_cel = i["target"].map(role) == "celebrity"
    assert (i.loc[to_cel, "type"] == "like").mean() > 0.7
    when = pd.to_datetime(i["timestamp"])
    assert when[to_ins].median() > when[to_cel].median() + pd.Timedelta(days=14)
    # like rate against the 1k-10k / 10k-100k tier norms
    ins = _role(stats, "insider")
    like_rate = ins["likes"] / ins["followers"] / ins["posts"]
    norm = np.select([ins["followers"] < 1_000, ins["followers"] < 10_000], [0.08, 0.0404], 0.0237)
    assert (like_rate / norm).median() > 1.5


def test_bots_mass_follow_and_stay_silent(sample: SocialSample, stats: pd.DataFrame) -> None:
    bots = _role(stats, "bot")
    assert (bots["outdeg"] >= 200).all()
    assert (bots["outdeg"] <= 1000).all()
    assert bots["indeg"].max() <= 10
    assert (bots["likes"] == 0).all() and (bots["comments"] == 0).all()
    assert (bots["posts"] <= 2).all()
    i = sample.interactions
    from_bots = i[i["source"].isin(bots.index)]
    assert len(from_bots) < 0.2 * len(bots)
    assert (from_bots["type"] == "like").all()
    assert not i["target"].isin(bots.index).any()
    # bought accounts: graph followers mostly bots, few real interactions
    f = sample.follows
    bought = _role(stats, "bought").index
    to_bought = f[f["followed"].isin(bought)]
    assert to_bought["follower"].isin(bots.index).mean() > 0.8
    assert i["target"].isin(bought).sum() < 0.01 * len(i)


def test_cross_community_share(sample: SocialSample, stats: pd.DataFrame) -> None:
    f = sample.follows
    comm = stats["community"]
    member = stats["planted_role"].isin(["insider", "regular"])
    both = f["follower"].map(member) & f["followed"].map(member)
    cross = (f["follower"].map(comm) != f["followed"].map(comm))[both]
    assert 0.08 <= cross.mean() <= 0.2


def test_small_networks_work() -> None:
    s = make_social_network(seed=3, n_accounts=400, n_communities=1)
    assert len(s.users) == 400
    assert (s.truth["community"].max()) == 0
    s = make_social_network(seed=3, n_accounts=480, n_communities=12)
    assert s.truth["community"].nunique() == 13  # 12 communities and -1


def test_load_sample_names_its_sources_in_the_load_report() -> None:
    net = load_sample(seed=3, n_accounts=400, n_communities=2)
    report = net.load_report.to_frame()
    read = report[report["action"] == "read"].set_index("source")["count"]
    assert read.to_dict() == {
        "sample users": 400,
        "sample follows": net.n_follows,
        "sample interactions": net.n_interactions,
    }


# --- files -----------------------------------------------------------------------------------


def test_write_sample_is_deterministic_and_clean(tmp_path: Path) -> None:
    a = write_sample(tmp_path / "a" / "nested", n_accounts=500, n_communities=2)
    b = write_sample(tmp_path / "b", n_accounts=500, n_communities=2)
    assert set(a) == set(SAMPLE_FILES)
    for name, path in a.items():
        assert path.name == SAMPLE_FILES[name]
        data = path.read_bytes()
        assert data == b[name].read_bytes()
        assert b"\r" not in data
        data.decode("utf-8")
        assert not data.splitlines()[1].startswith(b",")  # no index column
    assert sorted(p.name for p in a["users"].parent.iterdir()) == sorted(SAMPLE_FILES.values())
    users = pd.read_csv(a["users"], dtype={"id": str})
    assert users["id"].iloc[0] == "u00000"


def test_bundled_sample_matches_generator(tmp_path: Path) -> None:
    missing = [n for n in SAMPLE_FILES.values() if not (SAMPLE_DIR / n).is_file()]
    if missing:
        pytest.skip(
            f"bundled sample missing in {SAMPLE_DIR} ({', '.join(missing)}); "
            "regenerate it with `netinfluence sample-data --out data/sample`"
        )
    fresh = write_sample(tmp_path, seed=SAMPLE_SEED)
    for name, path in fresh.items():
        committed = SAMPLE_DIR / SAMPLE_FILES[name]
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} differs from write_sample(seed={SAMPLE_SEED}); regenerate it with "
            "`netinfluence sample-data --out data/sample` and commit the files"
        )


@pytest.mark.slow
def test_large_sample_where_bought_accounts_exceed_a_bots_budget() -> None:
    """At 10^5 accounts a bot's follows of bought accounts alone passed its follow budget
    (a negative count crashed the generator)."""
    big = make_social_network(n_accounts=100_000)
    assert big.users["id"].nunique() == 100_000
    bots = big.truth.loc[big.truth["planted_role"] == "bot", "id"]
    out = big.follows[big.follows["follower"].isin(set(bots))].groupby("follower").size()
    assert len(out) == len(bots) and out.min() >= 200
