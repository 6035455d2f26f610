"""Sequential: layers one after another, itself a Layer, with stable parameter names."""

from __future__ import annotations

import numpy as np
import pytest
from networks import autoencoder

from minnet import Layer, Linear, Sequential, Sigmoid


def test_sequential_names_parameters_by_layer_index_and_name() -> None:
    names = [name for name, _ in autoencoder().named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]


def test_sequential_yields_the_same_parameters_on_every_call() -> None:
    net = autoencoder()
    first, second = list(net.named_parameters()), list(net.named_parameters())
    assert [name for name, _ in first] == [name for name, _ in second]
    assert all(a is b for (_, a), (_, b) in zip(first, second, strict=True))


def test_sequential_parameters_follow_the_order_of_named_parameters() -> None:
    net = autoencoder()
    named = [p for _, p in net.named_parameters()]
    assert [id(p) for p in net.parameters()] == [id(p) for p in named]
    first, third = net[0], net[2]
    assert isinstance(first, Linear) and isinstance(third, Linear)
    assert named[0] is first.W and named[3] is third.b


def test_nested_sequential_names_join_the_indices_with_dots() -> None:
    inner = Sequential(Linear(2, 2, seed=0), Sigmoid())
    names = [name for name, _ in Sequential(inner, Linear(2, 1, seed=1)).named_parameters()]
    assert names == ["0.0.W", "0.0.b", "1.W", "1.b"]


def test_sequential_forward_applies_the_layers_in_order() -> None:
    net = autoencoder()
    x = np.eye(8)
    expected = x
    for layer in net.layers:
        expected = layer(expected)
    np.testing.assert_array_equal(net(x), expected)
    assert isinstance(net, Layer) and len(net) == 4


def test_sequential_backward_is_the_chain_rule_in_reverse_order() -> None:
    net = autoencoder()
    x, g = np.eye(8), np.random.default_rng(1).normal(size=(8, 8))
    net(x)
    grad_x = net.backward(g)
    expected = g
    for layer in reversed(net.layers):
        expected = layer.backward(expected)
    np.testing.assert_allclose(grad_x, expected, rtol=1e-12)


def test_sequential_refuses_a_layer_class_and_says_to_instantiate_it() -> None:
    with pytest.raises(TypeError, match=r"item 1 is the class Sigmoid itself. Instantiate it"):
        Sequential(Linear(2, 2, seed=0), Sigmoid)  # type: ignore[arg-type]


def test_sequential_refuses_something_that_is_not_a_layer() -> None:
    with pytest.raises(TypeError, match=r"item 0 is a ufunc"):
        Sequential(np.tanh)  # type: ignore[arg-type]
