"""Time one training step of a 784-128-784 sigmoid autoencoder: minnet, plain numpy, PyTorch.

One step is what one minibatch costs: gradients cleared, forward pass, MSE
loss, backward pass, SGD update. Networks this size are BLAS-bound, so the
question is whether minnet's classes add anything on top of the matrix
products. All sides start from the same weights, train on the same minibatch
of 256 and run in one process, interleaved, in float32 and in float64.
Before timing, the script checks that minnet and PyTorch take the same
step as the plain loop.

PyTorch is optional (``pip install torch==2.13.0``); without it its column is
left out. It gets as many threads as numpy's BLAS uses (read with
threadpoolctl when installed, else the number of cores; ``--threads`` sets
both), so both sides use the same cores. Its OpenMP threads are told to
sleep rather than spin between operations (``OMP_WAIT_POLICY=PASSIVE``,
unless already set): spinning threads keep the cores busy after each torch
call and starve numpy's BLAS threads in the interleaved runs, which made the
numpy sides up to 5x slower in float32 on a 2-core machine.

    python benchmarks/bench_large.py                 # 7 repeats of 20 steps
    python benchmarks/bench_large.py --steps 50 --repeats 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from minnet import MSE, SGD, Linear, Sequential, Sigmoid

N_IN, N_HIDDEN, BATCH, LR = 784, 128, 256, 0.1

Step = Callable[[], None]


def initial_weights(dtype: type[np.floating[Any]]) -> list[np.ndarray]:
    """W1, b1, W2, b2 drawn in minnet's order from one generator."""
    rng = np.random.default_rng(0)
    shapes = ((N_IN, N_HIDDEN), (N_HIDDEN,), (N_HIDDEN, N_IN), (N_IN,))
    return [rng.uniform(-0.5, 0.5, size=shape).astype(dtype) for shape in shapes]


def minibatch(dtype: type[np.floating[Any]]) -> np.ndarray:
    """256 samples of 784 values in [0, 1], like a minibatch of MNIST images."""
    return np.random.default_rng(1).uniform(0.0, 1.0, size=(BATCH, N_IN)).astype(dtype)


def minnet_step(dtype: type[np.floating[Any]]) -> tuple[Step, Callable[[], list[np.ndarray]]]:
    """One step through minnet's classes, as :func:`minnet.fit` takes it."""
    rng = np.random.default_rng(0)
    net = Sequential(
        Linear(N_IN, N_HIDDEN, rng=rng, dtype=dtype),
        Sigmoid(),
        Linear(N_HIDDEN, N_IN, rng=rng, dtype=dtype),
        Sigmoid(),
    )
    x, loss = minibatch(dtype), MSE()
    optimizer = SGD(net.parameters(), lr=LR)
    parameters = list(net.parameters())

    def step() -> None:  # the body of fit's loop
        for p in parameters:
            p.grad[...] = 0.0
        loss.forward(net.forward(x), x)
        net.backward_parameters(loss.backward())
        optimizer.step()

    return step, lambda: [p.value for p in net.parameters()]


def plain_step(dtype: type[np.floating[Any]]) -> tuple[Step, Callable[[], list[np.ndarray]]]:
    """The same maths written out with numpy, no classes, in place where it helps."""
    W1, b1, W2, b2 = initial_weights(dtype)
    x = minibatch(dtype)
    m = x.shape[0]

    def sigmoid(z: np.ndarray) -> np.ndarray:
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        return np.reciprocal(z, out=z)

    def step() -> None:
        nonlocal W1, b1, W2, b2  # updated in place
        h = sigmoid(x @ W1 + b1)
        a = sigmoid(h @ W2 + b2)
        delta2 = a - x
        float(np.vdot(delta2, delta2)) / (2 * m)  # the loss, as every side computes it
        delta2 *= a * (1.0 - a) / m
        delta1 = delta2 @ W2.T
        delta1 *= h * (1.0 - h)
        W2 -= LR * (h.T @ delta2)
        b2 -= LR * delta2.sum(axis=0)
        W1 -= LR * (x.T @ delta1)
        b1 -= LR * delta1.sum(axis=0)

    return step, lambda: [W1, b1, W2, b2]


def passive_openmp() -> None:
    """Ask OpenMP (PyTorch's thread pool) to sleep, not spin, when idle; read
    when torch is first imported, so this runs before that."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def torch_step(
    dtype: type[np.floating[Any]], threads: int
) -> tuple[Step, Callable[[], list[np.ndarray]]] | None:
    """The same network in PyTorch on the CPU; None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    W1, b1, W2, b2 = initial_weights(dtype)
    lin1, lin2 = torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Linear(N_HIDDEN, N_IN)
    lin1, lin2 = lin1.to(torch.from_numpy(W1).dtype), lin2.to(torch.from_numpy(W1).dtype)
    with torch.no_grad():
        for layer, W, b in ((lin1, W1, b1), (lin2, W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T))
            layer.bias.copy_(torch.from_numpy(b))
    net = torch.nn.Sequential(lin1, torch.nn.Sigmoid(), lin2, torch.nn.Sigmoid())
    x = torch.from_numpy(minibatch(dtype))
    optimizer = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.MSELoss(reduction="sum")

    def step() -> None:
        optimizer.zero_grad()
        loss = loss_fn(net(x), x) / (2 * BATCH)  # minnet's 1/(2m) convention
        loss.backward()
        optimizer.step()

    def weights() -> list[np.ndarray]:
        return [
            lin1.weight.detach().numpy().T,
            lin1.bias.detach().numpy(),
            lin2.weight.detach().numpy().T,
            lin2.bias.detach().numpy(),
        ]

    return step, weights


def blas_threads() -> int:
    """The number of threads numpy's BLAS uses (all cores when threadpoolctl is missing)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1
    counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return max(counts, default=1)


def check_same_step(sides: dict[str, tuple[Step, Callable[[], list[np.ndarray]]]]) -> None:
    """Three steps on every side must give the same weights (to rounding)."""
    results = {}
    for name, (step, weights) in sides.items():
        for _ in range(3):
            step()
        results[name] = weights()
    reference = results["plain numpy"]
    for name, values in results.items():
        drift = max(
            float(np.max(np.abs(ours - theirs)))
            for ours, theirs in zip(values, reference, strict=True)
        )
        dtype = values[0].dtype
        assert drift < 1e-4 if dtype == np.float32 else drift < 1e-10, (
            f"{name} ({dtype}) disagrees with the plain loop by {drift:.1e} after 3 steps"
        )


def time_per_step(step: Step, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, help="BLAS and PyTorch threads (numpy's default)")
    args = parser.parse_args()
    passive_openmp()
    threads = args.threads or blas_threads()
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    print(
        f"{N_IN}-{N_HIDDEN}-{N_IN} sigmoid autoencoder, minibatch {BATCH}, MSE, SGD; "
        f"numpy's BLAS uses {threads} thread(s), PyTorch gets the same "
        f"(OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']})"
    )
    rows = []
    for dtype in (np.float32, np.float64):
        sides = {"plain numpy": plain_step(dtype), "minnet": minnet_step(dtype)}
        with_torch = torch_step(dtype, threads)
        if with_torch is not None:
            sides["PyTorch"] = with_torch
        check_same_step(sides)
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.repeats):  # interleaved, so drift in machine load hits every side
            for name, (step, _) in sides.items():
                times[name].append(time_per_step(step, args.steps))
        medians = {name: statistics.median(values) for name, values in times.items()}
        rows.append((np.dtype(dtype).name, medians))
    if "PyTorch" not in rows[0][1]:
        print("PyTorch is not installed: its column is left out (pip install torch==2.13.0).")
    print(f"\n{args.steps} steps x {args.repeats} repeats, median milliseconds per step:")
    names = list(rows[0][1])
    print(f"  {'dtype':8}" + "".join(f"{name:>13}" for name in names) + "   minnet/numpy", end="")
    print("   minnet/PyTorch" if "PyTorch" in names else "")
    for dtype_name, medians in rows:
        line = f"  {dtype_name:8}" + "".join(f"{medians[name]:13.2f}" for name in names)
        line += f"   {medians['minnet'] / medians['plain numpy']:12.2f}x"
        if "PyTorch" in medians:
            line += f"   {medians['minnet'] / medians['PyTorch']:14.2f}x"
        print(line)


if __name__ == "__main__":
    main()
