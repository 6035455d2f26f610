"""Train the classic 8-3-8 autoencoder and show what it learned.

Eight one-hot patterns go through three sigmoid hidden units and back to
themselves. Three units can hold eight patterns only if they learn something
close to a 3-bit binary code, which this script prints next to the
reconstructions. The defaults are the report's: learning rate 1.5, weight
decay 5e-5, stop when the epoch error is below 5e-4.

    python examples/sparse_autoencoder.py                 # the defaults
    python examples/sparse_autoencoder.py --alpha 5 --seed 3
    python examples/sparse_autoencoder.py --json          # one JSON object

Exit status: 0 when training converged, 1 when it did not (the epochs ran out
or the loss diverged), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import numpy as np

from minnet import (
    MSE,
    SGD,
    DivergenceError,
    L2Regulariser,
    Linear,
    Sequential,
    Sigmoid,
    fit,
    one_hot_patterns,
)


def build_autoencoder(n: int, hidden: int, rng: np.random.Generator) -> Sequential:
    """n inputs -> ``hidden`` sigmoid units -> n sigmoid outputs, drawn from ``rng``."""
    return Sequential(Linear(n, hidden, rng=rng), Sigmoid(), Linear(hidden, n, rng=rng), Sigmoid())


def binary_codes(hidden: np.ndarray, threshold: float) -> list[str]:
    """Each pattern's hidden activations as a bit string: '1' where above ``threshold``."""
    return ["".join("1" if h > threshold else "0" for h in row) for row in hidden]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train the n-h-n sigmoid autoencoder on one-hot patterns with minnet."
    )
    parser.add_argument("--alpha", type=float, default=1.5, help="learning rate (default 1.5)")
    parser.add_argument(
        "--lambda", dest="lam", type=float, default=5e-5, help="weight decay (default 5e-5)"
    )
    parser.add_argument(
        "--tol", type=float, default=5e-4, help="stop when the epoch error is below this (5e-4)"
    )
    parser.add_argument(
        "--max-epochs", type=int, default=200_000, help="give up after this many (200000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights (0)")
    parser.add_argument("--hidden", type=int, default=3, help="hidden units (3)")
    parser.add_argument("--patterns", type=int, default=8, help="one-hot patterns (8)")
    parser.add_argument(
        "--allow-negative-lambda",
        action="store_true",
        help="accept a negative lambda (weights then grow: a demonstration, not a setting)",
    )
    parser.add_argument(
        "--decay-biases", action="store_true", help="let the weight decay act on biases too"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object and nothing else"
    )
    args = parser.parse_args(argv)

    if not (math.isfinite(args.alpha) and args.alpha > 0):
        parser.error(f"--alpha must be a positive number, got {args.alpha}")
    if not (math.isfinite(args.tol) and args.tol > 0):
        parser.error(f"--tol must be a positive number, got {args.tol}")
    if not math.isfinite(args.lam):
        parser.error(f"--lambda must be a finite number, got {args.lam}")
    if args.lam < 0 and not args.allow_negative_lambda:
        parser.error(
            f"--lambda is negative ({args.lam}): the weights would grow instead of decay. "
            "Add --allow-negative-lambda if that is the experiment you want."
        )
    if args.hidden < 1:
        parser.error(f"--hidden must be at least 1, got {args.hidden}")
    if args.patterns < 1:
        parser.error(f"--patterns must be at least 1, got {args.patterns}")
    if args.max_epochs < 0:
        parser.error(f"--max-epochs must be 0 or more, got {args.max_epochs}")
    return args


def train(args: argparse.Namespace) -> dict[str, Any]:
    """Train with the settings in ``args`` and return everything the report shows."""
    rng = np.random.default_rng(args.seed)
    net = build_autoencoder(args.patterns, args.hidden, rng)
    if args.decay_biases:
        for parameter in net.parameters():
            parameter.regularise = True
    x = one_hot_patterns(args.patterns)
    diverged = ""
    try:
        history = fit(
            net,
            MSE(),
            x,
            x,
            SGD(net.parameters(), lr=args.alpha),
            regularisers=[L2Regulariser(args.lam, allow_negative=args.allow_negative_lambda)],
            tol=args.tol,
            max_epochs=args.max_epochs,
        )
    except DivergenceError as error:
        assert error.history is not None
        history, diverged = error.history, str(error)

    hidden = net[1].forward(net[0].forward(x))
    outputs = net.forward(x)
    weights = np.concatenate([p.value.ravel() for p in net.parameters()])
    codes = {t: binary_codes(hidden, t) for t in (0.1, 0.5)}
    return {
        "converged": history.converged,
        "stop_reason": history.stop_reason,
        "diverged_message": diverged,
        "epochs": history.epochs,
        "seconds": history.seconds,
        "final_error": history.final_error,
        "hidden": hidden.tolist(),
        "outputs": outputs.tolist(),
        "codes_0.1": codes[0.1],
        "codes_0.5": codes[0.5],
        "distinct_codes_0.1": len(set(codes[0.1])),
        "distinct_codes_0.5": len(set(codes[0.5])),
        "max_abs_error": float(np.max(np.abs(outputs - x))),
        "parameter_shapes": {name: list(p.shape) for name, p in net.named_parameters()},
        "n_parameters": int(weights.size),
        "negative_parameters": int(np.sum(weights < 0)),
        "alpha": args.alpha,
        "lambda": args.lam,
        "tol": args.tol,
        "seed": args.seed,
        "hidden_units": args.hidden,
        "patterns": args.patterns,
        "max_epochs": args.max_epochs,
    }


def report(result: dict[str, Any]) -> str:
    """The human-readable account of a run."""
    n, h = result["patterns"], result["hidden_units"]
    lines = [
        f"minnet {n}-{h}-{n} autoencoder: {n} one-hot patterns -> {h} sigmoid units -> "
        f"{n} sigmoid outputs",
        f"settings: alpha={result['alpha']}  lambda={result['lambda']}  tol={result['tol']}  "
        f"seed={result['seed']}  max epochs={result['max_epochs']:,}",
        "",
    ]
    if result["converged"]:
        lines.append(
            f"Converged after {result['epochs']:,} epochs in {result['seconds']:.2f} s: "
            f"epoch error {result['final_error']:.4e} < tol {result['tol']:g}."
        )
    elif result["diverged_message"]:
        lines.append(f"Did NOT converge: {result['diverged_message']}")
    else:
        lines.append(
            f"Did NOT converge: {result['epochs']:,} epochs ran out in {result['seconds']:.2f} s "
            f"with the epoch error at {result['final_error']:.4e}, above tol "
            f"{result['tol']:g}. Try more --max-epochs, a larger --alpha, or a smaller "
            f"--lambda (weight decay puts a floor under the error)."
        )

    outputs = np.array(result["outputs"])
    lines += ["", "Reconstructions (outputs to 2 decimals; each target is the one-hot row):"]
    lines.append("pattern  " + " ".join(f"{k:>5}" for k in range(n)))
    for i, row in enumerate(outputs):
        lines.append(f"{i:>7}  " + " ".join(f"{v:5.2f}" for v in row))
    lines.append(
        f"Largest |output - target|: {result['max_abs_error']:.3f}. Outputs come near 0 and 1 "
        "but a sigmoid never reaches them."
    )

    hidden = np.array(result["hidden"])
    lines += ["", "Hidden activations and the binary code they carry:"]
    header = " ".join(f"{'h' + str(j):>5}" for j in range(h))
    lines.append(f"pattern  {header}   code>0.1  code>0.5")
    for i, row in enumerate(hidden):
        acts = " ".join(f"{v:5.2f}" for v in row)
        c1, c5 = result["codes_0.1"][i], result["codes_0.5"][i]
        lines.append(f"{i:>7}  {acts}   {c1:>8}  {c5:>8}")
    for t in ("0.1", "0.5"):
        distinct = result[f"distinct_codes_{t}"]
        verdict = "all distinct" if distinct == n else "some patterns share a code"
        lines.append(f"Threshold {t}: {distinct} distinct codes for {n} patterns ({verdict}).")

    shapes = result["parameter_shapes"]
    lines += [
        "",
        "Parameters: "
        + ", ".join(f"{name} {'x'.join(map(str, shape))}" for name, shape in shapes.items())
        + f" = {result['n_parameters']} numbers "
        f"(input->hidden {n + 1}x{h}, hidden->output {h + 1}x{n}, counting biases as a row).",
        f"Negative: {result['negative_parameters']} of {result['n_parameters']} "
        f"({100 * result['negative_parameters'] / result['n_parameters']:.0f}%).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = train(args)
    if args.json:
        print(json.dumps(result))
    else:
        print(report(result))
    return 0 if result["converged"] else 1


if __name__ == "__main__":
    sys.exit(main())
