"""Checks at the boundary: bad input is stopped with a sentence, not a numpy
traceback from deep inside a layer.

minnet works on arrays of shape ``(..., batch, features)``: at least two axes,
the last one holding the features. Values are floats (float64 unless the user
asks otherwise) and finite. These helpers are called where data enters the
library (``Layer.__call__``, ``Loss.__call__``, :func:`minnet.fit`), not in the
hot loop of training, so they cost nothing per epoch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minnet.errors import DTypeError, NonFiniteError, ShapeError


def as_batch(x: Any, who: str, what: str = "input") -> np.ndarray:
    """Return ``x`` as a float array of shape ``(..., batch, features)``.

    Parameters
    ----------
    x
        An array, or anything ``numpy.asarray`` turns into one (a nested list).
    who
        The name of the object that receives ``x``, used in error messages.
    what
        What ``x`` is to ``who`` ("input", "target", ...), used in messages.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it already is a float ndarray (no copy is made).

    Raises
    ------
    DTypeError
        If the values are not floating point (integers, booleans, objects).
    ShapeError
        If ``x`` has fewer than two axes.
    NonFiniteError
        If ``x`` contains NaN or infinity.

    Examples
    --------
    >>> as_batch([[0.0, 1.0]], who="Linear").shape
    (1, 2)
    """
    array = np.asarray(x)
    if array.dtype.kind != "f":
        hint = (
            " Convert it first, e.g. np.asarray(x, dtype=float)."
            if array.dtype.kind in "biu"
            else ""
        )
        raise DTypeError(
            f"{who} expected the {what} to hold floating-point numbers, got an array of dtype {array.dtype}.{hint}"
        )
    if array.ndim < 2:
        raise ShapeError(
            f"{who} expected the {what} to have shape (batch, features), at least 2 "
            f"axes, but got shape {array.shape}. A single sample of n features is a "
            f"batch of one: write x.reshape(1, -1) (or x[None, :])."
        )
    if array.size == 0:
        raise ShapeError(
            f"{who} expected the {what} to hold at least one sample and one feature, "
            f"got an empty array of shape {array.shape}."
        )
    if not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise NonFiniteError(
            f"The {what} given to {who} contains NaN or infinity (first at index "
            f"{tuple(int(i) for i in bad)}: {array[tuple(bad)]}). Clean or impute the "
            f"data before training."
        )
    return array


def as_dtype_of(array: np.ndarray, dtypes: set[np.dtype[Any]]) -> np.ndarray:
    """``array`` cast once to the one dtype in ``dtypes`` (a network's parameters),
    or ``array`` itself when it already has it or the parameters mix dtypes.

    numpy promotes ``float64 @ float32`` to float64, so float64 data fed to a
    float32 network would silently train in float64 every epoch; casting the
    data once at the boundary keeps the network in the precision it was built in.

    Examples
    --------
    >>> as_dtype_of(np.eye(2), {np.dtype(np.float32)}).dtype
    dtype('float32')
    """
    if len(dtypes) != 1:
        return array
    (dtype,) = dtypes
    return array if array.dtype == dtype else array.astype(dtype)


def check_features(x: np.ndarray, expected: int, who: object) -> None:
    """Raise :class:`ShapeError` unless the last axis of ``x`` has ``expected``
    entries.

    ``who`` names the receiver in the message: a string, or the layer itself,
    whose repr is then only made when the check fails (this runs every epoch).

    Examples
    --------
    >>> check_features(np.zeros((4, 3)), 3, who="Linear(3, 2)")
    >>> check_features(np.zeros((4, 5)), 3, who="Linear(3, 2)")
    Traceback (most recent call last):
    ...
    minnet.errors.ShapeError: Linear(3, 2) expected inputs with 3 features (last axis), got shape (4, 5).
    """
    if x.ndim < 2 or x.shape[-1] != expected:
        raise ShapeError(
            f"{who!s} expected inputs with {expected} features (last axis), got shape {x.shape}."
        )


def as_numbers(value: Any, name: str, who: str) -> np.ndarray:
    """``value`` (one number, or one per member of a population) as a float array.

    Raises
    ------
    TypeError
        For text, booleans, ``None`` or anything else that is not numbers.

    Examples
    --------
    >>> as_numbers(0.5, "lr", who="SGD").tolist()
    0.5
    >>> as_numbers("0.5", "lr", who="SGD")
    Traceback (most recent call last):
    ...
    TypeError: SGD needs lr as a number (or an array of numbers), got '0.5'.
    """
    array = np.asarray(value)
    if array.dtype.kind not in "iuf" or array.dtype == np.bool_:
        raise TypeError(f"{who} needs {name} as a number (or an array of numbers), got {value!r}.")
    return array.astype(float)
