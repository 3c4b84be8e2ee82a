"""GML and GraphML files, read safely (nothing evaluated, no XML entities)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from netinfluence.errors import InputError
from netinfluence.io._files import Source, _decode, _inner_suffix, _looks_binary, _read_bytes

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
