"""Optimizers against their update rules, written out here by hand."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from minnet import SGD, Adam, Momentum, Optimizer, Parameter


def parameter(value: list[float], grad: list[float]) -> Parameter:
    p = Parameter(np.array(value), "p")
    p.grad[...] = grad
    return p


def test_sgd_steps_against_the_gradient_by_lr() -> None:
    p = parameter([1.0, -1.0], [2.0, -4.0])
    SGD([p], lr=0.25).step()
    assert p.value.tolist() == [0.5, 0.0]


def test_sgd_leaves_the_gradient_for_zero_grad_to_clear() -> None:
    p = parameter([1.0], [2.0])
    optimizer = SGD([p], lr=0.1)
    optimizer.step()
    assert p.grad.tolist() == [2.0]
    optimizer.zero_grad()
    assert p.grad.tolist() == [0.0]


def test_momentum_zero_is_plain_sgd() -> None:
    p, q = parameter([1.0, 2.0], [0.5, -1.0]), parameter([1.0, 2.0], [0.5, -1.0])
    sgd, momentum = SGD([p], lr=0.3), Momentum([q], lr=0.3, momentum=0.0)
    for _ in range(3):
        sgd.step()
        momentum.step()
    np.testing.assert_allclose(p.value, q.value, rtol=1e-15)


def test_momentum_on_a_steady_gradient_approaches_lr_over_one_minus_mu() -> None:
    p = parameter([0.0], [1.0])
    optimizer = Momentum([p], lr=0.1, momentum=0.5)
    previous = 0.0
    for _ in range(60):
        optimizer.step()
        step, previous = previous - p.value[0], p.value[0]
    assert step == pytest.approx(0.1 / (1 - 0.5), rel=1e-12)


def test_adam_first_step_moves_every_entry_by_lr_whatever_its_gradient() -> None:
    p = parameter([1.0, 1.0, 1.0], [1e3, -1e-3, 2.0])
    Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.value, [0.99, 1.01, 0.99], rtol=1e-6)


@pytest.mark.parametrize("make", [lambda p: Momentum(p, lr=0.1), lambda p: Adam(p, lr=0.1)])
def test_optimizer_state_belongs_to_the_optimizer_not_to_the_parameter(
    make: Callable[[list[Parameter]], Optimizer],
) -> None:
    p = parameter([1.0], [1.0])
    attributes = set(vars(p))
    make([p]).step()
    assert set(vars(p)) == attributes


@pytest.mark.parametrize("beta", [-0.1, 1.0])
def test_decay_rates_must_lie_in_zero_to_one(beta: float) -> None:
    with pytest.raises(ValueError, match="momentum"):
        Momentum([parameter([1.0], [0.0])], lr=0.1, momentum=beta)
    with pytest.raises(ValueError, match="beta1"):
        Adam([parameter([1.0], [0.0])], lr=0.1, beta1=beta)
