"""What every learner shares: its params, read back from its constructor.

scikit-learn's convention (``BaseEstimator.get_params``), written out because
scikit-learn is not a dependency and this is all of it we need: a learner's
``__init__`` only stores each param under its own name, so ``get_params`` can
list them by introspecting the signature and a param is named once, not once in
the signature and again in a hand-kept list. Fitted state is private (or ends in
``_``), so it never shows up here.
"""

from __future__ import annotations

import inspect
from typing import Any


def param_names(cls: type) -> list[str]:
    """The names of ``cls.__init__``'s params (self and ``*args``/``**kwargs`` aside)."""
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    params = inspect.signature(cls.__init__).parameters.values()  # type: ignore[misc]
    return [p.name for p in params if p.name != "self" and p.kind not in skip]


class Learner:
    """Mixin: ``get_params()`` from the constructor's signature."""

    def get_params(self) -> dict[str, Any]:
        """The constructor's params as this learner holds them (values as given, not as resolved)."""
        return {name: getattr(self, name) for name in param_names(type(self))}
