"""Ways a population used to train the wrong thing without a word, now refused or fixed."""

from __future__ import annotations

import numpy as np
import pytest

from minnet import (
    MSE,
    SGD,
    Adam,
    BinaryCrossEntropy,
    Identity,
    KLSparsity,
    L2Regulariser,
    Linear,
    Sequential,
    Sigmoid,
    Tanh,
    fit,
    one_hot_patterns,
)
from minnet.layers import Layer
from minnet.population import stack, unstack
from minnet.population_training import fit_population

X = one_hot_patterns(4)


def net(seed: int, activation: type[Layer] = Sigmoid, **linear: bool) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(4, 2, rng=rng, **linear), activation(), Linear(2, 4, rng=rng), Sigmoid()
    )


@pytest.mark.parametrize(
    ("other", "says"),
    [
        (net(1, Tanh), "Tanh"),
        (net(1, regularise_bias=True), "regularise=True"),
        (Sequential(Linear(4, 2, seed=1), KLSparsity(0.1, 3.0), Linear(2, 4, seed=1)), "layer"),
    ],
    ids=["another activation", "bias decayed", "another layer list"],
)
def test_stack_refuses_networks_that_differ_in_more_than_values(other: Layer, says: str) -> None:
    with pytest.raises(ValueError, match=rf"network 1 differs from network 0.*{says}"):
        stack([net(0), other])


def test_stack_refuses_members_whose_settings_differ() -> None:
    first = Sequential(Linear(4, 2, seed=0), Sigmoid(), KLSparsity(0.1, 0.0), Linear(2, 4, seed=0))
    second = Sequential(Linear(4, 2, seed=1), Sigmoid(), KLSparsity(0.1, 3.0), Linear(2, 4, seed=1))
    with pytest.raises(
        ValueError, match=r"beta=0\.0.*against.*beta=3\.0|beta=3\.0.*against.*beta=0\.0"
    ):
        stack([first, second])


def test_unstack_needs_a_whole_number_index() -> None:
    with pytest.raises(TypeError, match="whole-number member index"):
        unstack(stack([net(0), net(1)]), 1.0)  # type: ignore[arg-type]


def test_member_history_refuses_thinned_records_even_when_a_member_stops_off_the_grid() -> None:
    population = stack([net(0), net(1), net(2)])
    history = fit_population(
        population,
        MSE(),
        X,
        X,
        SGD(population.parameters(), lr=2.0),
        max_epochs=[1, 12, 12],
        record_every=5,
    )
    with pytest.raises(ValueError, match="record_every=1"):
        history.member(1)


def test_adam_trained_twice_on_a_population_matches_two_fresh_single_runs() -> None:
    population = stack([net(0), net(1)])
    optimizer = Adam(population.parameters(), lr=0.02)
    fit_population(population, MSE(), X, X, optimizer, max_epochs=[30, 60])
    fit_population(population, MSE(), X, X, optimizer, max_epochs=40)
    for k, (first, second) in enumerate([(30, 40), (60, 40)]):
        single = net(k)
        fit(single, MSE(), X, X, Adam(single.parameters(), lr=0.02), max_epochs=first)
        fit(single, MSE(), X, X, Adam(single.parameters(), lr=0.02), max_epochs=second)
        for p, q in zip(unstack(population, k).parameters(), single.parameters(), strict=True):
            np.testing.assert_allclose(p.value, q.value, rtol=1e-10, atol=1e-12)


def test_binary_cross_entropy_refuses_raw_scores_in_a_population_as_alone() -> None:
    population = stack([net(0, Sigmoid), net(1, Sigmoid)])
    scores = Sequential(*population.layers[:3], Identity())
    with pytest.raises(ValueError, match="end the network with a Sigmoid"):
        fit_population(
            scores, BinaryCrossEntropy(), X, X, SGD(scores.parameters(), lr=1.0), max_epochs=5
        )


def test_plain_fit_refuses_a_population_and_names_fit_population() -> None:
    population = stack([net(0), net(1)])
    with pytest.raises(ValueError, match="fit_population"):
        fit(population, MSE(), X, X, SGD(population.parameters(), lr=1.0), max_epochs=1)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"tol": -1.0}, "tol > 0"),
        ({"tol": True}, "tol as a number"),
        ({"x": np.stack([X] * 3)}, r"\(2, batch, features\)"),
        (
            {"regularisers": [L2Regulariser(np.array([1e-4, 2e-4, 3e-4]))]},
            "3 lambdas for a population of 2",
        ),
    ],
    ids=["negative tol", "tol True", "x for 3 members", "3 lambdas"],
)
def test_fit_population_names_settings_that_do_not_fit(
    kwargs: dict[str, object], says: str
) -> None:
    population = stack([net(0), net(1)])
    arguments: dict[str, object] = {"x": X, "regularisers": (), **kwargs}
    extra = {key: value for key, value in kwargs.items() if key not in ("x", "regularisers")}
    with pytest.raises((ValueError, TypeError), match=says):
        fit_population(
            population,
            MSE(),
            arguments["x"],
            X,
            SGD(population.parameters(), lr=1.0),  # type: ignore[arg-type]
            regularisers=arguments["regularisers"],
            max_epochs=3,
            **extra,  # type: ignore[arg-type]
        )
