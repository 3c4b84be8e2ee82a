"""Files in: expand globs, open (de)compressed files as streams, yield JSON records by line."""

from __future__ import annotations

import bz2
import glob
import gzip
import lzma
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson  # parses JSON 2-3x faster than the standard library (benchmarks/results/posts.md)

from netinfluence.errors import InputError
from netinfluence.io._files import _COMPRESSION, _read_bytes

_loads = orjson.loads
_DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, ValueError)

JSON_BACKEND = "orjson"


def loads(data: bytes | str) -> Any:
    """Parse one JSON value (orjson when installed, else the standard library)."""
    return _loads(data)


def expand_paths(paths) -> list[str]:
    """One path, a list of paths, or glob patterns -> sorted, de-duplicated file names."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[str] = []
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise InputError(f"expected a file path or a glob, got {type(p).__name__}")
        s = os.fspath(p)
        if any(ch in s for ch in "*?["):
            hits = sorted(glob.glob(s))
            if not hits:
                raise InputError("no file matches this pattern", source=s)
            out.extend(hits)
        else:
            if not Path(s).exists():
                raise InputError("file not found (posts)", source=s)
            if Path(s).is_dir():
                raise InputError("expected a posts file, found a directory", source=s)
            out.append(s)
    if not out:
        raise InputError("no posts file given")
    return list(dict.fromkeys(out))  # each file once, in the order given


def open_binary(path: str) -> IO[bytes]:
    """Open a file as a byte stream, decompressing by extension like ``io._files`` does.

    Streams rather than reading the whole file (``_read_bytes``) so a 1 GB export is never held
    twice in memory; a .zip still goes through ``_read_bytes`` (its one-member rule).
    """
    comp = _COMPRESSION.get(Path(path).suffix.lower())
    try:
        if comp == "gzip":
            return gzip.open(path, "rb")  # type: ignore[return-value]  # GzipFile is an IO[bytes]
        if comp == "bz2":
            return bz2.open(path, "rb")
        if comp == "xz":
            return lzma.open(path, "rb")
        if comp == "zip":
            import io

            return io.BytesIO(_read_bytes(Path(path)))
        return open(path, "rb", buffering=1 << 20)
    except OSError as exc:
        raise InputError(f"cannot open the file ({exc})", source=path) from None


def read_head(path: str, size: int = 1 << 16) -> bytes:
    """The first ``size`` (decompressed) bytes of a file."""
    fh = open_binary(path)
    try:
        return fh.read(size)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise InputError(
            f"cannot read the file ({exc.__class__.__name__}: {exc})", source=path
        ) from None
    finally:
        fh.close()


class BadRows:
    """The ``on_bad_rows`` policy: raise an :class:`InputError` or skip and count."""

    def __init__(self, policy: str):
        if policy not in ("raise", "drop"):
            raise InputError(f"on_bad_rows must be 'raise' or 'drop', got {policy!r}")
        self.policy = policy
        self.skipped: dict[tuple[str, str], int] = {}

    def bad(self, problem: str, *, source: str, row: int | None, kind: str) -> None:
        """Report one bad record: raise, or count it under ``kind`` for the load report."""
        if self.policy == "raise":
            raise InputError(
                problem + " (pass on_bad_rows='drop' to skip such records)", source=source, row=row
            )
        key = (source, kind)
        self.skipped[key] = self.skipped.get(key, 0) + 1


def _first_lines(path: str, n: int = 2) -> list[bytes]:
    """The first ``n`` non-blank lines, each read whole (a JSON-lines record may exceed any
    fixed head; a pretty-printed document's first lines are short)."""
    out: list[bytes] = []
    fh = open_binary(path)
    try:
        while len(out) < n:
            line = fh.readline()
            if not line:
                break
            if line.strip():
                out.append(line)
    finally:
        fh.close()
    return out


def _is_document(path: str) -> bool:
    """Is this one (pretty-printed) JSON document rather than one JSON value per line?"""
    lines = _first_lines(path)
    if not lines:
        return False
    try:
        _loads(lines[0])
        return False
    except _DECODE_ERRORS:
        pass
    if lines[0].lstrip()[:1] == b"[" or len(lines) < 2:
        return True
    # a corrupt first line of a JSON-lines file is not a document: the next line parses
    try:
        _loads(lines[1])
        return False
    except _DECODE_ERRORS:
        return True


def iter_json(path: str, bad: BadRows) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` for each JSON line, or ``(1, document)`` for a JSON document.

    Corrupt lines go to ``bad`` (raise naming the line, or skip and count).
    """
    if _is_document(path):
        fh = open_binary(path)
        try:
            data = fh.read()
        finally:
            fh.close()
        try:
            yield 1, _loads(data)
        except _DECODE_ERRORS as exc:
            bad.bad(f"not valid JSON ({exc})", source=path, row=None, kind="corrupt file")
        return
    fh = open_binary(path)
    try:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = _loads(line)
            except _DECODE_ERRORS as exc:
                bad.bad(
                    f"line {lineno} is not valid JSON ({str(exc)[:120]})",
                    source=path,
                    row=lineno,
                    kind="corrupt JSON lines",
                )
                continue
            yield lineno, value
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise InputError(
            f"cannot read the file ({exc.__class__.__name__}: {exc})", source=path
        ) from None
    finally:
        fh.close()
