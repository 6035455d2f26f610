r"""Linear, $y = x W + b$: its output, its initial values and how its gradients
add up over a batch and over extra leading axes."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from minnet import Linear, Sequential, Sigmoid
from minnet.testing import batch_shapes, float_arrays


def test_linear_computes_x_times_w_plus_b_for_each_sample() -> None:
    layer = Linear(3, 2, seed=0)
    x = np.random.default_rng(1).normal(size=(4, 3))
    W, b = layer.W.value, layer.b.value
    expected = [
        [sum(x[i, j] * W[j, k] for j in range(3)) + b[k] for k in range(2)] for i in range(4)
    ]
    np.testing.assert_allclose(layer(x), expected, rtol=1e-12)


def test_linear_draws_weights_then_biases_uniformly_in_minus_half_to_half() -> None:
    reference = np.random.default_rng(7)
    W = reference.uniform(-0.5, 0.5, size=(3, 2))
    b = reference.uniform(-0.5, 0.5, size=2)
    layer = Linear(3, 2, rng=np.random.default_rng(7))
    assert np.array_equal(layer.W.value, W) and np.array_equal(layer.b.value, b)
    assert layer.W.value.dtype == np.float64


def test_one_generator_passed_through_a_network_draws_its_parameters_in_order() -> None:
    rng = np.random.default_rng(0)
    net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng))
    draws = np.random.default_rng(0).uniform(-0.5, 0.5, size=59)
    expected = [draws[:24].reshape(8, 3), draws[24:27], draws[27:51].reshape(3, 8), draws[51:]]
    for p, values in zip(net.parameters(), expected, strict=True):
        assert np.array_equal(p.value, values)


def test_linear_biases_are_not_regularised_unless_asked() -> None:
    assert Linear(2, 2, seed=0).W.regularise
    assert not Linear(2, 2, seed=0).b.regularise
    assert Linear(2, 2, seed=0, regularise_bias=True).b.regularise


@given(data=st.data())
def test_linear_gradients_over_a_batch_are_the_sums_of_per_sample_gradients(
    data: st.DataObject,
) -> None:
    n_in, n_out, batch = (
        data.draw(st.integers(1, 4), label) for label in ("n_in", "n_out", "batch")
    )
    layer = Linear(n_in, n_out, seed=data.draw(st.integers(0, 100), "seed"))
    x = data.draw(float_arrays((batch, n_in)), "x")
    g = data.draw(float_arrays((batch, n_out)), "grad_y")

    layer.forward(x)
    grad_x = layer.backward(g)
    dW, db = layer.W.grad.copy(), layer.b.grad.copy()

    for i in range(batch):  # one sample at a time: dW = outer(x_i, g_i), db = g_i
        np.testing.assert_allclose(grad_x[i], g[i] @ layer.W.value.T, atol=1e-12)
    np.testing.assert_allclose(dW, sum(np.outer(x[i], g[i]) for i in range(batch)), atol=1e-12)
    np.testing.assert_allclose(db, g.sum(axis=0), atol=1e-12)


def test_linear_broadcasts_over_an_extra_leading_axis() -> None:
    rng = np.random.default_rng(0)
    layer = Linear(3, 2, seed=0)
    x, g = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 2))

    y = layer(x)
    grad_x = layer.backward(g)
    dW, db = layer.W.grad.copy(), layer.b.grad.copy()

    assert y.shape == (2, 4, 2) and grad_x.shape == (2, 4, 3)
    assert dW.shape == (3, 2) and db.shape == (2,)
    slices = []
    for k in range(2):  # each leading index is an independent problem
        layer.zero_grad()
        np.testing.assert_allclose(y[k], layer(x[k]), rtol=1e-12)
        np.testing.assert_allclose(grad_x[k], layer.backward(g[k]), rtol=1e-12)
        slices.append((layer.W.grad.copy(), layer.b.grad.copy()))
    np.testing.assert_allclose(dW, slices[0][0] + slices[1][0], rtol=1e-12)
    np.testing.assert_allclose(db, slices[0][1] + slices[1][1], rtol=1e-12)


@given(shape=batch_shapes(3), data=st.data())
def test_linear_on_leading_axes_equals_linear_on_the_stacked_batch(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    # Summing over leading axes and the batch is summing over all rows at once.
    x = data.draw(float_arrays(shape), "x")
    g = data.draw(float_arrays((*shape[:-1], 2)), "grad_y")
    stacked, flat = Linear(3, 2, seed=0), Linear(3, 2, seed=0)

    y = stacked.forward(x)
    grad_x = stacked.backward(g)
    y_flat = flat.forward(x.reshape(-1, 3))
    grad_x_flat = flat.backward(g.reshape(-1, 2))

    np.testing.assert_allclose(y.reshape(-1, 2), y_flat, rtol=1e-12)
    np.testing.assert_allclose(grad_x.reshape(-1, 3), grad_x_flat, rtol=1e-12)
    np.testing.assert_allclose(stacked.W.grad, flat.W.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(stacked.b.grad, flat.b.grad, rtol=1e-10, atol=1e-12)
