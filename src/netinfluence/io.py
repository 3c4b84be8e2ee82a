"""Reading edge lists and user tables into validated, canonical tables.

Everything that touches an input file lives here. Every row that is merged, repaired or
dropped is counted in a :class:`~netinfluence.report.LoadReport`; every row that cannot be
understood raises :class:`~netinfluence.errors.InputError` naming the file, the 1-based data
row (and the line, where it is known) and the problem.

Conventions (see DESIGN.md):

- **follows** rows are ``follower, followed``: the follower sees the followed account's posts;
- **interactions** rows are ``source, target, type[, count][, timestamp]``: ``source`` engaged
  with ``target``'s content;
- **edges** rows are ``source, target[, weight]`` already in the influence direction
  (``source`` can influence ``target``), e.g. an influence-maximisation benchmark whose third
  column is a propagation probability;
- ids read from files are always strings and keep their spelling (``"007"`` stays ``"007"``).
"""

from __future__ import annotations

import bz2
import gzip
import io as _io
import lzma
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.report import LoadReport

__all__ = ["EDGE_KINDS", "NULL_ID_STRINGS", "read_edges", "read_users"]

EDGE_KINDS = ("follows", "interactions", "edges")

#: Strings that mean "no id" in platform exports; a row with such an id is a bad row.
NULL_ID_STRINGS = frozenset({"", "nan", "none", "null", "na", "n/a", "<na>", "nil", "#n/a"})

#: Accepted column names per role (compared case-insensitively, spaces and dashes as ``_``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "follower": ("follower", "follower_id", "from", "source", "src", "user", "user_id", "u"),
    "followed": ("followed", "followed_id", "to", "target", "dst", "friend", "friend_id", "v"),
    "source": ("source", "source_id", "src", "from", "actor", "sender", "user", "user_id", "u"),
    "target": ("target", "target_id", "dst", "to", "receiver", "recipient", "v"),
    "type": ("type", "interaction", "interaction_type", "kind", "action", "event"),
    "count": ("count", "weight", "n", "times", "w", "cnt"),
    "timestamp": ("timestamp", "time", "ts", "date", "datetime", "created_at", "t"),
    "weight": ("weight", "p", "prob", "probability", "w"),
    "id": ("id", "node", "node_id", "user", "user_id", "account", "account_id", "username"),
}

_KIND_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required roles, optional roles in positional order)
    "follows": (("follower", "followed"), ()),
    "interactions": (("source", "target"), ("type", "count", "timestamp")),
    "edges": (("source", "target"), ("weight",)),
}

#: User-table columns that must hold non-negative numbers.
NUMERIC_USER_COLUMNS = ("followers", "following", "posts", "likes", "comments", "shares", "views")

_ALL_NAMES = (
    frozenset(n for names in SYNONYMS.values() for n in names)
    | frozenset(NUMERIC_USER_COLUMNS)
    | {"handle", "topics", "name"}
)

_COMPRESSION = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".zip": "zip", ".xz": "xz"}

Source = str | os.PathLike | pd.DataFrame


# --------------------------------------------------------------------------- raw reading


@dataclass
class RawTable:
    """A table of strings read from one source, with what is known about its rows."""

    name: str
    frame: pd.DataFrame  # all str (files) or original dtypes (DataFrames)
    has_header: bool
    line_of_row: np.ndarray | None  # 1-based file line of each data row, where known
    from_file: bool
    notes: list[tuple[str, int, str]] = field(default_factory=list)  # (action, count, reason)

    def where(self, row_pos: int) -> dict[str, Any]:
        """``source``/``row`` keyword arguments for an InputError about data row ``row_pos``."""
        return {"source": self.name, "row": int(row_pos) + 1}

    def line_hint(self, row_pos: int) -> str:
        if self.line_of_row is None:
            return ""
        return f" (line {int(self.line_of_row[row_pos])})"


def _source_name(src: Source, what: str) -> str:
    if isinstance(src, pd.DataFrame):
        return src.attrs.get("name") or f"<{what} DataFrame>"
    return str(src)


def _read_bytes(path: Path) -> bytes:
    name = path.name.lower()
    suffix = Path(name).suffix
    comp = _COMPRESSION.get(suffix)
    try:
        if comp == "gzip":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        if comp == "bz2":
            with bz2.open(path, "rb") as fh:
                return fh.read()
        if comp == "xz":
            with lzma.open(path, "rb") as fh:
                return fh.read()
        if comp == "zip":
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if not m.endswith("/")]
                if len(members) != 1:
                    raise InputError(
                        f"a .zip input must hold exactly one file, found {len(members)}: "
                        f"{members[:5]}",
                        source=str(path),
                    )
                return zf.read(members[0])
        return path.read_bytes()
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        raise InputError(
            f"cannot read the file as {comp or 'plain'} data ({exc.__class__.__name__}: {exc})",
            source=str(path),
        ) from None


#: Bytes of memory a text table needs per byte of (uncompressed) file while it is read:
#: the raw bytes, the decoded text, the parsed string columns and the integer codes. Measured
#: on generated follows CSVs of 10^5-10^7 rows (peak RSS / file size between 6 and 9).
MEMORY_PER_INPUT_BYTE = 10.0


def available_memory() -> int | None:
    """Bytes of memory available to this process (MemAvailable, capped by a cgroup limit)."""
    avail = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        return None
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and avail is not None:
            avail = min(avail, int(text))
    return avail


def _uncompressed_size(path: Path) -> int:
    size = path.stat().st_size
    comp = _COMPRESSION.get(path.suffix.lower())
    if comp == "gzip":
        try:
            with open(path, "rb") as fh:
                fh.seek(-4, os.SEEK_END)
                isize = int.from_bytes(fh.read(4), "little")  # size mod 2**32
            return max(isize, 3 * size)
        except OSError:
            return 5 * size
    if comp in ("bz2", "xz", "zip"):
        return 6 * size
    return size


def check_memory_for(path: Path, *, factor: float = MEMORY_PER_INPUT_BYTE) -> None:
    """Fail early, with a clear message, when reading ``path`` would not fit in memory.

    Better an :class:`InputError` now than the operating system killing the process later.
    """
    avail = available_memory()
    if avail is None:
        return
    need = _uncompressed_size(path) * factor
    if need > avail:
        raise InputError(
            f"reading this file needs about {need / 2**30:.1f} GiB of memory but only "
            f"{avail / 2**30:.1f} GiB is available; split the file, convert it to Parquet, or "
            "use the Spark engine (netinfluence.spark) for inputs of this size",
            source=str(path),
        )


def _inner_suffix(path: Path) -> str:
    """The format suffix under any compression suffix: ``a.tsv.gz`` -> ``.tsv``."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return control / len(head) > 0.05


def _decode(raw: bytes, name: str) -> tuple[str, int]:
    """Decode as UTF-8 (BOM removed); lines that are not UTF-8 are read as Windows-1252/Latin-1.

    Returns the text and how many lines needed the fallback.
    """
    try:
        return raw.decode("utf-8-sig"), 0
    except UnicodeDecodeError:
        pass
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    repaired = 0
    out = []
    for line in raw.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            repaired += 1
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
    return "\n".join(out), repaired


_COMMENT_OR_BLANK = re.compile(r"(?m)^[ \t]*(?:[#%].*)?$")


def _split_records(text: str) -> tuple[list[str], list[int]]:
    """Split text into records (quoted fields may span lines), dropping comment and blank lines.

    Returns the records and the 1-based file line where each starts.
    """
    records: list[str] = []
    lines_at: list[int] = []
    pending: list[str] = []
    start = 0
    quotes = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not pending:
            stripped = line.strip()
            if not stripped or stripped[0] in "#%":
                continue
            start = lineno
        pending.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            records.append("\n".join(pending))
            lines_at.append(start)
            pending = []
            quotes = 0
    if pending:
        raise InputError(f"a quoted field opened on line {start} is never closed (unbalanced '\"')")
    return records, lines_at


def _sniff_sep(first_record: str, suffix: str) -> str | None:
    """Pick the delimiter from the file suffix and the first record; None means whitespace."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    if "\t" in first_record:
        return "\t"
    for sep in (",", ";", "|"):
        if sep in first_record:
            return sep
    return None


def read_table(
    src: Source,
    *,
    what: str = "table",
    sep: str | None = None,
    header: bool | str = "auto",
    skip_rows: int = 0,
) -> RawTable:
    """Read a delimited text, compressed text or Parquet file into a table of strings.

    ``header="auto"`` treats the first record as a header when one of its fields is a known
    column name (``follower``, ``source``, ``id``, ``type``, ...). ``skip_rows`` skips that many
    records before the header/data (e.g. the ``"15233 58891"`` count line of NetHEPT).
    """
    if isinstance(src, pd.DataFrame):
        frame = src.reset_index(drop=True)
        return RawTable(_source_name(src, what), frame, True, None, from_file=False)
    if not isinstance(src, (str, os.PathLike)):
        raise InputError(
            f"expected a file path or a pandas DataFrame for {what}, got {type(src).__name__}"
        )
    path = Path(src)
    name = str(src)
    if not path.exists():
        raise InputError(f"file not found ({what})", source=name)
    if path.is_dir():
        raise InputError(f"expected a file for {what}, found a directory", source=name)
    suffix = _inner_suffix(path)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path, name, what)

    check_memory_for(path)
    raw = _read_bytes(path)
    if _looks_binary(raw[:65536]):
        raise InputError(
            f"this looks like a binary file, not a text table of {what} "
            "(expected CSV, TSV, whitespace-separated text or Parquet)",
            source=name,
        )
    fast = _read_fast(raw, name, sep=sep, suffix=suffix, header=header, skip_rows=skip_rows)
    if fast is not None:
        return fast
    text, repaired = _decode(raw, name)
    del raw
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"the file is empty (no {what} rows)", source=name)

    notes: list[tuple[str, int, str]] = []
    if repaired:
        notes.append(("repaired", repaired, "lines not UTF-8, read as Windows-1252/Latin-1"))

    simple = '"' not in text and not _has_comment_or_blank(text)
    if simple:
        body = text.rstrip("\n")
        first_nl = body.find("\n")
        first = body if first_nl < 0 else body[:first_nl]
        line_offset = 0
    else:
        try:
            records, lines_at = _split_records(text)
        except InputError as exc:
            raise InputError(exc.problem, source=name) from None
        if not records:
            raise InputError(
                f"the file has only comments or blank lines (no {what} rows)", source=name
            )
        first = records[0]

    if skip_rows:
        if simple:
            parts = body.split("\n", skip_rows)
            body = parts[skip_rows] if len(parts) > skip_rows else ""
            line_offset = skip_rows
            first = body.split("\n", 1)[0]
        else:
            records, lines_at = records[skip_rows:], lines_at[skip_rows:]
            first = records[0] if records else ""
        notes.append(
            ("skipped", skip_rows, f"leading line(s) skipped as asked (skip_rows={skip_rows})")
        )
        if not first:
            raise InputError(f"nothing left after skipping {skip_rows} row(s)", source=name)

    delimiter = sep if sep is not None else _sniff_sep(first, suffix)
    payload = body if simple else "\n".join(records)
    try:
        frame = pd.read_csv(
            _io.StringIO(payload),
            sep=delimiter if delimiter is not None else r"\s+",
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=delimiter is not None,
            quotechar='"',
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise InputError(
            _parser_message(
                str(exc), line_offset if simple else None, None if simple else lines_at
            ),
            source=name,
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"the file is empty (no {what} rows)", source=name) from None
    del payload

    if simple:
        line_of_row = np.arange(1, len(frame) + 1, dtype=np.int64) + line_offset
    else:
        line_of_row = np.asarray(lines_at, dtype=np.int64)
        if len(line_of_row) != len(frame):  # pragma: no cover - defensive
            line_of_row = None

    if header == "auto":
        has_header = _guess_header(frame, delimiter)
    else:
        has_header = bool(header)
    if has_header:
        cols = [str(c).strip() for c in frame.iloc[0].tolist()]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = _dedupe_names(cols)
        if line_of_row is not None:
            line_of_row = line_of_row[1:]
    else:
        frame.columns = [f"column_{i + 1}" for i in range(frame.shape[1])]
    return RawTable(name, frame, has_header, line_of_row, from_file=True, notes=notes)


def _guess_header(frame: pd.DataFrame, delimiter: str | None) -> bool:
    """Is the first row a header? Yes if it holds a known column name; for delimited files
    (not whitespace SNAP lists) also when its first two values are text seen nowhere else in
    those columns, so a header with unknown names is never read as an edge."""
    if not len(frame):
        return False
    first = frame.iloc[0].tolist()
    if any(_norm(v) in _ALL_NAMES for v in first):
        return True
    if delimiter is None or len(frame) < 2:
        return False
    head = [str(v) for v in first[:2]]
    if any(_looks_numeric(v) for v in head):
        return False
    rest = frame.iloc[1:, : min(2, frame.shape[1])]
    return not any(bool(rest[c].isin(head).any()) for c in rest.columns)


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def _read_fast(raw: bytes, name: str, *, sep, suffix, header, skip_rows) -> RawTable | None:
    """Parse a plain table with Arrow's multi-threaded CSV reader, or return None.

    Used for the common case: UTF-8, no quotes, no carriage returns, no blank lines, comment
    lines only at the top (SNAP), one delimiter character. Anything else, and any parse error,
    falls back to the careful reader, which gives the exact line of a problem. Columns stay
    Arrow strings (no Python object per row).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if len(raw) < (1 << 20) or b'"' in raw or b"\r" in raw:
        return None  # small files: the careful path costs nothing
    body = raw.rstrip(b"\n")
    if raw.startswith(b"\xef\xbb\xbf"):
        return None
    lead = 0  # leading comment lines (SNAP headers)
    pos = 0
    while body[pos:pos + 1] in (b"#", b"%"):
        nl = body.find(b"\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
        lead += 1
    body = body[pos:]
    if b"\n\n" in body or b"\n#" in body or b"\n%" in body or not body:
        return None
    first_nl = body.find(b"\n")
    try:
        first = (body if first_nl < 0 else body[:first_nl]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = sep if sep is not None else _sniff_sep(first, suffix)
    if delimiter is None:
        if b"  " in body or b"\t" in body or b" \n" in body or b"\n " in body or \
                first.startswith(" "):
            return None
        delimiter = " "
    if len(delimiter) != 1:
        return None
    ncols = len(first.split(delimiter))
    names = [f"column_{i + 1}" for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_rows),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False,
                                             double_quote=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names}, strings_can_be_null=False,
                null_values=[]),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    frame = table.to_pandas()
    del table
    notes: list[tuple[str, int, str]] = []
    if skip_rows:
        notes.append(("skipped", skip_rows,
                      f"leading line(s) skipped as asked (skip_rows={skip_rows})"))
    if not len(frame):
        return None
    line_of_row = np.arange(1, len(frame) + 1, dtype=np.int64) + lead + skip_rows
    has_header = _guess_header(frame, delimiter if delimiter != " " else None) if \
        header == "auto" else bool(header)
    if has_header:
        cols = [str(c).strip() for c in frame.iloc[0].tolist()]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = _dedupe_names(cols)
        line_of_row = line_of_row[1:]
    return RawTable(name, frame, has_header, line_of_row, from_file=True, notes=notes)


def _has_comment_or_blank(text: str) -> bool:
    body = text.rstrip("\n")
    return bool(re.search(r"(?m)^[ \t]*(?:[#%]|$)", body))


def _parser_message(msg: str, offset: int | None, lines_at: list[int] | None) -> str:
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
    if not m:
        return f"cannot parse the table: {msg.strip()}"
    expected, rec, saw = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if lines_at is not None and 0 < rec <= len(lines_at):
        line = lines_at[rec - 1]
    else:
        line = rec + (offset or 0)
    hint = ""
    if rec == 2 and saw > expected:
        hint = ("; if line 1 is a count header (like NetHEPT's 'nodes edges'), skip it with "
                "skip_rows=1 (CLI: --skip-rows 1)")
    return (
        f"line {line} has {saw} fields where the first line has {expected}; check the delimiter "
        f"and quoting (fields holding the delimiter must be quoted){hint}"
    )


def _read_parquet(path: Path, name: str, what: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        # dictionary-encoded columns (pandas categoricals, Spark) are decoded to their plain
        # type: text ids then take the same vectorised Arrow path as CSV columns instead of
        # 10^7 Python strings (22.6 -> 9.5 s loading the 10^7 benchmark); pandas metadata kept
        schema = pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type)
                            else f for f in table.schema], metadata=table.schema.metadata)
        frame = table.cast(schema).to_pandas()
        del table
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(
            f"cannot read the Parquet file ({exc.__class__.__name__}: {exc})", source=name
        ) from None
    if frame.empty and not len(frame.columns):
        raise InputError(f"the file is empty (no {what} rows)", source=name)
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return RawTable(name, frame, True, None, from_file=True)


def _dedupe_names(cols: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        c = c or "unnamed"
        if c in seen:
            seen[c] += 1
            out.append(f"{c}.{seen[c]}")
        else:
            seen[c] = 0
            out.append(c)
    return out


def _norm(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


# --------------------------------------------------------------------------- column roles


def _resolve_columns(
    raw: RawTable,
    required: Sequence[str],
    optional: Sequence[str],
    columns: Mapping[str, Any] | Sequence[str] | None,
    what: str,
) -> dict[str, str]:
    """Map each role to a column of ``raw.frame``; raise naming the columns found."""
    cols = list(raw.frame.columns)
    roles = tuple(required) + tuple(optional)
    mapping: dict[str, str] = {}
    if columns is not None:
        if isinstance(columns, Mapping):
            items = list(columns.items())
        else:
            items = [(role, i) for i, role in enumerate(columns) if role]
        for role, col in items:
            if role not in roles:
                raise InputError(
                    f"unknown column role {role!r} for {what}; expected one of {list(roles)}",
                    source=raw.name,
                )
            if isinstance(col, (int, np.integer)) and not isinstance(col, bool):
                if not 0 <= int(col) < len(cols):
                    raise InputError(
                        f"column position {col} for {role!r} is out of range: the file has "
                        f"{len(cols)} column(s) {cols}",
                        source=raw.name,
                    )
                mapping[role] = cols[int(col)]
            else:
                match = [c for c in cols if c == col] or [c for c in cols if _norm(c) == _norm(col)]
                if not match:
                    raise InputError(
                        f"column {col!r} (for {role!r}) not found; columns found: {cols}",
                        source=raw.name,
                    )
                mapping[role] = match[0]
        missing = [r for r in required if r not in mapping]
        if missing and not raw.has_header:
            free = [c for c in cols if c not in mapping.values()]
            for role, col in zip(missing, free, strict=False):
                mapping[role] = col
        missing = [r for r in required if r not in mapping]
        if missing:
            raise InputError(
                f"no column given for {missing}; columns found: {cols}", source=raw.name
            )
        return mapping

    if raw.has_header:
        normed = {c: _norm(c) for c in cols}
        taken: set[str] = set()
        for role in roles:
            for syn in SYNONYMS[role]:
                hit = next((c for c in cols if normed[c] == syn and c not in taken), None)
                if hit is not None:
                    mapping[role] = hit
                    taken.add(hit)
                    break
        missing = [r for r in required if r not in mapping]
        if missing:
            expected = " / ".join("(" + ", ".join(SYNONYMS[r][:3]) + ")" for r in required)
            raise InputError(
                f"no usable columns for {what}: expected {expected}, found {cols}; "
                "name the columns with columns=... (CLI: --columns 'follower=a,followed=b')",
                source=raw.name,
            )
        return mapping

    # No header: required roles by position, then optional roles in order.
    if len(cols) < len(required):
        raise InputError(
            f"expected at least {len(required)} columns for {what} "
            f"({', '.join(required)}), found {len(cols)}; check the delimiter",
            source=raw.name,
        )
    for role, col in zip(required, cols, strict=False):
        mapping[role] = col
    rest = cols[len(required) :]
    if optional == ("type", "count", "timestamp"):
        # Headerless interaction lists are SNAP style ``u v w``: the third column is a count.
        if rest:
            mapping["count"] = rest[0]
    else:
        for role, col in zip(optional, rest, strict=False):
            mapping[role] = col
    return mapping


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
    if from_file and isinstance(values.dtype, pd.StringDtype):
        # Arrow-backed strings from the fast reader: vectorised, no Python object per row
        stripped = values.str.strip()
        trimmed = int((stripped != values).sum())
        # null tokens are at most 4 characters: test only the short ids
        short = (stripped.str.len() <= max(map(len, NULL_ID_STRINGS))).to_numpy(
            dtype=bool, na_value=True)
        bad = np.zeros(len(values), dtype=bool)
        if short.any():
            bad[short] = stripped[short].str.lower().isin(NULL_ID_STRINGS).to_numpy(
                dtype=bool, na_value=True)
        return stripped, bad, trimmed
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

    if values.dtype == object or not hasattr(values.array, "__arrow_array__") or not len(
            values):
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
    empty = pc.or_(pc.is_null(text), pc.fill_null(
        pc.is_in(pc.utf8_lower(text), value_set=pa.array(_EMPTY_CELLS)), True))
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


def parse_timestamps(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse unix seconds or ISO 8601 (mixed in one column is fine) to float unix seconds (UTC).

    Naive ISO times are read as UTC. Returns (seconds, empty mask, unparseable mask).
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
        if parsed.isna().any():  # e.g. mixed "2026-03-01" and "2026-03-01T10:00:00Z"
            bad_idx = np.flatnonzero(parsed.isna().to_numpy())
            for j in bad_idx:
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
    unparseable = np.isnan(out) & ~empty
    return out, empty, unparseable


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
                report.add(raw.name, "dropped", int(zero.sum()),
                           "count of 0, no interaction (accounts kept)")
            out["count"] = num
        else:
            out["count"] = np.ones(len(frame))
            zero = np.zeros(len(frame), dtype=bool)
        if "timestamp" in mapping:
            secs, _, unparseable = parse_timestamps(frame[mapping["timestamp"]])
            bad.flag(
                unparseable,
                "unparseable timestamp (expected unix seconds or ISO 8601)",
                frame[mapping["timestamp"]],
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
        {k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
         for k, v in out.items()}
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


# --------------------------------------------------------------------------- graph files

GRAPH_SUFFIXES = (".gml", ".graphml", ".xml")


def is_graph_file(src: Source) -> bool:
    """True for GML/GraphML paths (read by :func:`read_graph_file`, not as edge lists)."""
    return not isinstance(src, pd.DataFrame) and _inner_suffix(Path(src)) in GRAPH_SUFFIXES


def read_graph_file(src: str | os.PathLike):
    """Read a GML or GraphML file into a networkx graph, safely.

    Nothing in the file is evaluated: GML values stay literal strings and numbers, and
    GraphML files that declare a DTD or entities are refused (no entity expansion).

    Raises
    ------
    InputError
        Missing file, unsafe XML, or a file networkx cannot parse (its message is quoted).
    """
    import networkx as nx

    path = Path(src)
    name = str(src)
    if not path.exists():
        raise InputError("file not found (graph)", source=name)
    raw = _read_bytes(path)
    if _looks_binary(raw[:65536]):
        raise InputError("this looks like a binary file, not a GML/GraphML graph", source=name)
    text, _ = _decode(raw, name)
    suffix = _inner_suffix(path)
    try:
        if suffix == ".gml":
            # label="id" keeps the numeric/str ids of the file (labels stay node attributes)
            return nx.parse_gml(text.splitlines(), label="id")
        upper = text[:65536].upper()
        if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
            raise InputError(
                "GraphML with a DTD/entity declaration is refused (no entity "
                "expansion); remove the <!DOCTYPE ...> block",
                source=name,
            )
        return nx.parse_graphml(text)
    except InputError:
        raise
    except Exception as exc:  # networkx raises NetworkXError, ValueError, ParseError, ...
        raise InputError(f"cannot parse the graph file: {exc}", source=name) from None


# --------------------------------------------------------------------------- writing

TABLE_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with ``'``.

    Only text cells change (numbers such as ``-3`` stay numbers); ``@maya`` becomes ``'@maya``.

    Examples
    --------
    >>> escape_formulas(pd.DataFrame({"h": ["=1+1", "@ana", "ok"]}))["h"].tolist()
    ["'=1+1", "'@ana", 'ok']
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            # vectorised: non-text cells give NaN from .str and are left alone
            risky = s.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                s = s.astype(object)
                s[risky] = "'" + s[risky].astype(str)
            out[col] = s.astype(object)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = pd.Index(
            [
                ("'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
                for v in out.index
            ],
            name=out.index.name,
            dtype=object,
        )
    return out


def atomic_path(path: str | os.PathLike):
    """Context manager yielding a temporary path beside ``path``; renamed into place on success.

    A crash or an error inside the block removes the temporary file, so ``path`` is either the
    old file, the complete new file, or absent — never half-written.
    """
    import contextlib
    import tempfile

    @contextlib.contextmanager
    def _cm():
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
        try:
            yield Path(tmp)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    return _cm()


def table_format(path: str | os.PathLike) -> str:
    """The output format named by a file's extension; InputError for unknown ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise InputError(
            f"cannot tell the output format from {str(path)!r}: use one of {sorted(TABLE_FORMATS)}"
        )
    return TABLE_FORMATS[suffix]


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    *,
    index: bool = False,
    sheets: Mapping[str, pd.DataFrame] | None = None,
    escape: bool = True,
) -> Path:
    """Write a table atomically in the format named by the extension.

    ``.csv``/``.tsv`` (UTF-8, ``\\n``), ``.xlsx`` (frozen header, fitted widths, autofilter;
    ``sheets`` adds further sheets such as the load report), ``.json`` (records) or
    ``.parquet``. Text cells that start with ``= + - @`` can never run as formulas: in CSV they
    get a leading ``'`` (the OWASP rule for CSV injection), in XLSX they are stored as text
    cells with Excel's quote prefix, so the visible text is unchanged (``escape=False`` turns
    both off).
    """
    fmt = table_format(path)
    data = frame.reset_index() if index else frame
    with atomic_path(path) as tmp:
        if fmt in ("csv", "tsv"):
            out = escape_formulas(data) if escape else data
            _write_delimited(out, tmp, sep="," if fmt == "csv" else "\t")
        elif fmt == "json":
            data.to_json(tmp, orient="records", force_ascii=False, indent=1, double_precision=10)
        elif fmt == "parquet":
            data.to_parquet(tmp, index=False)
        else:
            _write_xlsx(data, tmp, sheets or {}, escape=escape)
    return Path(path)


_CSV_BATCH_ROWS = 1 << 17  # rows converted to Arrow at a time: bounds the writer's memory


def _write_delimited(frame: pd.DataFrame, path: Path, *, sep: str) -> None:
    """CSV/TSV through Arrow's C++ writer (about 10x faster than ``DataFrame.to_csv`` on
    10^6-row ranked tables), a batch of rows at a time: UTF-8, ``\\n`` line ends, text
    quoted, missing values empty."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    frame = frame.copy(deep=False)
    frame.attrs = {}  # Arrow would try to store them as schema metadata
    frame.columns = [str(c) for c in frame.columns]
    for col in frame.columns:
        s = frame[col]
        if s.dtype == object:
            # mixed cells (ids of several types, lists) become their text; missing stays empty
            if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
                frame[col] = s.map(lambda v: v if v is None or isinstance(v, str)
                                   or (isinstance(v, float) and np.isnan(v)) else str(v))
        elif isinstance(s.dtype, pd.CategoricalDtype):
            frame[col] = s.astype(object)
    schema = pa.Schema.from_pandas(frame.head(0), preserve_index=False)
    # every object column now holds text or nothing: an empty head infers "null" for it
    schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                        for f in schema]).remove_metadata()
    options = pacsv.WriteOptions(delimiter=sep, quoting_style="needed")
    with open(path, "wb") as fh, pacsv.CSVWriter(fh, schema, write_options=options) as out:
        for start in range(0, max(len(frame), 1), _CSV_BATCH_ROWS):
            part = frame.iloc[start:start + _CSV_BATCH_ROWS]
            out.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


def _write_xlsx(
    frame: pd.DataFrame, path: Path, sheets: Mapping[str, pd.DataFrame], *, escape: bool
) -> None:
    from netinfluence.errors import require

    require("openpyxl", extra="excel", purpose="writing .xlsx files")
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    all_sheets = {"candidates" if "rank" in frame.columns else "table": frame, **dict(sheets)}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, df in all_sheets.items():
            df.to_excel(writer, sheet_name=sheet[:31], index=False)
            ws = writer.sheets[sheet[:31]]
            if escape:
                # openpyxl turns any text starting with "=" into a formula: store such cells
                # (and other formula-like text) as plain text, shown exactly as written
                for row in ws.iter_rows(min_row=2):
                    for cell in row:
                        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                            cell.data_type = "s"
                            cell.quotePrefix = True
            ws.freeze_panes = "A2"
            if ws.max_row > 1 and ws.max_column:
                ws.auto_filter.ref = ws.dimensions
            for cell in ws[1]:
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = PatternFill("solid", fgColor="3B4A6B")
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            for j, col in enumerate(df.columns, start=1):
                values = df[col].head(200).astype(str).tolist()
                longest = (
                    max([len(str(col))] + [len(str(v)) for v in values]) if values else len(str(col))
                )
                ws.column_dimensions[get_column_letter(j)].width = min(max(8, longest + 2), 80)
                if pd.api.types.is_float_dtype(df[col]):
                    for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        for cell in row:
                            cell.number_format = "0.000"


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


def write_graph(graph, path: str | os.PathLike) -> Path:
    """Write a networkx graph as GEXF or GraphML (by extension), atomically.

    Missing attribute values are left out (Gephi shows them as empty) instead of as ``nan``.
    """
    import networkx as nx

    suffix = Path(path).suffix.lower()
    if suffix not in (".gexf", ".graphml"):
        raise InputError(f"graph export needs a .gexf or .graphml file name, got {str(path)!r}")
    with atomic_path(path) as tmp:
        if suffix == ".gexf":
            nx.write_gexf(graph, tmp)
        else:
            nx.write_graphml(graph, tmp)
    return Path(path)
