"""Bad input is stopped at the boundary with a minnet error that says what to do,
not a numpy traceback from deep inside a layer. Each error is also the
built-in exception a Python programmer would catch (ValueError, TypeError)."""

from __future__ import annotations

import numpy as np
import pytest
from networks import autoencoder

from minnet import (
    MSE,
    SGD,
    DTypeError,
    L2Regulariser,
    Linear,
    MinnetError,
    NonFiniteError,
    ShapeError,
    fit,
)


def train(x: object, y: object) -> None:
    net = autoencoder()
    fit(net, MSE(), x, y, SGD(net.parameters(), lr=1.0), max_epochs=1)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [(ShapeError, ValueError), (DTypeError, TypeError), (NonFiniteError, ValueError)],
)
def test_every_input_error_is_also_a_builtin_error(error: type, builtin: type) -> None:
    assert issubclass(error, MinnetError) and issubclass(error, builtin)


# --- Shapes ---------------------------------------------------------------------------


def test_wrong_number_of_features_names_the_layer_what_it_expected_and_what_came() -> None:
    with pytest.raises(
        ShapeError, match=r"Linear\(3, 2\) expected inputs with 3 features.*\(4, 5\)"
    ):
        Linear(3, 2, seed=0)(np.zeros((4, 5)))


def test_wrong_number_of_features_inside_a_network_names_the_first_layer() -> None:
    with pytest.raises(
        ValueError, match=r"Linear\(8, 3\) expected inputs with 8 features.*\(8, 7\)"
    ):
        autoencoder()(np.zeros((8, 7)))


def test_a_one_dimensional_input_to_a_layer_says_how_to_reshape_it() -> None:
    with pytest.raises(ShapeError, match=r"shape \(3,\).*x\.reshape\(1, -1\)"):
        Linear(3, 2, seed=0)(np.zeros(3))


def test_a_one_dimensional_input_to_fit_says_how_to_reshape_it() -> None:
    with pytest.raises(ShapeError, match=r"fit.*shape \(8,\).*reshape\(1, -1\)"):
        train(np.zeros(8), np.zeros((1, 8)))


def test_a_target_of_another_shape_is_refused_by_the_loss() -> None:
    with pytest.raises(ShapeError, match=r"MSE.*prediction \(8, 8\) and target \(7, 8\)"):
        MSE()(np.zeros((8, 8)), np.zeros((7, 8)))


def test_a_target_numpy_would_broadcast_is_refused_by_the_loss() -> None:
    # (8, 8) - (8, 1) is a valid numpy expression: the loss must not train on it.
    with pytest.raises(ShapeError, match=r"prediction \(8, 8\) and target \(8, 1\)"):
        MSE()(np.zeros((8, 8)), np.zeros((8, 1)))


def test_a_target_numpy_would_broadcast_is_refused_by_fit() -> None:
    with pytest.raises(ShapeError, match=r"target \(8, 1\)"):
        train(np.eye(8), np.zeros((8, 1)))


# --- Types ----------------------------------------------------------------------------


def test_an_integer_array_is_refused_with_the_conversion_to_make() -> None:
    x = np.eye(3, dtype=np.int64)
    with pytest.raises(DTypeError, match=r"dtype int64.*np\.asarray\(x, dtype=float\)"):
        Linear(3, 2, seed=0)(x)


def test_an_object_array_is_refused() -> None:
    with pytest.raises(TypeError, match="dtype object"):
        Linear(2, 2, seed=0)(np.array([[1.0, None]], dtype=object))


def test_integer_data_or_targets_are_refused_by_fit() -> None:
    with pytest.raises(DTypeError, match="input x"):
        train(np.eye(8, dtype=int), np.eye(8))
    with pytest.raises(DTypeError, match="target y"):
        train(np.eye(8), np.eye(8, dtype=int))


# --- Values ---------------------------------------------------------------------------


def with_nan(index: tuple[int, int]) -> np.ndarray:
    x = np.eye(8)
    x[index] = np.nan
    return x


def test_nan_in_the_data_is_refused_by_fit_naming_where() -> None:
    with pytest.raises(NonFiniteError, match=r"input x given to fit contains NaN.*index \(2, 5\)"):
        train(with_nan((2, 5)), np.eye(8))


def test_nan_in_the_targets_is_refused_by_fit_naming_where() -> None:
    with pytest.raises(NonFiniteError, match=r"target y given to fit contains NaN.*index \(7, 0\)"):
        train(np.eye(8), with_nan((7, 0)))


def test_infinity_in_the_data_is_refused() -> None:
    x = np.eye(8)
    x[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        train(x, np.eye(8))


@pytest.mark.parametrize("where", ["prediction", "target"])
def test_nan_given_to_a_loss_is_refused(where: str) -> None:
    arrays = {"prediction": np.eye(8), "target": np.eye(8)}
    arrays[where] = with_nan((1, 1))
    with pytest.raises(NonFiniteError, match=f"{where} given to MSE contains NaN"):
        MSE()(arrays["prediction"], arrays["target"])


# --- Settings -------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.0, -1.0, float("nan"), float("inf")])
def test_sgd_needs_a_positive_finite_learning_rate(lr: float) -> None:
    with pytest.raises(ValueError, match="positive, finite learning rate"):
        SGD(Linear(2, 2, seed=0).parameters(), lr=lr)


def test_an_optimizer_needs_parameters() -> None:
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=1.0)
    with pytest.raises(TypeError, match="Parameter objects"):
        SGD([np.zeros(3)], lr=1.0)  # type: ignore[list-item]


def test_l2_regulariser_refuses_a_negative_lambda_unless_allowed() -> None:
    with pytest.raises(ValueError, match="allow_negative=True"):
        L2Regulariser(-1e-3)
    assert L2Regulariser(-1e-3, allow_negative=True).lam == -1e-3


def test_l2_regulariser_refuses_a_lambda_that_is_not_finite() -> None:
    with pytest.raises(ValueError, match="finite lambda"):
        L2Regulariser(float("nan"))


@pytest.mark.parametrize(
    ("n_in", "n_out", "name"),
    [(0, 3, "n_in"), (3, 0, "n_out"), (2.5, 3, "n_in"), (True, 3, "n_in")],
)
def test_linear_needs_positive_integer_sizes(n_in: int, n_out: int, name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} to be a positive integer"):
        Linear(n_in, n_out)


@pytest.mark.parametrize(
    ("option", "value"), [("tol", 0.0), ("tol", -1.0), ("max_epochs", -1), ("max_epochs", 2.5)]
)
def test_fit_refuses_a_meaningless_stopping_rule(option: str, value: float) -> None:
    net = autoencoder()
    x = np.eye(8)
    with pytest.raises(ValueError, match=option):
        fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.0), **{option: value})  # type: ignore[arg-type]
