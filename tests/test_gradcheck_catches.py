"""A checker is only trusted once it has been seen to fail.

Each class below is a layer, loss or regulariser written the way a user
might, with one mistake of a kind learners make. The checks must catch every
one, and say where: the parameter (or the input) and the index. The same
checks pass the correct versions, so failing is not vacuous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pytest

from minnet import (
    MSE,
    GradientCheckError,
    KLSparsity,
    L2Regulariser,
    Layer,
    Linear,
    Loss,
    Parameter,
    Regulariser,
    Sigmoid,
    check_layer,
    check_loss,
    check_regulariser,
)
from minnet.testing import (
    check_layer_properties,
    check_loss_properties,
    check_regulariser_properties,
)


def inputs(batch: int, features: int = 3, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(batch, features))


def reported_index(error: pytest.ExceptionInfo[GradientCheckError]) -> tuple[int, ...]:
    """The index the message names, read back from the message itself."""
    match = re.search(r"index \(([\d, ]*)\)", str(error.value))
    assert match, f"the message names no index: {error.value}"
    return tuple(int(i) for i in match.group(1).split(",") if i.strip())


# --- A correct affine layer, and the same layer broken one way at a time ---------------


class Affine(Layer):
    """$y = x W + b$ on 2-D inputs, written the way a user would."""

    def __init__(self, n_in: int = 3, n_out: int = 2, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.W = Parameter(rng.normal(size=(n_in, n_out)), "W")
        self.b = Parameter(rng.normal(size=n_out), "b", regularise=False)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.W.value + self.b.value

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.W.grad += self.weight_gradient(grad_y)
        self.b.grad += self.bias_gradient(grad_y)
        return grad_y @ self.W.value.T

    def weight_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return self.x.T @ grad_y

    def bias_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y.sum(axis=0)


class SignErrorInW(Affine):
    def weight_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return -(self.x.T @ grad_y)


class ForgetsTheBias(Affine):
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.W.grad += self.weight_gradient(grad_y)
        return grad_y @ self.W.value.T


class BiasSummedOverFeatures(Affine):
    def bias_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y.sum(axis=1)  # the feature axis, not the batch axis


class BiasSummedOverFeaturesIntoANewArray(Affine):
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.W.grad += self.weight_gradient(grad_y)
        self.b.grad = self.b.grad + grad_y.sum(axis=1)  # broadcasts to the batch's shape
        return grad_y @ self.W.value.T


class WeightGradientOfTheFirstSampleOnly(Affine):
    def weight_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return self.x[0:1].T @ grad_y[0:1]


class BiasGradientNotSummedOverTheBatch(Affine):
    def bias_gradient(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y[0]


class OverwritesGrad(Affine):
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.W.grad[...] = self.weight_gradient(grad_y)  # = instead of +=
        self.b.grad += self.bias_gradient(grad_y)
        return grad_y @ self.W.value.T


class DecaysInForward(Affine):
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.W.value *= 0.999  # weight decay belongs to the regulariser and the optimizer
        return super().forward(x)


class EditsItsCachedInput(Affine):
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        grad_x = super().backward(grad_y)
        self.x -= 1.0  # the layer before may still hold this array
        return grad_x


# --- An activation whose backward edits grad_y in place --------------------------------


class ReLUWithInPlaceBackward(Layer):
    """The ReLU of many tutorials: backward zeroes ``grad_y`` where ``x <= 0``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        return np.where(self.mask, 0.0, x)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        grad_y[self.mask] = 0.0
        return grad_y


class CarefulReLU(ReLUWithInPlaceBackward):
    """The same ReLU, returning a new array."""

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return np.where(self.mask, 0.0, grad_y)


# --- Regularisers and losses ----------------------------------------------------------


class WeightDecay(Regulariser):
    r"""$R = \frac{\lambda}{2m}\sum W^2$, written the way a user would."""

    def __init__(self, lam: float) -> None:
        self.lam = lam

    def penalty(self, parameters: Iterable[Parameter], batch_size: int) -> float:
        return sum(self.lam / (2 * batch_size) * float(np.sum(p.value**2)) for p in parameters)

    def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
        for p in parameters:
            p.grad += self.lam / batch_size * p.value


class WeightDecayWithoutOneOverM(WeightDecay):
    def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
        for p in parameters:
            p.grad += self.lam * p.value


class WeightDecayThatOverwritesGrad(WeightDecay):
    def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
        for p in parameters:
            p.grad[...] = self.lam / batch_size * p.value


class SquaredErrorWithoutOneOverM(Loss):
    r"""$L = \frac{1}{2m}\sum (a - y)^2$ whose backward forgets the $1/m$."""

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        self.error = prediction - target
        return float(np.sum(self.error**2)) / (2 * prediction.shape[-2])

    def backward(self) -> np.ndarray:
        return self.error


# --- The checks pass the correct classes ------------------------------------------------


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_check_layer_passes_the_correct_affine_layer(batch: int) -> None:
    errors = check_layer(Affine(), inputs(batch))
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < 1e-7


def test_check_layer_passes_minnets_own_linear_and_sigmoid() -> None:
    assert max(check_layer(Linear(3, 2, seed=0), inputs(4)).values()) < 1e-7
    assert max(check_layer(Sigmoid(), inputs(4)).values()) < 1e-7


def test_check_regulariser_passes_a_correct_weight_decay() -> None:
    W = Parameter(inputs(3), "W")
    assert check_regulariser(WeightDecay(0.1), [W], batch_size=4)["W"] < 1e-7


def test_check_layer_passes_a_penalty_layer_at_the_minimum_of_its_penalty() -> None:
    check_layer(KLSparsity(rho=0.2, beta=0.5), np.full((3, 2), 0.3))  # away from the minimum
    check_layer(KLSparsity(rho=0.2, beta=0.5), np.full((3, 2), 0.2))


def test_property_checks_pass_the_correct_classes() -> None:
    check_layer_properties(lambda n: Affine(n, 2), leading_axes=False)
    check_layer_properties(lambda n: CarefulReLU(), avoid=(0.0,))
    check_regulariser_properties(lambda: WeightDecay(0.3))
    check_loss_properties(MSE)


# --- Each mistake is caught, and the message says where ---------------------------------


def test_a_sign_error_in_the_weight_gradient_is_caught_at_an_index_of_w() -> None:
    with pytest.raises(GradientCheckError, match=r"parameter 'W'.*sign error") as error:
        check_layer(SignErrorInW(), inputs(4))
    assert error.value.details["index"] == reported_index(error)
    assert len(reported_index(error)) == 2


def test_a_missing_bias_gradient_is_caught_at_an_index_of_b() -> None:
    with pytest.raises(GradientCheckError, match=r"parameter 'b'.*analytic 0,") as error:
        check_layer(ForgetsTheBias(), inputs(4))
    (k,) = reported_index(error)
    assert 0 <= k < 2


def test_a_bias_summed_over_the_wrong_axis_is_caught_when_only_values_differ() -> None:
    # batch == n_out, so the wrong sum even has the right shape.
    layer = BiasSummedOverFeatures(n_in=3, n_out=2)
    with pytest.raises(GradientCheckError, match=r"parameter 'b'") as error:
        check_layer(layer, inputs(batch=2))
    (k,) = reported_index(error)
    assert 0 <= k < 2


def test_a_bias_summed_over_the_wrong_axis_is_caught_when_its_shape_differs() -> None:
    layer = BiasSummedOverFeaturesIntoANewArray(n_in=3, n_out=1)
    message = r"parameter 'b': grad has shape \(4,\).*the parameter has \(1,\)"
    with pytest.raises(GradientCheckError, match=message):
        check_layer(layer, inputs(batch=4))


def test_a_backward_that_edits_grad_y_in_place_is_caught_at_the_index_it_changed() -> None:
    x = inputs(4)
    with pytest.raises(GradientCheckError, match=r"changed its argument grad_y in place") as error:
        check_layer(ReLUWithInPlaceBackward(), x)
    assert x[reported_index(error)] <= 0  # where the ReLU zeroed grad_y


def test_a_backward_that_edits_its_cached_input_is_caught() -> None:
    with pytest.raises(GradientCheckError, match=r"changed its input x in place.*index \(0, 0\)"):
        check_layer(EditsItsCachedInput(), inputs(4))


def test_a_regulariser_missing_the_one_over_m_is_caught_at_an_index_of_the_weights() -> None:
    W = Parameter(inputs(3), "W")
    with pytest.raises(GradientCheckError, match=r"parameter 'W'.*4 times the true one") as error:
        check_regulariser(WeightDecayWithoutOneOverM(0.1), [W], batch_size=4)
    assert len(reported_index(error)) == 2


def test_a_regulariser_missing_the_one_over_m_passes_at_batch_size_one_only() -> None:
    W = Parameter(inputs(3), "W")
    check_regulariser(WeightDecayWithoutOneOverM(0.1), [W], batch_size=1)
    with pytest.raises(GradientCheckError, match=r"parameter 'p0'.*2 times the true one"):
        check_regulariser_properties(lambda: WeightDecayWithoutOneOverM(0.1))


@pytest.mark.parametrize(
    ("layer", "parameter"),
    [(WeightGradientOfTheFirstSampleOnly(), "W"), (BiasGradientNotSummedOverTheBatch(), "b")],
    ids=["dW from the first sample", "db not summed over the batch"],
)
def test_a_gradient_right_only_at_batch_size_one_is_caught_on_a_batch(
    layer: Affine, parameter: str
) -> None:
    check_layer(layer, inputs(batch=1))  # a test with one sample would never notice
    with pytest.raises(GradientCheckError, match=f"parameter '{parameter}'") as error:
        check_layer(layer, inputs(batch=3))
    assert len(reported_index(error)) == layer.__dict__[parameter].value.ndim


def test_hypothesis_finds_a_batch_that_shows_a_batch_size_one_gradient() -> None:
    with pytest.raises(GradientCheckError, match="parameter 'W'"):
        check_layer_properties(
            lambda n: WeightGradientOfTheFirstSampleOnly(n, 2), leading_axes=False
        )


def test_a_backward_that_overwrites_grad_is_caught_by_calling_it_twice() -> None:
    message = r"parameter 'W': two backward calls should add the gradient twice \(at index"
    with pytest.raises(GradientCheckError, match=message) as error:
        check_layer(OverwritesGrad(), inputs(4))
    assert len(reported_index(error)) == 2


def test_a_regulariser_that_overwrites_grad_is_caught() -> None:
    with pytest.raises(
        GradientCheckError, match=r"parameter 'p\d'.*must add its gradient"
    ) as error:
        check_regulariser_properties(lambda: WeightDecayThatOverwritesGrad(0.1))
    assert reported_index(error) == error.value.details["index"]


def test_a_forward_that_changes_a_parameter_is_caught() -> None:
    with pytest.raises(
        GradientCheckError, match=r"forward changed parameter 'W' \(first at index \(0, 0\)"
    ):
        check_layer(DecaysInForward(), inputs(4))


def test_a_loss_gradient_missing_the_one_over_m_is_caught_at_an_index_of_the_prediction() -> None:
    rng = np.random.default_rng(0)
    prediction, target = rng.random((4, 3)), rng.random((4, 3))
    with pytest.raises(GradientCheckError, match=r"prediction.*4 times the true one") as error:
        check_loss(SquaredErrorWithoutOneOverM(), prediction, target)
    assert len(reported_index(error)) == 2
    with pytest.raises(GradientCheckError, match="prediction"):
        check_loss_properties(SquaredErrorWithoutOneOverM)


def test_a_finite_difference_across_a_kink_fails_even_a_correct_relu() -> None:
    # Why float_arrays(avoid=...) exists: at x = 0 the central difference sees half a slope.
    with pytest.raises(GradientCheckError, match="input x"):
        check_layer(CarefulReLU(), np.array([[0.0, 1.0]]))
    check_layer(CarefulReLU(), np.array([[1e-3, 1.0]]))


def test_gradient_checks_refuse_float32_with_advice() -> None:
    with pytest.raises(TypeError, match="float64"):
        check_layer(Linear(3, 2, seed=0, dtype=np.float32), inputs(4))


def test_l2_regulariser_is_checked_with_biases_left_alone() -> None:
    W = Parameter(inputs(3), "W")
    b = Parameter(inputs(1)[0], "b", regularise=False)
    errors = check_regulariser(L2Regulariser(0.5), [W, b], batch_size=2)
    assert set(errors) == {"W", "b"}
