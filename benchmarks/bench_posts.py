"""Benchmark of ``netinfluence.io.posts`` on generated X API v2 pages (issue 16).

Generates N tweets as twarc2-style JSONL pages (100 tweets + includes per line; ~1 KB per
tweet, so 10^6 tweets is about 1 GB), seeded, in /tmp; then times, each in a fresh process
(peak memory is that process's max RSS; seconds include importing the reader):

- ``netinfluence``: ``read_posts_tables(path)`` (posts, interactions, users, report);
- ``plain``: ``json.loads`` per line + pandas: tweets and references to DataFrames, targets
  resolved by a merge, grouped to one row per (source, target, type);
- with ``--before SRC``, ``netinfluence`` again from another source tree (``PYTHONPATH=SRC``,
  e.g. ``git archive <rev> src | tar -x -C /tmp/old``), labelled ``netinfluence (before)``.

Each run records the 1-minute load average before and after it (the machine is shared), and
its CPU seconds. ``--repeat N`` runs each reader N times; the table shows the median.

    python benchmarks/bench_posts.py --sizes 1e5,1e6 [--repeat 2] [--out table.md]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

PAGE = 100


def generate(n: int, path: Path, seed: int = 0) -> None:
    """N tweets in pages: 40% retweets, 20% replies, 8% quotes, 0-3 mentions, hashtags."""
    rng = random.Random(seed)
    n_users = max(100, n // 10)
    words = ["acme", "brand", "news", "today", "great", "vote", "data", "open", "city", "rain"]
    base = 1_600_000_000
    with path.open("w") as fh:
        for start in range(0, n, PAGE):
            data: list[dict] = []
            users: dict[str, None] = {}  # ordered set of the page's users
            inc_tweets: dict[str, dict] = {}
            for i in range(start, min(n, start + PAGE)):
                author = str(rng.randrange(n_users))
                users[author] = None
                t = {
                    "id": str(10**15 + i),
                    "author_id": author,
                    "created_at": time.strftime(
                        "%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(base + i * 7)
                    ),
                    "conversation_id": str(10**15 + i),
                    "lang": rng.choice(["en", "es", "de"]),
                    "public_metrics": {
                        "retweet_count": rng.randrange(50),
                        "reply_count": rng.randrange(10),
                        "like_count": rng.randrange(200),
                        "quote_count": 0,
                    },
                    "possibly_sensitive": False,
                    "reply_settings": "everyone",
                    "source": "Twitter for Android",
                }
                text = " ".join(rng.choice(words) for _ in range(rng.randrange(8, 30)))
                ents = {}
                r = rng.random()
                if i > 0 and r < 0.68:
                    ref = str(10**15 + rng.randrange(max(1, i)))
                    ref_author = str(rng.randrange(n_users))
                    kind = "retweeted" if r < 0.4 else "replied_to" if r < 0.6 else "quoted"
                    t["referenced_tweets"] = [{"type": kind, "id": ref}]
                    if kind == "replied_to":
                        t["in_reply_to_user_id"] = ref_author
                    if rng.random() < 0.9:  # a few expansions missing: unresolved
                        inc_tweets[ref] = {
                            "id": ref,
                            "author_id": ref_author,
                            "text": text,
                            "created_at": t["created_at"],
                        }
                        users[ref_author] = None
                    if kind == "retweeted":
                        text = f"RT @user{ref_author}: {text}"
                        ents["mentions"] = [
                            {
                                "start": 3,
                                "end": 12,
                                "username": f"user{ref_author}",
                                "id": ref_author,
                            }
                        ]
                ments = ents.setdefault("mentions", [])
                for _ in range(rng.randrange(4)):
                    m = str(rng.randrange(n_users))
                    ments.append({"start": 0, "end": 5, "username": f"user{m}", "id": m})
                    users[m] = None
                if rng.random() < 0.3:
                    ents["hashtags"] = [{"start": 0, "end": 5, "tag": rng.choice(words)}]
                t["entities"] = ents
                t["text"] = text
                data.append(t)
            page = {
                "data": data,
                "includes": {
                    "users": [
                        {
                            "id": u,
                            "username": f"user{u}",
                            "name": f"User {u}",
                            "public_metrics": {
                                "followers_count": int(u) % 997,
                                "following_count": 10,
                                "tweet_count": 100,
                                "listed_count": 0,
                            },
                            "verified": False,
                        }
                        for u in users
                    ],
                    "tweets": list(inc_tweets.values()),
                },
                "meta": {"result_count": len(data)},
                "__twarc": {"url": "https://api.x.com/2/tweets/search/all", "version": "2.14"},
            }
            fh.write(json.dumps(page) + "\n")


def run_netinfluence(path: str) -> dict:
    from netinfluence.io.posts import read_posts_tables
    from netinfluence.io.posts._source import JSON_BACKEND

    t = read_posts_tables(path)
    return {
        "posts": len(t.posts),
        "interaction_rows": len(t.interactions),
        "users": len(t.users),
        "json": JSON_BACKEND,
    }


def run_plain(path: str) -> dict:
    """What one would write by hand with json and pandas (no users table, no report)."""
    import pandas as pd

    posts, refs, authors = [], [], {}
    with open(path) as fh:
        for line in fh:
            page = json.loads(line)
            for u in page.get("includes", {}).get("tweets", []):
                authors[u["id"]] = u["author_id"]
            for t in page["data"]:
                posts.append((t["id"], t["author_id"], t["created_at"], t.get("text")))
                for r in t.get("referenced_tweets", []):
                    refs.append((t["id"], t["author_id"], r["type"], None, r["id"]))
                for m in t.get("entities", {}).get("mentions", []):
                    refs.append((t["id"], t["author_id"], "mention", m.get("id"), None))
    p = pd.DataFrame(posts, columns=["id", "author", "created_at", "text"])
    p["created_at"] = pd.to_datetime(p["created_at"], utc=True)
    p = p.drop_duplicates("id")
    e = pd.DataFrame(refs, columns=["post", "source", "type", "target", "target_post"])
    known = pd.concat([pd.Series(authors), p.set_index("id")["author"]])
    known = known[~known.index.duplicated(keep="last")]
    e["target"] = e["target"].fillna(e["target_post"].map(known))
    e = e.dropna(subset=["target"])
    e = e[e["source"] != e["target"]]
    e = e.merge(p[["id", "created_at"]], left_on="post", right_on="id")
    out = e.groupby(["source", "target", "type"]).agg(
        count=("post", "size"), timestamp=("created_at", "max")
    )
    return {"posts": len(p), "interaction_rows": len(out), "users": None, "json": "json"}


def child(which: str, path: str) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    res = run_netinfluence(path) if which == "netinfluence" else run_plain(path)
    res["seconds"] = time.perf_counter() - t0
    res["cpu_seconds"] = time.process_time() - c0
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res))


def measure(which: str, path: Path, src: str | None = None) -> dict:
    env = os.environ.copy()
    if src:
        env["PYTHONPATH"] = src
    load = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["load"] = f"{load:.1f}-{os.getloadavg()[0]:.1f}"
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1e5")
    ap.add_argument("--dir", default="/tmp/netinfluence-bench-posts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="runs per reader; the median is shown")
    ap.add_argument("--before", default=None, help="another source tree to time as well")
    ap.add_argument("--readers", default="netinfluence,plain")
    ap.add_argument("--out", default=None, help="write the markdown table to this file")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import pandas as pd

    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    readers = [(w, w, None) for w in args.readers.split(",")]
    if args.before:
        readers.insert(1, ("netinfluence (before)", "netinfluence", args.before))
    runs = []
    for size in args.sizes.split(","):
        n = int(float(size))
        path = d / f"v2_{n}_seed{args.seed}.jsonl"
        if not path.exists():
            t0 = time.perf_counter()
            generate(n, path, args.seed)
            print(
                f"generated {n:,} tweets ({path.stat().st_size / 2**20:,.0f} MiB) in "
                f"{time.perf_counter() - t0:.0f} s",
                flush=True,
            )
        for _ in range(args.repeat):
            for label, which, src in readers:
                r = measure(which, path, src)
                r.update(reader=label, n=n, mib=path.stat().st_size / 2**20)
                runs.append(r)
                print(json.dumps(r), flush=True)
    df = pd.DataFrame(runs)
    table = (
        df.groupby(["n", "reader"], sort=False)
        .agg(
            file_mib=("mib", "first"),
            json=("json", "first"),
            runs=("seconds", "size"),
            seconds=("seconds", "median"),
            cpu_seconds=("cpu_seconds", "median"),
            peak_rss_mib=("peak_rss_mib", "median"),
            posts=("posts", "first"),
            interaction_rows=("interaction_rows", "first"),
            load_1min=("load", lambda x: ", ".join(x)),
        )
        .reset_index()
    )
    md = table.to_markdown(index=False, floatfmt=",.1f", intfmt=",")
    print(md)
    if args.out:
        Path(args.out).write_text(md + "\n")
        Path(args.out).with_suffix(".json").write_text(json.dumps(runs, indent=1) + "\n")


if __name__ == "__main__":
    main()
