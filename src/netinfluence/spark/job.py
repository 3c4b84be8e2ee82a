"""The ``netinfluence rank --engine spark`` job: read CSV/Parquet, measure, rank, write.

:func:`read_table` reads one input as a Spark DataFrame with the package's column names;
:func:`run_rank_spark` runs :func:`netinfluence.spark.metrics` and writes the ranked table the
way :func:`netinfluence.pipeline.run_rank` does (same columns, a reason per row, a
``FILE.meta.json`` provenance file beside it).
"""

from __future__ import annotations

import gzip
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netinfluence.errors import InputError
from netinfluence.scoring import ScoreWeights

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SPARK_RANK_STEPS", "check_spark_options", "read_table", "run_rank_spark"]

logger = logging.getLogger(__name__)

#: Steps :func:`run_rank_spark` reports to its ``progress`` callback, in order.
SPARK_RANK_STEPS = ("spark", "load", "metrics", "export")

_KINDS = {
    # kind: (required roles, optional roles in positional order)
    "follows": (("follower", "followed"), ()),
    "interactions": (("source", "target"), ("type", "count", "timestamp")),
    "users": (("id",), ()),
}
_TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".edges", ".edgelist", ".el")


def _first_line(path: Path) -> str:
    opener = gzip.open if path.suffix.lower() in (".gz", ".gzip") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip() and not line.lstrip().startswith(("#", "%")):
                return line.rstrip("\r\n")
    return ""


def _inner_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip", ".bz2"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_table(
    spark: SparkSession, path: str | os.PathLike, *, kind: str, sep: str | None = None
) -> DataFrame:
    """One input file (or Parquet folder) as a Spark DataFrame with the package's column names.

    Parameters
    ----------
    spark : SparkSession
    path : path or URI
        ``.parquet`` file or folder, or a text table (``.csv``, ``.tsv``, ``.txt``,
        ``.edgelist``, optionally ``.gz``). URIs such as ``hdfs://`` or ``s3a://`` are read by
        Spark as they are (text tables there must have a header). Text tables may have a header (column names are
        matched with the same synonyms as :func:`netinfluence.io.read_edges`, e.g. ``from,
        to`` or ``src, dst``) or none (columns taken by position: follows ``follower,
        followed``; interactions ``source, target[, type][, count][, timestamp]``; users
        ``id``). Lines starting with ``#`` are comments.
    kind : {"follows", "interactions", "users"}
    sep : str, optional
        Delimiter; detected from the first line by default (tab, comma, semicolon, pipe,
        else a single space).

    Returns
    -------
    pyspark.sql.DataFrame
        All columns as read (text: strings), the role columns renamed to ``follower,
        followed`` / ``source, target, type, count, timestamp`` / ``id``.

    Raises
    ------
    InputError
        Missing file, unknown kind, or required columns that cannot be found.
    """
    from netinfluence.io import SYNONYMS
    from netinfluence.io._columns import _norm
    from netinfluence.io._files import _sniff_sep

    kind_name = str(kind).strip().lower()
    if kind_name not in _KINDS:
        raise InputError(f"kind must be one of {sorted(_KINDS)}, got {kind!r}")
    text = str(path)
    remote = "://" in text and not text.startswith("file://")
    p = Path(text)
    if not remote and not p.exists():
        raise InputError("input not found", source=text)
    required, optional = _KINDS[kind_name]
    suffix = _inner_suffix(p)
    parquet = suffix == ".parquet" or (suffix not in _TEXT_SUFFIXES if remote else p.is_dir())
    if parquet:
        frame = spark.read.parquet(text)
        header = True
    else:
        if remote:  # cannot peek at the first line: a header is required
            delimiter = sep or ("\t" if suffix in (".tsv", ".tab") else ",")
            header = True
        else:
            first = _first_line(p)
            delimiter = sep if sep is not None else (_sniff_sep(first, suffix) or " ")
            names = [_norm(c) for c in first.split(delimiter)]
            header = any(n in SYNONYMS.get(role, ()) for role in required for n in names)
        frame = spark.read.csv(
            text,
            header=header,
            sep=delimiter,
            comment="#",
            inferSchema=False,
            ignoreLeadingWhiteSpace=True,
            ignoreTrailingWhiteSpace=True,
        )
    cols = list(frame.columns)
    mapping: dict[str, str] = {}
    if header:
        normed = {c: _norm(c) for c in cols}
        for role in (*required, *optional):
            exact = [c for c in cols if normed[c] == role and c not in mapping]
            found = exact or [
                c for c in cols if normed[c] in SYNONYMS.get(role, ()) and c not in mapping
            ]
            if found:
                mapping[found[0]] = role
    else:
        roles = (*required, *optional)
        if len(cols) < len(required):
            raise InputError(
                f"{kind_name} needs {len(required)} column(s), found {len(cols)}", source=str(path)
            )
        mapping = dict(zip(cols, roles, strict=False))
    missing = [r for r in required if r not in mapping.values()]
    if missing:
        raise InputError(
            f"{kind_name} table has no column for {missing}; found columns {cols}", source=str(path)
        )
    taken = set(mapping.values())
    renamed = []
    for c in cols:
        if c in mapping:
            renamed.append(frame[c].alias(mapping[c]))
        elif _norm(c) not in taken:  # a second candidate for a role is left out
            renamed.append(frame[c].alias(_norm(c)))
    return frame.select(*renamed)


# ---------------------------------------------------------------------------------- the job


def run_rank_spark(
    out: str | os.PathLike,
    *,
    follows: str | os.PathLike | list | None = None,
    interactions: str | os.PathLike | list | None = None,
    users: str | os.PathLike | list | None = None,
    master: str = "local[2]",
    spark: SparkSession | None = None,
    seed: int = 0,
    weights: ScoreWeights | None = None,
    top: int | None = 50,
    per_community: int | None = None,
    tiers: Iterable[str] | None = None,
    exclude: Iterable | None = None,
    require_topics: Iterable[str] | None = None,
    insiders_only: bool = False,
    sep: str | None = None,
    shuffle_partitions: int = 4,
    driver_memory: str = "2g",
    log_level: str = "error",
    config: dict[str, Any] | None = None,
    metrics_options: dict[str, Any] | None = None,
    inputs: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame | None, dict[str, Path]]:
    """Rank every account on Spark and write the table (and its provenance file).

    Parameters
    ----------
    out : path
        ``.csv``, ``.json``, ``.xlsx`` or ``.parquet``. With ``top`` or ``per_community`` the
        selected rows are written as one file, with the columns of
        :data:`netinfluence.scoring.RANK_COLUMNS` first (a plain-words ``why`` per row) and
        the Spark measures after them. With ``top=0`` every node is written by Spark itself
        as a folder of part files named ``out`` (``.csv`` or ``.parquet`` only, no ``why``).
    follows, interactions, users : path or list of paths, optional
        Inputs, read by :func:`read_table` (several files of one kind are stacked).
    master : str, default "local[2]"
        Spark master URL (``local[N]``, ``spark://host:7077``, ``yarn``...); ignored when
        ``spark`` is given.
    spark : SparkSession, optional
        Use this session (left running) instead of starting one (stopped at the end).
    seed, weights
        As :func:`netinfluence.spark.metrics`.
    top, per_community, tiers, exclude, require_topics, insiders_only
        The filters of :func:`netinfluence.scoring.rank`, with its meaning.
    sep : str, optional
        Delimiter of the text inputs (detected by default).
    shuffle_partitions, driver_memory, log_level, config
        Passed to :func:`netinfluence.spark.session`.
    metrics_options : dict, optional
        Further keyword arguments of :func:`netinfluence.spark.metrics` (e.g.
        ``{"reach": "exact", "pagerank_tol": 1e-8}``).
    inputs : dict, optional
        Input files by role, hashed into the provenance file (default: the three inputs).
    progress : callable, optional
        Called with each step of :data:`SPARK_RANK_STEPS` as it starts.

    Returns
    -------
    (pandas.DataFrame or None, dict)
        The written table (None for ``top=0``, which Spark writes without collecting it) and
        the paths written (``table``, ``meta``).

    Raises
    ------
    InputError
        Bad option, unknown output format, unreadable input, unknown tier.
    """
    from netinfluence.io import table_format

    step = progress or (lambda name: None)
    fmt = table_format(out)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise InputError(f"top must be a non-negative integer or None, got {top!r}")
    if per_community is not None and (
        isinstance(per_community, bool) or not isinstance(per_community, int) or per_community < 1
    ):
        raise InputError(f"per_community must be a positive integer, got {per_community!r}")
    everything = not top and not per_community
    if everything and fmt not in ("csv", "parquet"):
        raise InputError(
            "writing every node with the Spark engine needs a .csv or .parquet "
            f"output (Spark writes a folder of part files), got {str(out)!r}"
        )
    if follows is None and interactions is None and users is None:
        raise InputError("nothing to read: give follows, interactions or users")
    weights = weights or ScoreWeights()

    step("spark")
    own_session = spark is None
    if spark is None:
        from netinfluence.spark.context import session

        spark = session(
            master,
            shuffle_partitions=shuffle_partitions,
            driver_memory=driver_memory,
            log_level=log_level,
            config=config,
        )
    try:
        step("load")
        frames = {
            kind: _read_all(spark, path, kind=kind, sep=sep)
            for kind, path in (
                ("follows", follows),
                ("interactions", interactions),
                ("users", users),
            )
        }
        step("metrics")
        from netinfluence.spark.engine import metrics

        info: dict = {}
        table = metrics(
            spark,
            frames["follows"],
            frames["interactions"],
            frames["users"],
            seed=seed,
            weights=weights,
            info=info,
            **(metrics_options or {}),
        )
        step("export")
        ranked = _ranked(table, frames["users"])
        selected, filtered, unknown = _filter(
            ranked,
            tiers=tiers,
            exclude=exclude,
            require_topics=require_topics,
            insiders_only=insiders_only,
        )
        params = {
            "engine": "spark",
            "master": spark.sparkContext.master,
            "top": top,
            "per_community": per_community,
            "tiers": list(tiers) if tiers is not None else None,
            "require_topics": list(require_topics) if require_topics is not None else None,
            "insiders_only": bool(insiders_only),
            "seed": seed,
            "weights": weights.to_dict(),
            "reach_method": info.get("reach_method"),
            **{k: v for k, v in (metrics_options or {}).items()},
        }
        written: dict[str, Path] = {}
        if everything:
            frame = None
            _write_folder(selected.orderBy("rank"), out, fmt)
            written["table"] = Path(out)
            rows = None
        else:
            frame = _collect_selection(selected, top=top, per_community=per_community)
            rows = len(frame)
            from netinfluence.io import write_table

            written["table"] = write_table(frame, out)
        from netinfluence.io import write_meta

        if "://" in str(out) and not str(out).startswith("file://"):
            return frame, written  # a cluster file system: no local provenance file
        written["meta"] = write_meta(
            f"{out}.meta.json",
            net=None,
            parameters=params,
            inputs=inputs
            if inputs is not None
            else {"follows": follows, "interactions": interactions, "users": users},
            extra={
                "filtered": filtered,
                "unknown_exclusions": unknown,
                "rows": rows,
                "spark": {k: v for k, v in info.items() if k != "timings_seconds"},
                "timings_seconds": info.get("timings_seconds"),
            },
        )
        return frame, written
    finally:
        if own_session:
            spark.stop()


def check_spark_options(**given: Any) -> None:
    """Raise :class:`InputError` naming the ``rank`` options the Spark engine does not take.

    Pass the CLI's values by option name (``edges=..., graph=..., undirected=...``); any that
    is set (not None, False, 0 or empty) is reported.

    Examples
    --------
    >>> check_spark_options(edges=None, undirected=False)
    >>> check_spark_options(graph="g.gml", skip_rows=1)
    Traceback (most recent call last):
    ...
    netinfluence.errors.InputError: --engine spark does not support --graph, --skip-rows; ...
    """
    used = [name for name, value in given.items() if value not in (None, False, 0, "", [], ())]
    if used:
        flags = ", ".join("--" + name.replace("_", "-") for name in used)
        raise InputError(
            f"--engine spark does not support {flags}; give follows, "
            "interactions and users files (CSV/TSV/Parquet) or use the default "
            "in-memory engine"
        )


def _read_all(spark, paths, *, kind: str, sep) -> DataFrame | None:
    """One path or a list of them (their rows stacked, columns matched by name)."""
    if paths is None:
        return None
    items = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if not items:
        return None
    frames = [read_table(spark, p, kind=kind, sep=sep) for p in items]
    out = frames[0]
    for other in frames[1:]:
        out = out.unionByName(other, allowMissingColumns=True)
    return out


def _ranked(table: DataFrame, users: DataFrame | None) -> DataFrame:
    """Every node with ``rank`` (1 = best; equal scores by node id), ``handle``, ``topics``
    and ``community_topic`` (the most common topic of its community)."""
    from pyspark.sql import functions as f

    from netinfluence.spark.graph import checkpoint, dense_index

    t = table
    extra = []
    if users is not None:
        cols = [c for c in ("handle", "topics") if c in users.columns]
        if cols:
            node_type = t.schema["node"].dataType
            attrs = users.select(
                f.col("id").cast(node_type).alias("node"),
                *[f.col(c).cast("string").alias(c) for c in cols],
            )
            t = t.join(attrs, "node", "left")
            extra = cols
    for c in ("handle", "topics"):
        if c not in extra:
            t = t.withColumn(c, f.lit(None).cast("string"))
    counts = (
        t.select("community", f.explode(_topic_array(f.col("topics"))).alias("topic"))
        .groupBy("community", "topic")
        .agg(f.count(f.lit(1)).alias("n"))
    )
    best = counts.groupBy("community").agg(
        f.min_by("topic", f.struct((-f.col("n")).alias("neg"), f.col("topic"))).alias(
            "community_topic"
        )
    )
    t = t.join(f.broadcast(best), "community", "left").fillna({"community_topic": ""})
    t = t.withColumn("_key", f.col("node").cast("string"))
    ranked, _ = dense_index(t, [f.col("score").desc(), f.col("_key")], "_pos")
    return checkpoint(ranked.withColumn("rank", f.col("_pos") + 1).drop("_pos", "_key"))


def _topic_array(col):
    from pyspark.sql import functions as f

    parts = f.split(f.regexp_replace(f.lower(f.coalesce(col, f.lit(""))), r"[,|]", ";"), ";")
    return f.filter(f.transform(parts, lambda x: f.trim(x)), lambda x: x != "")


def _filter(
    ranked: DataFrame, *, tiers, exclude, require_topics, insiders_only: bool = False
) -> tuple[DataFrame, dict[str, int], list[str]]:
    """The analyst's filters of :func:`netinfluence.scoring.rank`, in Spark."""
    from pyspark.sql import functions as f

    t = ranked
    filtered: dict[str, int] = {}
    unknown: list[str] = []
    if exclude is not None:
        wanted = [str(w).strip() for w in exclude if str(w).strip()]
        by_id = f.col("node").cast("string").isin(wanted)
        handles = [w.lower().lstrip("@") for w in wanted]
        handle = f.regexp_replace(f.lower(f.trim(f.col("handle"))), "^@+", "")
        by_handle = f.coalesce(handle.isin(handles), f.lit(False))
        hit = t.where(by_id | by_handle)
        found = {r[0] for r in hit.select(f.col("node").cast("string")).collect()}
        found_handles = {
            str(r[0]).lower().lstrip("@")
            for r in hit.select("handle").collect()
            if r[0] is not None
        }
        unknown = [
            w for w in wanted if w not in found and w.lower().lstrip("@") not in found_handles
        ]
        before = t.count()
        t = t.where(~(by_id | by_handle))
        filtered["excluded"] = before - t.count()
    if tiers is not None:
        wanted_tiers = {str(x).strip().lower() for x in tiers if str(x).strip()}
        present = {
            str(v).lower()
            for r in t.select("tier", "tier_band").distinct().collect()
            for v in r
            if v is not None
        }
        known = present | {"nano", "micro", "macro", "mega", "unknown"}
        bad = wanted_tiers - known
        if bad:
            raise InputError(
                f"unknown tier(s) {sorted(bad)}; use nano, micro, macro, mega "
                "or a band such as 1k-10k"
            )
        keep = f.lower("tier").isin(sorted(wanted_tiers)) | f.lower("tier_band").isin(
            sorted(wanted_tiers)
        )
        filtered["other_tiers"] = t.where(~keep).count()
        t = t.where(keep)
    if require_topics is not None:
        wanted = sorted({str(x).strip().lower() for x in require_topics if str(x).strip()})
        keep = f.arrays_overlap(_topic_array(f.col("topics")), f.array(*[f.lit(w) for w in wanted]))
        filtered["other_topics"] = t.where(~keep).count()
        t = t.where(keep)
    if insiders_only:
        is_in = f.coalesce(f.col("insider"), f.lit(False))
        filtered["not_insiders"] = t.where(~is_in).count()
        t = t.where(is_in)
    return t, filtered, unknown


def _collect_selection(selected: DataFrame, *, top, per_community) -> pd.DataFrame:
    """The selected rows on the driver, in rank order, with the columns of ``rank`` and a
    plain-words reason (:func:`netinfluence.scoring.explain`) per row."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    from netinfluence.scoring import RANK_COLUMNS, explain

    if per_community:
        w = Window.partitionBy("community").orderBy("rank")
        rows = (
            selected.withColumn("community_rank", f.row_number().over(w))
            .where(f.col("community_rank") <= per_community)
            .orderBy("community", "community_rank")
        )
    else:
        rows = selected.orderBy("rank").limit(int(top))
    frame = rows.toArrow().to_pandas()
    frame["why"] = [explain(r) for _, r in frame.iterrows()] if len(frame) else []
    frame = frame.drop(columns=["topics"])
    first = [c for c in RANK_COLUMNS if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame[first + rest].reset_index(drop=True)


def _write_folder(frame: DataFrame, out, fmt: str) -> None:
    """Every ranked node, written by Spark as a folder of part files (no ``why``)."""
    from netinfluence.scoring import RANK_COLUMNS

    cols = [c for c in RANK_COLUMNS if c in frame.columns and c != "why"]
    rest = [c for c in frame.columns if c not in cols and c != "topics"]
    writer = frame.select(*cols, *rest).write.mode("overwrite")
    if fmt == "parquet":
        writer.parquet(str(out))
    else:
        writer.option("header", True).csv(str(out))
