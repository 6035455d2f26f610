"""What a user gets when things go wrong: a sentence, never a silent wrong answer.

Each test here comes from a way of breaking minnet that once produced a
numpy traceback, a warning, invalid output or, worst, a wrong result with no
error at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from networks import autoencoder

from minnet import (
    MSE,
    SGD,
    BinaryCrossEntropy,
    DivergenceError,
    GradientCheckError,
    KLSparsity,
    L2Regulariser,
    Layer,
    Linear,
    Parameter,
    Sequential,
    ShapeError,
    Sigmoid,
    StateDictError,
    check_layer,
    check_network,
    fit,
    one_hot_patterns,
)
from minnet.testing import check_layer_properties

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "sparse_autoencoder.py"


class Wrapper(Layer):
    """A layer that holds its parameters inside other layers, not as attributes."""

    def __init__(self) -> None:
        self.inner = Linear(3, 4, seed=1)
        self.blocks = [Linear(4, 8, seed=2)]

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.blocks[0].forward(self.inner.forward(x))

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return self.inner.backward(self.blocks[0].backward(grad_y))


def test_parameters_held_inside_sublayers_are_found_trained_and_checked() -> None:
    net = Sequential(Linear(8, 3, seed=0), Sigmoid(), Wrapper(), Sigmoid())
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "2.inner.W", "2.inner.b", "2.blocks.0.W", "2.blocks.0.b"]
    before = net[2].inner.W.value.copy()  # type: ignore[attr-defined]
    x = one_hot_patterns(8)
    fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.0), max_epochs=3)
    assert not np.array_equal(before, net[2].inner.W.value)  # type: ignore[attr-defined]
    assert set(check_network(net, MSE(), x, x)) == {"input", *names}


def test_a_wrong_gradient_inside_a_sublayer_is_caught() -> None:
    class Careless(Wrapper):
        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            grad_x = super().backward(grad_y)
            self.inner.W.grad += 5.0
            return grad_x

    with pytest.raises(GradientCheckError, match=r"parameter 'inner\.W'"):
        check_layer(Careless(), np.random.default_rng(0).normal(size=(4, 3)))


def test_the_same_layer_in_two_nested_sequentials_is_refused() -> None:
    shared = Linear(3, 3, seed=0)
    with pytest.raises(ValueError, match=r"same Linear\(3, 3\) object twice.*items 0 and 1"):
        Sequential(Sequential(shared, Sigmoid()), Sequential(shared, Sigmoid()))


def test_an_infinite_weight_hidden_by_a_saturated_sigmoid_stops_training() -> None:
    net = autoencoder()
    net[2].b.value[0] = -np.inf  # type: ignore[attr-defined]  # sigmoid(-inf) = 0: the loss stays finite
    x = one_hot_patterns(8)
    with pytest.raises(DivergenceError, match=r"epoch 0.*'2\.b'.*starting weights"):
        fit(net, MSE(), x, x, SGD(net.parameters(), lr=1.5), max_epochs=10)


def test_divergence_raises_no_numpy_warning_even_with_warnings_as_errors() -> None:
    # pyproject turns every warning into an error, so an overflow escaping
    # from the loop would fail this test with a RuntimeWarning instead.
    net = Sequential(Linear(2, 2, seed=0))
    x = np.array([[1e3, -1e3], [2e3, 5e2]])
    with pytest.raises(DivergenceError, match="learning rate too large") as error:
        fit(net, MSE(), x, x, SGD(net.parameters(), lr=1e3), max_epochs=1000)
    assert error.value.history is not None and error.value.history.stop_reason == "diverged"


def test_an_optimizer_built_from_another_network_is_refused() -> None:
    net, other = autoencoder(0), autoencoder(1)
    x = one_hot_patterns(8)
    with pytest.raises(ValueError, match=r"not the model's.*another network"):
        fit(net, MSE(), x, x, SGD(other.parameters(), lr=1.5), max_epochs=5)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"loss": MSE}, "the class MSE where it needs an object"),
        ({"regularisers": [object()]}, "must be Regulariser objects"),
        ({"regularisers": [KLSparsity(0.05, 3.0)]}, "is a layer, not a regulariser"),
    ],
    ids=["loss class", "not a regulariser", "a penalty layer as regulariser"],
)
def test_fit_names_a_piece_of_the_wrong_kind(kwargs: dict[str, object], says: str) -> None:
    net, x = autoencoder(), one_hot_patterns(8)
    arguments: dict[str, object] = {"loss": MSE(), "regularisers": (), **kwargs}
    with pytest.raises(TypeError, match=says):
        fit(
            net,
            arguments["loss"],
            x,
            x,
            SGD(net.parameters(), lr=1.5),  # type: ignore[arg-type]
            regularisers=arguments["regularisers"],
            max_epochs=1,
        )  # type: ignore[arg-type]


def test_a_single_regulariser_is_accepted_without_a_list() -> None:
    net, x = autoencoder(), one_hot_patterns(8)
    history = fit(
        net,
        MSE(),
        x,
        x,
        SGD(net.parameters(), lr=1.5),
        regularisers=L2Regulariser(0.1),
        max_epochs=0,
    )  # type: ignore[arg-type]
    assert history.regularisation_loss[0] > 0


def test_the_checker_fails_where_the_finite_differences_are_not_finite() -> None:
    class WrongLog(Layer):
        def forward(self, x: np.ndarray) -> np.ndarray:
            self._x = x
            with np.errstate(invalid="ignore"):
                return np.log(x)

        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            return grad_y / self._x**2

    negative = -np.abs(np.random.default_rng(0).normal(size=(3, 2))) - 0.5
    with pytest.raises(
        GradientCheckError,
        match=r"input x: the finite differences are not finite at index \(0, 0\)",
    ):
        check_layer(WrongLog(), negative)


def test_the_checker_requires_a_layer_to_keep_the_batch_axes() -> None:
    class Transposes(Layer):
        def forward(self, x: np.ndarray) -> np.ndarray:
            return x.swapaxes(-1, -2).copy()

        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            return grad_y.swapaxes(-1, -2).copy()

    with pytest.raises(
        GradientCheckError, match=r"shape \(4, 3\) into an output of shape \(3, 4\)"
    ):
        check_layer(Transposes(), np.ones((4, 3)))


def test_an_empty_batch_is_refused_at_the_door() -> None:
    with pytest.raises(ShapeError, match="at least one sample"):
        Linear(3, 2, seed=0)(np.zeros((0, 3)))


def test_binary_cross_entropy_refuses_scores_outside_0_1_and_says_why() -> None:
    with pytest.raises(ValueError, match="end the network with a Sigmoid"):
        BinaryCrossEntropy()(np.array([[-3.0, 5.0]]), np.array([[0.0, 1.0]]))
    with pytest.raises(ValueError, match="every target in"):
        BinaryCrossEntropy()(np.array([[0.3, 0.6]]), np.array([[2.0, -1.0]]))


def test_loading_a_state_with_nan_changes_nothing_and_says_which() -> None:
    layer = Linear(2, 2, seed=0)
    before = layer.state_dict()
    state = {name: value.copy() for name, value in before.items()}
    state["b"][1] = np.nan
    with pytest.raises(StateDictError, match="b holds NaN or infinity"):
        layer.load_state_dict(state)
    np.testing.assert_array_equal(layer.b.value, before["b"])


@pytest.mark.parametrize(
    ("call", "error", "says"),
    [
        (lambda: Linear(3, 2, rng=0), TypeError, "numpy Generator"),  # type: ignore[arg-type]
        (lambda: Linear(3, 2, seed=-1), ValueError, "seed to be a whole number >= 0"),
        (lambda: SGD(Linear(2, 2).W, lr=1.0), TypeError, r"write \[p\]"),  # type: ignore[arg-type]
        (lambda: SGD(Linear(2, 2).parameters(), lr="1.5"), TypeError, "as a number"),  # type: ignore[arg-type]
        (lambda: L2Regulariser(None), TypeError, "as a number"),  # type: ignore[arg-type]
    ],
    ids=["rng not a Generator", "negative seed", "one Parameter", "lr as text", "lambda None"],
)
def test_a_constructor_given_the_wrong_kind_of_value_says_so(
    call: object, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        call()  # type: ignore[operator]


def run_script(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", str(SCRIPT), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def refuse_nan(token: str) -> float:
    raise ValueError(f"not valid JSON: {token}")


def test_the_json_of_a_diverged_run_is_strict_json() -> None:
    run = run_script("--json", "--alpha", "1e300", "--max-epochs", "50")
    assert run.returncode == 1, run.stderr
    result = json.loads(run.stdout, parse_constant=refuse_nan)
    assert result["stop_reason"] == "diverged"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--seed", "-1"], "--seed must be 0 or more"),
        (["--save", "/"], "give a file name, not a folder"),
        (["--hidden", "100000000"], "--hidden must be at least 1 and at most"),
    ],
    ids=["negative seed", "save to a folder", "absurd hidden size"],
)
def test_more_bad_arguments_exit_2_before_any_training(argv: list[str], says: str) -> None:
    run = run_script(*argv)
    assert run.returncode == 2
    assert says in run.stderr and "Traceback" not in run.stderr


def test_a_stalled_run_with_saturated_outputs_is_told_to_lower_alpha() -> None:
    # At seed 0 a step of 100 drives every output to 0, where the error sits
    # at 1/16 for good; the advice must point at alpha, not at lambda.
    run = run_script("--alpha", "100", "--max-epochs", "2000")
    assert run.returncode == 1
    assert "saturated" in run.stdout and "try a smaller --alpha" in run.stdout


class ScaleThatForgetsA(Layer):
    """y = x * a, whose backward forgets the factor a: right only while a is 1."""

    def __init__(self, n: int) -> None:
        self.a = Parameter(np.ones(n), "a")

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        return x * self.a.value

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.a.grad += (grad_y * self._x).reshape(-1, self.a.shape[0]).sum(axis=0)
        return grad_y.copy()  # should be grad_y * a


def test_property_checks_redraw_parameters_so_a_starting_value_of_1_hides_nothing() -> None:
    check_layer_properties(ScaleThatForgetsA, randomise_parameters=False, max_examples=5)
    with pytest.raises(GradientCheckError, match="input x"):
        check_layer_properties(ScaleThatForgetsA, max_examples=5)


def test_a_backward_that_adds_a_wrongly_shaped_gradient_is_reported_as_such() -> None:
    class SumsTheWrongAxis(ScaleThatForgetsA):
        def backward(self, grad_y: np.ndarray) -> np.ndarray:
            self.a.grad += (grad_y * self._x).sum(axis=-1)
            return grad_y * self.a.value

    with pytest.raises(
        GradientCheckError, match=r"backward raised ValueError.*sum over every axis"
    ):
        check_layer(SumsTheWrongAxis(3), np.ones((4, 3)))


def test_an_input_gradient_failure_gives_the_input_and_the_upstream_value() -> None:
    layer = ScaleThatForgetsA(2)
    layer.a.value[...] = 3.0
    with pytest.raises(GradientCheckError) as error:
        check_layer(layer, np.random.default_rng(5).normal(size=(3, 2)))
    details = error.value.details
    assert {"x", "g"} <= set(details)
    assert "the input was" in str(error.value)


def test_weight_decay_switched_off_adds_nothing_even_for_overflowing_weights() -> None:
    huge = Parameter(np.array([[1e200, -1e200]]), "W")
    with np.errstate(over="ignore"):
        assert L2Regulariser(0.0).penalty([huge], batch_size=4) == 0.0


def test_fit_population_refuses_an_optimizer_from_another_population_too() -> None:
    from minnet.population import stack
    from minnet.population_training import fit_population

    population, other = stack([autoencoder(0), autoencoder(1)]), stack([autoencoder(2)])
    x = one_hot_patterns(8)
    with pytest.raises(ValueError, match=r"not the model's"):
        fit_population(population, MSE(), x, x, SGD(other.parameters(), lr=1.5), max_epochs=2)
