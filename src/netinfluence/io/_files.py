"""Raw reading: open, decompress, decode and split a table file into string columns."""

from __future__ import annotations

import bz2
import gzip
import io as _io
import lzma
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._columns import _ALL_NAMES, _norm

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


#: Control bytes that text tables do not hold (tab, newline, form feed and CR excepted).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))  # C loop, not Python
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
    if raw.startswith(b"\xef\xbb\xbf"):
        return None
    # the table is raw[pos:end], searched in place: slicing a large file would copy it
    end = len(raw)
    while end and raw[end - 1] == ord("\n"):
        end -= 1
    lead = 0  # leading comment lines (SNAP headers)
    pos = 0
    while pos < end and raw[pos : pos + 1] in (b"#", b"%"):
        nl = raw.find(b"\n", pos, end)
        if nl < 0:
            return None
        pos = nl + 1
        lead += 1
    if pos >= end or _has_blank_or_comment_line(raw, pos, end):
        return None
    first_nl = raw.find(b"\n", pos, end)
    try:
        first = raw[pos : end if first_nl < 0 else first_nl].decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = sep if sep is not None else _sniff_sep(first, suffix)
    if delimiter is None:
        if any(
            raw.find(gap, pos, end) >= 0 for gap in (b"  ", b"\t", b" \n", b"\n ")
        ) or first.startswith(" "):
            return None
        delimiter = " "
    if len(delimiter) != 1:
        return None
    ncols = len(first.split(delimiter))
    names = [f"column_{i + 1}" for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw).slice(pos, end - pos),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_rows),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                # pandas keeps text as large_string: read it so, and to_pandas copies nothing
                column_types={c: pa.large_string() for c in names},
                strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    frame = table.to_pandas()
    del table
    notes: list[tuple[str, int, str]] = []
    if skip_rows:
        notes.append(
            ("skipped", skip_rows, f"leading line(s) skipped as asked (skip_rows={skip_rows})")
        )
    if not len(frame):
        return None
    line_of_row = np.arange(1, len(frame) + 1, dtype=np.int64) + lead + skip_rows
    has_header = (
        _guess_header(frame, delimiter if delimiter != " " else None)
        if header == "auto"
        else bool(header)
    )
    if has_header:
        cols = [str(c).strip() for c in frame.iloc[0].tolist()]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = _dedupe_names(cols)
        line_of_row = line_of_row[1:]
    return RawTable(name, frame, has_header, line_of_row, from_file=True, notes=notes)


def _has_blank_or_comment_line(raw: bytes, start: int, end: int) -> bool:
    """Whether a line after the first of ``raw[start:end]`` is blank or a ``#``/``%`` comment.

    Each two-byte search scans the whole file; ``#`` and ``%`` are rare in tables, so the
    one-byte search (much faster) usually settles that no line starts with them.
    """
    if raw.find(b"\n\n", start, end) >= 0:
        return True
    return any(
        raw.find(mark, start, end) >= 0 and raw.find(b"\n" + mark, start, end) >= 0
        for mark in (b"#", b"%")
    )


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
        hint = (
            "; if line 1 is a count header (like NetHEPT's 'nodes edges'), skip it with "
            "skip_rows=1 (CLI: --skip-rows 1)"
        )
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
        # 10^7 Python strings (design-measurements.md); pandas metadata kept
        schema = pa.schema(
            [
                f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                for f in table.schema
            ],
            metadata=table.schema.metadata,
        )
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
