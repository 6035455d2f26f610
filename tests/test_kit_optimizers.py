"""Momentum and Adam: their update equations on cases worked by hand, their
per-parameter state, and their refusal of bad hyperparameters."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from minnet import (
    MSE,
    SGD,
    Adam,
    L2Regulariser,
    Linear,
    Momentum,
    Optimizer,
    Parameter,
    Sequential,
    Sigmoid,
    fit,
    one_hot_patterns,
)


def parameter(*values: float) -> Parameter:
    return Parameter(np.array(values, dtype=float), "w")


def steps(optimizer: Optimizer, p: Parameter, gradients: list[float]) -> list[float]:
    """Apply one step per gradient (the same gradient for every entry); the values after each."""
    values = []
    for g in gradients:
        p.grad[...] = g
        optimizer.step()
        values.append(float(p.value[0]))
    return values


def test_momentum_two_steps_by_hand() -> None:
    # v1 = 2, p1 = 1 - 0.1*2 = 0.8;  v2 = 0.5*2 + 4 = 5, p2 = 0.8 - 0.1*5 = 0.3
    p = parameter(1.0)
    optimizer = Momentum([p], lr=0.1, momentum=0.5)
    assert steps(optimizer, p, [2.0, 4.0]) == pytest.approx([0.8, 0.3], abs=1e-15)
    assert optimizer.velocity[0].tolist() == [5.0]


def test_nesterov_two_steps_by_hand() -> None:
    # v1 = 2, p1 = 1 - 0.1*(2 + 0.5*2) = 0.7;  v2 = 5, p2 = 0.7 - 0.1*(4 + 0.5*5) = 0.05
    p = parameter(1.0)
    optimizer = Momentum([p], lr=0.1, momentum=0.5, nesterov=True)
    assert steps(optimizer, p, [2.0, 4.0]) == pytest.approx([0.7, 0.05], abs=1e-15)


def test_momentum_zero_is_plain_sgd() -> None:
    p, q = parameter(1.0, -2.0), parameter(1.0, -2.0)
    momentum, sgd = Momentum([p], lr=0.3, momentum=0.0), SGD([q], lr=0.3)
    for g in (1.0, -0.5, 2.0):
        p.grad[...], q.grad[...] = g, g
        momentum.step()
        sgd.step()
    np.testing.assert_array_equal(p.value, q.value)


def test_momentum_on_a_steady_gradient_approaches_lr_over_one_minus_mu() -> None:
    p = parameter(0.0)
    values = steps(Momentum([p], lr=0.1, momentum=0.9), p, [1.0] * 200)
    assert values[-2] - values[-1] == pytest.approx(0.1 / (1 - 0.9), rel=1e-6)


def test_adam_first_step_is_lr_times_the_sign_of_the_gradient() -> None:
    p = parameter(0.0, 0.0, 0.0)
    p.grad[...] = [1e3, -2.0, 1e-3]
    Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.value, [-0.01, 0.01, -0.01], rtol=1e-4)


def test_adam_two_steps_by_hand() -> None:
    lr, b1, b2, eps = 0.1, 0.5, 0.75, 1e-8
    p = parameter(1.0)
    optimizer = Adam([p], lr=lr, beta1=b1, beta2=b2, eps=eps)
    # Step 1, g = 2: m = 1, v = 1; m_hat = 1/0.5 = 2, v_hat = 1/0.25 = 4; p = 1 - 0.1*2/(2+eps)
    # Step 2, g = 1: m = 0.5 + 0.5 = 1, v = 0.75 + 0.25 = 1;
    #                m_hat = 1/0.75, v_hat = 1/(1 - 0.5625) = 1/0.4375
    p1 = 1 - lr * 2 / (2 + eps)
    p2 = p1 - lr * (1 / 0.75) / (math.sqrt(1 / 0.4375) + eps)
    assert steps(optimizer, p, [2.0, 1.0]) == pytest.approx([p1, p2], rel=1e-14)
    assert (optimizer.steps, optimizer.first_moment[0][0], optimizer.second_moment[0][0]) == (
        2,
        1.0,
        1.0,
    )


def test_adam_step_size_does_not_depend_on_the_scale_of_the_gradient() -> None:
    small, large = parameter(0.0), parameter(0.0)
    small_steps = steps(Adam([small], lr=0.05), small, [1e-3, 2e-3, 1e-3])
    large_steps = steps(Adam([large], lr=0.05), large, [1e3, 2e3, 1e3])
    np.testing.assert_allclose(small_steps, large_steps, rtol=1e-4)


@pytest.mark.parametrize(
    "make",
    [lambda ps: Momentum(ps, lr=0.1), lambda ps: Momentum(ps, lr=0.1, nesterov=True), Adam],
)
def test_state_is_kept_per_parameter(make: Callable[[list[Parameter]], Optimizer]) -> None:
    """Two parameters with different gradients move as if each had its own optimizer."""
    a, b = parameter(1.0), parameter(1.0)
    a_alone, b_alone = parameter(1.0), parameter(1.0)
    together, only_a, only_b = make([a, b]), make([a_alone]), make([b_alone])
    for g_a, g_b in [(1.0, -3.0), (2.0, 0.5), (-1.0, 0.0)]:
        a.grad[...], b.grad[...] = g_a, g_b
        a_alone.grad[...], b_alone.grad[...] = g_a, g_b
        for optimizer in (together, only_a, only_b):
            optimizer.step()
    assert a.value.tolist() == a_alone.value.tolist()
    assert b.value.tolist() == b_alone.value.tolist()
    assert a.value.tolist() != b.value.tolist()


def test_optimizer_state_is_not_stored_on_the_layer() -> None:
    layer = Linear(3, 2, seed=0)
    before = set(vars(layer))
    for optimizer in (Momentum(layer.parameters(), lr=0.1), Adam(layer.parameters())):
        for p in layer.parameters():
            p.grad[...] = 1.0
        optimizer.step()
    assert set(vars(layer)) == before
    assert set(vars(layer.W)) == set(vars(Linear(3, 2, seed=0).W))


def test_a_parameter_listed_twice_is_stepped_once() -> None:
    p = parameter(1.0)
    p.grad[...] = 1.0
    optimizer = SGD([p, p], lr=0.5)
    optimizer.step()
    assert optimizer.parameters == [p]
    assert p.value.tolist() == [0.5]


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_both_optimizers_train_the_flagship_faster_than_sgd(name: str) -> None:
    x = one_hot_patterns(8)
    rng = np.random.default_rng(0)
    net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    optimizer = (
        Momentum(net.parameters(), lr=1.5) if name == "momentum" else Adam(net.parameters(), lr=0.1)
    )
    history = fit(
        net, MSE(), x, x, optimizer, regularisers=[L2Regulariser(5e-5)], tol=5e-4, max_epochs=5000
    )
    assert history.converged and history.epochs < 9430  # SGD's epochs at seed 0


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda ps: Momentum(ps, lr=0.0), "learning rate"),
        (lambda ps: Momentum(ps, lr=math.inf), "learning rate"),
        (lambda ps: Momentum(ps, lr=0.1, momentum=1.0), "0 <= momentum < 1"),
        (lambda ps: Momentum(ps, lr=0.1, momentum=-0.1), "0 <= momentum < 1"),
        (lambda ps: Adam(ps, lr=-1.0), "learning rate"),
        (lambda ps: Adam(ps, beta1=1.0), "0 <= beta1 < 1"),
        (lambda ps: Adam(ps, beta2=1.5), "0 <= beta2 < 1"),
        (lambda ps: Adam(ps, eps=0.0), "positive eps"),
        (lambda ps: Adam(ps, eps=math.nan), "positive eps"),
    ],
)
def test_bad_hyperparameters_are_refused_with_a_sentence(
    build: Callable[[list[Parameter]], Optimizer], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        build([parameter(1.0)])


def test_nesterov_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="nesterov"):
        Momentum([parameter(1.0)], lr=0.1, nesterov="yes")  # type: ignore[arg-type]


def test_sgd_still_refuses_a_bad_learning_rate_with_its_old_message() -> None:
    with pytest.raises(ValueError, match=r"SGD needs a positive, finite learning rate, got lr=0"):
        SGD([parameter(1.0)], lr=0)
