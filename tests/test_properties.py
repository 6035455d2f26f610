"""Every Layer, Loss and Regulariser in the registry, held to the contract by
the same one-call checks that :mod:`minnet.testing` offers to users."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from registry import LAYERS, LOSSES, REGULARISERS, LayerEntry, LossEntry

import minnet
from minnet import Layer, Linear, Loss, Regulariser, Sequential, Sigmoid, check_network
from minnet.testing import (
    batch_shapes,
    check_layer_properties,
    check_loss_properties,
    check_regulariser_properties,
    float_arrays,
)


@pytest.mark.parametrize("entry", LAYERS.values(), ids=LAYERS.keys())
def test_layer_gradients_and_contract_hold_on_random_inputs(entry: LayerEntry) -> None:
    check_layer_properties(
        entry.make,
        features=entry.features,
        min_value=entry.min_value,
        max_value=entry.max_value,
        avoid=entry.avoid,
        max_examples=30,
    )


@pytest.mark.parametrize("entry", LOSSES.values(), ids=LOSSES.keys())
def test_loss_gradient_and_contract_hold_on_random_inputs(entry: LossEntry) -> None:
    check_loss_properties(
        entry.make,
        prediction_range=entry.prediction_range,
        target_range=entry.target_range,
        max_examples=30,
    )


@pytest.mark.parametrize("make", REGULARISERS.values(), ids=REGULARISERS.keys())
def test_regulariser_gradient_and_contract_hold_on_random_parameters(
    make: Callable[[], Regulariser],
) -> None:
    check_regulariser_properties(make, max_examples=30)


@pytest.mark.parametrize("regulariser", REGULARISERS, ids=str)
@pytest.mark.parametrize("loss", LOSSES, ids=str)
@settings(max_examples=15)
@given(data=st.data())
def test_whole_network_gradient_matches_finite_differences(
    loss: str, regulariser: str, data: st.DataObject
) -> None:
    n_in, hidden, n_out = (data.draw(st.integers(1, 4), label) for label in ("in", "hidden", "out"))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), "seed"))
    net = Sequential(
        Linear(n_in, hidden, rng=rng), Sigmoid(), Linear(hidden, n_out, rng=rng), Sigmoid()
    )
    x = data.draw(batch_shapes(n_in).flatmap(float_arrays), "x")
    low, high = LOSSES[loss].target_range
    y = data.draw(float_arrays((*x.shape[:-1], n_out), min_value=low, max_value=high), "y")

    errors = check_network(net, LOSSES[loss].make(), x, y, [REGULARISERS[regulariser]()])

    assert set(errors) == {"input", "0.W", "0.b", "2.W", "2.b"}


def concrete_minnet_classes(base: type) -> set[type]:
    """Every non-abstract subclass of ``base`` that a minnet module defines by name
    (not, say, a class written inside a docstring example)."""
    for module in pkgutil.iter_modules(minnet.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"minnet.{module.name}")
    found: set[type] = set()
    todo = [base]
    while todo:
        cls = todo.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            todo.append(sub)
            public = getattr(sys.modules.get(sub.__module__), sub.__name__, None) is sub
            if sub.__module__.startswith("minnet.") and public and not inspect.isabstract(sub):
                found.add(sub)
    return found


@pytest.mark.parametrize(
    ("base", "registered"),
    [
        (Layer, {type(entry.make(2)) for entry in LAYERS.values()}),
        (Loss, {type(entry.make()) for entry in LOSSES.values()}),
        (Regulariser, {type(make()) for make in REGULARISERS.values()}),
    ],
    ids=["Layer", "Loss", "Regulariser"],
)
def test_every_class_in_minnet_is_in_the_registry(base: type, registered: set[type]) -> None:
    missing = sorted(cls.__name__ for cls in concrete_minnet_classes(base) - registered)
    assert not missing, f"Add {missing} to tests/registry.py so that they are property-tested."
