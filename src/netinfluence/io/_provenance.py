"""Provenance: the ``.meta.json`` written beside every output (version, parameters, input
hashes, load report)."""

from __future__ import annotations

import functools
import json
import os
import threading
from concurrent.futures import Future
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
    if report is None and net is not None:
        report = net.load_report
    hashes = {}
    for key, value in (inputs or {}).items():
        for p in _input_files(value):
            hashes[str(p)] = {"role": key, "sha256": _digest(p)}
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


def hash_inputs_early(*values: Any) -> None:
    """Start hashing input files on a background thread; :func:`write_meta` uses the digests.

    A command calls this before it reads its inputs, so the hashing (0.7 s of ``write_meta``
    in a profile of ``rank`` at 10^7 edges, 300 MB of inputs) overlaps the load instead of
    following the export. A file is known by its path, size and modification time: one
    changed in between is hashed again.
    """
    todo = []
    for value in values:
        for p in _input_files(value):
            key = _file_key(p)
            if key is not None and key not in _EARLY:
                _EARLY[key] = Future()
                todo.append((p, _EARLY[key]))
    if not todo:
        return

    def run() -> None:
        for p, digest in todo:
            try:
                digest.set_result(_sha256(p))
            except OSError as exc:  # write_meta hashes it again and reports the error there
                digest.set_exception(exc)

    # a daemon thread: a command that fails early does not wait for the hashing at exit
    threading.Thread(target=run, name="netinfluence-hash", daemon=True).start()


#: Digests started by :func:`hash_inputs_early`, by (resolved path, size, mtime in ns).
_EARLY: dict[tuple[str, int, int], Future] = {}


def _file_key(p: Path) -> tuple[str, int, int] | None:
    try:
        st = p.stat()
    except OSError:
        return None
    return (str(p.resolve()), st.st_size, st.st_mtime_ns)


def _digest(p: Path) -> str:
    """The file's SHA-256: from :func:`hash_inputs_early` when it hashed this version."""
    key = _file_key(p)
    early = _EARLY.get(key) if key is not None else None
    if early is not None:
        try:
            return early.result()
        except OSError:
            pass
    return _sha256(p)


def _sha256(p: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for chunk in iter(functools.partial(fh.read, 1 << 20), b""):
            h.update(chunk)  # releases the GIL for large chunks
    return h.hexdigest()


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
