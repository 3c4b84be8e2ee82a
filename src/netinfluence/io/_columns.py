"""Column roles: which column of an input table is the follower, target, count, ..."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from netinfluence.errors import InputError

if TYPE_CHECKING:
    from netinfluence.io._files import RawTable

EDGE_KINDS = ("follows", "interactions", "edges")

#: Strings that mean "no id" in platform exports; a row with such an id is a bad row.
NULL_ID_STRINGS = frozenset({"", "nan", "none", "null", "na", "n/a", "<na>", "nil", "#n/a"})

#: Accepted column names per role (compared case-insensitively, spaces and dashes as ``_``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "follower": ("follower", "follower_id", "from", "source", "src", "user", "user_id", "u"),
    "followed": ("followed", "followed_id", "to", "target", "dst", "friend", "friend_id", "v"),
    "source": ("source", "source_id", "src", "from", "actor", "sender", "user", "user_id", "u"),
    "target": ("target", "target_id", "dst", "to", "receiver", "recipient", "v"),
    "type": ("type", "interaction", "interaction_type", "kind", "action", "event"),
    "count": ("count", "weight", "n", "times", "w", "cnt"),
    "timestamp": ("timestamp", "time", "ts", "date", "datetime", "created_at", "t"),
    "weight": ("weight", "p", "prob", "probability", "w"),
    "id": ("id", "node", "node_id", "user", "user_id", "account", "account_id", "username"),
}

_KIND_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required roles, optional roles in positional order)
    "follows": (("follower", "followed"), ()),
    "interactions": (("source", "target"), ("type", "count", "timestamp")),
    "edges": (("source", "target"), ("weight",)),
}

#: User-table columns that must hold non-negative numbers.
NUMERIC_USER_COLUMNS = ("followers", "following", "posts", "likes", "comments", "shares", "views")

_ALL_NAMES = (
    frozenset(n for names in SYNONYMS.values() for n in names)
    | frozenset(NUMERIC_USER_COLUMNS)
    | {"handle", "topics", "name"}
)

# --------------------------------------------------------------------------- column roles


def _norm(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _resolve_columns(
    raw: RawTable,
    required: Sequence[str],
    optional: Sequence[str],
    columns: Mapping[str, Any] | Sequence[str] | None,
    what: str,
) -> dict[str, str]:
    """Map each role to a column of ``raw.frame``; raise naming the columns found."""
    cols = list(raw.frame.columns)
    roles = tuple(required) + tuple(optional)
    mapping: dict[str, str] = {}
    if columns is not None:
        if isinstance(columns, Mapping):
            items = list(columns.items())
        else:
            items = [(role, i) for i, role in enumerate(columns) if role]
        for role, col in items:
            if role not in roles:
                raise InputError(
                    f"unknown column role {role!r} for {what}; expected one of {list(roles)}",
                    source=raw.name,
                )
            if isinstance(col, (int, np.integer)) and not isinstance(col, bool):
                if not 0 <= int(col) < len(cols):
                    raise InputError(
                        f"column position {col} (column {int(col) + 1} counting from 1) for "
                        f"{role!r} is out of range: the file has {len(cols)} column(s) {cols}",
                        source=raw.name,
                    )
                mapping[role] = cols[int(col)]
            else:
                match = [c for c in cols if c == col] or [c for c in cols if _norm(c) == _norm(col)]
                if not match:
                    raise InputError(
                        f"column {col!r} (for {role!r}) not found; columns found: {cols}",
                        source=raw.name,
                    )
                mapping[role] = match[0]
        missing = [r for r in required if r not in mapping]
        if missing and not raw.has_header:
            free = [c for c in cols if c not in mapping.values()]
            for role, col in zip(missing, free, strict=False):
                mapping[role] = col
        missing = [r for r in required if r not in mapping]
        if missing:
            raise InputError(
                f"no column given for {missing}; columns found: {cols}", source=raw.name
            )
        return mapping

    if raw.has_header:
        normed = {c: _norm(c) for c in cols}
        taken: set[str] = set()
        for role in roles:
            for syn in SYNONYMS[role]:
                hit = next((c for c in cols if normed[c] == syn and c not in taken), None)
                if hit is not None:
                    mapping[role] = hit
                    taken.add(hit)
                    break
        missing = [r for r in required if r not in mapping]
        if missing:
            expected = " / ".join("(" + ", ".join(SYNONYMS[r][:3]) + ")" for r in required)
            raise InputError(
                f"no usable columns for {what}: expected {expected}, found {cols}; "
                "name the columns with columns=... (CLI: --columns 'follower=a,followed=b')",
                source=raw.name,
            )
        return mapping

    # No header: required roles by position, then optional roles in order.
    if len(cols) < len(required):
        raise InputError(
            f"expected at least {len(required)} columns for {what} "
            f"({', '.join(required)}), found {len(cols)}; check the delimiter",
            source=raw.name,
        )
    for role, col in zip(required, cols, strict=False):
        mapping[role] = col
    rest = cols[len(required) :]
    if optional == ("type", "count", "timestamp"):
        # Headerless interaction lists are SNAP style ``u v w``: the third column is a count.
        if rest:
            mapping["count"] = rest[0]
    else:
        for role, col in zip(optional, rest, strict=False):
            mapping[role] = col
    return mapping
