"""The seed report's claims, measured over many seeds with population training.

Every cell trains 20 networks (seeds 0..19) of the 8-3-8 autoencoder at once
with minnet.fit_population, and the script writes what the report's claims
rest on to a folder:

* epochs to converge (error < 5e-4) over alpha x lambda: median, IQR and the
  share of seeds that converged within the cap;
* the error floor against lambda (sum of squared errors after a long run);
* hidden-code statistics: runs whose 8 patterns get 8 distinct codes, with
  hidden units read as bits at thresholds 0.1 and 0.5;
* the report's Figure 1, error curves for several alphas at lambda 1e-3, log
  scale, with the correct decay and with the sign-flipped decay (negative
  lambda, biases decayed too), and the flipped decay's epochs to converge.

    python examples/seed_study.py --out study            # the full study
    python examples/seed_study.py --out study --quick    # 5 seeds, alphas 3-8: seconds

The cap on a run is CAP / alpha epochs (CAP = 25000 alpha-epochs, about 1.5 times the median;
epochs to converge scale about as 1/alpha), so every alpha gets the same
budget in units of alpha * epochs. Compare the numbers with
notes/calibration.md; results.md lists the calibration's values next to ours.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from minnet import (
    MSE,
    SGD,
    L2Regulariser,
    Linear,
    PopulationHistory,
    Sequential,
    Sigmoid,
    fit_population,
    one_hot_patterns,
    stack,
)

ALPHAS = (0.3, 0.5, 0.8, 1.5, 3.0, 5.0, 8.0)
LAMBDAS = (0.0, 5e-5, 2e-4, 1e-3)
TOL = 5e-4
X = one_hot_patterns(8)

#: Median epochs to converge at lambda 5e-5 and the floors, from notes/calibration.md.
CALIBRATION_MEDIANS = {
    0.3: 57.0e3,
    0.5: 34.3e3,
    0.8: 21.5e3,
    1.5: 11.5e3,
    3.0: 5.7e3,
    5.0: 3.4e3,
    8.0: 2.2e3,
}
CALIBRATION_FLOORS = {0.0: 0.0023, 5e-5: 0.0205, 2e-4: 0.0698, 1e-3: 0.295}


@dataclass(frozen=True)
class Budget:
    """How much to train: the full study or the quick one."""

    seeds: int
    alphas: tuple[float, ...]
    cap: float  # alpha * epochs
    floor_epochs: int  # at alpha 8
    curve_epochs: int


FULL = Budget(seeds=20, alphas=ALPHAS, cap=25_000.0, floor_epochs=40_000, curve_epochs=20_000)
QUICK = Budget(
    seeds=5, alphas=(3.0, 5.0, 8.0), cap=25_000.0, floor_epochs=4_000, curve_epochs=3_000
)


def population(seeds: Sequence[int], *, decay_bias: bool = False) -> Sequential:
    """The 8-3-8 autoencoders of ``seeds`` (repeats allowed), stacked."""
    nets = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        nets.append(
            Sequential(
                Linear(8, 3, rng=rng, regularise_bias=decay_bias),
                Sigmoid(),
                Linear(3, 8, rng=rng, regularise_bias=decay_bias),
                Sigmoid(),
            )
        )
    return stack(nets)


def train(
    net: Sequential,
    alpha: float | np.ndarray,
    lam: float | np.ndarray,
    *,
    tol: float | None,
    max_epochs: int | np.ndarray,
    record_every: int,
) -> PopulationHistory:
    return fit_population(
        net,
        MSE(),
        X,
        X,
        SGD(net.parameters(), lr=alpha),
        regularisers=[L2Regulariser(lam, allow_negative=True)],
        tol=tol,
        max_epochs=max_epochs,
        record_every=record_every,
    )


def distinct_codes(net: Sequential, threshold: float) -> np.ndarray:
    """For each member, whether its 8 patterns get 8 distinct hidden codes."""
    hidden = net[1].forward(net[0].forward(X)) > threshold  # (N, 8, 3)
    weights = np.array([1, 2, 4])
    codes = hidden @ weights  # each code as a number 0..7
    return np.array([len(set(member.tolist())) == 8 for member in codes])


def summary(epochs: np.ndarray, converged: np.ndarray) -> tuple[str, str, str]:
    """Median, IQR (over every seed, capped runs counting as the cap) and share converged."""
    share = f"{converged.sum()}/{converged.size}"
    if converged.sum() * 2 <= converged.size:
        return "never", "-", share
    q1, median, q3 = np.percentile(epochs, [25, 50, 75])
    return f"{median / 1e3:.1f}k", f"{q1 / 1e3:.1f}-{q3 / 1e3:.1f}k", share


def grid(budget: Budget, lines: list[str]) -> dict[float, np.ndarray]:
    """Epochs to converge over alpha x lambda, all in one population; hidden codes at the stop."""
    seeds = budget.seeds
    cells = [(alpha, lam) for alpha in budget.alphas for lam in LAMBDAS]
    alphas = np.repeat([alpha for alpha, _ in cells], seeds)  # member i: cell i // seeds
    lams = np.repeat([lam for _, lam in cells], seeds)
    caps = (budget.cap / alphas).astype(int)
    net = population(list(range(seeds)) * len(cells))
    history = train(net, alphas, lams, tol=TOL, max_epochs=caps, record_every=int(caps.max()))
    rows: dict[float, list[str]] = {alpha: [] for alpha in budget.alphas}
    unregularised: dict[float, np.ndarray] = {}  # epochs at lambda 0, for the sign flip
    codes_at_stop: dict[float, np.ndarray] = {}
    for i, (alpha, lam) in enumerate(cells):
        part = slice(i * seeds, (i + 1) * seeds)
        median, iqr, share = summary(history.epochs[part], history.converged[part])
        rows[alpha].append(f"{median} ({iqr}), {share}")
        if lam == 0.0:
            unregularised[alpha] = history.epochs[part]
        if (alpha, lam) == (1.5, 5e-5):
            codes_at_stop = {t: distinct_codes(net, t)[part] for t in (0.1, 0.5)}
    lines += [
        f"## Epochs to converge (error < {TOL}), {budget.seeds} seeds per cell",
        "",
        f"median (IQR), converged/seeds within the cap of {budget.cap:.0f}/alpha epochs",
        "",
        "| alpha | " + " | ".join(f"lambda {lam:g}" for lam in LAMBDAS) + " | calibration (5e-5) |",
        "|---" * (len(LAMBDAS) + 2) + "|",
    ]
    for alpha in budget.alphas:
        lines.append(
            f"| {alpha:g} | "
            + " | ".join(rows[alpha])
            + f" | {CALIBRATION_MEDIANS[alpha] / 1e3:.1f}k |"
        )
    lines += ["", "## Hidden codes at the stop (alpha 1.5, lambda 5e-5)", ""]
    for threshold, distinct in codes_at_stop.items():
        lines.append(
            f"- 8 distinct codes at threshold {threshold}: {distinct.sum()}/{distinct.size} runs"
        )
    lines.append("- calibration: 4/20 at 0.1, 15/20 at 0.5")
    return unregularised


def floor(budget: Budget, lines: list[str]) -> None:
    """The error floor against lambda: a long run at alpha 8 (alpha * epochs as in 200k at 1.5)."""
    seeds = budget.seeds
    lams = np.repeat(LAMBDAS, seeds)
    net = population(list(range(seeds)) * len(LAMBDAS))
    epochs = budget.floor_epochs
    history = train(net, 8.0, lams, tol=None, max_epochs=epochs, record_every=epochs)
    squared_errors = history.final_error * 2 * X.size  # sum of (a - y)^2 over the 64 outputs
    lines += [
        "",
        f"## Error floor: sum of squared errors after {epochs} epochs at alpha 8 "
        f"(= {8 * epochs / 1.5 / 1e3:.0f}k epochs at alpha 1.5), median of {seeds} seeds",
        "",
        "| lambda | floor | calibration (200k epochs, alpha 1.5) | floor / tolerance |",
        "|---|---|---|---|",
    ]
    for j, lam in enumerate(LAMBDAS):
        value = float(np.median(squared_errors[j * seeds : (j + 1) * seeds]))
        ratio = value / (TOL * 2 * X.size)
        lines.append(f"| {lam:g} | {value:.4f} | {CALIBRATION_FLOORS[lam]} | {ratio:.2f} |")
    part = slice(seeds, 2 * seeds)  # lambda 5e-5
    lines += ["", "Hidden codes after the long run (lambda 5e-5): "]
    lines[-1] += ", ".join(
        f"{distinct_codes(net, t)[part].sum()}/{seeds} distinct at {t}" for t in (0.1, 0.5)
    )
    lines[-1] += " (calibration: 8/20 at 0.1, 18/20 at 0.5)"


def sign_flip(budget: Budget, unregularised: dict[float, np.ndarray], lines: list[str]) -> None:
    """Epochs to converge with the decay's sign flipped (lambda -1e-3, biases decayed too),
    against lambda 0 from the grid (with lambda 0 the bias flag changes nothing)."""
    seeds = budget.seeds
    alphas = [alpha for alpha in (0.5, 5.0) if alpha in unregularised]
    expected = {0.5: "10.5x faster than lambda 0", 5.0: "about 1.6k, 2/20 never stop"}
    net = population(list(range(seeds)) * len(alphas), decay_bias=True)
    rates = np.repeat(alphas, seeds)
    caps = (budget.cap / rates).astype(int)
    history = train(net, rates, -1e-3, tol=TOL, max_epochs=caps, record_every=int(caps.max()))
    lines += [
        "",
        "## Sign-flipped decay: lambda -1e-3 on weights and biases",
        "",
        "| alpha | lambda 0 | flipped 1e-3 | speed-up (medians) | calibration |",
        "|---|---|---|---|---|",
    ]
    for i, alpha in enumerate(alphas):
        part = slice(i * seeds, (i + 1) * seeds)
        plain, flipped = unregularised[alpha], history.epochs[part]
        before = summary(plain, plain < int(budget.cap / alpha))
        after = summary(flipped, history.converged[part])
        speedup = np.median(plain) / np.median(flipped)
        lines.append(
            f"| {alpha:g} | {before[0]}, {before[2]} | {after[0]}, {after[2]} | "
            f"{speedup:.1f}x | {expected[alpha]} |"
        )


def figure_1(budget: Budget, out: Path, lines: list[str]) -> None:
    """Error curves of seed 0 for every alpha at lambda 1e-3, correct and sign-flipped."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = budget.curve_epochs
    alphas = np.array(budget.alphas)
    figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for axis, lam, title in (
        (axes[0], 1e-3, "lambda 1e-3"),
        (axes[1], -1e-3, "lambda -1e-3, biases too"),
    ):
        net = population([0] * len(alphas), decay_bias=lam < 0)
        history = train(net, alphas, lam, tol=TOL, max_epochs=epochs, record_every=10)
        for k, alpha in enumerate(alphas):
            axis.plot(history.recorded_epochs, history.epoch_error[:, k], label=f"alpha {alpha:g}")
        axis.axhline(TOL, color="black", linestyle=":", label="tolerance")
        axis.set(yscale="log", xlabel="epoch", title=title)
        stopped = int(history.converged.sum())
        lines.append(
            f"- Figure 1, {title}: {stopped}/{len(alphas)} alphas converge within {epochs} epochs"
        )
    axes[0].set_ylabel("epoch error")
    axes[0].legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(out / "figure1.png", dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for results.md and figures")
    parser.add_argument("--quick", action="store_true", help="5 seeds and short runs (seconds)")
    args = parser.parse_args()
    budget = QUICK if args.quick else FULL
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    lines = ["# The seed report's claims over many seeds", ""]
    timings = []
    unregularised: dict[float, np.ndarray] = {}
    for name, run in (
        ("grid", lambda: unregularised.update(grid(budget, lines))),
        ("floor", lambda: floor(budget, lines)),
        ("sign flip", lambda: sign_flip(budget, unregularised, lines)),
    ):
        began = time.perf_counter()
        run()
        timings.append(f"{name} {time.perf_counter() - began:.0f} s")
    lines += ["", "## Figure 1", "", "![Figure 1](figure1.png)", ""]
    began = time.perf_counter()
    figure_1(budget, args.out, lines)
    timings.append(f"figure_1 {time.perf_counter() - began:.0f} s")
    lines += ["", f"Run time: {time.perf_counter() - start:.0f} s ({', '.join(timings)})."]
    (args.out / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
