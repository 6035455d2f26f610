"""Train the classic 8-3-8 autoencoder and show what it learned.

Eight one-hot patterns go through three sigmoid hidden units and back to
themselves. Three units can hold eight patterns only if they learn something
close to a 3-bit binary code, which this script prints next to the
reconstructions. The defaults are the report's: learning rate 1.5, weight
decay 5e-5, stop when the epoch error is below 5e-4.

    python examples/sparse_autoencoder.py                 # the defaults
    python examples/sparse_autoencoder.py --alpha 5 --seed 3
    python examples/sparse_autoencoder.py --json          # one JSON object
    python examples/sparse_autoencoder.py --optimizer adam          # lr 0.1
    python examples/sparse_autoencoder.py --sparsity 0.05,3 --hidden 8 --tol 1e-3
    python examples/sparse_autoencoder.py --save w.npz    # then: --load w.npz

--alpha is the learning rate of every optimizer. For SGD and momentum it
multiplies the gradient (momentum's step on a steady slope is alpha/(1 - mu),
ten times alpha at mu 0.9); for Adam it is a step size, roughly how far each
weight moves per epoch whatever the size of its gradient, so good values are
far smaller. Its default is 1.5 for sgd and momentum and 0.1 for adam
(examples/compare_optimizers.py compares the settings).

--sparsity RHO,BETA adds the sparse autoencoder's penalty
BETA * sum_j KL(RHO || mean activation of hidden unit j) to the objective, by
training through a KLSparsity layer placed after the hidden sigmoid. That
layer is the identity in the forward pass, so the model saved with --save is
the plain autoencoder either way.

Exit status: 0 when training converged, 1 when it did not (the epochs ran out
or the loss diverged), 2 for bad arguments (including a --load file that is
missing, is not a saved model, or does not fit the network).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from minnet import (
    MSE,
    SGD,
    Adam,
    DivergenceError,
    KLSparsity,
    L2Regulariser,
    Layer,
    Linear,
    ModelFileError,
    Momentum,
    Optimizer,
    Parameter,
    Sequential,
    Sigmoid,
    StateDictError,
    fit,
    load_model,
    one_hot_patterns,
    save_model,
)

#: The learning rate of each optimizer when --alpha is not given.
DEFAULT_ALPHA = {"sgd": 1.5, "momentum": 1.5, "adam": 0.1}

#: The largest --hidden and --patterns accepted: the one-hot data is patterns x
#: patterns, so much more would only fill memory.
MAX_UNITS = 1000

#: When every output is below this after training, the sigmoids have saturated.
SATURATED = 0.05


def build_autoencoder(n: int, hidden: int, rng: np.random.Generator) -> Sequential:
    """n inputs -> ``hidden`` sigmoid units -> n sigmoid outputs, drawn from ``rng``."""
    return Sequential(Linear(n, hidden, rng=rng), Sigmoid(), Linear(hidden, n, rng=rng), Sigmoid())


def binary_codes(hidden: np.ndarray, threshold: float) -> list[str]:
    """Each pattern's hidden activations as a bit string: '1' where above ``threshold``."""
    return ["".join("1" if h > threshold else "0" for h in row) for row in hidden]


def parse_sparsity(text: str) -> tuple[float, float]:
    """Read ``"RHO,BETA"`` with 0 < RHO < 1 and BETA >= 0, for argparse."""
    try:
        rho, beta = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected two numbers RHO,BETA such as 0.05,3, got {text!r}"
        ) from None
    if not 0 < rho < 1:
        raise argparse.ArgumentTypeError(f"RHO must be strictly between 0 and 1, got {rho}")
    if not (math.isfinite(beta) and beta >= 0):
        raise argparse.ArgumentTypeError(f"BETA must be a number >= 0, got {beta}")
    return rho, beta


def make_optimizer(args: argparse.Namespace, parameters: Iterable[Parameter]) -> Optimizer:
    """The optimizer named by --optimizer, with learning rate --alpha."""
    if args.optimizer == "momentum":
        return Momentum(parameters, lr=args.alpha, momentum=args.momentum, nesterov=args.nesterov)
    if args.optimizer == "adam":
        return Adam(parameters, lr=args.alpha)
    return SGD(parameters, lr=args.alpha)


def glue_negative_numbers(argv: list[str]) -> list[str]:
    """Write ``--lambda -1e-3`` as ``--lambda=-1e-3``.

    Some versions of argparse take "-1e-3" for the name of an option (they
    recognise only negative numbers without an exponent), so "--lambda -1e-3"
    would fail with "expected one argument"; the glued form works everywhere.
    """
    glued: list[str] = []
    for arg in argv:
        previous = glued[-1] if glued else ""
        if previous.startswith("--") and "=" not in previous and is_negative_number(arg):
            glued[-1] = f"{previous}={arg}"
        else:
            glued.append(arg)
    return glued


def is_negative_number(text: str) -> bool:
    """Whether ``text`` reads as a number below zero ("-2", "-1e-3", "-inf")."""
    try:
        return text.startswith("-") and float(text) < 0
    except ValueError:
        return False


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train the n-h-n sigmoid autoencoder on one-hot patterns with minnet."
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=None,
        help="learning rate (default 1.5 for sgd and momentum, 0.1 for adam, where it is "
        "a step size: about how far each weight moves per epoch)",
    )
    parser.add_argument(
        "--optimizer",
        choices=sorted(DEFAULT_ALPHA),
        default="sgd",
        help="sgd (default), momentum or adam",
    )
    parser.add_argument(
        "--momentum", type=float, help="momentum mu of --optimizer momentum (default 0.9)"
    )
    parser.add_argument(
        "--nesterov", action="store_true", help="Nesterov's look-ahead for --optimizer momentum"
    )
    parser.add_argument(
        "--sparsity",
        metavar="RHO,BETA",
        type=parse_sparsity,
        help="add the KL sparsity penalty with target activation RHO and weight BETA",
    )
    parser.add_argument("--save", metavar="PATH", help="save the trained weights to PATH (.npz)")
    parser.add_argument(
        "--load", metavar="PATH", help="start from the weights in PATH, saved by --save"
    )
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
    args = parser.parse_args(glue_negative_numbers(sys.argv[1:] if argv is None else argv))

    if args.alpha is None:
        args.alpha = DEFAULT_ALPHA[args.optimizer]
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
    if not 1 <= args.hidden <= MAX_UNITS:
        parser.error(f"--hidden must be at least 1 and at most {MAX_UNITS}, got {args.hidden}")
    if not 1 <= args.patterns <= MAX_UNITS:
        parser.error(f"--patterns must be at least 1 and at most {MAX_UNITS}, got {args.patterns}")
    if args.seed < 0:
        parser.error(f"--seed must be 0 or more, got {args.seed}")
    if args.max_epochs < 0:
        parser.error(f"--max-epochs must be 0 or more, got {args.max_epochs}")
    if args.optimizer != "momentum" and (args.nesterov or args.momentum is not None):
        parser.error("--momentum and --nesterov only apply to --optimizer momentum")
    if args.momentum is None:
        args.momentum = 0.9
    if not 0 <= args.momentum < 1:
        parser.error(f"--momentum must be at least 0 and below 1, got {args.momentum}")
    if args.save is not None:
        args.save = str(Path(args.save).expanduser())
        if not Path(args.save).name or Path(args.save).is_dir():
            parser.error(f"--save {args.save!r}: give a file name, not a folder")
        if not Path(args.save).resolve().parent.is_dir():
            parser.error(f"--save {args.save}: the folder {Path(args.save).parent} does not exist")
    if args.load is not None:
        args.load = str(Path(args.load).expanduser())
        if not Path(args.load).is_file():
            parser.error(f"--load {args.load}: there is no such file")
    return args


def train(args: argparse.Namespace) -> dict[str, Any]:
    """Train with the settings in ``args`` and return everything the report shows.

    Raises FileNotFoundError, ModelFileError or StateDictError when the
    --load file cannot be used.
    """
    rng = np.random.default_rng(args.seed)
    net = build_autoencoder(args.patterns, args.hidden, rng)
    if args.load is not None:
        load_model(net, args.load)
    if args.decay_biases:
        for parameter in net.parameters():
            parameter.regularise = True
    trained: Layer = net
    if args.sparsity is not None:
        rho, beta = args.sparsity
        trained = Sequential(net[0], net[1], KLSparsity(rho=rho, beta=beta), net[2], net[3])
    x = one_hot_patterns(args.patterns)
    diverged = ""
    try:
        history = fit(
            trained,
            MSE(),
            x,
            x,
            make_optimizer(args, trained.parameters()),
            regularisers=[L2Regulariser(args.lam, allow_negative=args.allow_negative_lambda)],
            tol=args.tol,
            max_epochs=args.max_epochs,
        )
    except DivergenceError as error:
        assert error.history is not None
        history, diverged = error.history, str(error)

    with np.errstate(over="ignore", invalid="ignore"):  # a diverged net may hold inf
        hidden = net[1].forward(net[0].forward(x))
        outputs = net.forward(x)
    weights = np.concatenate([p.value.ravel() for p in net.parameters()])
    codes = {t: binary_codes(hidden, t) for t in (0.1, 0.5)}
    if args.save is not None:
        save_model(net, args.save)
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
        "optimizer": args.optimizer,
        "momentum": args.momentum if args.optimizer == "momentum" else None,
        "nesterov": args.nesterov,
        "sparsity": None if args.sparsity is None else list(args.sparsity),
        "mean_hidden_activation": hidden.mean(axis=0).tolist(),
        "regularisation_loss": history.regularisation_loss[-1],
        "loaded_from": args.load,
        "saved_to": args.save,
    }


def report(result: dict[str, Any]) -> str:
    """The human-readable account of a run."""
    n, h = result["patterns"], result["hidden_units"]
    lines = [
        f"minnet {n}-{h}-{n} autoencoder: {n} one-hot patterns -> {h} sigmoid units -> "
        f"{n} sigmoid outputs",
        f"settings: alpha={result['alpha']}  lambda={result['lambda']}  tol={result['tol']}  "
        f"seed={result['seed']}  max epochs={result['max_epochs']:,}" + extra_settings(result),
        "",
    ]
    if result["converged"]:
        lines.append(
            f"Converged after {result['epochs']:,} epochs in {result['seconds']:.2f} s: "
            f"epoch error {result['final_error']:.4e} < tol {result['tol']:g}."
        )
    elif result["diverged_message"]:
        lines.append(f"Did NOT converge: {result['diverged_message']}")
    elif np.max(result["outputs"]) < SATURATED:
        lines.append(
            f"Did NOT converge: {result['epochs']:,} epochs ran out in {result['seconds']:.2f} s "
            f"with the epoch error stuck at {result['final_error']:.4e} and every output "
            f"near 0. The sigmoids have saturated, which a learning rate too large "
            f"causes: try a smaller --alpha (--lambda is not the cause)."
        )
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
    lines.append(f"Largest |output - target|: {result['max_abs_error']:.3f}.")
    if result["converged"]:
        lines[-1] += " Outputs come near 0 and 1, but a sigmoid never reaches them."

    hidden = np.array(result["hidden"])
    lines += [
        "",
        "Hidden activations and the binary code they carry (code>T has a 1 where the",
        "unit's activation is above T):",
    ]
    header = " ".join(f"{'h' + str(j):>6}" for j in range(h))
    lines.append(f"pattern  {header}   code>0.1  code>0.5")
    for i, row in enumerate(hidden):
        acts = " ".join(f"{v:6.3f}" for v in row)
        c1, c5 = result["codes_0.1"][i], result["codes_0.5"][i]
        lines.append(f"{i:>7}  {acts}   {c1:>8}  {c5:>8}")
    for t in ("0.1", "0.5"):
        distinct = result[f"distinct_codes_{t}"]
        verdict = "all distinct" if distinct == n else "some patterns share a code"
        lines.append(f"Threshold {t}: {distinct} distinct codes for {n} patterns ({verdict}).")
    if result["sparsity"] is not None:
        means = " ".join(f"{v:.3f}" for v in result["mean_hidden_activation"])
        lines.append(
            f"Mean activation of each hidden unit: {means} (target rho {result['sparsity'][0]:g}); "
            f"final penalties (decay + sparsity): {result['regularisation_loss']:.4g}."
        )

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
    if result["saved_to"] is not None:
        lines += ["", f"Saved the trained weights to {result['saved_to']}."]
    return "\n".join(lines)


def extra_settings(result: dict[str, Any]) -> str:
    """The settings beyond the report's defaults, for the settings line."""
    extra = ""
    if result["optimizer"] != "sgd":
        extra += f"  optimizer={result['optimizer']}"
        if result["optimizer"] == "momentum":
            extra += f" (mu={result['momentum']}{', Nesterov' if result['nesterov'] else ''})"
    if result["sparsity"] is not None:
        rho, beta = result["sparsity"]
        extra += f"  sparsity rho={rho:g} beta={beta:g}"
    if result["loaded_from"] is not None:
        extra += f"  initial weights from {result['loaded_from']}"
    return extra


def finite_or_null(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None, so that the
    JSON output is valid JSON (which has no NaN) after a diverged run."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_or_null(item) for item in value]
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = train(args)
    except (FileNotFoundError, ModelFileError, StateDictError) as error:
        print(f"{Path(sys.argv[0]).name}: error: --load {args.load}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(finite_or_null(result), allow_nan=False))
    else:
        print(report(result))
    return 0 if result["converged"] else 1


if __name__ == "__main__":
    sys.exit(main())
