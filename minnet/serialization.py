"""Saving a model's parameters to a file and loading them back.

The file is numpy's ``.npz`` format: a zip archive holding one ``.npy``
array per parameter, named as in :meth:`~minnet.layers.Layer.state_dict`
(``"0.W"``, ``"0.b"``, ...). It holds numbers only, never pickled Python
objects, so loading a file cannot run code: it is written and read with
``allow_pickle=False``, and ``np.load(path, allow_pickle=False)`` opens it too.

Writing goes to a temporary file in the same folder, which is then renamed
over the target with ``os.replace`` (atomic on POSIX and Windows): a crash
during writing leaves the old file, or none, but never half a file.

Examples
--------
>>> import tempfile, pathlib
>>> from minnet import Linear
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> save_model(Linear(3, 2, seed=0), folder / "model.npz")
>>> copy = load_model(Linear(3, 2, seed=1), folder / "model.npz")
>>> bool(np.array_equal(copy.W.value, Linear(3, 2, seed=0).W.value))
True
"""

from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import Path
from typing import TypeVar

import numpy as np

from minnet.errors import ModelFileError
from minnet.layers import Layer

LayerT = TypeVar("LayerT", bound=Layer)

#: Names ``np.savez`` takes as its own keyword arguments, so cannot be array names.
RESERVED_NAMES = frozenset({"file", "allow_pickle"})


def save_model(model: Layer, path: str | os.PathLike[str]) -> None:
    """Write ``model.state_dict()`` to ``path`` in ``.npz`` format, atomically.

    The file is written exactly at ``path`` (no ``.npz`` is appended), so
    :func:`load_model` finds it under the same name.

    Raises
    ------
    FileNotFoundError
        If the folder of ``path`` does not exist.
    """
    path = Path(path)
    state = model.state_dict()
    clashes = sorted(RESERVED_NAMES & state.keys())
    if clashes:
        raise ValueError(
            f"Cannot save parameters named {', '.join(clashes)}: np.savez reserves "
            f"those names. Rename the attribute in the layer."
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"Cannot save the model to {path}: the folder {path.parent} does not exist. "
            f"Create it first."
        )
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "xb") as file:
            np.savez(file, allow_pickle=False, **state)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on disk before the rename
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_state(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Return the arrays saved in ``path`` by :func:`save_model`, keyed by name.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ModelFileError
        If the file is not an ``.npz`` archive of numeric arrays.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"There is no saved model at {path}. Check the path, or save one first "
            f"with minnet.save_model(model, path)."
        )
    advice = "Load a file written by minnet.save_model."
    if not zipfile.is_zipfile(path):  # an .npz file is a zip archive of .npy files
        raise ModelFileError(
            f"{path} is not an .npz file (numpy's zip archive of arrays). {advice}"
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            state = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        # numpy's own message may suggest allow_pickle=True; loading pickles is never safe here.
        raise ModelFileError(
            f"{path} is a zip archive but not one of plain numeric arrays "
            f"({type(error).__name__}); minnet never loads pickled objects. {advice}"
        ) from error
    not_numbers = [
        name
        for name, value in state.items()
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu"
    ]
    if not_numbers:
        raise ModelFileError(
            f"{path} holds entries that are not arrays of numbers: {', '.join(not_numbers)}. "
            f"{advice}"
        )
    return state


def load_model(model: LayerT, path: str | os.PathLike[str]) -> LayerT:
    """Load the parameters saved in ``path`` into ``model`` and return it.

    ``model`` must have the same layers and sizes as the saved one: every name
    and shape is checked before any parameter changes.

    Raises
    ------
    FileNotFoundError, ModelFileError
        As :func:`read_state`.
    StateDictError
        If names are missing or unexpected, or shapes differ (all are listed).
    """
    model.load_state_dict(read_state(path))
    return model
