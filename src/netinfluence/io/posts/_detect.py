"""Which export is this file? Decided from a bounded head of the (decompressed) file."""

from __future__ import annotations

import re
from pathlib import Path

from netinfluence.errors import InputError
from netinfluence.io._files import _inner_suffix
from netinfluence.io.posts._source import read_head

POST_FORMATS: tuple[str, ...] = (
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
HEAD_BYTES = 1 << 16
_KEY = re.compile(rb'"([A-Za-z_$][\w.$]*)"\s*:')
_GENERIC_COLUMNS = {"post_id", "author", "created_at"}


def _keys(head: bytes) -> set[str]:
    return {m.decode("ascii", "replace") for m in _KEY.findall(head)}


def _json_format(head: bytes, keys: set[str]) -> str | None:
    """The format of a JSON export from the keys (and a few values) in its head."""
    if b'"youtube#' in head:
        return "youtube"
    if b'"at://' in head or b'"did:plc:' in head or b'"app.bsky.' in head:
        return "bluesky"
    if "actor" in keys and "verb" in keys and ("postedTime" in keys or "object" in keys):
        return "gnip"
    if (
        {"subreddit", "parent_id"} <= keys
        or {"subreddit", "selftext"} <= keys
        or {"parent_id", "created_utc"} <= keys
        or {"link_id", "body"} <= keys
        or b'"kind": "Listing"' in head
        or b'"kind":"Listing"' in head
        or ("things" in keys and "json" in keys)
    ):
        return "reddit"
    if "acct" in keys and (
        "in_reply_to_account_id" in keys or "statuses_count" in keys or "descendants" in keys
    ):
        return "mastodon"
    if "id_str" in keys and ("screen_name" in keys or "user" in keys):
        return "twitter-v1"
    if "author_id" in keys or "username" in keys:
        first = head.lstrip()[:200]
        if re.match(rb'\{\s*"data"\s*:', first) or "includes" in keys or "matching_rules" in keys:
            return "twitter-v2"
        if "author" in keys or "__twarc" in keys:
            return "twitter-v2-flat"
        return "twitter-v2"
    return None


def _table_columns(path: str, suffix: str) -> list[str]:
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:  # pyarrow raises many types for corrupt files
            raise InputError(f"cannot read the Parquet schema ({exc})", source=path) from None
    head = read_head(path, HEAD_BYTES).decode("utf-8", "replace")
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    sep = "\t" if "\t" in first else ","
    return [c.strip().strip('"') for c in first.split(sep)]


def detect_format(path, columns: dict[str, str] | None = None) -> str:
    """Guess the export format of one posts file from its head (at most 64 KiB decompressed).

    Parameters
    ----------
    path : str or os.PathLike
        The file; ``.gz``, ``.bz2``, ``.xz`` and ``.zip`` are decompressed by extension.
    columns : dict, optional
        A column mapping for generic tables (``{"post_id": "id", ...}``): a table holding the
        mapped names is ``"generic"``.

    Returns
    -------
    str
        One of :data:`POST_FORMATS`.

    Raises
    ------
    InputError
        Naming the file and listing the keys or columns seen, when no format fits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "page.jsonl"
    >>> _ = p.write_text('{"data": [{"id": "1", "author_id": "9", "text": "hi"}]}\\n')
    >>> detect_format(p)
    'twitter-v2'
    """
    p = str(path)
    if not Path(p).is_file():
        raise InputError("file not found (posts)", source=p)
    suffix = _inner_suffix(Path(p))
    if suffix in (".csv", ".tsv", ".parquet", ".pq", ".txt"):
        cols = _table_columns(p, suffix)
        if (
            "id" in cols
            and "author_id" in cols
            and any(
                c.startswith(("referenced_tweets.", "author.", "public_metrics.", "__twarc."))
                for c in cols
            )
        ):
            return "twarc-csv"
        names = (
            set(cols) | set((columns or {}).keys())
            if columns and set(columns.values()) & set(cols)
            else set(cols)
        )
        if _GENERIC_COLUMNS <= names or {"post_id", "author"} <= names:
            return "generic"
        raise InputError(
            "cannot tell the posts format of this table: expected twarc-csv columns (id, "
            "author_id, referenced_tweets.*) or generic ones (post_id, author, created_at; map "
            f"other names with columns=); saw columns {cols[:20]}",
            source=p,
        )
    head = read_head(p, HEAD_BYTES)
    stripped = head.lstrip()
    if not stripped:
        raise InputError("the file is empty (no posts)", source=p)
    if stripped[:1] not in (b"{", b"["):
        raise InputError(
            "cannot tell the posts format: not JSON (first bytes "
            f"{stripped[:40]!r}) and not a .csv/.tsv/.parquet table",
            source=p,
        )
    keys = _keys(head)
    fmt = _json_format(head, keys)
    if fmt is None:
        raise InputError(
            "cannot tell the posts format of this JSON; pass format= one of "
            f"{', '.join(POST_FORMATS)}; keys seen in the first {len(head):,} bytes: "
            f"{sorted(keys)[:30]}",
            source=p,
        )
    return fmt
