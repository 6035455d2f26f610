"""A sparse autoencoder on real data: scikit-learn's 1797 handwritten digits of 8x8 pixels.

Each image (64 pixels, 0..16, scaled to [0, 1]) goes through a layer of
sigmoid hidden units and back to itself. The KL sparsity penalty pushes each
hidden unit's mean activation towards a small rho, so each unit fires for
few images and learns a stroke or a part of a digit; weight decay keeps the
weights small. The script prints the reconstruction error and the mean
hidden activation against rho, and saves two image grids:

* ``reconstructions.png``: digits (top rows) and what the network makes of them;
* ``features.png``: each hidden unit's 64 incoming weights drawn as an 8x8
  image, the input pattern that excites that unit most.

    python examples/digits_autoencoder.py                    # 25 units, float32
    python examples/digits_autoencoder.py --hidden 36 --out figures
    python examples/digits_autoencoder.py --dtype float64 --epochs 500

The data ships inside scikit-learn, an optional extra:
``pip install 'minnet[digits]'`` (the venv that ``make test`` builds has it).
Training is full batch with Adam and takes a few seconds.

Exit status: 0 when training ran, 1 when it diverged, 2 for bad arguments or
when scikit-learn or matplotlib is missing.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from minnet import (
    MSE,
    Adam,
    DivergenceError,
    History,
    KLSparsity,
    L2Regulariser,
    Linear,
    Sequential,
    Sigmoid,
    fit,
)

MISSING_EXTRA = (
    "This example needs scikit-learn (for the digits data set) and matplotlib (for "
    "the figures), which are not installed. Install them with "
    "pip install 'minnet[digits]', or run it with the venv that `make test` builds: "
    ".venv/bin/python examples/digits_autoencoder.py"
)

#: Each image is SIDE x SIDE pixels.
SIDE = 8


def load_images(dtype: type[np.floating[Any]]) -> np.ndarray:
    """The 1797 digits as rows of 64 pixels in [0, 1] (scikit-learn's values are 0..16)."""
    from sklearn.datasets import load_digits  # optional: see MISSING_EXTRA

    pixels: np.ndarray = load_digits().data
    return (pixels / 16.0).astype(dtype)


def build(
    hidden: int, rho: float, beta: float, seed: int, dtype: type[np.floating[Any]]
) -> Sequential:
    """64 pixels -> ``hidden`` sigmoid units (KL-sparse) -> 64 sigmoid pixels."""
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(SIDE * SIDE, hidden, rng=rng, dtype=dtype),
        Sigmoid(),
        KLSparsity(rho=rho, beta=beta),
        Linear(hidden, SIDE * SIDE, rng=rng, dtype=dtype),
        Sigmoid(),
    )


def train(net: Sequential, images: np.ndarray, lr: float, lam: float, epochs: int) -> History:
    """Full-batch Adam on MSE plus the net's sparsity penalty and L2 weight decay."""
    return fit(
        net,
        MSE(),
        images,
        images,
        Adam(net.parameters(), lr=lr),
        regularisers=[L2Regulariser(lam)],
        max_epochs=epochs,
    )


def features(net: Sequential) -> np.ndarray:
    """Each hidden unit's incoming weights as an 8x8 image, shape (hidden, 8, 8)."""
    encoder = net[0]
    assert isinstance(encoder, Linear)
    return encoder.W.value.T.reshape(-1, SIDE, SIDE)


def image_grid(images: np.ndarray, columns: int, scale_each: bool = False) -> np.ndarray:
    """Tile ``images`` (n, 8, 8) into one array, ``columns`` per row, one pixel of gap.

    With ``scale_each`` every image is stretched to [0, 1] on its own (weights
    have no common scale); the gaps are NaN, which matplotlib leaves blank.
    """
    rows = math.ceil(len(images) / columns)
    grid = np.full((rows * (SIDE + 1) - 1, columns * (SIDE + 1) - 1), np.nan)
    for index, image in enumerate(images.astype(float)):
        if scale_each:
            low, high = image.min(), image.max()
            image = (image - low) / (high - low) if high > low else image * 0.0
        row, column = divmod(index, columns)
        top, left = row * (SIDE + 1), column * (SIDE + 1)
        grid[top : top + SIDE, left : left + SIDE] = image
    return grid


def save_figures(net: Sequential, images: np.ndarray, out: Path, shown: int = 12) -> list[Path]:
    """Write reconstructions.png and features.png into ``out``; return their paths."""
    import matplotlib  # optional: see MISSING_EXTRA

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    sample = images[:shown]
    pairs = np.concatenate([sample, net(sample)]).reshape(-1, SIDE, SIDE)
    units = features(net)
    columns = math.ceil(math.sqrt(len(units)))
    paths = []
    for name, grid, title in (
        ("reconstructions.png", image_grid(pairs, shown), "digits (top) and reconstructions"),
        (
            "features.png",
            image_grid(units, columns, scale_each=True),
            "incoming weights per hidden unit",
        ),
    ):
        fig, ax = plt.subplots(figsize=(grid.shape[1] / 8 + 1, grid.shape[0] / 8 + 1))
        ax.imshow(grid, cmap="gray_r" if name.startswith("rec") else "gray", vmin=0, vmax=1)
        ax.set_title(title, fontsize="small")
        ax.axis("off")
        path = out / name
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=25, help="hidden units (default 25)")
    parser.add_argument("--rho", type=float, default=0.1, help="target mean activation (0.1)")
    parser.add_argument("--beta", type=float, default=3.0, help="weight of the KL penalty (3)")
    parser.add_argument("--lam", type=float, default=1.0, help="L2 weight decay lambda (1)")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam's step size (0.01)")
    parser.add_argument("--epochs", type=int, default=2000, help="full-batch epochs (2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument(
        "--out", type=Path, default=Path("digits-figures"), help="where the PNGs go"
    )
    args = parser.parse_args(argv)
    if args.hidden < 1 or args.epochs < 0:
        parser.error("--hidden must be at least 1 and --epochs at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:  # argparse's own message is already printed
        return int(exit_.code or 0)
    try:
        import matplotlib  # noqa: F401  (checked now, used for the figures)
        import sklearn  # noqa: F401
    except ImportError:
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    dtype = np.float32 if args.dtype == "float32" else np.float64
    start = time.perf_counter()
    images = load_images(dtype)
    try:
        net = build(args.hidden, args.rho, args.beta, args.seed, dtype)
        history = train(net, images, args.lr, args.lam, args.epochs)
    except ValueError as error:  # a bad rho, beta, lambda or lr: minnet says which
        print(error, file=sys.stderr)
        return 2
    except DivergenceError as error:
        print(error, file=sys.stderr)
        return 1
    sparsity = net[2]
    assert isinstance(sparsity, KLSparsity)
    reconstruction = net(images)  # this forward pass also records rho_hat for the trained weights
    rho_hat = sparsity.rho_hat
    squared = float(np.mean((reconstruction.astype(float) - images) ** 2))
    paths = save_figures(net, images, args.out)
    print(
        f"{len(images)} digits of {SIDE}x{SIDE}, 64-{args.hidden}-64 sigmoid autoencoder in "
        f"{reconstruction.dtype}, {history.epochs} epochs of full-batch Adam "
        f"in {history.seconds:.1f} s"
    )
    print(f"reconstruction error (epoch error, mean of (a - y)^2 / 2): {history.final_error:.5f}")
    print(f"mean squared error per pixel: {squared:.5f} (pixels are in [0, 1])")
    print(
        f"mean hidden activation {float(rho_hat.mean()):.4f} against rho {args.rho} "
        f"(units from {float(rho_hat.min()):.4f} to {float(rho_hat.max()):.4f})"
    )
    print(f"figures: {', '.join(str(path) for path in paths)}")
    print(f"total time {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
