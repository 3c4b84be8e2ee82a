"""Cleaning cells: ids, numbers and timestamps, with every bad row counted or reported."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._columns import NULL_ID_STRINGS
from netinfluence.io._files import RawTable
from netinfluence.io._load_report import LoadReport

# --------------------------------------------------------------------------- validation


class _BadRows:
    """Collects bad rows with their reasons; raises or drops them as asked."""

    def __init__(self, raw: RawTable, on_bad_rows: str):
        self.raw = raw
        self.policy = on_bad_rows
        self.mask = np.zeros(len(raw.frame), dtype=bool)
        self.reasons: list[tuple[str, np.ndarray, list[str]]] = []

    def flag(self, bad: np.ndarray, reason: str, shown: pd.Series | np.ndarray | None = None):
        bad = np.asarray(bad, dtype=bool) & ~self.mask
        if not bad.any():
            return
        if self.policy == "raise":
            pos = int(np.flatnonzero(bad)[0])
            value = ""
            if shown is not None:
                value = f" {_shorten(np.asarray(shown, dtype=object)[pos])!r}"
            more = int(bad.sum()) - 1
            tail = f" ({more} more row(s) with the same problem)" if more else ""
            raise InputError(
                f"{reason}{value}{self.raw.line_hint(pos)}{tail}; fix the row, or pass "
                "on_bad_rows='drop' (CLI: --drop-bad-rows) to drop such rows and count them",
                **self.raw.where(pos),
            )
        self.mask |= bad
        self.reasons.append((reason, bad, []))

    def report(self, report: LoadReport):
        for reason, bad, _ in self.reasons:
            report.add(self.raw.name, "dropped", int(bad.sum()), f"bad row: {reason}")


def _shorten(value: Any, n: int = 60) -> Any:
    s = str(value)
    return s if len(s) <= n else s[: n - 3] + "..."


def _clean_ids(values: pd.Series, from_file: bool) -> tuple[pd.Series, np.ndarray, int]:
    """Normalise an id column. Returns (ids, bad mask, number trimmed)."""
    if from_file:
        fast = _arrow_ids(values)
        if fast is not None:
            return fast
    if from_file or values.dtype == object or pd.api.types.is_string_dtype(values):
        as_str = values.astype(object)
        is_na = pd.isna(as_str).to_numpy()
        s = as_str.where(~is_na, "").astype(str)
        stripped = s.str.strip()
        trimmed = int((stripped != s).sum())
        bad = stripped.str.lower().isin(NULL_ID_STRINGS).to_numpy() | is_na
        if from_file:
            return stripped.astype(object), bad, trimmed
        # DataFrame input: keep non-string ids (ints, tuples, ...) as they are.
        keep = as_str.map(lambda v: isinstance(v, str))
        out = as_str.where(~keep.to_numpy(), stripped)
        bad_nonstr = pd.isna(as_str).to_numpy()
        return out, np.where(keep.to_numpy(), bad, bad_nonstr), trimmed
    bad = pd.isna(values).to_numpy()
    return values, bad, 0


def _arrow_ids(values: pd.Series) -> tuple[pd.Series, np.ndarray, int] | None:
    """:func:`_clean_ids` in Arrow's kernels for Arrow-backed text (the fast reader, Parquet):
    no Python object and no pandas temporary per row; None for other columns.

    The work goes chunk by chunk (a few 10^4 ids each), so every temporary is small and
    reused instead of a fresh array per step for the whole column.
    """
    import pyarrow as pa

    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    text = _arrow_strings(values)
    if text is None:
        return None
    bad = np.zeros(len(text), dtype=bool)
    chunks, trimmed, at = [], 0, 0
    for chunk in text.chunks:
        ids, n_trimmed = _trimmed_ids(chunk)
        bad[at : at + len(chunk)] = _bad_ids(chunk, ids)
        if chunk.null_count:  # missing cells become "", as in the object path
            ids = ids.fill_null(pa.scalar("", ids.type))
        chunks.append(ids)
        trimmed += n_trimmed
        at += len(chunk)
    cleaned = pa.chunked_array(chunks, type=text.type)
    ids = pd.Series(pd.array(cleaned, dtype=values.dtype), index=values.index, name=values.name)
    return ids, bad, trimmed


def _trimmed_ids(chunk) -> tuple[Any, int]:
    """An Arrow text chunk with spaces around its ids trimmed, and how many were trimmed.

    When every byte is printable ASCII other than the space (most id columns) nothing can be
    trimmed and the chunk is returned as it is: every Unicode space is a byte at or below
    0x20 or a multi-byte character (bytes of 0x80 and above).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_large_string(chunk.type) and not chunk.null_count:
        offsets, data = _string_bytes(chunk)
        used = data[offsets[0] : offsets[-1]]
        if not len(used) or (used.min() > 0x20 and used.max() < 0x7F):
            return chunk, 0
    stripped = pc.utf8_trim_whitespace(chunk)
    # trimming only removes characters: a cell was trimmed when its length changed
    changed = pc.not_equal(pc.binary_length(stripped), pc.binary_length(chunk))
    return stripped, int(pc.sum(changed).as_py() or 0)


def _bad_ids(chunk, ids) -> np.ndarray:
    """Mask of the missing cells of an Arrow text chunk and of its (trimmed) ``ids`` that
    spell a missing value (``NA``, ``null``, ``""``, ... in any case)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bad = pc.is_null(chunk).to_numpy(zero_copy_only=False)
    # null tokens are at most 4 characters: test only the short ids
    short = pc.fill_null(pc.less_equal(pc.utf8_length(ids), max(map(len, NULL_ID_STRINGS))), False)
    if pc.any(short).as_py():
        tokens = pa.array(sorted(NULL_ID_STRINGS), ids.type)
        null_token = pc.is_in(pc.utf8_lower(ids.filter(short)), value_set=tokens)
        bad[short.to_numpy(zero_copy_only=False)] |= null_token.to_numpy(zero_copy_only=False)
    return bad


def _string_bytes(chunk) -> tuple[np.ndarray, np.ndarray]:
    """The int64 offsets and the whole data buffer (UTF-8 bytes) of an Arrow large_string
    array, read in place: id ``i`` is ``data[offsets[i]:offsets[i + 1]]``."""
    _, offsets_buf, data_buf = chunk.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64, len(chunk) + 1, 8 * chunk.offset)
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    return offsets, data


_EMPTY_CELLS = ("", "nan", "none", "null", "na")  # read as a missing value (any case)


def _numeric(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse numbers. Returns (float values, empty mask, non-numeric mask)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        empty = np.isnan(arr)
        return arr, empty, np.zeros(len(arr), dtype=bool)
    fast = _numeric_arrow(values)
    if fast is not None:
        return fast
    s = values.astype(object).where(~pd.isna(values), "").astype(str).str.strip()
    empty = s.str.lower().isin(_EMPTY_CELLS).to_numpy()
    num = pd.to_numeric(s.where(~empty, None), errors="coerce").to_numpy(dtype=float)
    nonnum = np.isnan(num) & ~empty
    num = num.copy()
    num[np.isinf(num)] = np.nan
    return num, empty, nonnum | (np.isnan(num) & ~empty)


def _arrow_strings(values: pd.Series):
    """The Arrow string array behind an Arrow-backed text column (zero-copy, chunked), or
    None for anything else (object columns go the pandas way)."""
    import pyarrow as pa

    if values.dtype == object or not hasattr(values.array, "__arrow_array__") or not len(values):
        return None
    arr = pa.array(values.array)
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None


def _arrow_text(values: pd.Series):
    """``(trimmed text, empty mask)`` as Arrow arrays for an Arrow-backed text column
    (empty: blank, missing or a spelling of missing such as ``NA``), or None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow_strings(values)
    if arr is None:
        return None
    text = pc.utf8_trim_whitespace(arr)
    empty = pc.or_(
        pc.is_null(text),
        pc.fill_null(pc.is_in(pc.utf8_lower(text), value_set=pa.array(_EMPTY_CELLS)), True),
    )
    return pc.if_else(empty, pa.scalar(None, pa.string()), text), empty


def _text_cells(values: pd.Series) -> np.ndarray:
    """A text column of a file as an object array: blank or missing cells NaN, others kept
    as written (Arrow kernels for Arrow-backed columns: 6x faster at 10^6 rows).

    >>> _text_cells(pd.Series(["a", " ", None, " b "], dtype="str")).tolist()
    ['a', nan, nan, ' b ']
    """
    import pyarrow.compute as pc

    arr = _arrow_strings(values)
    if arr is not None:
        blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(arr), ""), True)
        out = arr.to_numpy(zero_copy_only=False).astype(object, copy=False)
        out[blank.to_numpy(zero_copy_only=False)] = np.nan
        return out
    v = values.astype(object).where(~pd.isna(values), "").astype(str)
    return v.where(v.str.strip() != "", None).to_numpy(dtype=object)


def _numeric_arrow(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`_numeric` in Arrow's C++ kernels for Arrow-backed text columns, or None.

    Used when every non-empty cell parses as a number (the common case, 10x faster on 10^6
    rows); any other column goes the pandas way, which names the bad cells.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = _arrow_text(values)
    if found is None:
        return None
    kept, empty = found
    try:
        num = pc.cast(kept, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    out = num.to_numpy(zero_copy_only=False).astype(float, copy=True)
    empty_mask = empty.to_numpy(zero_copy_only=False).astype(bool)
    out[np.isinf(out)] = np.nan
    return out, empty_mask, np.isnan(out) & ~empty_mask


def _timestamps_arrow(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`parse_timestamps` in Arrow for Arrow-backed text that is all ISO 8601 with a
    zone (``Z``, ``+02:00``) or all without one (read as UTC); None for anything else
    (numbers, mixed forms, bad cells), which goes the pandas way."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = _arrow_text(values)
    if found is None:
        return None
    kept, empty = found
    if not pc.any(pc.match_substring_regex(kept, r"^\d{4}-\d\d-\d\d")).as_py():
        return None  # numbers (unix seconds): _numeric's fast path handles those
    for unit in (pa.timestamp("ns", tz="UTC"), pa.timestamp("ns")):
        try:
            stamps = pc.cast(kept, unit)
            break
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    else:
        return None
    ns = pc.cast(pc.cast(stamps, pa.timestamp("ns")), pa.int64())
    out = ns.to_numpy(zero_copy_only=False).astype(float) / 1e9  # nulls become NaN
    return out, empty.to_numpy(zero_copy_only=False).astype(bool), np.zeros(len(out), bool)


#: ``d/m/yyyy``, ``m.d.yy``, ``d-m-yyyy``, with an optional time after it: day and month can
#: only be told apart when one of them is above 12.
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?:\s|T|$)")


def ambiguous_dates(values: pd.Series) -> np.ndarray:
    """Mask of the cells that are day/month dates which read two ways (``01/04/2026``: 1 April
    or 4 January); ``13/04/2026`` and ``04/04/2026`` are not ambiguous.

    >>> ambiguous_dates(pd.Series(["01/04/2026", "13/04/2026", "2026-04-01", None, "1"])).tolist()
    [True, False, False, False, False]
    """
    if not len(values) or pd.api.types.is_numeric_dtype(values):
        return np.zeros(len(values), dtype=bool)
    if pd.api.types.is_datetime64_any_dtype(values):
        return np.zeros(len(values), dtype=bool)
    arr = _arrow_strings(values)
    if arr is not None:
        import pyarrow.compute as pc

        # Arrow-backed text: only cells shaped like a day/month date go through the regex
        # (ISO timestamps never do; 1.5 x 10^6 of them took 3.5 s the pandas way)
        shaped = pc.fill_null(pc.match_substring_regex(arr, _DAY_MONTH.pattern), False)
        mask = shaped.to_numpy(zero_copy_only=False).astype(bool)
        out = np.zeros(len(values), dtype=bool)
        if mask.any():
            out[mask] = ambiguous_dates(
                pd.Series(np.asarray(values, dtype=object)[mask], dtype=object)
            )
        return out
    text = values.astype(object).where(~pd.isna(values), "").astype(str)
    parts = text.str.extract(_DAY_MONTH)
    a = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
    b = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
    return (a <= 12) & (b <= 12) & (a != b) & (a >= 1) & (b >= 1)


def parse_timestamps(
    values: pd.Series, *, date_format: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse unix seconds or ISO 8601 (mixed in one column is fine) to float unix seconds (UTC).

    Naive times are read as UTC. Returns (seconds, empty mask, unparseable mask).

    Parameters
    ----------
    values : Series
    date_format : str, optional
        A ``strftime`` format (``"%d/%m/%Y"``, ``"%m/%d/%Y %H:%M"``) for the cells that are
        neither numbers nor ISO 8601. Without it a day/month date that reads two ways
        (:func:`ambiguous_dates`) is never guessed: it counts as unparseable.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        ts = pd.to_datetime(values, utc=True)
        secs = (ts - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
        arr = secs.to_numpy(dtype=float, na_value=np.nan)
        return arr, np.isnan(arr), np.zeros(len(arr), dtype=bool)
    fast = _timestamps_arrow(values)
    if fast is not None:
        return fast
    num, empty, nonnum = _numeric(values)
    out = num.copy()
    if nonnum.any():
        s = values.astype(object).astype(str).str.strip()
        idx = np.flatnonzero(nonnum)
        sub = s.iloc[idx]
        parsed = pd.to_datetime(sub, format="ISO8601", utc=True, errors="coerce")
        if date_format is not None:
            given = pd.to_datetime(sub, format=date_format, utc=True, errors="coerce")
            parsed = given.where(given.notna(), parsed)
        if parsed.isna().any():  # e.g. mixed "2026-03-01" and "2026-03-01T10:00:00Z"
            bad_idx = np.flatnonzero(parsed.isna().to_numpy())
            for j in bad_idx.tolist():
                try:
                    parsed.iloc[j] = (
                        pd.Timestamp(sub.iloc[j]).tz_localize("UTC")
                        if pd.Timestamp(sub.iloc[j]).tzinfo is None
                        else pd.Timestamp(sub.iloc[j]).tz_convert("UTC")
                    )
                except (ValueError, TypeError, OverflowError):
                    pass
        secs = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
        out[idx] = secs.to_numpy(dtype=float, na_value=np.nan)
        if date_format is None:
            guessed = ambiguous_dates(sub)
            out[idx[guessed]] = np.nan  # 1 April or 4 January: never guessed
    unparseable = np.isnan(out) & ~empty
    return out, empty, unparseable
