"""The public readers: edge lists and user tables into validated, canonical tables."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._clean import (
    _BadRows,
    _clean_ids,
    _numeric,
    _shorten,
    _text_cells,
    ambiguous_dates,
    parse_timestamps,
)
from netinfluence.io._columns import (
    _ALL_NAMES,
    _KIND_ROLES,
    EDGE_KINDS,
    NULL_ID_STRINGS,
    NUMERIC_USER_COLUMNS,
    SYNONYMS,
    _resolve_columns,
)
from netinfluence.io._files import RawTable, Source, _norm, read_table
from netinfluence.io._load_report import LoadReport

# --------------------------------------------------------------------------- public readers


def _check_policy(on_bad_rows: str) -> str:
    policy = str(on_bad_rows).strip().lower()
    if policy not in ("raise", "drop"):
        raise InputError(f"on_bad_rows must be 'raise' or 'drop', got {on_bad_rows!r}")
    return policy


def read_edges(
    src: Source,
    *,
    kind: str = "follows",
    columns: Mapping[str, Any] | Sequence[str] | None = None,
    sep: str | None = None,
    header: bool | str = "auto",
    skip_rows: int = 0,
    interaction_type: str | None = None,
    on_bad_rows: str = "raise",
    report: LoadReport | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Read one edge list into a validated table in the file's own convention.

    Parameters
    ----------
    src : path or DataFrame
        CSV, TSV, whitespace-separated text (SNAP style, ``#``/``%`` comments, no header) or
        Parquet; ``.gz``/``.bz2``/``.xz``/``.zip`` compression by extension.
    kind : {"follows", "interactions", "edges"}
        ``follows`` gives columns ``follower, followed``; ``interactions`` gives
        ``source, target, type, count, timestamp`` (``source`` engaged with ``target``);
        ``edges`` gives ``source, target, weight`` in the influence direction.
    columns : mapping or sequence, optional
        Explicit column roles: ``{"follower": "a", "followed": "b"}``, positions
        (``{"source": 0, "target": 1, "timestamp": 2}``) or a list of roles by position
        (``["source", "target", "timestamp"]``). By default columns are detected by name
        (``follower/followed``, ``source/target``, ``from/to``, ...) or, with no header, by
        position (a third column of a headerless interactions file is the count).
    sep : str, optional
        Delimiter; detected from the suffix and the first line by default.
    header : bool or "auto"
        Whether the first row is a header; ``"auto"`` looks for known column names.
    skip_rows : int
        Records to skip first (e.g. 1 for NetHEPT's ``nodes edges`` count line).
    interaction_type : str, optional
        Type given to every row of an interactions file that has no type column
        (e.g. ``"mention"``); ``"interaction"`` when not given.
    on_bad_rows : {"raise", "drop"}
        ``raise`` (default) stops at the first bad row with an :class:`InputError`; ``drop``
        drops every bad row and counts it, with its reason, in the load report.
    report : LoadReport, optional
        Report to add lines to; the DataFrame's ``attrs["load_report"]`` holds it either way.
    date_format : str, optional
        ``strftime`` format of timestamps that are neither unix seconds nor ISO 8601, e.g.
        ``"%d/%m/%Y"``. Without it a day/month date that reads two ways (``01/04/2026``) is an
        :class:`InputError`, whatever ``on_bad_rows`` says: it is never guessed.

    Returns
    -------
    pandas.DataFrame
        One row per input row kept, with the canonical columns of ``kind``; ids are strings
        for files and keep their type for DataFrames. ``attrs["dropped_ids"]`` holds the ids
        seen only in dropped rows.

    Raises
    ------
    InputError
        Missing, empty or binary file, no usable columns, empty/null id, non-numeric or
        negative count, unparseable timestamp; the message names the file and 1-based row.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"follower": ["007", "ana"], "followed": ["ana", "007"]})
    >>> read_edges(df, kind="follows")["follower"].tolist()
    ['007', 'ana']
    """
    kind = str(kind).strip().lower()
    if kind not in EDGE_KINDS:
        raise InputError(f"kind must be one of {EDGE_KINDS}, got {kind!r}")
    policy = _check_policy(on_bad_rows)
    report = report if report is not None else LoadReport()
    if (
        header == "auto"
        and isinstance(columns, Mapping)
        and any(isinstance(c, str) for c in columns.values())
    ):
        header = True  # columns named by the user: the first row must be their header
    raw = read_table(src, what=kind, sep=sep, header=header, skip_rows=skip_rows)
    for action, count, reason in raw.notes:
        report.add(raw.name, action, count, reason)
    if raw.frame.empty and raw.from_file:
        raise InputError(f"the table has a header but no {kind} rows", source=raw.name)
    required, optional = _KIND_ROLES[kind]
    mapping = _resolve_columns(raw, required, optional, columns, kind)
    frame = raw.frame
    report.add(raw.name, "read", len(frame), f"{kind} rows")
    ignored = [c for c in frame.columns if c not in mapping.values()]
    if ignored:
        report.add(
            raw.name,
            "ignored",
            len(ignored),
            "column(s) not used: "
            + ", ".join(map(str, ignored[:8]))
            + (" ..." if len(ignored) > 8 else ""),
        )

    bad = _BadRows(raw, policy)
    out: dict[str, Any] = {}
    trimmed_total = 0
    for role in required:
        ids, bad_ids, trimmed = _clean_ids(frame[mapping[role]], raw.from_file)
        trimmed_total += trimmed
        bad.flag(bad_ids, f"empty or null id in column {mapping[role]!r}", frame[mapping[role]])
        out[role] = ids
    if trimmed_total:
        report.add(raw.name, "repaired", trimmed_total, "spaces around ids trimmed")

    if kind == "interactions":
        if "type" in mapping:
            t = frame[mapping["type"]].astype(object)
            t = t.where(~pd.isna(t), "").astype(str).str.strip()
            empty_t = (t == "").to_numpy()
            fill = interaction_type or "interaction"
            if empty_t.any():
                report.add(
                    raw.name,
                    "repaired",
                    int(empty_t.sum()),
                    f"empty interaction type set to {fill!r}",
                )
                t = t.where(~empty_t, fill)
            out["type"] = t
        else:
            out["type"] = pd.Series(
                np.full(len(frame), interaction_type or "interaction", dtype=object)
            )
        if "count" in mapping:
            num, empty, nonnum = _numeric(frame[mapping["count"]])
            bad.flag(
                nonnum, f"non-numeric count in column {mapping['count']!r}", frame[mapping["count"]]
            )
            bad.flag(~empty & ~nonnum & (num < 0), "negative count", frame[mapping["count"]])
            n_empty = int((empty & ~bad.mask).sum())
            if n_empty:
                report.add(raw.name, "repaired", n_empty, "empty count set to 1")
            num = np.where(empty, 1.0, num)
            zero = (num == 0) & ~bad.mask
            if zero.any():
                report.add(
                    raw.name,
                    "dropped",
                    int(zero.sum()),
                    "count of 0, no interaction (accounts kept)",
                )
            out["count"] = num
        else:
            out["count"] = np.ones(len(frame))
            zero = np.zeros(len(frame), dtype=bool)
        if "timestamp" in mapping:
            stamps = frame[mapping["timestamp"]]
            if date_format is None:
                _refuse_ambiguous_dates(stamps, raw)
            secs, _, unparseable = parse_timestamps(stamps, date_format=date_format)
            bad.flag(
                unparseable,
                "unparseable timestamp (expected unix seconds or ISO 8601"
                + (f" or {date_format!r})" if date_format else ")"),
                stamps,
            )
            out["timestamp"] = secs
        else:
            out["timestamp"] = np.full(len(frame), np.nan)
    elif kind == "edges":
        zero = np.zeros(len(frame), dtype=bool)
        if "weight" in mapping:
            num, empty, nonnum = _numeric(frame[mapping["weight"]])
            bad.flag(
                nonnum,
                f"non-numeric weight in column {mapping['weight']!r}",
                frame[mapping["weight"]],
            )
            bad.flag(~nonnum & ~empty & (num < 0), "negative weight", frame[mapping["weight"]])
            bad.flag(
                empty, f"empty weight in column {mapping['weight']!r}", frame[mapping["weight"]]
            )
            out["weight"] = num
        else:
            out["weight"] = np.full(len(frame), np.nan)
    else:
        zero = np.zeros(len(frame), dtype=bool)

    bad.report(report)
    keep = ~bad.mask & ~zero
    result = pd.DataFrame(
        {k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for k, v in out.items()}
    )
    dropped_ids: set = set()
    kept_ids: list = []
    if not keep.all():
        for role in required:
            dropped_ids.update(result.loc[bad.mask, role].tolist())
            # a row dropped as empty (count 0) still shows the accounts exist: keep them
            kept_ids.extend(result.loc[zero & ~bad.mask, role].tolist())
        result = result.loc[keep].reset_index(drop=True)
    dropped_ids.discard("")
    result.attrs["load_report"] = report
    result.attrs["source"] = raw.name
    result.attrs["dropped_ids"] = dropped_ids
    result.attrs["kept_ids"] = kept_ids
    return result


def _refuse_ambiguous_dates(stamps: pd.Series, raw: RawTable) -> None:
    """Raise on the first day/month date that reads two ways (no ``date_format`` given)."""
    ambiguous = ambiguous_dates(stamps)
    if not ambiguous.any():
        return
    pos = int(np.flatnonzero(ambiguous)[0])
    value = str(np.asarray(stamps, dtype=object)[pos]).strip()
    more = int(ambiguous.sum()) - 1
    raise InputError(
        f"timestamp {value!r}{raw.line_hint(pos)} is a day/month date that reads two ways "
        f"(day first or month first)"
        + (f", as do {more} more row(s)" if more else "")
        + "; only unix seconds and ISO 8601 (2026-04-01) are read without being told: give "
        "date_format='%d/%m/%Y' or '%m/%d/%Y' (CLI: --date-format)",
        **raw.where(pos),
    )


def read_users(
    src: Source,
    *,
    id_column: str | int | None = None,
    sep: str | None = None,
    header: bool | str = True,
    on_bad_rows: str = "raise",
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """Read a users table: one row per account, indexed by id (index name ``node``).

    The id column is ``id_column`` or the first of ``id, node, user, user_id, account, ...``
    (else the first column). ``followers, following, posts, likes, comments`` must be
    non-negative numbers where present (empty cells are missing values). Exact duplicate
    rows are merged and counted; duplicate ids with different attributes raise an error
    naming both rows. Other columns are kept as text.

    Examples
    --------
    >>> import pandas as pd
    >>> users = read_users(pd.DataFrame({"id": ["007", "@budi_s"], "followers": [1200, 40]}))
    >>> users["followers"].to_dict()
    {'007': 1200.0, '@budi_s': 40.0}
    """
    policy = _check_policy(on_bad_rows)
    report = report if report is not None else LoadReport()
    raw = read_table(src, what="users", sep=sep, header=header)
    for action, count, reason in raw.notes:
        report.add(raw.name, action, count, reason)
    frame = raw.frame
    if id_column is not None:
        mapping = _resolve_columns(raw, ("id",), (), {"id": id_column}, "users")
    else:
        normed = {c: _norm(c) for c in frame.columns}
        hit = next((c for syn in SYNONYMS["id"] for c in frame.columns if normed[c] == syn), None)
        if hit is None:
            if len(frame.columns) == 0:
                raise InputError("no columns found in the users table", source=raw.name)
            hit = frame.columns[0]
        mapping = {"id": hit}
    idcol = mapping["id"]
    report.add(raw.name, "read", len(frame), "user rows")
    if frame.empty:
        result = pd.DataFrame(index=pd.Index([], name="node", dtype=object))
        result.attrs["load_report"] = report
        return result
    bad = _BadRows(raw, policy)
    ids, bad_ids, trimmed = _clean_ids(frame[idcol], raw.from_file)
    if trimmed:
        report.add(raw.name, "repaired", trimmed, "spaces around ids trimmed")
    bad.flag(bad_ids, f"empty or null id in column {idcol!r}", frame[idcol])
    attrs = frame.drop(columns=[idcol])
    cleaned: dict[str, Any] = {}
    for col in attrs.columns:
        values = attrs[col]
        if _norm(col) in NUMERIC_USER_COLUMNS:
            num, empty, nonnum = _numeric(values)
            bad.flag(nonnum, f"non-numeric value in column {col!r}", values)
            bad.flag(~nonnum & ~empty & (num < 0), f"negative value in column {col!r}", values)
            cleaned[col] = num
        elif raw.from_file:
            cleaned[col] = _text_cells(values)
        else:
            cleaned[col] = values.to_numpy()
    bad.report(report)
    keep = ~bad.mask
    table = pd.DataFrame(cleaned)
    table.index = pd.Index(ids.to_numpy(dtype=object), name="node")
    rows = np.arange(1, len(frame) + 1)
    table, rows = table.loc[keep], rows[keep]
    dup = table.index.duplicated(keep=False)
    if dup.any():
        dups = table.loc[dup]
        as_text = dups.astype(object).where(~dups.isna(), None).astype(str)
        key = as_text.reset_index().apply(tuple, axis=1)
        first_of = ~table.index.duplicated(keep="first")
        # Conflicting duplicates: same id, different attributes.
        for node_id, group in key.groupby(dups.index.to_numpy(), sort=False):
            if group.nunique() > 1:  # noqa: PD101 - tuples: == would broadcast them
                pos = rows[dup][np.flatnonzero(dups.index.to_numpy() == node_id)[:2]]
                raise InputError(
                    f"duplicate user id {_shorten(node_id)!r} with different attributes in "
                    f"rows {pos[0]} and {pos[1]}; keep one row per account",
                    source=raw.name,
                    row=int(pos[1]),
                )
        n_merged = int((~first_of).sum())
        report.add(raw.name, "merged", n_merged, "identical duplicate user rows")
        table = table.loc[first_of]
    table.attrs["load_report"] = report
    table.attrs["source"] = raw.name
    return table


def read_id_list(src: str | os.PathLike) -> list[str]:
    """Ids or handles, one per line or in the first column of a CSV (header optional).

    Blank lines and ``#`` comments are skipped.
    """
    raw = read_table(src, what="ids", header=False)
    first = raw.frame.iloc[:, 0].astype(str).str.strip()
    values = [v for v in first.tolist() if v and v.lower() not in NULL_ID_STRINGS]
    if values and _norm(values[0]) in _ALL_NAMES:
        values = values[1:]  # a header such as "id" or "handle"
    return values
