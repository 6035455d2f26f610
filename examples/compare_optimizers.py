"""How many epochs SGD, momentum and Adam need to train the 8-3-8 autoencoder.

Every run is the flagship's problem at its defaults (sigmoid units, MSE,
weight decay lambda 5e-5 on the weights, full batch) and its stopping rule:
stop when the epoch error falls below tol 5e-4. Only the optimizer and its
learning rate change; each setting trains from the same initial weights at
every seed, so the comparison is paired. The table gives the median and the
range of the epochs over the seeds; a run that has not converged after
--max-epochs counts as that many (and the table says so).

    python examples/compare_optimizers.py               # seeds 0..9, about two minutes
    python examples/compare_optimizers.py --seeds 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from minnet import (
    MSE,
    SGD,
    Adam,
    DivergenceError,
    L2Regulariser,
    Linear,
    Momentum,
    Optimizer,
    Parameter,
    Sequential,
    Sigmoid,
    fit,
    one_hot_patterns,
)

LAMBDA, TOL = 5e-5, 5e-4


@dataclass(frozen=True)
class Setting:
    """One optimizer with its hyperparameters, as a label and a factory."""

    label: str
    make: Callable[[Iterable[Parameter]], Optimizer]


SETTINGS = [
    Setting("SGD lr=1.5 (the default)", lambda p: SGD(p, lr=1.5)),
    # SGD with the step momentum reaches at lr=1.5: is it the momentum or the step size?
    Setting("SGD lr=15", lambda p: SGD(p, lr=15.0)),
    # On a steady slope momentum's step is lr/(1 - mu) = 10 lr: lr=0.15 matches SGD's 1.5.
    Setting("Momentum mu=0.9 lr=0.15", lambda p: Momentum(p, lr=0.15, momentum=0.9)),
    Setting("Momentum mu=0.9 lr=0.5", lambda p: Momentum(p, lr=0.5, momentum=0.9)),
    Setting("Momentum mu=0.9 lr=1.5", lambda p: Momentum(p, lr=1.5, momentum=0.9)),
    Setting(
        "Momentum mu=0.9 lr=1.5 Nesterov",
        lambda p: Momentum(p, lr=1.5, momentum=0.9, nesterov=True),
    ),
    Setting("Adam lr=0.01", lambda p: Adam(p, lr=0.01)),
    Setting("Adam lr=0.03", lambda p: Adam(p, lr=0.03)),
    Setting("Adam lr=0.1", lambda p: Adam(p, lr=0.1)),
    Setting("Adam lr=0.3", lambda p: Adam(p, lr=0.3)),
    Setting("Adam lr=1", lambda p: Adam(p, lr=1.0)),
]


def epochs_to_converge(setting: Setting, seed: int, max_epochs: int) -> int | None:
    """Epochs until the epoch error is below TOL; None if it never gets there."""
    rng = np.random.default_rng(seed)
    net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    x = one_hot_patterns(8)
    try:
        history = fit(
            net,
            MSE(),
            x,
            x,
            setting.make(net.parameters()),
            regularisers=[L2Regulariser(LAMBDA)],
            tol=TOL,
            max_epochs=max_epochs,
            progress=False,
        )
    except DivergenceError:
        return None
    return history.epochs if history.converged else None


def summary_row(label: str, epochs: list[int | None], max_epochs: int) -> str:
    """One table row: median and range, counting a failure as max_epochs."""
    counted = [max_epochs if e is None else e for e in epochs]
    failures = sum(e is None for e in epochs)
    mark = ">" if failures else ""
    median = statistics.median(counted)
    return (
        f"| {label} | {mark}{median:,.0f} | {min(counted):,} to {mark}{max(counted):,} | "
        f"{len(epochs) - failures}/{len(epochs)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (10)")
    parser.add_argument(
        "--max-epochs", type=int, default=50_000, help="give up after this many (50000)"
    )
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")

    start = time.perf_counter()
    print(
        f"8-3-8 autoencoder, lambda {LAMBDA:g}, stop when the epoch error < {TOL:g}; "
        f"epochs over seeds 0..{args.seeds - 1}\n"
    )
    print("| optimizer | median epochs | range | converged |")
    print("|---|---:|---:|---:|")
    for setting in SETTINGS:
        epochs = [epochs_to_converge(setting, seed, args.max_epochs) for seed in range(args.seeds)]
        print(summary_row(setting.label, epochs, args.max_epochs), flush=True)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
