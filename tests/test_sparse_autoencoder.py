"""The flagship, examples/sparse_autoencoder.py: it converges where the team's
reference says, reports what it learned, and turns bad arguments into a
sentence and exit status 2."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "sparse_autoencoder.py"

#: Every reference run at the defaults (seeds 0..19) stops between 9.4k and
#: 14.5k epochs; float summation order may move a run by a few epochs.
EPOCH_BAND = (9_000, 15_000)


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sparse_autoencoder", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    """Run the example in this process with ``--json``; its exit status and output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = load_example().main(["--json", *argv])
    return status, json.loads(out.getvalue())


def run_script(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run the example as a user would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *argv], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_the_defaults_converge_within_the_reference_band(seed: int) -> None:
    status, result = run_json("--seed", str(seed))
    assert status == 0 and result["converged"]
    assert EPOCH_BAND[0] <= result["epochs"] <= EPOCH_BAND[1]
    assert result["final_error"] < result["tol"] == 5e-4


def test_json_reports_the_run_and_what_the_network_learned() -> None:
    _, result = run_json("--seed", "0")
    assert {"converged", "epochs", "seconds", "final_error"} <= set(result)
    assert (result["alpha"], result["lambda"], result["tol"], result["seed"]) == (
        1.5,
        5e-5,
        5e-4,
        0,
    )
    hidden, outputs = np.array(result["hidden"]), np.array(result["outputs"])
    assert hidden.shape == (8, 3) and outputs.shape == (8, 8)
    assert np.all((hidden > 0) & (hidden < 1))
    assert result["seconds"] > 0


def test_json_final_error_is_the_error_of_the_outputs_it_reports() -> None:
    _, result = run_json("--seed", "0")
    outputs = np.array(result["outputs"])
    # The epoch error: the mean over all 64 outputs of (a - y)^2 / 2, against the one-hot targets.
    assert result["final_error"] == pytest.approx(np.mean((outputs - np.eye(8)) ** 2) / 2, rel=1e-9)


def test_the_default_run_prints_the_code_table_and_the_parameter_count() -> None:
    run = run_script()
    assert run.returncode == 0, run.stderr
    assert "Converged after" in run.stdout
    assert "code>0.5" in run.stdout
    rows = re.findall(
        r"^\s+\d+\s+(?:\d\.\d{3}\s+){3}\s*[01]{3}\s+[01]{3}$", run.stdout, re.MULTILINE
    )
    assert len(rows) == 8  # one 3-unit code per pattern
    assert f"{(8 + 1) * 3 + (3 + 1) * 8} numbers" in run.stdout  # 59: weights and biases


def test_running_out_of_epochs_exits_1_and_says_what_to_try() -> None:
    run = run_script("--max-epochs", "100")
    assert run.returncode == 1
    assert "did not converge" in run.stdout.lower()
    assert "--max-epochs" in run.stdout and "--alpha" in run.stdout


def bad(*argv: str, says: str, marks: Any = ()) -> Any:
    return pytest.param(list(argv), says, marks=marks, id=" ".join(argv))


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        bad("--alpha", "0", says="--alpha must be a positive number"),
        bad("--alpha", "-1", says="--alpha must be a positive number"),
        bad("--tol", "0", says="--tol must be a positive number"),
        bad("--hidden", "0", says="--hidden must be at least 1"),
        bad("--lambda=-1e-3", says="--lambda is negative"),
        bad("--lambda", "-1e-3", says="--lambda is negative"),
    ],
)
def test_a_bad_argument_exits_2_with_a_sentence_and_no_traceback(
    argv: list[str], says: str
) -> None:
    run = run_script(*argv)
    assert run.returncode == 2
    assert f"error: {says}" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "argv",
    [["--lambda=-1e-3"], pytest.param(["--lambda", "-1e-3"])],
    ids=" ".join,
)
def test_a_negative_lambda_is_accepted_when_asked_for(argv: list[str]) -> None:
    run = run_script(*argv, "--allow-negative-lambda", "--max-epochs", "10", "--json")
    assert run.returncode == 1, run.stderr  # ten epochs do not converge, but it ran
    assert json.loads(run.stdout)["lambda"] == -1e-3
