"""Reading and writing: input tables, graph files and outputs, with a load report.

Everything that touches a file lives in this subpackage; computations never do.

- :func:`read_edges`, :func:`read_users`: edge lists and user tables into validated, canonical
  tables (``_readers``), built on raw reading (``_files``), column roles (``_columns``) and
  cell cleaning (``_clean``);
- :func:`read_graph_file`: GML and GraphML, read safely (``_graph_files``);
- :func:`write_table`, :func:`write_graph`, :func:`atomic_path`: outputs written atomically and
  safe to open in a spreadsheet (``_write``);
- :class:`LoadReport`: every row read, merged, repaired or dropped, and why (``_load_report``).

Every row that cannot be understood raises :class:`~netinfluence.errors.InputError` naming the
file, the 1-based data row and the problem.
"""

from netinfluence.io._clean import ambiguous_dates, parse_timestamps
from netinfluence.io._columns import (
    EDGE_KINDS,
    NULL_ID_STRINGS,
    NUMERIC_USER_COLUMNS,
    SYNONYMS,
)
from netinfluence.io._files import (
    RawTable,
    Source,
    available_memory,
    check_memory_for,
    read_table,
)
from netinfluence.io._graph_files import GRAPH_SUFFIXES, is_graph_file, read_graph_file
from netinfluence.io._load_report import LoadReport, ReportLine
from netinfluence.io._provenance import write_meta
from netinfluence.io._readers import read_edges, read_id_list, read_users
from netinfluence.io._write import (
    CSV_ESCAPES,
    TABLE_FORMATS,
    atomic_path,
    csv_escape,
    escape_formulas,
    save_figure,
    table_format,
    write_graph,
    write_table,
)

__all__ = [
    "CSV_ESCAPES",
    "EDGE_KINDS",
    "GRAPH_SUFFIXES",
    "NULL_ID_STRINGS",
    "NUMERIC_USER_COLUMNS",
    "SYNONYMS",
    "TABLE_FORMATS",
    "LoadReport",
    "RawTable",
    "ReportLine",
    "Source",
    "ambiguous_dates",
    "atomic_path",
    "available_memory",
    "check_memory_for",
    "csv_escape",
    "escape_formulas",
    "is_graph_file",
    "parse_timestamps",
    "read_edges",
    "read_graph_file",
    "read_id_list",
    "read_table",
    "read_users",
    "save_figure",
    "table_format",
    "write_graph",
    "write_meta",
    "write_table",
]
