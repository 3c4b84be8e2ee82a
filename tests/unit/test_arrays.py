"""Large-array helpers of ``netinfluence._arrays``."""

from __future__ import annotations

import os

import numpy as np


def test_command_line_turns_numpy_huge_pages_off_unless_told(monkeypatch):
    from netinfluence._arrays import avoid_huge_pages

    core = getattr(np, "_core", None) or np.core
    before = core.multiarray._get_madvise_hugepage()
    try:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")  # the user's explicit choice stays
        core.multiarray._set_madvise_hugepage(True)
        avoid_huge_pages()
        assert core.multiarray._get_madvise_hugepage() is True
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE")
        avoid_huge_pages()
        assert core.multiarray._get_madvise_hugepage() is False
        assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"  # what child processes read
    finally:
        core.multiarray._set_madvise_hugepage(before)


def test_text_array_is_the_dtype_pandas_infers_for_text():
    import pandas as pd

    from netinfluence._arrays import text_array

    values = ["insider of community 3", "", None, "é"]
    col = pd.Series(text_array(values))
    expected = pd.Series(values)
    assert col.dtype == expected.dtype
    assert col.isna().tolist() == [False, False, True, False]
    assert col.fillna("?").tolist() == expected.fillna("?").tolist()
