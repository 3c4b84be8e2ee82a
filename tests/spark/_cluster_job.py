"""Run :func:`netinfluence.spark.metrics` on a ``local-cluster`` master (helper of
``test_spark_cluster.py``, run in its own process: one Python process holds one SparkContext,
and the test session's ``local[2]`` context is already running).

Usage: ``python _cluster_job.py MASTER FOLDER OUT`` reads ``FOLDER/{follows,interactions,
users}.csv``, writes the metrics table to ``OUT/metrics.parquet`` and what the cluster looked
like to ``OUT/cluster.json``: the block managers registered (the driver's and one per executor)
and the process ids of the JVMs that ran a small Python job's tasks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def _executor_jvm(_) -> int:
    """The pid of the JVM that runs this task: a Python worker's parent is the PySpark daemon,
    whose parent is the executor JVM."""
    daemon = os.getppid()
    with open(f"/proc/{daemon}/stat", encoding="ascii") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


def main(master: str, folder: str, out: str) -> None:
    import pyarrow.parquet as pq

    from netinfluence.spark import metrics, session

    spark = session(master, shuffle_partitions=4, driver_memory="1g")
    try:
        sc = spark.sparkContext
        read = spark.read.option("header", True).csv
        info: dict = {}
        table = metrics(
            spark,
            read(f"{folder}/follows.csv"),
            read(f"{folder}/interactions.csv"),
            read(f"{folder}/users.csv"),
            info=info,
        )
        Path(out).mkdir(parents=True, exist_ok=True)
        pq.write_table(table.toArrow(), f"{out}/metrics.parquet")
        jvms = sorted(set(sc.parallelize(range(8), 8).map(_executor_jvm).collect()))
        facts = {
            "master": sc.master,
            "block_managers": int(sc._jsc.sc().getExecutorMemoryStatus().size()),
            "task_jvms": jvms,
            "driver_jvm": int(sc._gateway.jvm.ProcessHandle.current().pid()),
            "pagerank_rounds": info["pagerank_rounds"],
            "lpa_rounds": info["lpa_rounds"],
            "core_rounds": info["core_rounds"],
            "impact_runs": info["impact_runs"],
            "impact_rounds": info["impact_rounds"],
        }
        Path(out, "cluster.json").write_text(json.dumps(facts), encoding="utf-8")
    finally:
        spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
