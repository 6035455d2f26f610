"""Initialisers: the formulas' bounds and variances, reproducibility, and the
default draw order the reference trajectory depends on."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from minnet import GlorotUniform, HeNormal, Initialiser, Linear, ShapeError, Uniform


def test_the_default_draws_w_then_b_uniform_in_minus_half_to_half() -> None:
    rng = np.random.default_rng(7)
    W = rng.uniform(-0.5, 0.5, size=(8, 3))
    b = rng.uniform(-0.5, 0.5, size=3)
    layer = Linear(8, 3, seed=7)
    np.testing.assert_array_equal(layer.W.value, W)
    np.testing.assert_array_equal(layer.b.value, b)


def test_passing_the_default_explicitly_changes_nothing() -> None:
    implicit, explicit = Linear(5, 4, seed=3), Linear(5, 4, seed=3, init=Uniform(-0.5, 0.5))
    np.testing.assert_array_equal(implicit.W.value, explicit.W.value)
    np.testing.assert_array_equal(implicit.b.value, explicit.b.value)


def test_uniform_stays_in_its_bounds_with_variance_of_a_uniform() -> None:
    W, b = Uniform(-0.5, 0.5)(400, 300, np.random.default_rng(0))
    assert W.min() >= -0.5 and W.max() < 0.5 and b.min() >= -0.5 and b.max() < 0.5
    assert W.var() == pytest.approx(1 / 12, rel=0.02)


def test_glorot_uniform_bound_and_variance_follow_the_formula() -> None:
    n_in, n_out = 300, 500
    W, b = GlorotUniform()(n_in, n_out, np.random.default_rng(0))
    bound = math.sqrt(6 / (n_in + n_out))
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound  # the whole range is used
    assert W.var() == pytest.approx(2 / (n_in + n_out), rel=0.02)
    assert W.mean() == pytest.approx(0.0, abs=0.002)
    assert not b.any()


def test_he_normal_variance_follows_the_formula() -> None:
    n_in, n_out = 400, 300
    W, b = HeNormal()(n_in, n_out, np.random.default_rng(0))
    assert W.var() == pytest.approx(2 / n_in, rel=0.02)
    assert W.mean() == pytest.approx(0.0, abs=0.002)
    assert W.min() < -2 * math.sqrt(2 / n_in)  # normal tails, not a bounded uniform
    assert not b.any()


@pytest.mark.parametrize("init", [Uniform(), GlorotUniform(), HeNormal()])
def test_every_initialiser_is_reproducible_from_a_seed(init: Initialiser) -> None:
    first, again, other = (Linear(6, 4, seed=s, init=init) for s in (11, 11, 12))
    np.testing.assert_array_equal(first.W.value, again.W.value)
    assert not np.array_equal(first.W.value, other.W.value)


@pytest.mark.parametrize("init", [GlorotUniform(), HeNormal()])
def test_linear_keeps_the_initialisers_values_and_dtype(init: Initialiser) -> None:
    layer = Linear(6, 4, rng=np.random.default_rng(1), init=init, dtype=np.float32)
    W, _ = init(6, 4, np.random.default_rng(1))
    assert layer.W.value.dtype == np.float32
    np.testing.assert_array_equal(layer.W.value, W.astype(np.float32))


def test_a_plain_function_is_an_initialiser() -> None:
    def constant(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return np.full((n_in, n_out), 0.25), np.full(n_out, -1.0)

    layer = Linear(2, 3, init=constant)
    assert layer.W.value.tolist() == [[0.25] * 3] * 2 and layer.b.value.tolist() == [-1.0] * 3


BadInit = Callable[[int, int, np.random.Generator], object]


@pytest.mark.parametrize(
    ("init", "error", "match"),
    [
        (lambda i, o, r: (np.zeros((o, i)), np.zeros(o)), ShapeError, r"W of shape \(3, 2\)"),
        (lambda i, o, r: (np.zeros((i, o)), np.zeros(i)), ShapeError, r"b of shape \(2,\)"),
        (lambda i, o, r: np.zeros((i, o)), TypeError, "a pair"),
        (lambda i, o, r: (np.zeros((i, o), dtype=int), np.zeros(o)), TypeError, "float"),
        ("glorot", TypeError, "initialiser such as GlorotUniform"),
    ],
)
def test_a_bad_initialiser_is_refused_with_a_sentence(
    init: BadInit, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        Linear(2, 3, seed=0, init=init)  # type: ignore[arg-type]


def test_uniform_refuses_bounds_in_the_wrong_order() -> None:
    with pytest.raises(ValueError, match="low < high"):
        Uniform(0.5, -0.5)
