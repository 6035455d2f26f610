"""Time one 8-3-8 training epoch: minnet against a plain numpy loop (and PyTorch).

All sides train the same network from the same initial weights with the same
maths (full batch, MSE with 1/(2m), L2 decay (lambda/m) W on weights only,
SGD). They run in one process, interleaved, so the ratio is fair on a noisy
machine. Before timing, the script checks that minnet and the plain loop
follow the same trajectory.

    python benchmarks/bench_epoch.py            # 5 repeats of 5000 epochs
    python benchmarks/bench_epoch.py --epochs 20000 --repeats 7
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from minnet import MSE, SGD, L2Regulariser, Linear, Sequential, Sigmoid, fit, one_hot_patterns

ALPHA, LAMBDA = 1.5, 5e-5


def initial_weights(seed: int) -> list[np.ndarray]:
    """W1, b1, W2, b2 drawn in minnet's order from one generator."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-0.5, 0.5, size=shape) for shape in ((8, 3), (3,), (3, 8), (8,))]


def plain_numpy(epochs: int, seed: int) -> np.ndarray:
    """A hand-written vectorised numpy loop of the same maths; returns the
    epoch errors."""
    W1, b1, W2, b2 = initial_weights(seed)
    x = np.eye(8)
    m, k = x.shape
    errors = np.empty(epochs)
    for epoch in range(epochs):
        h = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
        a = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
        diff = a - x
        errors[epoch] = np.sum(diff * diff) / (2 * m * k)
        delta2 = diff / m * a * (1.0 - a)
        delta1 = (delta2 @ W2.T) * h * (1.0 - h)
        W2 -= ALPHA * (h.T @ delta2 + LAMBDA / m * W2)
        b2 -= ALPHA * delta2.sum(axis=0)
        W1 -= ALPHA * (x.T @ delta1 + LAMBDA / m * W1)
        b1 -= ALPHA * delta1.sum(axis=0)
    return errors


def minnet_fit(epochs: int, seed: int) -> np.ndarray:
    """minnet's fit(), which does the same maths through its classes."""
    rng = np.random.default_rng(seed)
    net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    x = one_hot_patterns(8)
    history = fit(
        net,
        MSE(),
        x,
        x,
        SGD(net.parameters(), lr=ALPHA),
        regularisers=[L2Regulariser(LAMBDA)],
        max_epochs=epochs - 1,
        progress=False,
    )
    return np.array(history.epoch_error)


def torch_loop(epochs: int, seed: int) -> np.ndarray | None:
    """The same network in PyTorch on the CPU, one thread; None when not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    W1, b1, W2, b2 = initial_weights(seed)
    lin1, lin2 = torch.nn.Linear(8, 3).double(), torch.nn.Linear(3, 8).double()
    with torch.no_grad():
        for layer, W, b in ((lin1, W1, b1), (lin2, W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b))
    net = torch.nn.Sequential(lin1, torch.nn.Sigmoid(), lin2, torch.nn.Sigmoid())
    x = torch.eye(8, dtype=torch.float64)
    optimizer = torch.optim.SGD(
        [
            {"params": [lin1.weight, lin2.weight], "weight_decay": LAMBDA / 8},
            {"params": [lin1.bias, lin2.bias]},
        ],
        lr=ALPHA,
    )
    loss_fn = torch.nn.MSELoss(reduction="sum")
    errors = np.empty(epochs)
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = loss_fn(net(x), x) / 16  # 1/(2m) with m = 8
        errors[epoch] = loss.item() / 8
        loss.backward()
        optimizer.step()
    return errors


def time_per_epoch(run: Callable[[int, int], object], epochs: int) -> float:
    start = time.perf_counter()
    run(epochs, 0)
    return (time.perf_counter() - start) / epochs * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    reference, ours = plain_numpy(2000, 0), minnet_fit(2000, 0)
    drift = float(np.max(np.abs(reference - ours) / reference))
    print(
        f"same trajectory: largest relative difference in the epoch error over 2000 epochs {drift:.1e}"
    )
    assert drift < 1e-9, "minnet and the plain loop disagree; fix that before timing"
    sides: dict[str, Callable[[int, int], object]] = {
        "plain numpy": plain_numpy,
        "minnet": minnet_fit,
    }
    if torch_loop(10, 0) is not None:
        torch_check = torch_loop(2000, 0)
        assert torch_check is not None
        print(f"PyTorch agrees to {float(np.max(np.abs(torch_check - reference) / reference)):.1e}")
        sides["PyTorch"] = torch_loop
    else:
        print("PyTorch is not installed: comparing minnet with plain numpy only.")

    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.repeats):  # interleaved, so drift in machine load hits every side
        for name, run in sides.items():
            times[name].append(time_per_epoch(run, args.epochs))
    print(
        f"\n{args.epochs} epochs x {args.repeats} repeats, median (min-max) microseconds per epoch:"
    )
    plain = statistics.median(times["plain numpy"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:12} {median:7.1f} ({min(values):.1f}-{max(values):.1f})   "
            f"{median / plain:.2f}x plain numpy"
        )


if __name__ == "__main__":
    main()
