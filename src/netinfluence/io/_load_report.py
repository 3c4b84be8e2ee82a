"""The load report: what reading the input kept, merged, repaired and dropped, and why.

Nothing is ever dropped silently: every loader step that changes the input adds a line
here, and the CLI prints it. Ids dropped with their whole row are listed so that a user
can check that every account they handed in is either in the result or accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class ReportLine:
    """One step of loading: ``count`` rows/ids of ``source`` were ``action`` because ``reason``."""

    source: str
    action: str
    count: int
    reason: str = ""


@dataclass
class LoadReport:
    """What loading the input did, line by line.

    Examples
    --------
    >>> r = LoadReport()
    >>> r.add("follows.csv", "read", 10, "data rows")
    >>> r.add("follows.csv", "dropped", 1, "self-loop")
    >>> r.count("dropped")
    1
    """

    lines: list[ReportLine] = field(default_factory=list)
    dropped_ids: dict[str, str] = field(default_factory=dict)

    def add(self, source: str, action: str, count: int, reason: str = "") -> None:
        """Record a step; zero counts are not recorded (nothing happened)."""
        count = int(count)
        if count:
            self.lines.append(ReportLine(str(source), action, count, reason))

    def drop_ids(self, ids, reason: str) -> None:
        """Remember ids that vanished from the network altogether, with the reason."""
        for i in ids:
            self.dropped_ids.setdefault(str(i), reason)

    def extend(self, other: LoadReport) -> None:
        """Append the lines and dropped ids of another report."""
        self.lines.extend(other.lines)
        for k, v in other.dropped_ids.items():
            self.dropped_ids.setdefault(k, v)

    def count(self, action: str, source: str | None = None) -> int:
        """Total count of the lines with this action (and source, if given)."""
        return sum(
            ln.count
            for ln in self.lines
            if ln.action == action and (source is None or ln.source == source)
        )

    def to_frame(self) -> pd.DataFrame:
        """The report as a table with columns ``source, action, count, reason``."""
        return pd.DataFrame(
            [(ln.source, ln.action, ln.count, ln.reason) for ln in self.lines],
            columns=["source", "action", "count", "reason"],
        )

    def to_dict(self) -> dict:
        """A JSON-ready dict (used in provenance files)."""
        return {
            "lines": [ln.__dict__.copy() for ln in self.lines],
            "dropped_ids": dict(self.dropped_ids),
        }

    def __str__(self) -> str:
        if not self.lines:
            return "load report: nothing read"
        width = max(len(ln.source) for ln in self.lines)
        out = ["load report:"]
        for ln in self.lines:
            reason = f"  ({ln.reason})" if ln.reason else ""
            out.append(f"  {ln.source:<{width}}  {ln.action:<9} {ln.count:>10,}{reason}")
        return "\n".join(out)
