"""``backward_parameters``: the backward pass of the training loop, which adds
the same parameter gradients as ``backward`` without computing the gradient
of the data."""

from __future__ import annotations

import numpy as np
import pytest

from minnet import MSE, SGD, Linear, Sequential, Sigmoid, fit, stack
from tests.registry import LAYERS


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_it_adds_exactly_the_gradients_backward_adds(name: str) -> None:
    entry = LAYERS[name]
    rng = np.random.default_rng(0)
    layer = entry.make(5)
    x = rng.uniform(max(entry.min_value, 0.1), min(entry.max_value, 0.9), size=(4, 5))
    grad_y = rng.normal(size=layer.forward(x).shape)
    layer.backward(grad_y)
    by_backward = [p.grad.copy() for p in layer.parameters()]
    layer.zero_grad()
    layer.backward_parameters(grad_y)
    for expected, p in zip(by_backward, layer.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, expected)


def test_a_population_gets_each_members_own_gradients() -> None:
    networks = [
        Sequential(Linear(3, 2, seed=s), Sigmoid(), Linear(2, 3, seed=s + 10)) for s in range(3)
    ]
    population, x = stack(networks), np.random.default_rng(1).uniform(size=(4, 3))
    grad_y = np.ones((3, 4, 3))
    population.forward(x)
    population.backward(grad_y)
    by_backward = [p.grad.copy() for p in population.parameters()]
    population.zero_grad()
    population.backward_parameters(grad_y)
    for expected, p in zip(by_backward, population.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, expected)


def test_the_first_linear_layer_does_not_compute_its_input_gradient() -> None:
    class Counting(Linear):
        products = 0

        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            Counting.products += 1
            return super().backward(grad_y)

    rng = np.random.default_rng(0)
    net = Sequential(Counting(4, 2, rng=rng), Sigmoid(), Counting(2, 4, rng=rng), Sigmoid())
    x = np.eye(4)
    fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.0), max_epochs=3)
    assert Counting.products == 3  # the second layer's, once per update
