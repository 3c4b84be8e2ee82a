"""A quiet, explicitly configured SparkSession for netinfluence's Spark engine."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netinfluence.errors import InputError, require

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["LOG_LEVELS", "quiet_pyspark_warnings", "session"]

#: Log levels accepted by :func:`session` (Spark's own names, case-insensitive).
LOG_LEVELS = ("off", "fatal", "error", "warn", "info", "debug", "trace", "all")

_LOG4J = Path(__file__).with_name("log4j2.properties")


def _pyspark(purpose: str):
    """Import pyspark or raise MissingDependencyError naming the ``spark`` extra."""
    return require("pyspark.sql", extra="spark", purpose=purpose)


@contextlib.contextmanager
def quiet_pyspark_warnings():
    """Silence PySpark's import-time FutureWarning about pandas 3 (this package's own use of
    pandas with Spark goes through Arrow tables and is tested)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        yield


def session(
    master: str = "local[2]",
    *,
    app_name: str = "netinfluence",
    shuffle_partitions: int = 4,
    driver_memory: str = "2g",
    log_level: str = "error",
    config: Mapping[str, Any] | None = None,
) -> SparkSession:
    """Start (or reuse) a SparkSession configured for netinfluence, with quiet logs.

    Parameters
    ----------
    master : str, default "local[2]"
        Spark master URL: ``local[N]`` on this machine, ``spark://host:7077`` for a standalone
        cluster, ``yarn`` or ``k8s://...``.
    app_name : str
        Application name shown by the cluster manager.
    shuffle_partitions : int, default 4
        ``spark.sql.shuffle.partitions``: 2-8 suits ``local[2]``; on a cluster about two to
        three times the executor cores (or leave adaptive execution to coalesce them).
    driver_memory : str, default "2g"
        ``spark.driver.memory``; only takes effect when this call starts the JVM.
    log_level : {"off", "fatal", "error", "warn", "info", "debug", "trace", "all"}
        Spark's log level (default ``"error"``): start-up warnings are silenced by a bundled
        log4j2 configuration, and the level is applied once the session runs.
    config : mapping, optional
        Further Spark settings, applied last (they win over the ones above).

    Returns
    -------
    pyspark.sql.SparkSession
        With the web UI and console progress bars off. When a session already runs in this
        process it is returned (``getOrCreate``) with the SQL settings above applied to it.

    Raises
    ------
    InputError
        Unknown log level or a non-positive partition count.
    MissingDependencyError
        pyspark is not installed (``pip install 'netinfluence[spark]'``).

    Notes
    -----
    PySpark 4 needs Java 17 (``java`` on ``PATH`` or ``JAVA_HOME``). Stop the session with
    ``spark.stop()`` when done; the tests share one session per run.
    """
    level = str(log_level).strip().lower()
    if level not in LOG_LEVELS:
        raise InputError(f"log_level must be one of {LOG_LEVELS}, got {log_level!r}")
    if (
        isinstance(shuffle_partitions, bool)
        or not isinstance(shuffle_partitions, int)
        or shuffle_partitions < 1
    ):
        raise InputError(
            f"shuffle_partitions must be a positive integer, got {shuffle_partitions!r}"
        )
    sql = _pyspark("the Spark engine")
    settings: dict[str, str] = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.driver.memory": str(driver_memory),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    if level in ("off", "fatal", "error"):
        settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={_LOG4J.as_uri()}"
    if str(master).startswith("local"):
        settings["spark.driver.host"] = "127.0.0.1"
        settings["spark.driver.bindAddress"] = "127.0.0.1"
    settings.update({str(k): str(v) for k, v in (config or {}).items()})
    builder = sql.SparkSession.builder.master(str(master)).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    with quiet_pyspark_warnings():
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(level.upper())
    spark.conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions))
    return spark
