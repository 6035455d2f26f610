"""float32 end to end: a network built with ``dtype=np.float32`` computes, trains
and stores everything in float32, with no silent promotion to float64; the
gradient checks refuse it and say why."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from minnet import (
    MSE,
    SGD,
    Adam,
    BinaryCrossEntropy,
    KLSparsity,
    L2Regulariser,
    Linear,
    Momentum,
    Optimizer,
    Parameter,
    Sequential,
    Sigmoid,
    Tanh,
    fit,
    fit_population,
    stack,
)
from minnet.gradcheck import check_layer, check_loss, check_network, check_regulariser

F32 = np.dtype(np.float32)


def sparse_autoencoder(dtype: type[np.floating] = np.float32, seed: int = 0) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(6, 4, rng=rng, dtype=dtype),
        Sigmoid(),
        KLSparsity(rho=0.1, beta=0.5),
        Linear(4, 6, rng=rng, dtype=dtype),
        Sigmoid(),
    )


def data(dtype: type[np.floating] = np.float32) -> np.ndarray:
    return np.random.default_rng(1).uniform(0.0, 1.0, size=(10, 6)).astype(dtype)


OPTIMIZERS: dict[str, Callable[[list[Parameter]], Optimizer]] = {
    "sgd": lambda ps: SGD(ps, lr=0.5),
    "momentum": lambda ps: Momentum(ps, lr=0.1),
    "adam": lambda ps: Adam(ps, lr=0.01),
}


def test_every_layer_passes_float32_forward_and_backward() -> None:
    net, x = sparse_autoencoder(), data()
    outputs = [x]
    for layer in net:
        outputs.append(layer.forward(outputs[-1]))
    assert [out.dtype for out in outputs] == [F32] * len(outputs)
    loss = MSE()
    loss.forward(outputs[-1], x)
    grad = loss.backward()
    assert grad.dtype == F32
    for layer in reversed(net.layers):
        grad = layer.backward(grad)
        assert grad.dtype == F32, f"{layer!r} returned a {grad.dtype} gradient"
    assert {p.grad.dtype for p in net.parameters()} == {F32}


def test_the_sparsity_penalty_is_computed_in_float32() -> None:
    sparsity = KLSparsity(rho=0.05, beta=3.0)
    sparsity(data()[:, :4])
    penalty = sparsity.penalty_per_member()
    assert np.asarray(penalty).dtype == F32


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fit_keeps_parameters_gradients_and_state_in_float32(name: str) -> None:
    net, x = sparse_autoencoder(), data()
    optimizer = OPTIMIZERS[name](list(net.parameters()))
    history = fit(net, MSE(), x, x, optimizer, regularisers=[L2Regulariser(1e-3)], max_epochs=30)
    assert history.epoch_error[-1] < history.epoch_error[0]
    assert {p.value.dtype for p in net.parameters()} == {F32}
    assert {p.grad.dtype for p in net.parameters()} == {F32}
    for state_name in optimizer.state_names:
        assert {state.dtype for state in getattr(optimizer, state_name)} == {F32}
    assert net(x).dtype == F32


def test_binary_cross_entropy_and_tanh_stay_in_float32() -> None:
    rng = np.random.default_rng(0)
    net = Sequential(
        Linear(6, 3, rng=rng, dtype=np.float32),
        Tanh(),
        Linear(3, 6, rng=rng, dtype=np.float32),
        Sigmoid(),
    )
    x = data()
    loss = BinaryCrossEntropy()
    loss.forward(net.forward(x), x)
    assert net.backward(loss.backward()).dtype == F32


def test_float64_data_is_cast_once_so_a_float32_network_trains_in_float32() -> None:
    given_float64, given_float32 = sparse_autoencoder(), sparse_autoencoder()
    x64 = data(np.float64)
    fit(given_float64, MSE(), x64, x64, SGD(given_float64.parameters(), lr=0.5), max_epochs=20)
    x32 = x64.astype(np.float32)
    fit(given_float32, MSE(), x32, x32, SGD(given_float32.parameters(), lr=0.5), max_epochs=20)
    for ours, cast_by_hand in zip(
        given_float64.parameters(), given_float32.parameters(), strict=True
    ):
        assert ours.value.dtype == F32
        np.testing.assert_array_equal(ours.value, cast_by_hand.value)
    assert x64.dtype == np.float64  # the caller's array is not touched


def test_float32_data_trains_a_float64_network_in_float64() -> None:
    net = sparse_autoencoder(np.float64)
    x = data()
    fit(net, MSE(), x, x, SGD(net.parameters(), lr=0.5), max_epochs=5)
    assert {p.value.dtype for p in net.parameters()} == {np.dtype(np.float64)}


def test_a_float32_population_trains_in_float32_with_one_rate_per_member() -> None:
    population = stack([sparse_autoencoder(seed=seed) for seed in range(3)])
    x = data(np.float64)
    optimizer = SGD(population.parameters(), lr=np.array([0.1, 0.5, 1.0]))
    fit_population(
        population,
        MSE(),
        x,
        x,
        optimizer,
        regularisers=[L2Regulariser(np.array([0.0, 1e-3, 1e-2]))],
        max_epochs=10,
    )
    assert {p.value.dtype for p in population.parameters()} == {F32}
    assert {optimizer.rate(p).dtype for p in population.parameters()} == {F32}


def test_gradient_checks_refuse_float32_networks_losses_and_regularisers() -> None:
    net, x = sparse_autoencoder(), data()
    message = "Gradient checks need float64.*Check a float64 copy"
    with pytest.raises(TypeError, match=message):
        check_layer(net, x.astype(np.float64))
    with pytest.raises(TypeError, match=message):
        check_network(net, MSE(), x, x)
    with pytest.raises(TypeError, match=message):
        check_loss(MSE(), x, x)
    with pytest.raises(TypeError, match=message):
        check_regulariser(L2Regulariser(0.1), net.parameters(), batch_size=10)
