"""minnet.testing draws what it promises and knows only the public interfaces."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minnet import MSE, Layer, Parameter, Regulariser
from minnet.testing import (
    MARGIN,
    batch_shapes,
    check_layer_properties,
    check_loss_properties,
    check_regulariser_properties,
    float_arrays,
)

MINNET = Path(__file__).resolve().parents[1] / "minnet"


@given(
    data=st.data(),
    low=st.floats(-10, 0),
    width=st.floats(0.1, 10),
    avoid=st.lists(st.floats(-10, 10), max_size=3),
)
def test_float_arrays_stay_in_range_and_away_from_every_kink(
    data: st.DataObject, low: float, width: float, avoid: list[float]
) -> None:
    try:
        strategy = float_arrays((3, 4), min_value=low, max_value=low + width, avoid=avoid)
    except ValueError:  # the kinks' margins cover the whole range: nothing can be drawn
        return
    x = data.draw(strategy)
    assert x.shape == (3, 4) and x.dtype == np.float64 and np.all(np.isfinite(x))
    assert np.all((x >= low) & (x <= low + width))
    for point in avoid:
        assert np.all(np.abs(x - point) >= MARGIN)


def test_float_arrays_refuses_a_range_with_nothing_left_to_draw() -> None:
    with pytest.raises(ValueError, match="Widen the range"):
        float_arrays((2,), min_value=-1e-4, max_value=1e-4, avoid=[0.0])


@given(batch_shapes(max_batch=4, max_leading=2, max_features=6))
def test_batch_shapes_have_leading_axes_a_batch_and_features(shape: tuple[int, ...]) -> None:
    *leading, batch, features = shape
    assert len(leading) <= 2 and all(1 <= size <= 3 for size in leading)
    assert 1 <= batch <= 4 and 1 <= features <= 6


@given(batch_shapes(7, max_leading=0))
def test_batch_shapes_can_fix_the_features_and_drop_leading_axes(shape: tuple[int, ...]) -> None:
    assert len(shape) == 2 and shape[-1] == 7


class Recorder(Layer):
    """The identity, noting every input it is given."""

    def __init__(self, seen: list[np.ndarray]) -> None:
        self.seen = seen

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.seen.append(x.copy())
        return x * 1.0

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y * 1.0


def test_check_layer_properties_draws_what_it_is_told() -> None:
    seen: list[np.ndarray] = []
    check_layer_properties(
        lambda n: Recorder(seen),
        features=3,
        min_value=-1.0,
        max_value=2.0,
        avoid=(0.5,),
        leading_axes=False,
    )
    assert len({x.shape for x in seen}) > 1
    assert all(x.ndim == 2 and x.shape[-1] == 3 for x in seen)
    values = np.concatenate([x.ravel() for x in seen])
    fd_step = 1e-6  # the gradient check nudges each entry by this much
    assert values.min() >= -1.0 - fd_step and values.max() <= 2.0 + fd_step
    assert np.all(np.abs(values - 0.5) >= MARGIN - 2 * fd_step)


def test_check_layer_properties_tries_extra_leading_axes_by_default() -> None:
    seen: list[np.ndarray] = []
    check_layer_properties(lambda n: Recorder(seen))
    assert max(x.ndim for x in seen) > 2
    assert len({x.shape[-1] for x in seen}) > 1  # the number of features varies too


def test_check_loss_properties_draws_pairs_of_one_shape_in_their_ranges() -> None:
    seen: list[tuple[np.ndarray, np.ndarray]] = []

    class RecordingMSE(MSE):
        def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
            seen.append((prediction.copy(), target.copy()))
            return super().forward(prediction, target)

    check_loss_properties(RecordingMSE, prediction_range=(0.2, 0.3), target_range=(5.0, 6.0))
    assert all(p.shape == t.shape for p, t in seen)
    assert all(p.min() >= 0.2 - 1e-6 and p.max() <= 0.3 + 1e-6 for p, _ in seen)
    assert all(t.min() >= 5.0 and t.max() <= 6.0 for _, t in seen)


def test_check_regulariser_properties_draws_one_to_three_parameters_some_not_regularised() -> None:
    seen: list[list[tuple[tuple[int, ...], bool]]] = []

    class NoPenalty(Regulariser):
        def penalty(self, parameters: Iterable[Parameter], batch_size: int) -> float:
            seen.append([(p.shape, p.regularise) for p in parameters])
            return 0.0

        def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
            pass

    check_regulariser_properties(NoPenalty)
    assert {len(parameters) for parameters in seen} == {1, 2, 3}
    flags = {flag for parameters in seen for _, flag in parameters}
    assert flags == {True, False}
    assert {len(shape) for parameters in seen for shape, _ in parameters} == {1, 2}


def imported_names(path: Path) -> set[str]:
    """The names a module imports from minnet."""
    tree = ast.parse(path.read_text())
    return {
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("minnet")
        for alias in node.names
    }


@pytest.mark.parametrize("module", ["testing.py", "gradcheck.py", "contract.py"])
def test_checks_know_only_the_public_interfaces(module: str) -> None:
    allowed = {
        "minnet.errors.GradientCheckError",
        "minnet.layers.Layer",
        "minnet.losses.Loss",
        "minnet.parameter.Parameter",
        "minnet.regularisers.Regulariser",
        *(f"minnet.gradcheck.check_{what}" for what in ("layer", "loss", "regulariser", "network")),
        *(
            f"minnet.contract.require_{what}"
            for what in ("float64", "unchanged", "zero", "close", "accumulation")
        ),
    }
    assert imported_names(MINNET / module) <= allowed


def test_importing_minnet_does_not_import_hypothesis() -> None:
    code = "import sys, minnet; print('hypothesis' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
