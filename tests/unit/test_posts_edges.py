"""Posts -> interactions semantics, the users table and the filters, on small made-up exports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from netinfluence.io.posts import read_posts_tables


def jl(path: Path, *objs) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs))
    return path


def tweet(pid, author, t="2024-01-01T00:00:00.000Z", **kw):
    return {"id": pid, "author_id": author, "created_at": t, "text": kw.pop("text", "x"), **kw}


def inter(t) -> set[tuple[str, str, str, int]]:
    return {(r.source, r.target, r.type, r.count) for r in t.interactions.itertuples()}


def test_reply_direction_and_reshare_of_reshare_credits_original(tmp_path):
    page = {
        "data": [
            tweet("1", "A", text="original #Brand"),
            tweet(
                "2",
                "B",
                referenced_tweets=[{"type": "replied_to", "id": "1"}],
                in_reply_to_user_id="A",
            ),
            tweet("3", "C", referenced_tweets=[{"type": "retweeted", "id": "1"}]),
            tweet("4", "D", referenced_tweets=[{"type": "retweeted", "id": "3"}]),
        ]
    }
    t = read_posts_tables(jl(tmp_path / "p.jsonl", page))
    assert inter(t) == {("B", "A", "reply", 1), ("C", "A", "retweet", 1), ("D", "A", "retweet", 1)}
    assert list(t.posts["type"]) == ["post", "reply", "reshare", "reshare"]
    assert t.posts.loc["1", "hashtags"] is None or pd.isna(t.posts.loc["1", "hashtags"])


def test_counts_timestamps_self_loops_and_rt_mention(tmp_path):
    page = {
        "data": [
            tweet("1", "A", "2024-01-01T00:00:00Z"),
            tweet(
                "2",
                "B",
                "2024-01-01T00:00:10Z",
                referenced_tweets=[{"type": "replied_to", "id": "1"}],
                entities={"mentions": [{"id": "A"}]},
            ),
            tweet(
                "3",
                "B",
                "2024-01-01T00:00:20Z",
                referenced_tweets=[{"type": "replied_to", "id": "1"}],
            ),
            tweet(
                "4",
                "A",
                "2024-01-01T00:00:30Z",
                referenced_tweets=[{"type": "replied_to", "id": "1"}],
            ),
            tweet(
                "5",
                "C",
                "2024-01-01T00:00:40Z",
                referenced_tweets=[{"type": "retweeted", "id": "1"}],
                entities={"mentions": [{"username": "a_handle"}, {"id": "D"}, {"id": "D"}]},
            ),
        ],
        "includes": {"users": [{"id": "A", "username": "A_Handle"}]},
    }
    t = read_posts_tables(jl(tmp_path / "p.jsonl", page))
    rows = t.interactions.set_index(["source", "target", "type"])
    assert rows.loc[("B", "A", "reply"), "count"] == 2
    assert rows.loc[("B", "A", "reply"), "first_timestamp"] == 1704067210.0
    assert rows.loc[("B", "A", "reply"), "timestamp"] == 1704067220.0
    assert ("A", "A", "reply") not in rows.index  # self-reply dropped
    assert ("B", "A", "mention") not in rows.index  # duplicates the reply of the same post
    assert ("C", "A", "mention") not in rows.index  # the RT @A mention (by handle)
    assert rows.loc[("C", "D", "mention"), "count"] == 1  # twice in one post counts once
    reasons = {ln.reason: ln.count for ln in t.report.lines if ln.action == "dropped"}
    assert (
        reasons["self-interactions (a user replying to, mentioning or resharing themselves)"] == 1
    )
    assert reasons["mentions of the user the same post replies to or reshares"] == 2


def test_unresolved_and_id_only_references(tmp_path):
    page = {
        "data": [
            tweet(
                "1",
                "A",
                referenced_tweets=[{"type": "replied_to", "id": "999"}],
                in_reply_to_user_id="Z",
            ),  # parent missing: id-only fallback kept
            tweet("2", "A", referenced_tweets=[{"type": "retweeted", "id": "998"}]),
            tweet("3", "A", entities={"mentions": [{"username": "nobody"}, {"id": "Q"}]}),
        ]
    }
    t = read_posts_tables(jl(tmp_path / "p.jsonl", page))
    assert inter(t) == {("A", "Z", "reply", 1), ("A", "Q", "mention", 1)}
    unres = {ln.reason.split()[0]: ln.count for ln in t.report.lines if ln.action == "unresolved"}
    assert unres == {"retweet": 1, "mention": 1}
    assert {"Z", "Q"} <= set(t.users.index)


def test_duplicates_across_pages_are_merged_and_counted_once(tmp_path):
    p1 = {
        "data": [
            tweet("1", "A"),
            tweet("2", "B", referenced_tweets=[{"type": "quoted", "id": "1"}]),
        ]
    }
    p2 = {"data": [tweet("2", "B", referenced_tweets=[{"type": "quoted", "id": "1"}])]}
    jl(tmp_path / "page1.jsonl", p1)
    jl(tmp_path / "page2.jsonl", p2)
    t = read_posts_tables(str(tmp_path / "page*.jsonl"))
    assert len(t.formats) == 2
    assert len(t.posts) == 2
    assert t.report.count("merged") == 1
    assert inter(t) == {("B", "A", "quote", 1)}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
def test_compressed_files_by_extension(tmp_path, suffix):
    import bz2
    import lzma
    import zipfile

    raw = (
        json.dumps(
            {
                "data": [
                    tweet("1", "A"),
                    tweet("2", "B", referenced_tweets=[{"type": "replied_to", "id": "1"}]),
                ]
            }
        )
        + "\n"
    ).encode()
    path = tmp_path / f"p.jsonl{suffix}"
    if suffix == ".gz":
        path.write_bytes(gzip.compress(raw))
    elif suffix == ".bz2":
        path.write_bytes(bz2.compress(raw))
    elif suffix == ".xz":
        path.write_bytes(lzma.compress(raw))
    else:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("p.jsonl", raw)
    t = read_posts_tables(path)
    assert inter(t) == {("B", "A", "reply", 1)}


def test_times_of_every_kind_parse_to_utc(tmp_path):
    lines = [
        {"id": "a", "author": "u1", "parent_id": "t3_x", "body": "b", "created_utc": 1439801151},
        {"id": "b", "author": "u2", "parent_id": "t1_a", "body": "b", "created_utc": 1439801152.5},
        {"id": "c", "author": "u3", "parent_id": "t1_b", "body": "b", "created_utc": "1439801153"},
    ]
    t = read_posts_tables(jl(tmp_path / "rc.ndjson", *lines))
    secs = (t.posts["created_at"] - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    assert list(secs) == [1439801151, 1439801152.5, 1439801153]
    assert inter(t) == {("u2", "u1", "comment", 1), ("u3", "u2", "comment", 1)}
    page = {
        "data": [
            tweet("1", "A", "2024-01-01T05:00:00-05:00"),
            tweet("2", "B", "2024-01-01T10:00:00Z"),
        ]
    }
    t2 = read_posts_tables(jl(tmp_path / "tz.jsonl", page))
    assert t2.posts.loc["1", "created_at"] == t2.posts.loc["2", "created_at"]


def mastodon_status(sid, acct_id, reply_to=None, reply_acct=None, mentions=(), tags=()):
    return {
        "id": sid,
        "created_at": "2022-11-06T03:24:27.042Z",
        "in_reply_to_id": reply_to,
        "in_reply_to_account_id": reply_acct,
        "content": "<p>hi &amp; bye</p>",
        "account": {
            "id": acct_id,
            "acct": f"user{acct_id}",
            "followers_count": 5,
            "bot": acct_id == "9",
        },
        "mentions": [{"id": m, "acct": f"user{m}"} for m in mentions],
        "tags": [{"name": t} for t in tags],
        "reblog": None,
        "language": "en",
        "favourites_count": 1,
        "replies_count": 0,
        "reblogs_count": 0,
    }


def test_mastodon_auto_parent_mention_and_boost(tmp_path):
    root = mastodon_status("1", "7", tags=("Cats",))
    rep = mastodon_status("2", "8", reply_to="1", reply_acct="7", mentions=("7", "9"))
    boost = mastodon_status("3", "9")
    boost["reblog"] = mastodon_status("1", "7")
    t = read_posts_tables(jl(tmp_path / "stream.jsonl", root, rep, boost))
    assert inter(t) == {("8", "7", "reply", 1), ("8", "9", "mention", 1), ("9", "7", "retweet", 1)}
    assert t.posts.loc["1", "text"] == "hi & bye"
    assert t.users.loc["9", "bot"] == True  # noqa: E712 - pandas nullable boolean
    assert t.users.loc["7", "topics"] == "cats"
    assert t.users.loc["7", "posts_in_export"] == 1


def test_generic_columns_mapping_and_users(tmp_path):
    p = tmp_path / "other_tool.csv"
    p.write_text("id,user,when,parent_user,at\n1,ana,2024-01-01,,\n2,bo,2024-01-02,ana,cy;dee\n")
    t = read_posts_tables(
        p,
        columns={
            "post_id": "id",
            "author": "user",
            "created_at": "when",
            "reply_to_author": "parent_user",
            "mentions": "at",
        },
    )
    assert inter(t) == {
        ("bo", "ana", "reply", 1),
        ("bo", "cy", "mention", 1),
        ("bo", "dee", "mention", 1),
    }
    assert set(t.users.index) == {"ana", "bo", "cy", "dee"}
    assert t.users.loc["cy", "posts_in_export"] == 0


def test_generic_parquet_with_integer_ids(tmp_path):
    df = pd.DataFrame(
        {
            "post_id": [1, 2],
            "author": [10, 20],
            "created_at": [1.7e9, 1.7e9 + 5],
            "reply_to_post": [None, 1.0],
        }
    )
    df.to_parquet(tmp_path / "p.parquet")
    t = read_posts_tables(tmp_path / "p.parquet")
    assert inter(t) == {("20", "10", "reply", 1)}
    assert list(t.posts.index) == ["1", "2"]


def thread_page():
    return {
        "data": [
            tweet("1", "A", "2024-01-01T00:00:00Z", text="I love Acme", lang="en"),
            tweet(
                "2",
                "B",
                "2024-01-02T00:00:00Z",
                text="me too",
                referenced_tweets=[{"type": "replied_to", "id": "1"}],
                lang="en",
            ),
            tweet(
                "3",
                "C",
                "2024-01-03T00:00:00Z",
                text="why",
                referenced_tweets=[{"type": "replied_to", "id": "2"}],
                lang="es",
            ),
            tweet(
                "4",
                "D",
                "2024-01-04T00:00:00Z",
                text="acmecorp is not it",
                lang="en",
                public_metrics={"like_count": 3, "reply_count": 1, "retweet_count": 2},
            ),
            tweet(
                "5",
                "E",
                "2024-01-05T00:00:00Z",
                text="other",
                lang="en",
                entities={"hashtags": [{"tag": "ACME"}]},
                public_metrics={"like_count": 4, "reply_count": 0, "retweet_count": 1},
            ),
            tweet(
                "6",
                "F",
                "2024-01-06T00:00:00Z",
                text="unrelated",
                referenced_tweets=[{"type": "replied_to", "id": "4"}],
                lang="en",
            ),
        ]
    }


def test_about_keeps_whole_threads_and_scores_authors(tmp_path):
    path = jl(tmp_path / "p.jsonl", thread_page())
    t = read_posts_tables(path, about="acme")
    assert sorted(t.posts.index) == ["1", "2", "3", "5"]  # "acmecorp" is not the word
    assert inter(t) == {("B", "A", "reply", 1), ("C", "B", "reply", 1)}
    assert t.users.loc["A", "topic_mentions"] == 1 and t.users.loc["B", "topic_mentions"] == 0
    assert t.users.loc["E", "topic_engagement"] == 5
    only_tag = read_posts_tables(path, about="#acme")
    assert sorted(only_tag.posts.index) == ["5"]


def test_since_until_and_lang(tmp_path):
    path = jl(tmp_path / "p.jsonl", thread_page())
    t = read_posts_tables(path, since="2024-01-02", until="2024-01-04")
    assert sorted(t.posts.index) == ["2", "3", "4"]  # a bare until date includes that day
    assert inter(t) == {("B", "A", "reply", 1), ("C", "B", "reply", 1)}
    es = read_posts_tables(path, lang="ES")
    assert list(es.posts.index) == ["3"]
    assert es.report.count("filtered") == 5
