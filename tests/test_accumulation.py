"""Gradients accumulate: backward *adds* into ``p.grad``, ``zero_grad`` clears it,
and the training loop clears it once per step."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from networks import autoencoder as shared_autoencoder

from minnet import (
    MSE,
    SGD,
    L2Regulariser,
    Layer,
    Linear,
    Sequential,
    Sigmoid,
    check_network,
    fit,
    one_hot_patterns,
)

#: The small network these tests train: 4 -> 2 -> 4.
autoencoder = partial(shared_autoencoder, n=4, hidden=2)


def gradients(net: Layer) -> list[np.ndarray]:
    return [p.grad.copy() for p in net.parameters()]


def backward_once(net: Layer, x: np.ndarray, y: np.ndarray) -> None:
    loss = MSE()
    loss.forward(net.forward(x), y)
    net.backward(loss.backward())


def test_two_backward_calls_add_the_gradient_twice() -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    backward_once(net, x, x)
    once = gradients(net)
    backward_once(net, x, x)
    for g1, g2 in zip(once, gradients(net), strict=True):
        np.testing.assert_allclose(g2, 2 * g1, rtol=1e-12)
    assert any(np.any(g != 0) for g in once)


def test_zero_grad_on_the_network_clears_every_gradient() -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    backward_once(net, x, x)
    net.zero_grad()
    assert all(np.all(g == 0) for g in gradients(net))


def test_zero_grad_on_the_optimizer_clears_every_gradient() -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    optimizer = SGD(net.parameters(), lr=1.0)
    backward_once(net, x, x)
    optimizer.zero_grad()
    assert all(np.all(g == 0) for g in gradients(net))


def manual_step(net: Layer, x: np.ndarray, lr: float, lam: float) -> None:
    """One step of gradient descent on MSE + L2, written out by hand."""
    parameters = list(net.parameters())
    for p in parameters:
        p.grad[...] = 0.0
    backward_once(net, x, x)
    L2Regulariser(lam).backward(parameters, batch_size=x.shape[-2])
    for p in parameters:
        p.value -= lr * p.grad


def test_fit_for_two_epochs_equals_two_manual_steps() -> None:
    x = one_hot_patterns(4)
    trained, by_hand = autoencoder(), autoencoder()

    fit(
        trained,
        MSE(),
        x,
        x,
        SGD(trained.parameters(), lr=2.0),
        regularisers=[L2Regulariser(0.1)],
        max_epochs=2,
    )
    for _ in range(2):
        manual_step(by_hand, x, lr=2.0, lam=0.1)

    for p, q in zip(trained.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_allclose(p.value, q.value, rtol=1e-12, atol=1e-15)
    untrained = autoencoder().parameters()
    assert not all(
        np.allclose(p.value, q.value) for p, q in zip(trained.parameters(), untrained, strict=True)
    )


def test_fit_ignores_gradients_left_over_from_before() -> None:
    x = one_hot_patterns(4)
    trained, by_hand = autoencoder(), autoencoder()
    for p in trained.parameters():
        p.grad[...] = 123.0  # e.g. from a gradient check or an earlier backward

    fit(trained, MSE(), x, x, SGD(trained.parameters(), lr=2.0), max_epochs=1)
    manual_step(by_hand, x, lr=2.0, lam=0.0)

    for p, q in zip(trained.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_allclose(p.value, q.value, rtol=1e-12, atol=1e-15)


def tied_network() -> tuple[Sequential, Linear]:
    """Two Linear layers sharing one weight matrix (tied weights)."""
    first, second = Linear(3, 3, seed=1), Linear(3, 3, seed=2)
    second.W = first.W
    return Sequential(first, Sigmoid(), second), first


def test_a_parameter_shared_by_two_layers_receives_both_gradients() -> None:
    net, _ = tied_network()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 3)), rng.random((5, 3))
    # Finite differences move the shared W in both places at once: they agree
    # with backward only if both layers add their part into the one grad.
    check_network(net, MSE(), x, y)


def test_an_optimizer_steps_a_shared_parameter_once() -> None:
    net, first = tied_network()
    first.W.grad[...] = 1.0
    before = first.W.value.copy()
    SGD(net.parameters(), lr=0.1).step()
    np.testing.assert_allclose(first.W.value, before - 0.1)


def test_a_shared_parameter_is_decayed_once() -> None:
    net, first = tied_network()
    x = np.random.default_rng(0).random((5, 3))
    history = fit(
        net,
        MSE(),
        x,
        x,
        SGD(net.parameters(), lr=0.1),
        regularisers=[L2Regulariser(1.0)],
        max_epochs=0,
    )
    expected = 1.0 / (2 * 5) * float(np.sum(first.W.value**2))  # the one weight matrix, once
    assert history.regularisation_loss[0] == pytest.approx(expected)


def test_a_layer_object_used_twice_in_a_network_is_refused_with_advice() -> None:
    # A layer caches one forward pass; used twice, the second would overwrite the
    # first's cache and the weight gradients would be wrong. Tied weights are the
    # supported way to use one weight matrix twice.
    layer = Linear(2, 2, seed=1)
    with pytest.raises(ValueError, match=r"items 0 and 2.*share\s+the Parameter"):
        Sequential(layer, Sigmoid(), layer)


def test_named_parameters_lists_a_shared_parameter_once() -> None:
    net, first = tied_network()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "2.b"]
    assert sum(p is first.W for p in net.parameters()) == 1
