"""The notebooks: committed without outputs, and each runs top to bottom in a fresh kernel.

Executed with nbclient (``pip install nbclient nbformat ipykernel``) in the notebooks folder, as
a reader would run them; any error in any cell fails the test. The issue's budget is two
minutes per notebook.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = [
    "01-quickstart.ipynb",
    "02-campaign-insiders.ipynb",
    "03-research-validation.ipynb",
    "04-from-posts.ipynb",
]
BUDGET_SECONDS = 120

with warnings.catch_warnings():  # jupyter_core warns about its path migration on import
    warnings.simplefilter("ignore", DeprecationWarning)
    nbformat = pytest.importorskip("nbformat", reason="the notebook tests need nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the notebook tests need nbclient")
    pytest.importorskip("ipykernel", reason="the notebook tests need ipykernel")


def read(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def execute(name: str) -> tuple[object, float]:
    nb = read(name)
    client = nbclient.NotebookClient(
        nb,
        timeout=BUDGET_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    return nb, time.perf_counter() - start


def text_of(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def images_of(nb) -> int:
    return sum(
        "image/png" in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", [])
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = read(name)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, name
    for cell in code:
        assert cell.outputs == [], f"{name}: a cell was committed with outputs"
        assert cell.execution_count is None, f"{name}: a cell was committed executed"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.slow
def test_quickstart_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_NOTEBOOK_OUT", str(tmp_path))
    nb, seconds = execute("01-quickstart.ipynb")
    assert seconds < BUDGET_SECONDS
    text = text_of(nb)
    assert "12 communities, modularity" in text
    assert images_of(nb) >= 5  # community map, score vs followers, components, sizes, degrees
    for name in ("top50.csv", "insiders.xlsx", "report.html"):
        assert (tmp_path / name).stat().st_size > 1_000, name


@pytest.mark.slow
def test_posts_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_NOTEBOOK_OUT", str(tmp_path))
    nb, seconds = execute("04-from-posts.ipynb")
    assert seconds < BUDGET_SECONDS
    text = text_of(nb)
    assert "structure_layer" in text and "ties" in text  # says what it measures instead
    assert "derived" in text  # the load report of the posts
    assert (tmp_path / "posts-report.html").stat().st_size > 10_000


@pytest.mark.slow
def test_campaign_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_NOTEBOOK_OUT", str(tmp_path))
    nb, seconds = execute("02-campaign-insiders.ipynb")
    assert seconds < BUDGET_SECONDS
    text = text_of(nb)
    assert "exclusions not found: ['@nobody_here']" in text
    assert "as many accounts as the follower-count plan" in text
    assert images_of(nb) >= 2  # community map with the shortlist, spread curves
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "campaign_plan.xlsx", read_only=True)
    assert book.sheetnames[0] == "table" and "summary" in book.sheetnames
    assert (tmp_path / "shortlist.xlsx").is_file()


@pytest.mark.slow
@pytest.mark.shared_data
def test_research_notebook_runs_on_real_data(shared_data, monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_SHARED_DATA", str(shared_data))
    nb, seconds = execute("03-research-validation.ipynb")
    assert seconds < BUDGET_SECONDS
    text = text_of(nb)
    assert "(found)" in text and "skipped" not in text
    assert "football" in text and "citizen_score" in text and "ego-Facebook" in text
    assert images_of(nb) == 1  # the validation plot


@pytest.mark.slow
def test_research_notebook_skips_cleanly_without_data(tmp_path, monkeypatch):
    monkeypatch.setenv("NETINFLUENCE_SHARED_DATA", str(tmp_path / "no-such-folder"))
    nb, _ = execute("03-research-validation.ipynb")
    text = text_of(nb)
    assert "NOT FOUND: every section is skipped" in text
    assert text.count("skipped: no real datasets") == 4
