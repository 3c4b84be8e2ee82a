"""Writing tables and graphs atomically, safe to open in a spreadsheet."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netinfluence.errors import InputError, require

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

#: How CSV/TSV text cells that a spreadsheet would run as formulas are written: ``formulas``
#: (default) prefixes them with ``'``; ``none`` writes every cell as it is, for programs
#: (pandas, R) that read the file back. XLSX keeps the text as it is either way.
CSV_ESCAPES = ("formulas", "none")

_CSV_ESCAPE: ContextVar[str | None] = ContextVar("netinfluence_csv_escape", default=None)


@contextlib.contextmanager
def csv_escape(mode: str) -> Iterator[str]:
    """Within the block, :func:`write_table` escapes CSV/TSV formulas as ``mode`` says
    (``"formulas"`` or ``"none"``) unless told otherwise, and :func:`write_meta` records it
    among the parameters. The CLI's ``--csv-escape`` sets it for one command.

    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> with csv_escape("none"):
    ...     _ = write_table(pd.DataFrame({"handle": ["@ana"]}), path)
    >>> path.read_text().split()
    ['"handle"', '"@ana"']
    """
    mode = check_csv_escape(mode)
    token = _CSV_ESCAPE.set(mode)
    try:
        yield mode
    finally:
        _CSV_ESCAPE.reset(token)


def check_csv_escape(mode: str) -> str:
    """``mode`` normalised, or an :class:`InputError` naming the choices."""
    value = str(mode).strip().lower()
    if value not in CSV_ESCAPES:
        raise InputError(f"csv escape must be one of {list(CSV_ESCAPES)}, got {mode!r}")
    return value


def current_csv_escape() -> str | None:
    """The mode set by an enclosing :func:`csv_escape` block, or None (the default rule)."""
    return _CSV_ESCAPE.get()


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
        if _is_text(out[col]):
            out[col] = _escape_cells(out[col])
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


def _is_text(values: pd.Series) -> bool:
    """Whether :func:`escape_formulas` looks at a column's cells (text, objects, categories)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values)


def _escape_cells(values: pd.Series) -> pd.Series:
    """A text column as objects, with the formula-like text cells prefixed with ``'``."""
    # vectorised: non-text cells give NaN from .str and are left alone
    risky = values.str.startswith(_FORMULA_START).fillna(False).astype(bool)
    out = values.astype(object)
    if risky.any():
        out[risky] = "'" + out[risky].astype(str)
    return out


def _escape_arrow(text):
    """:func:`_escape_cells` on an Arrow string array, in Arrow (no Python object per cell)."""
    import functools

    import pyarrow as pa
    import pyarrow.compute as pc

    starts = [pc.starts_with(text, prefix) for prefix in _FORMULA_START]
    risky = pc.fill_null(functools.reduce(pc.or_, starts), False)
    if not pc.any(risky).as_py():
        return text
    quote, nothing = pa.scalar("'", text.type), pa.scalar("", text.type)
    quoted = pc.binary_join_element_wise(quote, text, nothing)
    return pc.if_else(risky, quoted, text)


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
    escape: bool | None = None,
) -> Path:
    """Write a table atomically in the format named by the extension.

    ``.csv``/``.tsv`` (UTF-8, ``\\n``), ``.xlsx`` (frozen header, fitted widths, autofilter;
    ``sheets`` adds further sheets such as the load report), ``.json`` (records) or
    ``.parquet``. Text cells that start with ``= + - @`` can never run as formulas: in CSV they
    get a leading ``'`` (the OWASP rule for CSV injection), in XLSX they are stored as text
    cells with Excel's quote prefix, so the visible text is unchanged (``escape=False`` turns
    both off; the default ``None`` escapes unless an enclosing :func:`csv_escape` block says
    ``"none"``, which leaves XLSX safe since its visible text never changes). JSON and Parquet
    are never escaped: they are read by programs, not spreadsheets.

    In XLSX, whole-number columns (followers, cost, coreness) get an integer number format,
    other decimals three places, the ``why`` column wraps, and an empty ``flags`` cell reads
    ``none`` (in CSV it stays empty, a missing value for programs).
    """
    fmt = table_format(path)
    data = frame.reset_index() if index else frame
    if escape is None:
        csv_escapes = current_csv_escape() != "none"
        escape = csv_escapes if fmt in ("csv", "tsv") else True
    with atomic_path(path) as tmp:
        if fmt in ("csv", "tsv"):
            _write_delimited(data, tmp, sep="," if fmt == "csv" else "\t", escape=escape)
        elif fmt == "json":
            data.to_json(tmp, orient="records", force_ascii=False, indent=1, double_precision=10)
        elif fmt == "parquet":
            data.to_parquet(tmp, index=False)
        else:
            _write_xlsx(data, tmp, sheets or {}, escape=escape)
    return Path(path)


_CSV_BATCH_ROWS = 1 << 15  # rows formatted at a time, by one thread: bounds the memory


def _write_delimited(frame: pd.DataFrame, path: Path, *, sep: str, escape: bool = False) -> None:
    """CSV/TSV through Arrow's C++ writer (about 10x faster than ``DataFrame.to_csv`` on
    10^6-row ranked tables): UTF-8, ``\\n`` line ends, text quoted, missing values empty.
    ``escape`` applies :func:`escape_formulas` to the text cells.

    Formatting the numbers is most of the work and Arrow does it without the GIL, so batches
    of rows are formatted on worker threads and written in order: the bytes of one writer.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from netinfluence._threads import threaded_map

    table = _csv_table(frame, escape=escape)

    def text(rows, header: bool = False):
        options = pacsv.WriteOptions(delimiter=sep, quoting_style="needed", include_header=header)
        sink = pa.BufferOutputStream()
        pacsv.write_csv(rows, sink, write_options=options)
        return sink.getvalue()

    batches = [
        table.slice(start, _CSV_BATCH_ROWS) for start in range(0, len(table), _CSV_BATCH_ROWS)
    ]
    with open(path, "wb") as fh:
        fh.write(text(table.slice(0, 0), header=True))
        for chunk in threaded_map(text, batches):
            fh.write(chunk)


def _csv_table(frame: pd.DataFrame, *, escape: bool):
    """``frame`` as an Arrow table for the CSV writer: mixed object columns as their text,
    categoricals as their values, and with ``escape`` the formula-like text cells prefixed as
    by :func:`escape_formulas` (in Arrow for Arrow-backed text: no Python object per cell)."""
    import pyarrow as pa

    from netinfluence.io._clean import _arrow_strings

    frame = frame.copy(deep=False)
    frame.attrs = {}  # Arrow would try to store them as schema metadata
    frame.columns = [str(c) for c in frame.columns]
    escaped: dict[int, Any] = {}  # position -> Arrow column with its cells escaped
    for i in range(frame.shape[1]):
        s = frame.iloc[:, i]
        if escape and _is_text(s):
            text = _arrow_strings(s)
            if text is not None:
                escaped[i] = _escape_arrow(text)
                continue
            s = _escape_cells(s)
        frame.isetitem(i, _csv_values(s).array)
    schema = pa.Schema.from_pandas(frame.head(0), preserve_index=False)
    # every object column now holds text or nothing: an empty head infers "null" for it
    schema = pa.schema(
        [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema]
    ).remove_metadata()
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    for i, column in escaped.items():
        table = table.set_column(i, schema.field(i).with_type(column.type), column)
    return table


def _csv_values(values: pd.Series) -> pd.Series:
    """A column as the CSV writer takes it: cells of mixed object columns (ids of several
    types, lists) as their text, missing ones kept missing; categoricals as their values."""
    if values.dtype == object:
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            return values.map(
                lambda v: (
                    v
                    if v is None or isinstance(v, str) or (isinstance(v, float) and np.isnan(v))
                    else str(v)
                )
            )
    elif isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype(object)
    return values


def _write_xlsx(
    frame: pd.DataFrame, path: Path, sheets: Mapping[str, pd.DataFrame], *, escape: bool
) -> None:

    require("openpyxl", extra="excel", purpose="writing .xlsx files")
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if "flags" in frame.columns:  # "no flag applies", said in words for a reader
        flags = frame["flags"].astype(object)
        blank = flags.isna() | (flags.astype(str).str.strip() == "")
        frame = frame.assign(flags=flags.where(~blank, "none"))
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
                    max([len(str(col))] + [len(str(v)) for v in values])
                    if values
                    else len(str(col))
                )
                letter = get_column_letter(j)
                ws.column_dimensions[letter].width = min(max(8, longest + 2), 80)
                number_format = _xlsx_number_format(df[col])
                if number_format is not None:
                    for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        for cell in row:
                            cell.number_format = number_format
                if str(col) == "why":  # sentences: wrap them in a readable column
                    ws.column_dimensions[letter].width = 60
                    for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        for cell in row:
                            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _xlsx_number_format(values: pd.Series) -> str | None:
    """``"0"`` for a column of whole numbers (ints, or floats that are all whole: followers
    read as floats because a cell may be empty), ``"0.000"`` for other decimals, else None.

    >>> _xlsx_number_format(pd.Series([28561.0, None])), _xlsx_number_format(pd.Series([0.5]))
    ('0', '0.000')
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if pd.api.types.is_integer_dtype(values):
        return "0"
    finite = values.to_numpy(dtype=float, na_value=np.nan)
    finite = finite[np.isfinite(finite)]
    return "0" if np.all(finite == np.round(finite)) else "0.000"


def write_graph(graph, path: str | os.PathLike, *, pretty: bool = True) -> Path:
    """Write a networkx graph as GEXF or GraphML (by extension), atomically.

    Missing attribute values are left out (Gephi shows them as empty) instead of as ``nan``.
    ``pretty=False`` writes the XML without indentation and line breaks (a third smaller).
    """
    import networkx as nx

    suffix = Path(path).suffix.lower()
    if suffix not in (".gexf", ".graphml"):
        raise InputError(f"graph export needs a .gexf or .graphml file name, got {str(path)!r}")
    with atomic_path(path) as tmp:
        if suffix == ".gexf":
            nx.write_gexf(graph, tmp, prettyprint=pretty)
        else:
            nx.write_graphml(graph, tmp, prettyprint=pretty)
    return Path(path)


def save_figure(fig, path: str | os.PathLike, *, dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically and close it."""
    import matplotlib.pyplot as plt

    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format=fmt)
    plt.close(fig)
    return Path(path)
