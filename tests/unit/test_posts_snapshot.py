"""A generated 2,000-post X API v2 export reads to exactly the tables it read to before the
memory work on the posts reader (benchmarks/results/posts.md).

The expected tables in ``tests/data/posts/v2_2000_*`` were written by the reader as it was
before that work (commit 9e59ae8): CSV text (compared byte for byte), dtypes and the load
report. The export itself is regenerated with the benchmark's seeded generator. To rewrite the
snapshot after a deliberate change of output: ``python tests/unit/test_posts_snapshot.py``.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from netinfluence.io.posts import PostsTables, _collect, read_posts_tables

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "posts"
N_POSTS = 2_000
TABLES = ("posts", "interactions", "users")


def _generate(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_posts", ROOT / "benchmarks" / "bench_posts.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.generate(N_POSTS, path, seed=0)


def _describe(t: PostsTables) -> dict:
    """Dtypes (index, columns, categories) and the load report without the file name."""
    out: dict = {}
    for name in TABLES:
        df = getattr(t, name)
        out[name] = {
            "index": [str(df.index.name), str(df.index.dtype)],
            "dtypes": {c: str(d) for c, d in df.dtypes.items()},
            "categories": {
                c: [str(x) for x in df[c].cat.categories]
                for c, d in df.dtypes.items()
                if str(d) == "category"
            },
        }
    out["report"] = [
        [ln.action, ln.count, ln.reason] for ln in t.report.lines if ln.source in TABLES
    ]
    return out


def _read(tmp: Path) -> PostsTables:
    path = tmp / f"v2_{N_POSTS}.jsonl"
    _generate(path)
    return read_posts_tables(path)


@pytest.mark.parametrize("chunk", ["default", "small", "objects"])
def test_generated_export_reads_to_the_snapshot(tmp_path, monkeypatch, chunk):
    """The same tables with the collector's columns in one chunk, in chunks of 7 rows (every
    chunk boundary), and kept as Python objects (the path for ids that are not strings)."""
    if chunk == "small":
        monkeypatch.setattr(_collect, "CHUNK", 7)
    if chunk == "objects":
        monkeypatch.setattr(_collect, "_freeze", lambda name, values: values)
    t = _read(tmp_path)
    for name in TABLES:
        want = gzip.decompress((DATA / f"v2_{N_POSTS}_{name}.csv.gz").read_bytes()).decode()
        got = getattr(t, name).to_csv()
        assert got == want, f"{name} table differs from the snapshot"
    meta = json.loads((DATA / f"v2_{N_POSTS}_meta.json").read_text())
    assert _describe(t) == meta


def _write_snapshot() -> None:  # pragma: no cover - run by hand
    import tempfile

    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        t = _read(Path(d))
    for name in TABLES:
        data = getattr(t, name).to_csv().encode()
        (DATA / f"v2_{N_POSTS}_{name}.csv.gz").write_bytes(gzip.compress(data, mtime=0))
    (DATA / f"v2_{N_POSTS}_meta.json").write_text(json.dumps(_describe(t), indent=1) + "\n")


if __name__ == "__main__":  # pragma: no cover
    _write_snapshot()
    sys.exit(0)


def test_iso_times_read_as_the_pandas_way():
    """The Arrow shortcut for ISO 8601 post times gives exactly what parse_timestamps gives
    for the same values as objects, and steps aside for anything else."""
    import numpy as np
    import pyarrow as pa

    from netinfluence.io.posts._tables import _iso_seconds, _seconds

    times = [
        "2024-03-01T10:00:00.000Z",
        None,
        "2024-03-01T10:00:00Z",
        "2024-03-01T10:00:00.123456789Z",
        "2024-03-01T12:00:00+02:00",
        "2024-03-01T12:00:00.5-0130",
        "2024-03-01T10:00:00",
    ]
    for chunked in (times, times[:3], times[4:]):
        fast = _iso_seconds(pa.chunked_array([pa.array(chunked, pa.large_string())]))
        secs, bad = _seconds(chunked)
        assert fast is not None and bad == 0
        assert np.array_equal(fast, secs, equal_nan=True)
    for other in ("2024-03-01", "1709287200", " 2024-03-01T10:00:00Z", "2024-13-01T10:00:00Z"):
        assert _iso_seconds(pa.chunked_array([pa.array([times[0], other])])) is None
    assert _iso_seconds(pa.chunked_array([pa.array([None, None], pa.large_string())])) is None
