"""Malformed posts exports: an InputError naming file and line, or skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netinfluence.errors import InputError
from netinfluence.io.posts import POST_FORMATS, detect_format, read_posts_tables

GOOD = {"data": [{"id": "1", "author_id": "A", "created_at": "2024-01-01T00:00:00Z", "text": "x"}]}
GOOD2 = {
    "data": [
        {
            "id": "2",
            "author_id": "B",
            "created_at": "2024-01-01T00:00:00Z",
            "text": "y",
            "referenced_tweets": [{"type": "replied_to", "id": "1"}],
        }
    ]
}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_corrupt_json_line_names_file_and_line(tmp_path):
    p = write(tmp_path / "p.jsonl", json.dumps(GOOD), '{"data": [ {"id": "3"', json.dumps(GOOD2))
    with pytest.raises(InputError) as err:
        read_posts_tables(p)
    assert err.value.source == str(p) and err.value.row == 2
    assert "line 2 is not valid JSON" in str(err.value)
    t = read_posts_tables(p, on_bad_rows="drop")
    assert len(t.posts) == 2
    assert t.report.count("skipped", str(p)) == 1
    assert len(t.interactions) == 1


def test_api_errors_without_data(tmp_path):
    errors = {"errors": [{"title": "Not Found Error", "detail": "Could not find tweet 5"}]}
    p = write(tmp_path / "p.jsonl", json.dumps(GOOD), json.dumps(errors))
    with pytest.raises(InputError, match="Could not find tweet 5") as err:
        read_posts_tables(p, format="twitter-v2")
    assert err.value.row == 2
    t = read_posts_tables(p, format="twitter-v2", on_bad_rows="drop")
    assert len(t.posts) == 1
    assert any("API error" in ln.reason for ln in t.report.lines)


@pytest.mark.parametrize(
    "bad",
    [
        {"data": "not a list"},
        {"data": [{"id": {"nested": 1}, "author_id": "A"}]},
        {"data": [{"id": "9", "text": "no author"}]},
        {"data": [{"id": "9", "author_id": 1.5}]},
    ],
)
def test_wrong_types_raise_with_the_line(tmp_path, bad):
    p = write(tmp_path / "p.jsonl", json.dumps(GOOD), json.dumps(bad))
    with pytest.raises(InputError) as err:
        read_posts_tables(p, format="twitter-v2")
    assert err.value.source == str(p) and err.value.row == 2
    t = read_posts_tables(p, format="twitter-v2", on_bad_rows="drop")
    assert list(t.posts.index) == ["1"]


def test_wrong_shape_for_a_forced_format(tmp_path):
    p = write(tmp_path / "p.jsonl", json.dumps({"hello": "world"}))
    with pytest.raises(InputError, match="not a Reddit"):
        read_posts_tables(p, format="reddit")


def test_detection_failure_lists_what_it_saw(tmp_path):
    p = write(tmp_path / "odd.json", json.dumps({"foo": 1, "bar": {"baz": 2}}))
    with pytest.raises(InputError) as err:
        detect_format(p)
    assert err.value.source == str(p)
    assert "'bar'" in str(err.value) and "'foo'" in str(err.value)
    c = write(tmp_path / "odd.csv", "alpha,beta", "1,2")
    with pytest.raises(InputError, match=r"saw columns \['alpha', 'beta'\]"):
        detect_format(c)
    with pytest.raises(InputError, match="not JSON"):
        detect_format(write(tmp_path / "odd.txt2", "hello there"))


def test_empty_missing_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="empty"):
        detect_format(write(tmp_path / "e.jsonl", ""))
    with pytest.raises(InputError, match="file not found"):
        read_posts_tables(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="no file matches"):
        read_posts_tables(str(tmp_path / "nope*.jsonl"))
    with pytest.raises(InputError, match="unknown posts format"):
        read_posts_tables(write(tmp_path / "p.jsonl", json.dumps(GOOD)), format="myspace")
    with pytest.raises(InputError, match="on_bad_rows"):
        read_posts_tables(tmp_path / "p.jsonl", on_bad_rows="ignore")


def test_generic_rows_without_author_and_unknown_type(tmp_path):
    p = write(
        tmp_path / "g.csv",
        "post_id,author,created_at,type",
        "1,ana,2024-01-01,post",
        "2,,2024-01-01,post",
        "3,bo,2024-01-01,like",
    )
    with pytest.raises(InputError) as err:
        read_posts_tables(p)
    assert err.value.row == 2
    t = read_posts_tables(p, on_bad_rows="drop")
    assert list(t.posts.index) == ["1"]
    assert t.report.count("skipped", str(p)) == 2


def test_generic_columns_mapping_errors(tmp_path):
    p = write(tmp_path / "g.csv", "id,user", "1,ana")
    with pytest.raises(InputError, match="not in the file"):
        read_posts_tables(p, columns={"post_id": "id", "author": "who"})
    with pytest.raises(InputError, match="unknown generic names"):
        read_posts_tables(p, format="generic", columns={"post": "id"})


def test_bad_filter_values(tmp_path):
    p = write(tmp_path / "p.jsonl", json.dumps(GOOD))
    with pytest.raises(InputError, match="since="):
        read_posts_tables(p, since="last tuesday")
    with pytest.raises(InputError, match="about="):
        read_posts_tables(p, about=" , ")


def test_formats_contract():
    assert POST_FORMATS == (
        "twitter-v2",
        "twitter-v2-flat",
        "twarc-csv",
        "twitter-v1",
        "gnip",
        "reddit",
        "mastodon",
        "bluesky",
        "youtube",
        "generic",
    )
