"""Loaders: every format, column detection, repairs counted, bad input named by file and row."""

from __future__ import annotations

import bz2
import gzip
import zipfile

import numpy as np
import pandas as pd
import pytest

import netinfluence as ni
from netinfluence.io import escape_formulas, read_edges, read_users, write_table

FOLLOWS_CSV = "follower,followed\n007,ana\nana,007\n@budi_s,ana\nzoë,ana\n"


def write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if mode == "w":
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("compression", ["", ".gz", ".bz2", ".zip"])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "snap", "semicolon"])
def test_every_text_format_and_compression_gives_the_same_table(tmp_path, fmt, compression):
    rows = [("007", "ana"), ("ana", "007"), ("@budi_s", "ana"), ("zoë", "ana")]
    if fmt == "csv":
        text, name = "follower,followed\n" + "".join(f"{a},{b}\n" for a, b in rows), "f.csv"
    elif fmt == "tsv":
        text, name = "follower\tfollowed\n" + "".join(f"{a}\t{b}\n" for a, b in rows), "f.tsv"
    elif fmt == "semicolon":
        text, name = "follower;followed\n" + "".join(f"{a};{b}\n" for a, b in rows), "f.csv"
    else:
        text = "# SNAP style\n% another comment\n" + "".join(f"{a} {b}\n" for a, b in rows)
        name = "f.txt"
    data = text.encode("utf-8")
    path = tmp_path / (name + compression)
    if compression == ".gz":
        path.write_bytes(gzip.compress(data))
    elif compression == ".bz2":
        path.write_bytes(bz2.compress(data))
    elif compression == ".zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(name, data)
    else:
        path.write_bytes(data)
    df = read_edges(path, kind="follows")
    assert list(zip(df["follower"], df["followed"], strict=True)) == rows


def test_parquet_round_trip_keeps_string_ids(tmp_path):
    path = tmp_path / "f.parquet"
    pd.DataFrame(
        {
            "source": ["007", "ana"],
            "target": ["ana", "x"],
            "type": ["reply", "like"],
            "count": [2, 1],
        }
    ).to_parquet(path)
    df = read_edges(path, kind="interactions")
    assert df["source"].tolist() == ["007", "ana"]
    assert df["count"].tolist() == [2.0, 1.0]
    assert df["type"].tolist() == ["reply", "like"]


def test_parquet_integer_ids_become_strings_like_every_file(tmp_path):
    path = tmp_path / "f.parquet"
    pd.DataFrame({"follower": [1, 2], "followed": [2, 3]}).to_parquet(path)
    assert read_edges(path)["follower"].tolist() == ["1", "2"]


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        ("follower,followed", ("follower", "followed")),
        ("from,to", ("follower", "followed")),
        ("source,target", ("follower", "followed")),
        ("Follower ID,Followed-ID", None),
    ],
)
def test_column_names_detected(tmp_path, header, roles):
    path = write(tmp_path, "f.csv", f"{header}\na,b\n")
    if roles is None:
        df = read_edges(path)  # "follower_id"/"followed_id" after normalising
    else:
        df = read_edges(path)
    assert df.iloc[0].tolist() == ["a", "b"]


def test_columns_override_by_name_position_and_list(tmp_path):
    path = write(tmp_path, "f.csv", "when,who,whom\n2026-01-01,a,b\n")
    by_name = read_edges(path, kind="follows", columns={"follower": "who", "followed": "whom"})
    by_pos = read_edges(path, kind="follows", columns={"follower": 1, "followed": 2})
    assert read_edges(path, header=True, columns=["", "follower", "followed"]).shape == (1, 2)
    assert by_name.iloc[0].tolist() == by_pos.iloc[0].tolist() == ["a", "b"]
    snap = write(tmp_path, "c.txt", "1 2 1082040961\n3 4 1082155839\n")
    df = read_edges(snap, kind="interactions", columns=["source", "target", "timestamp"])
    assert df["timestamp"].tolist() == [1082040961.0, 1082155839.0]
    assert df["count"].tolist() == [1.0, 1.0]


def test_headerless_third_column_is_a_count(tmp_path):
    path = write(tmp_path, "m.edgelist", "316609 5011 1\n439696 12389 3\n")
    df = read_edges(path, kind="interactions", interaction_type="mention")
    assert df["count"].tolist() == [1.0, 3.0]
    assert set(df["type"]) == {"mention"}


def test_timestamps_unix_and_iso_mixed(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        "source,target,type,timestamp\n"
        "a,b,reply,1700000000\n"
        "a,b,reply,2023-11-14T22:13:20Z\n"
        "a,b,reply,2023-11-14 22:13:20\n"
        "a,b,reply,2023-11-14T23:13:20+01:00\n"
        "a,b,like,\n",
    )
    ts = read_edges(path, kind="interactions")["timestamp"].tolist()
    assert ts[:4] == [1700000000.0] * 4
    assert np.isnan(ts[4])


def test_interaction_types_kept_as_given_and_counts_parsed(tmp_path):
    path = write(tmp_path, "i.csv", "source,target,type,count\na,b,Reply,2\na,b,duet,1\na,c,,4\n")
    report = ni.LoadReport()
    df = read_edges(path, kind="interactions", report=report, interaction_type="comment")
    assert df["type"].tolist() == ["Reply", "duet", "comment"]
    assert df["count"].tolist() == [2.0, 1.0, 4.0]
    assert report.count("repaired") == 1


def test_bom_and_windows_line_endings(tmp_path):
    path = write(tmp_path, "f.csv", b"\xef\xbb\xbffollower,followed\r\n007,ana\r\n", mode="b")
    df = read_edges(path)
    assert df.columns.tolist() == ["follower", "followed"]
    assert df.iloc[0].tolist() == ["007", "ana"]


def test_latin1_lines_are_repaired_and_counted(tmp_path):
    path = write(
        tmp_path, "u.csv", "id,handle\n1,@zoë\n".encode() + "2,@josé\n".encode("latin-1"), mode="b"
    )
    report = ni.LoadReport()
    users = read_users(path, report=report)
    assert users["handle"].tolist() == ["@zoë", "@josé"]
    assert report.count("repaired") == 1


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    path = write(tmp_path, "u.csv", 'id,handle,bio\n1,"@a, b","line one\nline two"\n2,@c,x\n')
    users = read_users(path)
    assert users.loc["1", "handle"] == "@a, b"
    assert users.loc["1", "bio"] == "line one\nline two"
    assert users.index.tolist() == ["1", "2"]


def test_ids_keep_spelling(tmp_path):
    path = write(tmp_path, "f.csv", "follower,followed\n007,0007\n1e3,1000\n-5,+5\n")
    df = read_edges(path)
    assert df["follower"].tolist() == ["007", "1e3", "-5"]
    assert df["followed"].tolist() == ["0007", "1000", "+5"]


def test_users_table(tmp_path):
    path = write(
        tmp_path, "u.csv", "user_id,handle,followers,topics\n007,@bond,1200,spies;cars\n42,@x,,\n"
    )
    users = read_users(path)
    assert users.index.name == "node"
    assert users.index.tolist() == ["007", "42"]
    assert users.loc["007", "followers"] == 1200.0
    assert np.isnan(users.loc["42", "followers"])
    assert users.loc["007", "topics"] == "spies;cars"


def test_identical_duplicate_users_merged_and_counted(tmp_path):
    path = write(tmp_path, "u.csv", "id,followers\na,10\na,10\nb,3\n")
    report = ni.LoadReport()
    users = read_users(path, report=report)
    assert users.index.tolist() == ["a", "b"]
    assert report.count("merged") == 1


# --------------------------------------------------------------------------- bad input


def error_of(func, *args, **kwargs) -> str:
    with pytest.raises(ni.InputError) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return str(info.value)


def test_missing_file(tmp_path):
    msg = error_of(read_edges, tmp_path / "nope.csv")
    assert "nope.csv" in msg and "not found" in msg


def test_empty_file(tmp_path):
    msg = error_of(read_edges, write(tmp_path, "e.csv", ""))
    assert "e.csv" in msg and "empty" in msg


def test_header_only(tmp_path):
    msg = error_of(read_edges, write(tmp_path, "h.csv", "follower,followed\n"))
    assert "h.csv" in msg and "no follows rows" in msg


def test_no_usable_columns_lists_what_was_found(tmp_path):
    msg = error_of(read_edges, write(tmp_path, "c.csv", "user,date\na,2020\n"))
    assert "no usable columns" in msg and "'user', 'date'" in msg


def test_binary_file(tmp_path):
    msg = error_of(read_edges, write(tmp_path, "f.csv", bytes(range(256)) * 8, mode="b"))
    assert "binary" in msg


@pytest.mark.parametrize("bad", ["", "NaN", "None", "null", "  "])
def test_empty_or_null_id_names_row(tmp_path, bad):
    path = write(tmp_path, "f.csv", f"follower,followed\na,b\nc,d\n{bad},e\n")
    msg = error_of(read_edges, path)
    assert "f.csv" in msg and "row 3" in msg and "(line 4)" in msg and "null id" in msg


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]"])
def test_missing_id_in_parquet_is_a_bad_row(tmp_path, dtype):
    """A null id cell (Parquet) is an empty id: named in the error, or dropped and counted."""
    path = tmp_path / "f.parquet"
    frame = pd.DataFrame({"follower": ["a", None, " c"], "followed": ["b", "c", "a"]})
    frame.astype(dtype).to_parquet(path)
    msg = error_of(read_edges, path)
    assert "f.parquet" in msg and "row 2" in msg and "null id" in msg
    kept = read_edges(path, on_bad_rows="drop")
    assert kept["follower"].tolist() == ["a", "c"]
    report = kept.attrs["load_report"]
    assert report.count("dropped") == 1 and report.count("repaired") == 1
    assert kept.attrs["dropped_ids"] == {"c"}  # the bad row is (missing, "c")


def test_non_numeric_and_negative_counts_name_row(tmp_path):
    path = write(tmp_path, "i.csv", "source,target,type,count\na,b,like,1\na,c,like,lots\n")
    msg = error_of(read_edges, path, kind="interactions")
    assert "row 2" in msg and "non-numeric count" in msg and "'lots'" in msg
    path = write(tmp_path, "j.csv", "source,target,type,count\na,b,like,-2\n")
    assert "row 1" in error_of(read_edges, path, kind="interactions")


def test_unparseable_timestamp_names_row(tmp_path):
    path = write(
        tmp_path, "i.csv", "source,target,type,timestamp\na,b,like,2020-01-01\na,c,like,yesterday\n"
    )
    msg = error_of(read_edges, path, kind="interactions")
    assert "row 2" in msg and "timestamp" in msg and "'yesterday'" in msg


def test_duplicate_user_ids_with_conflicting_attributes(tmp_path):
    path = write(tmp_path, "u.csv", "id,followers\na,10\nb,1\na,99\n")
    msg = error_of(read_users, path)
    assert "duplicate user id 'a'" in msg and "rows 1 and 3" in msg


def test_wrong_field_count_names_the_line(tmp_path):
    path = write(tmp_path, "f.csv", "follower,followed\na,b\nc,d,e\n")
    msg = error_of(read_edges, path)
    assert "line 3" in msg


def test_drop_policy_counts_bad_rows_and_lost_ids(tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        "source,target,type,count\na,b,like,1\nc,d,like,-1\n,b,like,1\ne,a,like,x\n",
    )
    net = ni.read_network(interactions=path, on_bad_rows="drop")
    report = net.load_report
    assert report.count("dropped") == 3
    assert set(net.ids) == {"a", "b"}
    assert set(report.dropped_ids) == {"c", "d", "e"}


def test_unknown_policy_rejected():
    with pytest.raises(ni.InputError, match="on_bad_rows"):
        read_edges(pd.DataFrame({"follower": ["a"], "followed": ["b"]}), on_bad_rows="ignore")


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".json", ".parquet", ".xlsx"])
def test_write_table_round_trip(tmp_path, ext):
    df = pd.DataFrame({"node": ["007", "ana"], "score": [0.5, 0.25], "n": [1, 2]})
    path = write_table(df, tmp_path / f"out{ext}")
    if ext in (".csv", ".tsv"):
        back = pd.read_csv(path, sep="," if ext == ".csv" else "\t", dtype={"node": str})
    elif ext == ".json":
        back = pd.read_json(path, dtype={"node": str})
    elif ext == ".parquet":
        back = pd.read_parquet(path)
    else:
        back = pd.read_excel(path, dtype={"node": str})
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert [p.name for p in tmp_path.iterdir()] == [f"out{ext}"]  # no temp file left


def test_write_table_unknown_extension(tmp_path):
    with pytest.raises(ni.InputError, match="output format"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.doc")
    assert not any(tmp_path.iterdir())


def test_formula_cells_escaped_numbers_untouched():
    df = escape_formulas(
        pd.DataFrame({"handle": ["=HYPERLINK(1)", "@x", "-y", "ok"], "n": [-1, 2, 3, 4]})
    )
    assert df["handle"].tolist() == ["'=HYPERLINK(1)", "'@x", "'-y", "ok"]
    assert df["n"].tolist() == [-1, 2, 3, 4]


def test_csv_written_in_batches_reads_back_the_same(tmp_path, monkeypatch):
    import netinfluence.io._write as io_mod

    frame = pd.DataFrame(
        {
            "node": [1, "b", 3.5, None, "=x", 6, 7],  # mixed ids become text
            "why": ["a, b", 'say "hi"', None, "é", "-1", "ok", ""],
            "score": [1.0, np.nan, 0.25, 3.0, -1.0, 2.0, 0.5],
            "flag": [True, False, True, True, False, False, True],
            "tier": pd.Categorical(["micro", "nano", "micro", "mega", "nano", "nano", "micro"]),
            "empty": [None] * 7,
        }
    )
    whole = tmp_path / "whole.csv"
    write_table(frame, whole)
    monkeypatch.setattr(io_mod, "_CSV_BATCH_ROWS", 3)
    parts = tmp_path / "parts.csv"
    write_table(frame, parts)
    assert whole.read_bytes() == parts.read_bytes()
    back = pd.read_csv(parts, keep_default_na=False)
    assert back.columns.tolist() == frame.columns.tolist() and len(back) == 7
    assert back["node"].astype(str).tolist()[:3] == ["1", "b", "3.5"]
    assert back["node"].tolist()[4] == "'=x"  # formula escaped
    assert back["why"].tolist()[1] == 'say "hi"'
    write_table(frame.head(0), tmp_path / "none.csv")
    assert (tmp_path / "none.csv").read_text().strip().split(",")[0] == '"node"'


@pytest.mark.parametrize("escape", [True, False])
def test_csv_arrow_text_written_like_object_text(tmp_path, monkeypatch, escape):
    """Arrow-backed text columns are escaped in Arrow, object ones the pandas way, and the
    batches are formatted on threads: the bytes are the same either way."""
    import netinfluence.io._write as io_mod

    cells = ["=1+1", "@ana", None, "-x", "ok", "\tt", "+", "", 'q "u"', "é, b"] * 5
    frame = pd.DataFrame({"h": cells, "n": np.arange(50) - 3.5, "m": ["-2"] * 50})
    as_text = frame.astype({"h": "str", "m": "str"})
    monkeypatch.setattr(io_mod, "_CSV_BATCH_ROWS", 7)
    write_table(frame, tmp_path / "object.csv", escape=escape)
    write_table(as_text, tmp_path / "arrow.csv", escape=escape)
    got = (tmp_path / "arrow.csv").read_bytes()
    assert got == (tmp_path / "object.csv").read_bytes()
    assert got.startswith(b'"h","n","m"\n')
    assert (b'"\'=1+1"' in got) == escape and (b'"\'-2"' in got) == escape


@pytest.mark.parametrize(
    ("kind", "cells", "fast"),
    [
        ("number", ["1", " 2 ", "", None, "nan", "NULL", "3.5e2", "-4", "inf"], True),
        ("number", [".5", "5.", "+3", "0"], True),
        ("number", ["1", "x"], False),
        ("number", ["1,000", "2"], False),
        (
            "time",
            [
                "2026-01-01T00:00:03Z",
                "2026-01-01T00:00:03+02:00",
                "",
                None,
                "2026-03-01T10:00:00.25Z",
            ],
            True,
        ),
        ("time", ["2026-01-01T00:00:03", "2026-01-01", " 2026-02-01 "], True),
        ("time", ["2026-01-01", "2026-03-01T10:00:00Z"], False),  # mixed forms
        ("time", ["1700000000", "2026-01-01"], False),
        ("time", ["bad", "2026-01-01"], False),
    ],
)
def test_arrow_fast_paths_agree_with_pandas(kind, cells, fast):
    """Arrow-backed text goes through Arrow kernels when the whole column parses, else the
    pandas way; either way the answer is the pandas one."""
    from netinfluence.io import parse_timestamps
    from netinfluence.io._clean import _numeric, _numeric_arrow, _timestamps_arrow

    parse, arrow = (
        (_numeric, _numeric_arrow) if kind == "number" else (parse_timestamps, _timestamps_arrow)
    )
    arrow_backed = pd.Series(cells, dtype="string[pyarrow]")
    assert (arrow(arrow_backed) is not None) == fast
    slow = parse(pd.Series(cells, dtype=object))
    for a, b in zip(slow, parse(arrow_backed), strict=True):
        # numbers exactly; times to 1e-6 s (pandas rounds 0.25 s to 1e-7, Arrow does not)
        np.testing.assert_allclose(a, b, rtol=0, atol=0 if kind == "number" else 1e-6)


def test_text_cells_arrow_and_object_paths_agree():
    from netinfluence.io._clean import _text_cells

    cells = ["@ana", " ", None, "  b ", "", "NA", "zoë", "\t"]
    fast = _text_cells(pd.Series(cells, dtype="str"))
    slow = _text_cells(pd.Series(cells, dtype=object))
    assert fast.dtype == slow.dtype == object
    pd.testing.assert_series_equal(pd.Series(fast), pd.Series(slow))
    assert fast[0] == "@ana" and fast[3] == "  b " and fast[5] == "NA"
    assert all(isinstance(v, float) and np.isnan(v) for v in fast[[1, 2, 4, 7]])


def test_clean_ids_arrow_and_object_paths_agree():
    from netinfluence.io._clean import _arrow_ids, _clean_ids

    cells = ["a", " b ", None, "NA", " null", "", "x\u3000", "abcde", "\u00a0z", "N/A ", "#n/a"]
    arrow_backed = pd.Series(cells, dtype="str")
    assert _arrow_ids(arrow_backed) is not None
    fast, fast_bad, fast_trimmed = _clean_ids(arrow_backed, True)
    slow, slow_bad, slow_trimmed = _clean_ids(pd.Series(cells, dtype=object), True)
    assert fast.tolist() == slow.tolist() and fast.dtype == "str"
    assert fast_bad.tolist() == slow_bad.tolist() and fast_trimmed == slow_trimmed == 5
    assert slow_bad.tolist() == [False, False, True, True, True, True] + [False] * 3 + [True] * 2


def test_clean_ids_chunk_by_chunk_agree_with_object_path():
    """Chunks of plain printable ASCII skip the trimming; others (spaces, non-ASCII, nulls)
    are trimmed: together they give the object path's answer."""
    import pyarrow as pa

    from netinfluence.io._clean import _clean_ids

    parts = [["u1", "NA", "#n/a", "x~y"], ["  c", "b\t", None, "null "], ["dé", "\u3000e", ""], []]
    arrow_backed = pd.Series(pd.array(pa.chunked_array(parts, type=pa.large_string()), dtype="str"))
    cells = [c for part in parts for c in part]
    fast, fast_bad, fast_trimmed = _clean_ids(arrow_backed, True)
    slow, slow_bad, slow_trimmed = _clean_ids(pd.Series(cells, dtype=object), True)
    assert fast.tolist() == slow.tolist()
    assert fast_bad.tolist() == slow_bad.tolist() and fast_trimmed == slow_trimmed == 4


def test_parquet_with_categorical_ids_reads_like_csv(tmp_path):
    # pandas writes categoricals (and Spark often writes text) dictionary-encoded
    pytest.importorskip("pyarrow")
    import netinfluence as ni

    follows = pd.DataFrame(
        {"follower": ["a", "b", "c ", "a", "d"], "followed": ["b", "c", "a", "c", "NULL"]}
    )
    follows.to_csv(tmp_path / "f.csv", index=False)
    follows.astype("category").to_parquet(tmp_path / "f.parquet")
    users = pd.DataFrame(
        {"id": ["a", "b", "c", "e"], "handle": ["@a", " ", None, "@e"], "followers": [3, 1, 2, 0]}
    )
    users.to_csv(tmp_path / "u.csv", index=False)
    users.astype({"id": "category", "handle": "category"}).to_parquet(tmp_path / "u.parquet")
    a = ni.read_network(follows=tmp_path / "f.csv", users=tmp_path / "u.csv", on_bad_rows="drop")
    b = ni.read_network(
        follows=tmp_path / "f.parquet", users=tmp_path / "u.parquet", on_bad_rows="drop"
    )
    assert list(a.ids) == list(b.ids) == ["a", "b", "c", "e"]
    pd.testing.assert_frame_equal(a.follow_codes, b.follow_codes)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    ra, rb = a.load_report.to_frame(), b.load_report.to_frame()
    assert ra.drop(columns="source").equals(rb.drop(columns="source"))
    assert b.load_report.count("dropped") == 1 and b.load_report.count("repaired") == 1


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_ambiguous_dates_same_on_arrow_and_object_text(dtype):
    from netinfluence.io._clean import ambiguous_dates

    cells = ["01/04/2026", "13/04/2026", "2026-04-01", None, "1", " 02.03.26 10:00"]
    cells += ["2026-04-01T10:00:00Z", "04/04/2026", "3-5-2026", "12/11/26T08:00"]
    got = ambiguous_dates(pd.Series(cells, dtype=dtype)).tolist()
    assert got == [True, False, False, False, False, True, False, False, True, True]


@pytest.mark.parametrize(
    ("head", "sep", "extra", "tail", "fast"),
    [
        ("follower,followed\n", ",", "", "\n\n", True),
        ("# SNAP\n% note\n", "\t", "", "\n", True),  # leading comments: skipped
        ("", " ", "", "", True),  # whitespace-separated, no header
        ("follower,followed\n", ",", "a#1,b%2\n", "\n", True),  # "#" inside ids
        ("follower,followed\n", ",", "\n", "\n", False),  # a blank line
        ("follower,followed\n", ",", "# late comment\n", "\n", False),
        ("follower,followed\n", ",", "%late\n", "\n", False),
    ],
)
def test_fast_reader_agrees_with_careful_reader(
    tmp_path, monkeypatch, head, sep, extra, tail, fast
):
    """Files over 1 MB go through Arrow's reader unless a line is blank or a comment after
    the top; either way the table, header and line numbers are the careful reader's."""
    import netinfluence.io._files as files

    rows = [f"u{k}{sep}v{k % 977}" for k in range(90_000)]
    text = head + "\n".join(rows[:50]) + "\n" + extra + "\n".join(rows[50:]) + tail
    path = write(tmp_path, "f.tsv" if sep == "\t" else "f.csv", text)
    assert (
        files._read_fast(
            path.read_bytes(), "f", sep=None, suffix=path.suffix, header="auto", skip_rows=0
        )
        is not None
    ) == fast
    got = files.read_table(path, what="follows")
    monkeypatch.setattr(files, "_read_fast", lambda *a, **k: None)
    want = files.read_table(path, what="follows")
    assert got.frame.astype(object).equals(want.frame.astype(object))
    assert list(got.frame.columns) == list(want.frame.columns)
    assert got.has_header == want.has_header and got.notes == want.notes
    np.testing.assert_array_equal(got.line_of_row, want.line_of_row)


def test_input_hashes_computed_early_match_and_follow_a_changed_file(tmp_path, monkeypatch):
    import hashlib
    import json
    import os

    from netinfluence.io import _provenance, write_meta

    def sha(path):
        meta = write_meta(tmp_path / "m.meta.json", net=None, parameters={}, inputs={"f": path})
        return json.loads(meta.read_text())["inputs"][str(path)]["sha256"]

    f = tmp_path / "follows.csv"
    f.write_text("follower,followed\na,b\n")
    _provenance.hash_inputs_early(str(f), None)
    early = _provenance._EARLY[_provenance._file_key(f)]
    assert early.result(timeout=30) == hashlib.sha256(f.read_bytes()).hexdigest()
    hashed_again = []
    real = _provenance._sha256
    monkeypatch.setattr(_provenance, "_sha256", lambda p: hashed_again.append(p) or real(p))
    assert sha(str(f)) == hashlib.sha256(f.read_bytes()).hexdigest()
    assert hashed_again == []  # the early digest was used, the file not read again
    # changed after the early hash (new size and time): hashed again, not the stale digest
    f.write_text("follower,followed\na,b\nb,c\n")
    os.utime(f, ns=(1, 2))
    assert sha(str(f)) == hashlib.sha256(f.read_bytes()).hexdigest()
    assert hashed_again == [f]


def test_users_read_beside_the_edges_keep_their_place_in_report_and_errors(tmp_path):
    from netinfluence.errors import InputError

    users = tmp_path / "users.csv"
    users.write_text("id,followers\na,10\nb,20\nb,20\n")
    follows = tmp_path / "follows.csv"
    follows.write_text("follower,followed\na,b\nb,b\nc,a\n")
    net = ni.read_network(follows=follows, users=users)
    sources = [line.source for line in net.load_report.lines]
    assert sources.index(str(users)) < sources.index(str(follows))
    assert [(x.action, x.count) for x in net.load_report.lines if "self-loop" in x.reason] == [
        ("dropped", 1)
    ]
    # both files broken: the users table's error comes first, as it did when read first
    users.write_text("id,followers\na,10\nb,-5\n")
    follows.write_text("follower,followed\na,b\n,c\n")
    with pytest.raises(InputError, match=r"users\.csv"):
        ni.read_network(follows=follows, users=users)
    users.write_text("id,followers\na,10\n")
    with pytest.raises(InputError, match=r"follows\.csv"):
        ni.read_network(follows=follows, users=users)
