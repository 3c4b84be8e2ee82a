"""Modules that share their name with their main function can be called like it.

``netinfluence.centrality`` is both a module (``ni.centrality.pagerank``) and, by the issue's
contract, a function (``ni.centrality(net)``). Python binds a package attribute to the
submodule whenever it is imported, so a plain function attribute would silently turn into the
module; making the module callable keeps both spellings working.
"""

from __future__ import annotations

import sys
import types


class CallableModule(types.ModuleType):
    """A module whose call runs the function of the same name inside it."""

    def __call__(self, *args, **kwargs):
        return getattr(self, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


def make_callable(module_name: str) -> None:
    """Let ``module(...)`` call ``module.<last part of its name>(...)``."""
    sys.modules[module_name].__class__ = CallableModule
