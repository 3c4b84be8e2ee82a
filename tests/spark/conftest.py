"""One local SparkSession for the whole test run (local[2], quiet, always stopped)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


@pytest.fixture(scope="session")
def spark():
    """A ``local[2]`` SparkSession: 4 shuffle partitions, UI and progress bars off, log level
    ERROR, 2 GB driver memory; skipped with a clear message where Java or pyspark is
    missing, stopped at the end of the run."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip(
            "pyspark is not installed: pip install 'netinfluence[spark]' to run the "
            "Spark engine tests"
        )
    if not _java_found():
        pytest.skip("no Java runtime found (java on PATH or JAVA_HOME): PySpark 4 needs Java 17")
    from netinfluence.spark import session

    spark = session(
        "local[2]",
        app_name="netinfluence-tests",
        shuffle_partitions=4,
        driver_memory="2g",
        log_level="error",
    )
    try:
        yield spark
    finally:
        spark.stop()
