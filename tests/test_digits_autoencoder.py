"""examples/digits_autoencoder.py: a sparse autoencoder on scikit-learn's digits
trains, reports its error and sparsity and saves its figures; without the
optional extra it says how to get it and exits 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "digits_autoencoder.py"


def run_script(*argv: str, hide: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the example in a fresh interpreter; ``hide`` makes importing that
    module fail there, as if it were not installed."""
    prelude = f"import sys; sys.modules[{hide!r}] = None; " if hide else ""
    code = f"{prelude}import runpy; sys.argv = {[str(SCRIPT), *argv]!r}; "
    code += f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')"
    return subprocess.run(
        [sys.executable, "-c", "import sys; " + code],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_short_run_reports_error_and_sparsity_and_saves_both_figures(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    result = run_script("--epochs", "200", "--hidden", "16", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "1797 digits of 8x8, 64-16-64 sigmoid autoencoder in float32" in result.stdout
    error = re.search(r"reconstruction error .*: ([\d.]+)", result.stdout)
    assert error is not None and 0 < float(error[1]) < 0.05
    activation = re.search(r"mean hidden activation ([\d.]+) against rho 0.1", result.stdout)
    assert activation is not None and 0.05 < float(activation[1]) < 0.2
    for name in ("reconstructions.png", "features.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_float64_is_available_on_request(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    result = run_script("--epochs", "5", "--dtype", "float64", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "autoencoder in float64" in result.stdout


@pytest.mark.parametrize("missing", ["sklearn", "matplotlib"])
def test_without_the_extra_it_says_how_to_install_it_and_exits_2(missing: str) -> None:
    result = run_script("--epochs", "1", hide=missing)
    assert result.returncode == 2
    assert "pip install 'minnet[digits]'" in result.stderr
    assert "make test" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    result = run_script("--rho", "2", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "rho strictly between 0 and 1" in result.stderr
