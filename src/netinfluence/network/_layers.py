"""The graph layers of a network and the one rule that picks a layer when none is named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netinfluence.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Graph layers a Network can show: the follows (exposure) graph, the interactions graph
#: (weight = summed interaction counts) and the tie-strength graph (see ``netinfluence.network``).
LAYERS = ("follows", "interactions", "ties")


def _check_layer(layer: str) -> str:
    name = str(layer).strip().lower()
    if name not in LAYERS:
        raise InputError(f"layer must be one of {LAYERS}, got {layer!r}")
    return name
