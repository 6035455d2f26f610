"""Tanh, ReLU and Identity: gradients, values, and the shared Activation base."""

from __future__ import annotations

import numpy as np
import pytest

from minnet import Activation, GradientCheckError, Identity, ReLU, Sigmoid, Tanh, check_layer
from minnet.testing import check_layer_properties


def test_tanh_gradients_hold_on_random_inputs() -> None:
    check_layer_properties(lambda n: Tanh(), min_value=-15.0, max_value=15.0)


def test_relu_gradients_hold_on_random_inputs_off_the_kink() -> None:
    check_layer_properties(lambda n: ReLU(), avoid=(0.0,))


def test_identity_gradients_hold_on_random_inputs() -> None:
    check_layer_properties(lambda n: Identity())


def test_tanh_values_and_derivative() -> None:
    layer = Tanh()
    x = np.array([[-1.0, 0.0, 0.5]])
    y = layer(x)
    np.testing.assert_allclose(y, np.tanh(x))
    np.testing.assert_allclose(layer.backward(np.ones_like(x)), 1.0 - np.tanh(x) ** 2)


def test_tanh_does_not_overflow_or_warn_at_extreme_inputs() -> None:
    y = Tanh()(np.array([[-1e308, 1e308]]))
    assert y.tolist() == [[-1.0, 1.0]]


def test_relu_passes_the_gradient_where_the_input_is_positive_only() -> None:
    layer = ReLU()
    layer(np.array([[-2.0, 0.0, 1e-300, 4.0]]))
    assert layer.backward(np.array([[7.0, 7.0, 7.0, 7.0]])).tolist() == [[0.0, 0.0, 7.0, 7.0]]


def test_relu_backward_leaves_grad_y_and_its_cache_alone() -> None:
    """The classic bug: ``grad_y[x <= 0] = 0`` zeroes the caller's array."""
    layer = ReLU()
    y = layer(np.array([[-1.0, 2.0]]))
    grad_y = np.array([[3.0, 3.0]])
    first = layer.backward(grad_y)
    assert grad_y.tolist() == [[3.0, 3.0]]
    assert y.tolist() == [[0.0, 2.0]]
    assert first is not grad_y
    assert np.array_equal(layer.backward(grad_y), first)


def test_relu_keeps_float32() -> None:
    layer = ReLU()
    layer(np.array([[-1.0, 2.0]], dtype=np.float32))
    assert layer.backward(np.ones((1, 2), dtype=np.float32)).dtype == np.float32


def test_identity_returns_its_arguments_unchanged() -> None:
    layer = Identity()
    x = np.array([[1.5, -2.0]])
    g = np.array([[0.25, 4.0]])
    assert layer(x) is x
    assert layer.backward(g) is g
    assert g.tolist() == [[0.25, 4.0]]


@pytest.mark.parametrize("make", [Sigmoid, Tanh, ReLU, Identity])
def test_backward_before_forward_says_so(make: type[Activation]) -> None:
    with pytest.raises(RuntimeError, match="before forward"):
        make().backward(np.ones((1, 2)))


@pytest.mark.parametrize("make", [Sigmoid, Tanh, ReLU, Identity])
def test_every_activation_shares_the_activation_base(make: type[Activation]) -> None:
    assert isinstance(make(), Activation)


def test_a_new_activation_needs_only_its_function_and_derivative() -> None:
    class Square(Activation):  # f(x) = x^2 is not a function of its output alone ...
        def function(self, x: np.ndarray) -> np.ndarray:
            return x * x

        def derivative(self, y: np.ndarray) -> np.ndarray:
            return 2.0 * np.sqrt(y)  # ... so this is right only for x >= 0

    check_layer(Square(), np.array([[0.5, 1.5, 2.0]]))
    with pytest.raises(GradientCheckError, match="input x"):
        check_layer(Square(), np.array([[-0.5, 1.5, 2.0]]))
