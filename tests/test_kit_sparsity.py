"""KLSparsity and the Layer.penalty() hook that makes it part of the objective."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minnet import (
    MSE,
    SGD,
    BinaryCrossEntropy,
    GradientCheckError,
    KLSparsity,
    L2Regulariser,
    Linear,
    Sequential,
    Sigmoid,
    check_layer,
    check_network,
    fit,
    one_hot_patterns,
)
from minnet.testing import check_layer_properties


def kl(rho: float, q: float) -> float:
    return rho * math.log(rho / q) + (1 - rho) * math.log((1 - rho) / (1 - q))


def sparse_net(seed: int = 0, beta: float = 3.0) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(8, 3, rng=rng),
        Sigmoid(),
        KLSparsity(rho=0.05, beta=beta),
        Linear(3, 8, rng=rng),
        Sigmoid(),
    )


def test_kl_gradients_hold_on_random_activations() -> None:
    check_layer_properties(lambda n: KLSparsity(rho=0.2, beta=0.5), min_value=0.05, max_value=0.95)


def test_kl_gradients_hold_inside_a_network() -> None:
    def make(n: int) -> Sequential:
        rng = np.random.default_rng(n)
        return Sequential(
            Linear(n, 3, rng=rng), Sigmoid(), KLSparsity(0.1, 2.0), Linear(3, 2, rng=rng)
        )

    check_layer_properties(make, max_examples=15)


def test_kl_penalty_is_beta_times_the_sum_of_kl_over_units() -> None:
    layer = KLSparsity(rho=0.1, beta=2.0)
    a = np.array([[0.2, 0.6], [0.4, 0.1], [0.3, 0.2]])  # means 0.3 and 0.3
    assert layer(a) is a
    assert layer.penalty() == pytest.approx(2.0 * 2 * kl(0.1, 0.3), rel=1e-12)


def test_kl_gradient_is_the_formula_added_to_grad_y() -> None:
    rho, beta = 0.1, 2.0
    layer = KLSparsity(rho=rho, beta=beta)
    a = np.array([[0.2, 0.6], [0.4, 0.2]])  # means 0.3 and 0.4; m = 2
    layer(a)
    grad_y = np.array([[1.0, -1.0], [0.5, 0.0]])
    q = np.array([0.3, 0.4])
    expected = grad_y + beta / 2 * (-rho / q + (1 - rho) / (1 - q))
    np.testing.assert_allclose(layer.backward(grad_y), expected, rtol=1e-12)
    assert grad_y.tolist() == [[1.0, -1.0], [0.5, 0.0]]


def test_kl_is_zero_with_zero_gradient_when_every_unit_is_at_rho() -> None:
    layer = KLSparsity(rho=0.25, beta=5.0)
    layer(np.full((4, 3), 0.25))
    assert layer.penalty() == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(layer.backward(np.zeros((4, 3))), 0.0, atol=1e-12)


def test_kl_stays_finite_when_a_unit_is_dead_or_saturated() -> None:
    layer = KLSparsity(rho=0.05, beta=3.0)
    with np.errstate(all="raise"):
        layer(np.array([[0.0, 1.0], [0.0, 1.0]]))
        penalty = layer.penalty()
        gradient = layer.backward(np.zeros((2, 2)))
    assert math.isfinite(penalty) and penalty > 10
    assert np.all(np.isfinite(gradient))
    assert gradient[0, 0] < 0 < gradient[0, 1]  # pushes both back towards rho


def test_kl_gives_each_network_of_a_population_its_own_rho_hat() -> None:
    layer = KLSparsity(rho=0.2, beta=1.0)
    a = np.stack([np.full((2, 1), 0.3), np.full((2, 1), 0.5)])  # shape (2, 2, 1)
    layer(a)
    assert layer.rho_hat.ravel().tolist() == pytest.approx([0.3, 0.5])
    assert layer.penalty() == pytest.approx(kl(0.2, 0.3) + kl(0.2, 0.5), rel=1e-12)


@pytest.mark.parametrize(
    ("rho", "beta", "match"),
    [(0.0, 1.0, "rho"), (1.0, 1.0, "rho"), (0.05, -1.0, "beta"), (0.05, math.inf, "beta")],
)
def test_kl_refuses_bad_hyperparameters(rho: float, beta: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        KLSparsity(rho=rho, beta=beta)


def test_kl_backward_before_forward_says_so() -> None:
    with pytest.raises(RuntimeError, match="forward"):
        KLSparsity(0.1, 1.0).backward(np.zeros((2, 2)))


def test_a_layer_without_a_penalty_contributes_zero() -> None:
    layer = Linear(3, 2, seed=0)
    layer(np.ones((2, 3)))
    assert layer.penalty() == 0.0


def test_sequential_penalty_is_the_sum_of_its_layers() -> None:
    first, second = KLSparsity(0.1, 1.0), KLSparsity(0.3, 2.0)
    net = Sequential(first, Sigmoid(), second)
    net(np.array([[0.2, 0.7], [0.4, 0.1]]))
    assert net.penalty() == pytest.approx(first.penalty() + second.penalty(), rel=1e-12)
    assert first.penalty() > 0 and second.penalty() > 0


def test_check_network_includes_the_penalty_in_the_objective() -> None:
    x = one_hot_patterns(8)
    errors = check_network(sparse_net(), BinaryCrossEntropy(), x, x, [L2Regulariser(0.01)])
    assert list(errors) == ["input", "0.W", "0.b", "3.W", "3.b"]


def test_the_checker_catches_a_penalty_gradient_that_is_left_out() -> None:
    class Forgetful(KLSparsity):
        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            return grad_y

    x = np.random.default_rng(0).uniform(0.1, 0.9, (4, 3))
    check_layer(KLSparsity(0.2, 0.5), x)
    with pytest.raises(GradientCheckError, match="input x"):
        check_layer(Forgetful(0.2, 0.5), x)


def test_the_checker_catches_a_penalty_gradient_with_the_wrong_scale() -> None:
    class Unscaled(KLSparsity):  # forgets the 1/m
        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            return grad_y + self._batch_size * (super().backward(grad_y) - grad_y)

    x = np.random.default_rng(0).uniform(0.1, 0.9, (4, 3))
    with pytest.raises(GradientCheckError, match=r"input x: .* 12 of 12 entries disagree"):
        check_layer(Unscaled(0.2, 0.5), x)


def test_fit_records_the_penalty_in_the_regularisation_loss() -> None:
    x = one_hot_patterns(8)
    net = sparse_net()
    history = fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.5), max_epochs=3)
    net.forward(x)
    assert history.regularisation_loss[-1] == pytest.approx(net.penalty(), rel=1e-12)
    assert history.regularisation_loss[0] > 0


def test_training_with_the_penalty_pulls_mean_activations_towards_rho() -> None:
    x = one_hot_patterns(8)
    means = {}
    for beta in (0.0, 3.0):
        net = sparse_net(beta=beta)
        fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.5), max_epochs=2000)
        means[beta] = float(np.mean(net[1].forward(net[0].forward(x))))
    assert abs(means[3.0] - 0.05) < abs(means[0.0] - 0.05)
