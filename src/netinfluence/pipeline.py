"""The composed analysis: the one place the CLI and the notebooks run the whole job from.

``run_demo`` shows the product as it stands on the bundled sample network.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from netinfluence._version import __version__
from netinfluence.io import atomic_path, write_table
from netinfluence.network import Network

__all__ = ["run_demo", "write_meta"]


def write_meta(
    path: str | os.PathLike,
    *,
    net: Network | None,
    parameters: dict[str, Any],
    inputs: dict[str, Any] | None = None,
) -> Path:
    """Write a provenance file (version, parameters, input hashes, load report) atomically."""
    import hashlib

    hashes = {}
    for key, value in (inputs or {}).items():
        for p in value if isinstance(value, (list, tuple)) else [value]:
            if p is None or not Path(p).is_file():
                continue
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(chunk)
            hashes[str(p)] = {"role": key, "sha256": h.hexdigest()}
    meta = {
        "netinfluence_version": __version__,
        "parameters": parameters,
        "inputs": hashes,
        "load_report": net.load_report.to_dict() if net is not None else None,
    }
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(meta, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return Path(path)


def run_demo(
    out: str | os.PathLike, *, seed: int = 0, console=None, show_report=None, show_summary=None
) -> dict[str, Path]:
    """Run the product on the bundled sample and write its outputs into ``out``.

    Returns the paths written, keyed by what they hold.
    """
    from netinfluence.datasets import load_sample

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    net = load_sample()
    if show_report:
        show_report(net)
    if show_summary:
        show_summary(net)
    written: dict[str, Path] = {}
    summary = net.summary().to_frame("value")
    summary.index.name = "measure"
    written["summary"] = write_table(summary, out / "network_summary.csv", index=True)
    written["load_report"] = write_table(net.load_report.to_frame(), out / "load_report.csv")
    if console is not None:
        for key, path in written.items():
            console.print(f"wrote {key:<12} {path}")
    return written
