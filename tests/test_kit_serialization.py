"""state_dict / load_state_dict, and saving to and loading from .npz files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from networks import autoencoder

from minnet import (
    KLSparsity,
    Linear,
    ModelFileError,
    Sequential,
    Sigmoid,
    StateDictError,
    load_model,
    read_state,
    save_model,
)


def values(model: Sequential) -> dict[str, list[float]]:
    return {name: p.value.ravel().tolist() for name, p in model.named_parameters()}


def test_state_dict_is_a_copy_keyed_by_parameter_names() -> None:
    net = autoencoder(0)
    state = net.state_dict()
    assert list(state) == ["0.W", "0.b", "2.W", "2.b"]
    state["0.W"][...] = 0.0
    assert net[0].W.value.any()  # type: ignore[attr-defined]


def test_load_state_dict_copies_values_into_the_same_arrays() -> None:
    source, target = autoencoder(0), autoencoder(1)
    array_before = target[0].W.value  # type: ignore[attr-defined]
    target.load_state_dict(source.state_dict())
    assert values(target) == values(source)
    assert target[0].W.value is array_before  # type: ignore[attr-defined]


def test_load_state_dict_names_what_is_missing_unexpected_or_of_another_shape() -> None:
    net = autoencoder(1)
    before = values(net)
    state = autoencoder(0, hidden=4).state_dict()
    del state["2.b"]
    state["5.W"] = np.zeros(2)
    with pytest.raises(StateDictError) as caught:
        net.load_state_dict(state)
    message = str(caught.value)
    assert "missing 2.b" in message and "unexpected 5.W" in message
    assert "0.W has shape (8, 4) but the layer's is (8, 3)" in message
    assert "2.W has shape (4, 8)" in message
    assert values(net) == before  # nothing changed


def test_load_state_dict_refuses_values_that_are_not_numbers() -> None:
    layer = Linear(1, 2, seed=0)
    with pytest.raises(StateDictError, match="b holds"):
        layer.load_state_dict({"W": np.zeros((1, 2)), "b": np.array(["a", "b"])})


def test_save_then_load_round_trips_every_parameter_exactly(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(autoencoder(0), path)
    loaded = load_model(autoencoder(5), path)
    assert values(loaded) == values(autoencoder(0))


def test_a_layer_without_parameters_saves_under_the_same_names(tmp_path: Path) -> None:
    """A KLSparsity layer changes the indices, so the names say the models differ."""
    rng = np.random.default_rng(0)
    sparse = Sequential(
        Linear(8, 3, rng=rng), Sigmoid(), KLSparsity(0.05, 3.0), Linear(3, 8, rng=rng)
    )
    save_model(sparse, tmp_path / "sparse.npz")
    assert sorted(read_state(tmp_path / "sparse.npz")) == ["0.W", "0.b", "3.W", "3.b"]


def test_the_file_is_plain_npz_that_numpy_loads_without_pickle(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(autoencoder(0), path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["0.W", "0.b", "2.W", "2.b"]
        np.testing.assert_array_equal(archive["2.W"], autoencoder(0)[2].W.value)  # type: ignore[attr-defined]


def test_a_crash_while_writing_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.npz"
    save_model(autoencoder(0), path)
    old_bytes = path.read_bytes()

    def crash(file: object, *args: object, **kwargs: object) -> None:
        if hasattr(file, "write"):
            file.write(b"PK half a zip")  # some bytes reach the disk before the crash
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        save_model(autoencoder(1), path)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]
    assert values(load_model(autoencoder(3), path)) == values(autoencoder(0))


def test_saving_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(autoencoder(0), path)
    save_model(autoencoder(1), path)
    assert values(load_model(autoencoder(2), path)) == values(autoencoder(1))
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_saving_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(autoencoder(0), tmp_path / "nowhere" / "model.npz")


def test_loading_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="There is no saved model at"):
        load_model(autoencoder(0), tmp_path / "absent.npz")


@pytest.mark.parametrize("content", [b"", b"not a model at all\n", b"\x80\x04\x95 a pickle header"])
def test_loading_a_file_that_is_not_npz_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=r"is not an \.npz file") as caught:
        load_model(autoencoder(0), path)
    assert "allow_pickle" not in str(caught.value)


def test_loading_a_single_npy_array_says_so(tmp_path: Path) -> None:
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ModelFileError, match=r"not an \.npz file"):
        read_state(path)


def test_loading_an_npz_with_pickled_objects_refuses_them(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    np.savez(path, **{"0.W": np.array([{"evil": 1}], dtype=object)})
    with pytest.raises(ModelFileError, match="never loads pickled objects"):
        read_state(path)


def test_loading_a_file_of_another_model_names_the_differences(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(autoencoder(0, hidden=4), path)
    with pytest.raises(StateDictError, match=r"0\.W has shape \(8, 4\)"):
        load_model(autoencoder(0), path)


def test_names_np_savez_reserves_are_refused_before_writing(tmp_path: Path) -> None:
    class Odd(Linear):
        def named_parameters(self):  # type: ignore[no-untyped-def]
            yield "file", self.W

    with pytest.raises(ValueError, match="reserves"):
        save_model(Odd(1, 1, seed=0), tmp_path / "odd.npz")
    assert list(tmp_path.iterdir()) == []
