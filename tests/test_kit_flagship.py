"""The flagship's new flags: --optimizer, --sparsity, --save and --load."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from minnet import Linear, Sequential, Sigmoid, load_model

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "sparse_autoencoder.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sparse_autoencoder_kit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*argv: str) -> tuple[int, str, str]:
    """Run the example's main in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = load_example().main(list(argv))
        except SystemExit as exit_:  # argparse's errors
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = run("--json", *argv)
    return status, json.loads(out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sparsity", "0.05"], "RHO,BETA"),
        (["--sparsity", "0,3"], "RHO must be strictly between 0 and 1"),
        (["--sparsity", "1.5,3"], "RHO must be strictly between 0 and 1"),
        (["--sparsity", "0.05,-1"], "BETA must be a number >= 0"),
        (["--sparsity", "0.05,nan"], "BETA must be a number >= 0"),
        (["--sparsity", "a,b"], "two numbers"),
        (["--optimizer", "rmsprop"], "invalid choice"),
        (["--momentum", "0.5"], "only apply to --optimizer momentum"),
        (["--optimizer", "momentum", "--momentum", "1"], "--momentum must be"),
        (["--optimizer", "adam", "--alpha", "0"], "--alpha must be a positive number"),
        (["--save", "/no/such/folder/w.npz"], "does not exist"),
        (["--load", "/no/such/file.npz"], "no such file"),
    ],
)
def test_bad_new_arguments_exit_2_with_a_sentence(argv: list[str], message: str) -> None:
    status, out, err = run(*argv)
    assert status == 2
    assert message in err and "Traceback" not in err
    assert out == ""


def test_a_load_file_that_is_not_a_model_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.npz"
    path.write_text("hello")
    status, _, err = run("--load", str(path))
    assert status == 2 and "is not an .npz file" in err


def test_a_load_file_of_another_shape_exits_2_naming_the_shapes(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    assert run("--hidden", "4", "--max-epochs", "0", "--save", str(path))[0] == 1
    status, _, err = run("--load", str(path))
    assert status == 2
    assert "0.W has shape (8, 4) but the layer's is (8, 3)" in err


def test_save_then_load_reproduces_the_trained_network(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    status, trained = run_json("--seed", "3", "--max-epochs", "50", "--save", str(path))
    assert status == 1 and trained["saved_to"] == str(path)
    _, reloaded = run_json("--load", str(path), "--max-epochs", "0")
    assert reloaded["outputs"] == trained["outputs"]
    assert reloaded["loaded_from"] == str(path)


def test_loaded_weights_replace_the_seeds_and_continue_the_same_trajectory(tmp_path: Path) -> None:
    path = tmp_path / "start.npz"
    run_json("--seed", "3", "--max-epochs", "0", "--save", str(path))
    _, from_seed = run_json("--seed", "3", "--max-epochs", "100")
    _, from_file = run_json("--seed", "0", "--load", str(path), "--max-epochs", "100")
    assert from_file["final_error"] == from_seed["final_error"]


def test_the_saved_file_is_a_plain_model_even_with_sparsity(tmp_path: Path) -> None:
    path = tmp_path / "sparse.npz"
    run_json("--sparsity", "0.05,3", "--max-epochs", "10", "--save", str(path))
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["0.W", "0.b", "2.W", "2.b"]
    net = Sequential(Linear(8, 3, seed=1), Sigmoid(), Linear(3, 8, seed=2), Sigmoid())
    load_model(net, path)
    status, _ = run_json("--load", str(path), "--max-epochs", "0")
    assert status == 1


@pytest.mark.parametrize(("optimizer", "alpha"), [("momentum", 1.5), ("adam", 0.1)])
def test_each_optimizer_converges_faster_than_sgd_at_its_default(
    optimizer: str, alpha: float
) -> None:
    status, result = run_json("--optimizer", optimizer)
    assert status == 0 and result["converged"]
    assert result["optimizer"] == optimizer and result["alpha"] == alpha
    assert result["epochs"] < 9430  # SGD's epochs at seed 0


def test_nesterov_and_momentum_are_reported() -> None:
    status, result = run_json("--optimizer", "momentum", "--momentum", "0.8", "--nesterov")
    assert status == 0
    assert (result["momentum"], result["nesterov"]) == (0.8, True)


def test_the_default_run_keeps_sgd_and_its_settings_line() -> None:
    status, out, _ = run("--max-epochs", "10")
    assert status == 1
    settings = out.splitlines()[1]
    assert settings.endswith("max epochs=10")
    assert "optimizer" not in out and "sparsity" not in out


def test_sparsity_pulls_the_mean_hidden_activation_towards_rho() -> None:
    common = ("--hidden", "8", "--max-epochs", "3000")
    _, plain = run_json(*common)
    _, sparse = run_json(*common, "--sparsity", "0.05,3")
    assert sparse["sparsity"] == [0.05, 3.0]
    distance = {
        name: float(np.mean(np.abs(np.array(result["mean_hidden_activation"]) - 0.05)))
        for name, result in (("plain", plain), ("sparse", sparse))
    }
    assert distance["sparse"] < distance["plain"] / 2
    assert sparse["regularisation_loss"] > plain["regularisation_loss"]


def test_sparsity_is_reported_in_the_text_output() -> None:
    _, out, _ = run("--sparsity", "0.05,3", "--max-epochs", "10")
    assert "sparsity rho=0.05 beta=3" in out
    assert "Mean activation of each hidden unit" in out


def test_as_a_script_a_bad_sparsity_exits_2_and_a_good_run_0(tmp_path: Path) -> None:
    bad = subprocess.run(
        [sys.executable, str(SCRIPT), "--sparsity", "2,1"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "RHO must be strictly between 0 and 1" in bad.stderr
    good = subprocess.run(
        [sys.executable, str(SCRIPT), "--optimizer", "adam", "--save", str(tmp_path / "w.npz")],
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0 and (tmp_path / "w.npz").is_file()


def test_a_negative_number_in_exponent_form_is_read_as_a_value() -> None:
    status, _, err = run("--lambda", "-1e-3", "--max-epochs", "5")
    assert status == 2 and "--lambda is negative (-0.001)" in err
    status, result = run_json("--lambda", "-1e-3", "--allow-negative-lambda", "--max-epochs", "5")
    assert status == 1 and result["lambda"] == -1e-3
