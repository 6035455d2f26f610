"""A population of N stacked networks trains, member for member, like N single runs."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networks import autoencoder as shared_autoencoder

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
    check_layer,
    check_network,
    check_regulariser,
    fit,
    fit_population,
    one_hot_patterns,
    stack,
    unstack,
)
from minnet.layers import sum_to_shape
from minnet.population import population_size
from minnet.testing import float_arrays

MakeOptimizer = Callable[[list[Parameter], float | np.ndarray], Optimizer]


#: The small network these tests train: 4 -> 2 -> 4.
autoencoder = partial(shared_autoencoder, n=4, hidden=2)


def test_stack_gives_each_member_its_single_twins_parameters_and_output() -> None:
    nets = [autoencoder(seed) for seed in range(3)]
    population = stack(nets)
    x = one_hot_patterns(4)

    assert population_size(population) == 3
    assert [p.shape for p in population.parameters()] == [
        (3, 4, 2),
        (3, 1, 2),
        (3, 2, 4),
        (3, 1, 4),
    ]
    outputs = population(x)
    for k, net in enumerate(nets):
        np.testing.assert_array_equal(outputs[k], net(x))
        back = unstack(population, k)
        for (name, p), (_, q) in zip(back.named_parameters(), net.named_parameters(), strict=True):
            assert p.member_shape is None and p.shape == q.shape, name
            np.testing.assert_array_equal(p.value, q.value)


def test_stack_refuses_networks_of_different_structure() -> None:
    with pytest.raises(ValueError, match="one structure"):
        stack([autoencoder(0), autoencoder(1, hidden=3)])


def test_sum_to_shape_keeps_one_bias_sum_per_member() -> None:
    g = np.arange(24.0).reshape(2, 4, 3)
    np.testing.assert_array_equal(sum_to_shape(g, (2, 1, 3)), g.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(sum_to_shape(g, (3,)), g.sum(axis=(0, 1)))


OPTIMIZERS: dict[str, MakeOptimizer] = {
    "SGD": lambda params, lr: SGD(params, lr=lr),
    "Momentum": lambda params, lr: Momentum(params, lr=lr, momentum=0.5),
    "Adam": lambda params, lr: Adam(params, lr=lr),
}
RATES = {
    "SGD": [0.5, 2.0, 4.0, 8.0],
    "Momentum": [0.5, 1.0, 2.0, 3.0],
    "Adam": [0.01, 0.02, 0.05, 0.1],
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_population_follows_the_same_trajectories_as_single_runs(name: str) -> None:
    """Members with their own lr, lambda and stopping epoch, against one fit() each."""
    make = OPTIMIZERS[name]
    rates = np.array(RATES[name])
    lams = np.array([0.0, 1e-3, 5e-5, 2e-4])
    caps = np.array([150, 400, 400, 300])
    tol = 5e-3
    x = one_hot_patterns(4)

    population = stack([autoencoder(seed) for seed in range(4)])
    optimizer = make(list(population.parameters()), rates)
    history = fit_population(
        population,
        MSE(),
        x,
        x,
        optimizer,
        regularisers=[L2Regulariser(lams)],
        tol=tol,
        max_epochs=caps,
    )

    for k in range(4):
        single = autoencoder(k)
        alone = fit(
            single,
            MSE(),
            x,
            x,
            make(list(single.parameters()), float(rates[k])),
            regularisers=[L2Regulariser(float(lams[k]))],
            tol=tol,
            max_epochs=int(caps[k]),
            progress=False,
        )
        member = history.member(k)
        assert (member.epochs, member.stop_reason) == (alone.epochs, alone.stop_reason)
        np.testing.assert_allclose(member.epoch_error, alone.epoch_error, rtol=1e-10)
        np.testing.assert_allclose(
            member.regularisation_loss, alone.regularisation_loss, rtol=1e-10, atol=1e-300
        )
        for p, q in zip(unstack(population, k).parameters(), single.parameters(), strict=True):
            np.testing.assert_allclose(p.value, q.value, rtol=1e-10, atol=1e-12)
    assert len(set(history.epochs.tolist())) > 2, "members should stop at different epochs"
    assert set(history.stop_reason.tolist()) == {"tolerance", "max_epochs"}


def test_flagship_population_stops_where_the_single_runs_do() -> None:
    x = one_hot_patterns(8)
    population = stack([autoencoder(seed, n=8, hidden=3) for seed in range(3)])
    history = fit_population(
        population,
        MSE(),
        x,
        x,
        SGD(population.parameters(), lr=1.5),
        regularisers=[L2Regulariser(5e-5)],
        tol=5e-4,
        max_epochs=20_000,
        record_every=1000,
    )
    # seeds 0..2 of DESIGN.md section 3; float summation order may move them a few epochs
    np.testing.assert_allclose(history.epochs, [9430, 12297, 12223], atol=5)
    assert history.converged.all()
    assert np.all(history.final_error < 5e-4)


def test_a_diverging_member_stops_alone() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 2))
    y = x @ np.array([[1.0], [-2.0]]) + 0.5
    population = stack([Sequential(Linear(2, 1, seed=seed)) for seed in range(3)])
    history = fit_population(
        population,
        MSE(),
        x,
        y,
        SGD(population.parameters(), lr=np.array([0.1, 50.0, 0.2])),
        max_epochs=2000,
    )
    assert history.stop_reason.tolist() == ["max_epochs", "diverged", "max_epochs"]
    assert history.final_error[0] < 1e-12 and history.final_error[2] < 1e-12


def test_input_and_target_may_be_one_per_member() -> None:
    x = np.stack([one_hot_patterns(4)] * 2)
    population = stack([autoencoder(seed) for seed in range(2)])
    shared = stack([autoencoder(seed) for seed in range(2)])
    own = fit_population(
        population, MSE(), x, x, SGD(population.parameters(), lr=2.0), max_epochs=50
    )
    same = fit_population(
        shared, MSE(), x[0], x[0], SGD(shared.parameters(), lr=2.0), max_epochs=50
    )
    np.testing.assert_allclose(own.epoch_error, same.epoch_error, rtol=1e-12)


def test_per_member_values_sum_to_the_totals() -> None:
    rng = np.random.default_rng(1)
    population = stack([autoencoder(seed) for seed in range(3)])
    layer = KLSparsity(rho=0.2, beta=0.5)
    hidden = rng.uniform(0.1, 0.9, size=(3, 5, 4))
    layer(hidden)
    assert np.sum(layer.penalty_per_member()) == pytest.approx(layer.penalty())
    prediction, target = rng.uniform(0.1, 0.9, size=(2, 3, 5, 4))
    for loss in (MSE(), BinaryCrossEntropy()):
        each = loss.forward_per_member(prediction, target)
        assert each.shape == (3,) and np.sum(each) == pytest.approx(
            loss.forward(prediction, target)
        )
    l2 = L2Regulariser(np.array([0.1, 0.2, 0.3]))
    parameters = list(population.parameters())
    assert np.sum(l2.penalty_per_member(parameters, 5)) == pytest.approx(l2.penalty(parameters, 5))


# Gradient checks over stacked layers: the gradient of the sum of the members'
# objectives, member by member, is what backward computes.


@settings(max_examples=20, deadline=None)
@given(
    size=st.integers(1, 3),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    batch=st.integers(1, 4),
    own_inputs=st.booleans(),
    data=st.data(),
)
def test_stacked_linear_gradients_match_finite_differences(
    size: int, n_in: int, n_out: int, batch: int, own_inputs: bool, data: st.DataObject
) -> None:
    layer = stack([Linear(n_in, n_out, seed=seed) for seed in range(size)])
    shape = (size, batch, n_in) if own_inputs else (batch, n_in)
    x = data.draw(float_arrays(shape), "x")
    assert set(check_layer(layer, x)) == {"input", "W", "b"}


@settings(max_examples=20, deadline=None)
@given(size=st.integers(1, 3), batch=st.integers(1, 4), data=st.data())
def test_stacked_network_gradients_match_finite_differences(
    size: int, batch: int, data: st.DataObject
) -> None:
    population = stack([autoencoder(seed, n=3) for seed in range(size)])
    x = data.draw(float_arrays((batch, 3)), "x")
    y = data.draw(float_arrays((size, batch, 3), min_value=0.0, max_value=1.0), "y")
    lams = np.asarray(data.draw(st.lists(st.floats(0.0, 2.0), min_size=size, max_size=size), "lam"))
    errors = check_network(population, MSE(), x, y, [L2Regulariser(lams)])
    assert set(errors) == {"input", "0.W", "0.b", "2.W", "2.b"}


def test_per_member_lambda_gradient_matches_finite_differences() -> None:
    population = stack([autoencoder(seed) for seed in range(3)])
    check_regulariser(L2Regulariser(np.array([0.0, 0.5, 2.0])), list(population.parameters()), 4)


def test_freeze_keeps_a_member_still_under_momentum() -> None:
    p = Parameter(np.ones((2, 1, 3)), "b", member_shape=(3,))
    optimizer = Momentum([p], lr=0.5, momentum=0.9)
    p.grad[...] = 1.0
    optimizer.step()
    frozen = p.value[1].copy()
    optimizer.freeze(np.array([False, True]))
    for _ in range(3):
        optimizer.step()  # the velocity of member 1 is not zero, but it must not move
    np.testing.assert_array_equal(p.value[1], frozen)
    assert np.all(p.value[0] < frozen)


def test_the_optimizer_can_train_the_population_again_afterwards() -> None:
    x = one_hot_patterns(4)
    population = stack([autoencoder(seed) for seed in range(3)])
    optimizer = Momentum(population.parameters(), lr=np.array([1.0, 2.0, 3.0]))
    first = fit_population(population, MSE(), x, x, optimizer, max_epochs=[5, 10, 20])
    again = fit_population(population, MSE(), x, x, optimizer, max_epochs=10)

    assert optimizer.lr.tolist() == [1.0, 2.0, 3.0]  # type: ignore[union-attr]
    assert all(p.shape[0] == 3 for p in population.parameters())
    np.testing.assert_allclose(again.epoch_error[0], first.final_error, rtol=1e-12)
    assert np.all(again.final_error < first.final_error)
