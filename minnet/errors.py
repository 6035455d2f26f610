"""The exceptions minnet raises, one class per kind of mistake.

Every class derives from :class:`MinnetError` *and* from the built-in exception
a Python programmer would expect (``ValueError``, ``TypeError``, ...), so both
``except minnet.ShapeError`` and ``except ValueError`` catch a shape mistake.
Messages are sentences: what was expected, what came, and what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotation; avoids an import cycle
    from minnet.training import History


class MinnetError(Exception):
    """Base class of every error minnet raises on purpose."""


class ShapeError(MinnetError, ValueError):
    """An array has the wrong number of axes or the wrong size along one."""


class DTypeError(MinnetError, TypeError):
    """An array holds integers, objects or anything else that is not a float."""


class NonFiniteError(MinnetError, ValueError):
    """Data, targets or a prediction contain NaN or infinity."""


class DivergenceError(MinnetError, FloatingPointError):
    """Training produced a NaN or infinite loss.

    The :class:`~minnet.training.History` recorded up to that point is kept in
    the ``history`` attribute, so nothing learned about the run is lost.
    """

    def __init__(self, message: str, history: History | None = None) -> None:
        super().__init__(message)
        self.history = history


class StateDictError(MinnetError, ValueError):
    """A saved state does not fit a model: names are missing or unexpected, or
    shapes differ."""


class ModelFileError(MinnetError, ValueError):
    """A file is not a model saved by :func:`minnet.save_model` (an ``.npz``
    archive of arrays)."""


class GradientCheckError(MinnetError, AssertionError):
    """An analytic gradient disagrees with finite differences, or a layer breaks
    the forward/backward contract.

    It derives from ``AssertionError`` so that pytest reports it as a failed
    check rather than as a crash.
    """

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details
