"""The contract checks behind :mod:`minnet.gradcheck`, one requirement each.

Finite differences test the *values* of gradients. A layer can still break
its contract with correct values: by editing its argument in place, by
overwriting ``p.grad`` instead of adding into it, by changing what forward
cached. Each function here checks one such rule and, when it is broken,
raises :class:`~minnet.errors.GradientCheckError` with a sentence that says
where, at which index, and what to change.
"""

from __future__ import annotations

import numpy as np

from minnet.errors import GradientCheckError
from minnet.parameter import Parameter
from minnet.regularisers import Regulariser


def require_float64(array: np.ndarray, what: str) -> None:
    """Refuse anything but float64: finite differences need its precision."""
    if array.dtype != np.float64:
        raise TypeError(
            f"Gradient checks need float64, but {what} is {array.dtype}: in lower "
            f"precision the rounding error of the finite differences swamps the "
            f"result. Check a float64 copy of the object."
        )


def require_unchanged(before: np.ndarray, after: np.ndarray, where: str, advice: str) -> None:
    """Require ``after`` to equal ``before`` exactly (nothing edited in place)."""
    if before.shape != after.shape or not np.array_equal(before, after, equal_nan=True):
        if before.shape != after.shape:
            detail = f"its shape changed from {before.shape} to {after.shape}"
        else:
            index = tuple(int(i) for i in np.argwhere(before != after)[0])
            detail = f"first at index {index}: was {before[index]:.6g}, now {after[index]:.6g}"
        raise GradientCheckError(f"{where} ({detail}). {advice}", where=where)


def require_zero(array: np.ndarray, where: str, advice: str) -> None:
    """Require every entry of ``array`` to be exactly zero."""
    if np.any(array != 0):
        index = tuple(int(i) for i in np.argwhere(array != 0)[0])
        raise GradientCheckError(
            f"{where}: expected zero, got {array[index]:.6g} at index {index}. {advice}",
            where=where,
        )


def require_close(expected: np.ndarray, actual: np.ndarray, where: str, advice: str) -> None:
    """Require ``actual`` to equal ``expected`` up to rounding (rtol 1e-10)."""
    if expected.shape != actual.shape or not np.allclose(expected, actual, rtol=1e-10, atol=1e-12):
        detail = ""
        if expected.shape == actual.shape:
            index = tuple(
                int(i)
                for i in np.argwhere(~np.isclose(expected, actual, rtol=1e-10, atol=1e-12))[0]
            )
            detail = f" (at index {index}: expected {expected[index]:.6g}, got {actual[index]:.6g})"
        raise GradientCheckError(f"{where}{detail}. {advice}", where=where)


def require_accumulation(
    regulariser: Regulariser, parameters: list[Parameter], batch_size: int
) -> None:
    """Raise :class:`GradientCheckError` unless ``backward`` adds into ``grad``."""
    for p in parameters:
        p.zero_grad()
    regulariser.backward(parameters, batch_size)
    alone = [p.grad.copy() for p in parameters]
    for p in parameters:
        p.grad[...] = 1.0
    regulariser.backward(parameters, batch_size)
    for p, gradient in zip(parameters, alone, strict=True):
        expected = gradient + 1.0
        wrong = ~np.isclose(p.grad, expected, rtol=1e-10, atol=1e-12)
        if np.any(wrong):
            index = tuple(int(i) for i in np.argwhere(wrong)[0])
            raise GradientCheckError(
                f"{regulariser!r} parameter {p.name!r}: backward must add its gradient "
                f"into p.grad (p.grad += ...), but when p.grad held 1.0 beforehand it "
                f"left {p.grad[index]:.6g} at index {index} instead of "
                f"{expected[index]:.6g}. The training loop calls it after the network's "
                f"backward, so overwriting grad throws the data gradient away.",
                where=p.name,
                index=index,
            )
        p.zero_grad()
