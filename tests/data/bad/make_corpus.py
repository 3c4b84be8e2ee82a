"""Regenerate the malformed-input corpus: ``python tests/data/bad/make_corpus.py``.

Each file is one kind of mess that platform exports really contain. ``CASES`` in
``tests/reliability/test_bad_inputs.py`` says what netinfluence must do with each.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

FILES: dict[str, bytes] = {
    "empty.csv": b"",
    "header_only.csv": b"follower,followed\n",
    "binary.csv": bytes((i * 37 + 11) % 256 for i in range(4096)),
    "wrong_delimiter.tsv": b"follower,followed\nana,bo\nbo,ana\n",
    "bom.csv": b"\xef\xbb\xbffollower,followed\nana,bo\nbo,ana\n",
    "windows_endings.csv": b"follower,followed\r\nana,bo\r\nbo,ana\r\n",
    "latin1_users.csv": "id,handle,followers\nu1,@zoë,10\n".encode()
    + "u2,@josé,20\nu3,@françois,30\n".encode("latin-1"),
    "quoted_users.csv": b'id,handle,bio,followers\nu1,"@a, b","likes running,\nand cake",10\n'
    b'u2,@c,"said ""hi""",20\n',
    "missing_columns.csv": b"source,when\nana,2020-01-01\n",
    "extra_columns.csv": b"follower,followed,since,note,x\nana,bo,2020,hi,1\nbo,ana,2021,,2\n",
    "empty_id.csv": b"follower,followed\nana,bo\n,bo\n",
    "null_ids.csv": b"follower,followed\nana,bo\nNaN,bo\nNone,ana\nnull,ana\n",
    "leading_zero_ids.csv": b"follower,followed\n007,0042\n0042,007\n42,7\n",
    "long_ids.csv": b"follower,followed\n" + b"x" * 5000 + b",bo\nbo," + b"y" * 5000 + b"\n",
    "negative_count.csv": b"source,target,type,count\nana,bo,reply,2\nbo,ana,like,-3\n",
    "non_numeric_count.csv": b"source,target,type,count\nana,bo,reply,two\n",
    "mixed_timestamps.csv": b"source,target,type,timestamp\nana,bo,reply,1700000000\n"
    b"bo,ana,like,2023-11-14T22:13:20Z\nana,cy,mention,2023-11-14 22:13:20\n"
    b"cy,ana,reply,2023-11-15\n",
    "bad_timestamp.csv": b"source,target,type,timestamp\nana,bo,reply,last tuesday\n",
    "duplicate_users_conflict.csv": b"id,followers\nana,10\nbo,5\nana,99\n",
    "duplicate_users_identical.csv": b"id,followers\nana,10\nbo,5\nana,10\n",
    "users_partial.csv": b"id,handle,followers\nana,@ana,1200\n",
    "users_only.csv": b"id,handle,followers\nana,@ana,1200\nbo,@bo,30\ncy,@cy,5\n",
    "one_node.csv": b"follower,followed\nana,ana\n",
    "no_edges_users.csv": b"id,followers\nsolo,3\n",
    "disconnected.csv": b"follower,followed\na,b\nb,a\nc,d\nd,c\ne,f\n",
    "all_self_loops.csv": b"follower,followed\na,a\nb,b\nc,c\n",
    "unclosed_quote.csv": b'id,handle\nu1,"@never closed\nu2,@b\n',
    "ragged_rows.csv": b"follower,followed\nana,bo\nbo,ana,extra\n",
    "formula_handles.csv": b'id,handle,topics,followers\nu1,=HYPERLINK("x"),=1+1,10\n'
    b"u2,@real,+cmd,20\nu3,-minus,ok,30\n",
    "gml_with_entities.graphml": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;">]>\n<graphml><graph edgedefault="directed">'
    b'<node id="&lol2;"/></graph></graphml>\n',
}

if __name__ == "__main__":
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(FILES)} files to {HERE}")
