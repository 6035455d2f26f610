"""Time a population of 8-3-8 networks: microseconds per network-epoch.

minnet's fit_population trains N stacked networks (seeds 0..N-1) through one
set of numpy calls per epoch. It is timed against the plain numpy loop of one
network (benchmarks/bench_epoch.py), the cost of a network-epoch when
networks are trained one by one, and against a hand-written numpy loop over
the same stacked arrays, the floor for this approach. All run in one process,
interleaved, so the ratios are fair on a noisy machine. Before timing, the
script checks that member 0 of the population follows the single loop.

    python benchmarks/bench_population.py                 # N=1000, 5 repeats of 200 epochs
    python benchmarks/bench_population.py --size 100 --epochs 1000
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from bench_epoch import ALPHA, LAMBDA, initial_weights, plain_numpy

from minnet import (
    MSE,
    SGD,
    L2Regulariser,
    Linear,
    Sequential,
    Sigmoid,
    fit_population,
    one_hot_patterns,
    stack,
)


def minnet_population(size: int) -> Callable[[int], np.ndarray]:
    """Build ``size`` networks (seeds 0..size-1) and stack them; the result trains
    them with fit_population and returns the epoch errors ``(epochs, size)``."""
    nets = []
    for seed in range(size):
        rng = np.random.default_rng(seed)
        nets.append(Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid()))
    population = stack(nets)
    x = one_hot_patterns(8)

    def train(epochs: int) -> np.ndarray:
        history = fit_population(
            population,
            MSE(),
            x,
            x,
            SGD(population.parameters(), lr=ALPHA),
            regularisers=[L2Regulariser(LAMBDA)],
            max_epochs=epochs - 1,
        )
        return history.epoch_error

    return train


def plain_population(size: int) -> Callable[[int], np.ndarray]:
    """The plain numpy loop written once more over stacked arrays (N, ...)."""
    weights = [initial_weights(seed) for seed in range(size)]
    stacked = [np.stack([w[i].reshape(-1, w[i].shape[-1]) for w in weights]) for i in range(4)]

    def train(epochs: int) -> np.ndarray:
        W1, b1, W2, b2 = (array.copy() for array in stacked)
        x = np.eye(8)
        m, k = x.shape
        errors = np.empty((epochs, size))
        for epoch in range(epochs):
            h = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
            a = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
            diff = a - x
            errors[epoch] = np.einsum("nij,nij->n", diff, diff) / (2 * m * k)
            delta2 = diff / m * a * (1.0 - a)
            delta1 = (delta2 @ W2.swapaxes(1, 2)) * h * (1.0 - h)
            W2 -= ALPHA * (h.swapaxes(1, 2) @ delta2 + LAMBDA / m * W2)
            b2 -= ALPHA * delta2.sum(axis=1, keepdims=True)
            W1 -= ALPHA * (x.T @ delta1 + LAMBDA / m * W1)
            b1 -= ALPHA * delta1.sum(axis=1, keepdims=True)
        return errors

    return train


def per_network_epoch(run: Callable[[], object], network_epochs: int) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / network_epochs * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="networks in the population")
    parser.add_argument("--epochs", type=int, default=200, help="epochs per population run")
    parser.add_argument("--single-epochs", type=int, default=2000, help="epochs per single run")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    reference = plain_numpy(500, 0)
    ours = minnet_population(3)(500)[:, 0]
    drift = float(np.max(np.abs(reference - ours) / reference))
    print(
        f"member 0 against the single loop over 500 epochs: largest relative difference {drift:.1e}"
    )
    assert drift < 1e-9, "the population and the single loop disagree; fix that before timing"

    size, epochs = args.size, args.epochs
    population, hand_written = minnet_population(size), plain_population(size)
    sides: dict[str, tuple[Callable[[], object], int]] = {
        "plain numpy, one network": (
            lambda: plain_numpy(args.single_epochs, 0),
            args.single_epochs,
        ),
        # Building and stacking the networks is not timed: only the training loops are.
        "minnet fit_population": (lambda: population(epochs), epochs * size),
        "plain numpy, population": (lambda: hand_written(epochs), epochs * size),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits every side
        for name, (run, network_epochs) in sides.items():
            times[name].append(per_network_epoch(run, network_epochs))
    print(
        f"\nN={size} networks x {epochs} epochs (single: {args.single_epochs} epochs), "
        f"{args.repeats} repeats, median (min-max) microseconds per network-epoch:"
    )
    single = statistics.median(times["plain numpy, one network"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:26} {median:7.2f} ({min(values):.2f}-{max(values):.2f})   "
            f"{single / median:5.1f}x faster per network than one plain loop"
        )


if __name__ == "__main__":
    main()
