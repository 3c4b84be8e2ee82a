"""Provenance: the ``.meta.json`` written beside every output (version, parameters, input
hashes, load report)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from netinfluence._version import __version__
from netinfluence.io._load_report import LoadReport
from netinfluence.io._write import atomic_path, current_csv_escape

if TYPE_CHECKING:  # pragma: no cover
    from netinfluence.network import Network


def write_meta(
    path: str | os.PathLike,
    *,
    net: Network | None,
    parameters: dict[str, Any],
    inputs: dict[str, Any] | None = None,
    extra: dict | None = None,
    report: LoadReport | None = None,
) -> Path:
    """Write a provenance file (version, parameters, input hashes, load report) atomically.

    Inputs may be paths or glob patterns (each matching file is hashed); the load report is
    ``report`` or, by default, the network's.
    """
    import hashlib

    if report is None and net is not None:
        report = net.load_report
    hashes = {}
    for key, value in (inputs or {}).items():
        for p in _input_files(value):
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for chunk in iter(functools.partial(fh.read, 1 << 20), b""):
                    h.update(chunk)
            hashes[str(p)] = {"role": key, "sha256": h.hexdigest()}
    escape = current_csv_escape()
    if escape is not None:  # inside csv_escape(): how CSV/TSV outputs treat formula text
        parameters = {**parameters, "csv_escape": escape}
    meta = {
        "netinfluence_version": __version__,
        "parameters": parameters,
        "inputs": hashes,
        "load_report": report.to_dict() if report is not None else None,
        **(extra or {}),
    }
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(meta, indent=2, default=_json_default, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    return Path(path)


def _input_files(value: Any) -> list[Path]:
    """The files an input option names: paths, or glob patterns (``"exports/*.jsonl.gz"``)."""
    import glob

    found: list[Path] = []
    for given in value if isinstance(value, (list, tuple)) else [value]:
        if given is None:
            continue
        path = Path(given)
        found += [path] if path.is_file() else [Path(m) for m in sorted(glob.glob(str(given)))]
    return [p for p in found if p.is_file()]


def _json_default(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return str(value)
