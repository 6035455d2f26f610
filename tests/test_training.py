"""fit: what it records, when it stops and why, and how it refuses to diverge silently."""

from __future__ import annotations

import re
from functools import partial

import numpy as np
import pytest
from networks import autoencoder as shared_autoencoder

from minnet import (
    MSE,
    SGD,
    DivergenceError,
    L2Regulariser,
    Linear,
    Parameter,
    Sequential,
    fit,
    one_hot_patterns,
)


class CountingSGD(SGD):
    """SGD that counts its updates."""

    def __init__(self, parameters: list[Parameter], lr: float) -> None:
        super().__init__(parameters, lr)
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        super().step()


def regression() -> tuple[Sequential, np.ndarray, np.ndarray]:
    """A linear model and exactly linear data: the error falls to zero geometrically."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 2))
    y = x @ np.array([[1.0], [-2.0]]) + 0.5
    return Sequential(Linear(2, 1, seed=0)), x, y


#: The small network these tests train: 4 -> 2 -> 4.
autoencoder = partial(shared_autoencoder, n=4, hidden=2)


def test_fit_stops_when_the_epoch_error_falls_below_tol() -> None:
    net, x, y = regression()
    optimizer = CountingSGD(list(net.parameters()), lr=0.5)

    history = fit(net, MSE(), x, y, optimizer, tol=1e-8, max_epochs=10_000)

    assert history.converged and history.stop_reason == "tolerance"
    assert history.epochs == optimizer.steps > 0
    assert history.epoch_error[-1] < 1e-8
    assert min(history.epoch_error[:-1]) >= 1e-8  # it stopped at the first epoch below tol


def test_fit_stops_after_max_epochs_when_tol_is_not_reached() -> None:
    net, x, y = regression()
    optimizer = CountingSGD(list(net.parameters()), lr=0.01)

    history = fit(net, MSE(), x, y, optimizer, tol=1e-8, max_epochs=7)

    assert not history.converged and history.stop_reason == "max_epochs"
    assert history.epochs == optimizer.steps == 7
    assert history.epoch_error[-1] >= 1e-8


@pytest.mark.parametrize("tol", [1e-8, None])
def test_history_has_one_entry_per_state_epochs_plus_one(tol: float | None) -> None:
    net, x, y = regression()
    history = fit(net, MSE(), x, y, SGD(net.parameters(), lr=0.5), tol=tol, max_epochs=30)
    for series in (history.data_loss, history.regularisation_loss, history.epoch_error):
        assert len(series) == history.epochs + 1


def test_fit_with_max_epochs_zero_makes_no_update() -> None:
    net = autoencoder()
    before = [p.value.copy() for p in net.parameters()]
    optimizer = CountingSGD(list(net.parameters()), lr=1.0)
    x = one_hot_patterns(4)

    history = fit(net, MSE(), x, x, optimizer, max_epochs=0)

    assert optimizer.steps == 0 and history.epochs == 0
    assert history.stop_reason == "max_epochs" and len(history.epoch_error) == 1
    for p, value in zip(net.parameters(), before, strict=True):
        assert np.array_equal(p.value, value)


def test_fit_that_starts_below_tol_converges_without_an_update() -> None:
    net = autoencoder()
    x = one_hot_patterns(4)
    optimizer = CountingSGD(list(net.parameters()), lr=1.0)
    history = fit(net, MSE(), x, x, optimizer, tol=1e9, max_epochs=100)
    assert history.converged and history.epochs == optimizer.steps == 0


def test_history_records_the_epoch_error_as_half_the_mean_squared_error() -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    initial = np.mean((net(x) - x) ** 2) / 2  # the mean over all m*K outputs of (a - y)^2 / 2
    history = fit(net, MSE(), x, x, SGD(net.parameters(), lr=2.0), max_epochs=5)
    assert history.epoch_error[0] == pytest.approx(initial, rel=1e-12)
    assert history.data_loss[0] == pytest.approx(4 * initial, rel=1e-12)  # L = K * error
    final = np.mean((net(x) - x) ** 2) / 2  # the state training stopped in
    assert history.final_error == pytest.approx(final, rel=1e-12)


def test_history_records_the_weight_decay_of_weights_only() -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    weights = sum(float(np.sum(p.value**2)) for p in net.parameters() if p.regularise)
    assert weights > 0 and sum(p.regularise for p in net.parameters()) == 2  # W and W, not b
    history = fit(
        net,
        MSE(),
        x,
        x,
        SGD(net.parameters(), lr=1.0),
        regularisers=[L2Regulariser(0.3)],
        max_epochs=0,
    )
    assert history.regularisation_loss[0] == pytest.approx(0.3 / (2 * 4) * weights, rel=1e-12)


def test_a_learning_rate_far_too_large_raises_divergence_error_naming_the_epoch() -> None:
    # No sigmoid to keep outputs bounded: each step multiplies the error, until it overflows.
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    net = Sequential(Linear(3, 2, seed=1))

    with pytest.raises(DivergenceError, match="learning rate") as error:
        fit(net, MSE(), x, y, SGD(net.parameters(), lr=1e6), max_epochs=1000)

    history = error.value.history
    assert history is not None and history.stop_reason == "diverged"
    epoch = int(re.search(r"epoch (\d+)", str(error.value)).group(1))  # type: ignore[union-attr]
    assert epoch == history.epochs == len(history.epoch_error) - 1
    assert not np.isfinite(history.data_loss[-1])
    assert np.all(np.isfinite(history.data_loss[:-1]))
    assert np.all(np.diff(history.data_loss[:-1]) > 0)  # it really blew up, step by step


def test_divergence_error_is_a_floating_point_error() -> None:
    assert issubclass(DivergenceError, FloatingPointError)


def test_fit_prints_nothing_when_not_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    net, x = autoencoder(), one_hot_patterns(4)
    fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.0), max_epochs=2000)
    assert capsys.readouterr() == ("", "")
