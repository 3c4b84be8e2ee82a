"""netinfluence on Apache Spark: the per-node influence metrics for graphs beyond one machine.

The same measures and the same citizen score as the in-memory engine, as PySpark DataFrame
programs (plain joins and aggregations, no GraphFrames): degrees and tie strength by
``groupBy``, PageRank, label propagation and k-cores by iterated joins with the lineage cut
every round, two-hop reach by HyperLogLog sketches (``hll_sketch_agg`` / ``hll_union_agg``),
impact by reverse-reachable sets drawn as rounds of joins (:mod:`netinfluence.spark.impact`),
and the composite through :func:`netinfluence.scoring.components` and
:func:`netinfluence.scoring.combine` themselves.

Needs the optional extra ``spark`` (PySpark 4, Java 17). Importing this package does not
import pyspark; the functions do, with an error naming the extra when it is missing.

- :func:`session` — a quiet SparkSession (``local[2]`` or a cluster master URL);
- :func:`metrics` — every per-node measure and the score as a Spark DataFrame keyed by
  ``node``;
- :func:`read_table` — CSV/TSV/Parquet inputs as Spark DataFrames;
- :func:`run_rank_spark` — the ``netinfluence rank --engine spark`` job end to end.

Modules: ``context`` (the session), ``graph`` (inputs, ids, layers, tie table),
``algorithms`` (each measure as a DataFrame program), ``engine`` (:func:`metrics` and the
score), ``job`` (files in, ranked table out). No module is named after a public function, so
``from netinfluence.spark import metrics`` always gives the function.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "session": "netinfluence.spark.context",
    "metrics": "netinfluence.spark.engine",
    "METRIC_COLUMNS": "netinfluence.spark.engine",
    "read_table": "netinfluence.spark.job",
    "run_rank_spark": "netinfluence.spark.job",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'netinfluence.spark' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
