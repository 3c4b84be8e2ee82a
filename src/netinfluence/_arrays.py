"""Sort-based replacements for ``np.unique`` and ``np.isin`` on large integer key arrays, text
columns built by Arrow, CSR row pointers, and the page-size setting of the command line's
large temporaries.

numpy's hash-based versions are about 10x slower on 10^7 keys here (cache misses), so every
edge-proportional de-duplication goes through these functions, and edge-proportional sorts
through :func:`sort_order` (keys packed with positions into one word for numpy's vectorised
sort). The measurements are in ``benchmarks/results/design-measurements.md``.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np


def _starts(sorted_keys: np.ndarray) -> np.ndarray:
    flag = np.empty(len(sorted_keys), dtype=bool)
    if len(sorted_keys):
        flag[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=flag[1:])
    return flag


def sort_order(keys) -> tuple[np.ndarray, np.ndarray]:
    """``(order, keys[order])`` with ``order`` the stable ascending argsort of 1-d ``keys``.

    Integer keys whose range fits beside the position bits (``span < 2**(64 - bits(len))``;
    pair keys ``src * n + dst`` of 10^7 edges fit up to about 10^6 nodes) are sorted as one
    array of ``(key - min) << bits | position`` words, so ties keep their input order without
    a stable (merge) sort. Anything else falls back to ``np.argsort(kind="stable")``; both
    give the same order.

    Examples
    --------
    >>> order, s = sort_order([5, 3, 5, 1])
    >>> order.tolist(), s.tolist()
    ([3, 1, 0, 2], [1, 3, 5, 5])
    """
    keys = np.asarray(keys).ravel()
    m = len(keys)
    if m > 1 and keys.dtype.kind in "iu":
        lo = keys.min()
        span = int(keys.max()) - int(lo)
        bits = int(m - 1).bit_length()
        if span < (1 << (64 - bits)):
            packed = (keys - lo).astype(np.uint64)
            packed <<= np.uint64(bits)
            packed |= np.arange(m, dtype=np.uint64)
            packed.sort()
            order = (packed & np.uint64((1 << bits) - 1)).view(np.int64)
            packed >>= np.uint64(bits)
            # modular arithmetic in the key dtype: the true values fit in it
            out = packed.view(keys.dtype) if keys.itemsize == 8 else packed.astype(keys.dtype)
            out += lo
            return order, out
    order = np.argsort(keys, kind="stable")
    return order, keys[order]


def unique(
    keys, *, return_index: bool = False, return_inverse: bool = False, return_counts: bool = False
):
    """Like ``np.unique`` for 1-d arrays (sorted unique values; index = first occurrence).

    Examples
    --------
    >>> u, first, inv, cnt = unique([5, 3, 5, 1], return_index=True, return_inverse=True,
    ...                             return_counts=True)
    >>> u.tolist(), first.tolist(), inv.tolist(), cnt.tolist()
    ([1, 3, 5], [3, 1, 0], [2, 1, 2, 0], [1, 1, 2])
    """
    keys = np.asarray(keys).ravel()
    if not (return_index or return_inverse or return_counts):
        s = np.sort(keys)
        return s[_starts(s)]
    order, s = sort_order(keys)
    flag = _starts(s)
    out = [s[flag]]
    starts = np.flatnonzero(flag)
    if return_index:  # the order is stable: a run's first position is its first occurrence
        out.append(order[starts])
    if return_inverse:
        inv = np.empty(len(keys), dtype=np.int64)
        inv[order] = np.cumsum(flag) - 1
        out.append(inv)
    if return_counts:
        out.append(np.diff(np.append(starts, len(keys))))
    return tuple(out)


def isin(values, candidates) -> np.ndarray:
    """Boolean mask: which ``values`` occur in ``candidates`` (like ``np.isin``).

    Examples
    --------
    >>> isin([4, 1, 9, 1], [1, 2, 4]).tolist()
    [True, True, False, True]
    """
    values = np.asarray(values).ravel()
    cand = unique(candidates)
    if not len(values) or not len(cand):
        return np.zeros(len(values), dtype=bool)
    order, sv = sort_order(values)
    pos = np.searchsorted(cand, sv)  # sorted queries: sequential memory access
    pos = np.minimum(pos, len(cand) - 1)
    found_sorted = cand[pos] == sv
    found = np.empty(len(values), dtype=bool)
    found[order] = found_sorted
    return found


def row_pointers(rows: np.ndarray, n: int) -> np.ndarray:
    """CSR row pointers of entries grouped by row: row ``r`` holds positions
    ``ptr[r]:ptr[r + 1]`` once the entries are sorted by ``rows`` (values in ``[0, n)``).

    >>> row_pointers(np.array([0, 0, 2]), 4).tolist()
    [0, 2, 2, 3, 3]
    """
    ptr = np.zeros(int(n) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=int(n)), out=ptr[1:])
    return ptr


def strictly_increasing(keys: np.ndarray) -> bool:
    """Whether ``keys`` is sorted with no repeats (pair keys of tie tables come so).

    >>> strictly_increasing(np.array([1, 3, 7])), strictly_increasing(np.array([1, 1]))
    (True, False)
    """
    return len(keys) < 2 or bool(np.all(keys[1:] > keys[:-1]))


def text_array(values) -> Any:
    """A text column from a list of ``str`` (or None) or an Arrow text array, in the frame's
    default text dtype.

    Where pandas stores text in Arrow (pandas 3's default ``str``), an Arrow array is wrapped
    without a copy and a list goes through ``pyarrow.array`` once; an object array assigned
    to a frame would instead be checked and converted element by element by pandas.
    Elsewhere (pandas 2 without the string option) it is an object array.

    >>> import pandas as pd
    >>> col = text_array(["a", None, "b"])
    >>> pd.Series(col).dtype == pd.Series(["a", None, "b"]).dtype, pd.Series(col).isna().tolist()
    (True, [False, True, False])
    """
    import pyarrow as pa

    arrow = isinstance(values, (pa.Array, pa.ChunkedArray))
    dtype = _default_text_dtype()
    if dtype is None:
        return np.asarray(values.to_pylist() if arrow else values, dtype=object)
    import pandas as pd

    if arrow:
        return pd.array(values.cast(pa.large_string()), dtype=dtype)
    return pd.array(pa.array(values, type=pa.large_string()), dtype=dtype)


@functools.cache
def _default_text_dtype():
    """pandas' inferred dtype for text when it is Arrow-backed, else None (object)."""
    import pandas as pd

    dtype = pd.Series(["x"]).dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return dtype
    return None


def avoid_huge_pages() -> None:
    """Stop numpy asking the kernel for transparent huge pages, in this process and the
    processes it starts (the Leiden process reads the variable when it imports numpy).

    The pipeline allocates and frees many edge-sized temporaries. Where the kernel compacts
    memory on demand for regions advised to use huge pages (``defrag=madvise``, a common
    default), a fresh temporary can wait for that compaction: system CPU that costs more
    than the fewer TLB misses save (benchmarks/results/design-measurements.md). Only the
    command line calls this, so importing the library leaves numpy's setting alone; an
    explicit ``NUMPY_MADVISE_HUGEPAGE`` in the environment is kept. (No doctest: it changes a
    process-wide numpy setting; ``tests/unit/test_arrays.py`` checks it and restores it.)
    """
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE"):
        return  # the user chose
    os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    setter = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if setter is not None:  # numpy's own switch for the env variable, after import
        setter(False)
