r"""Training a population of networks in lock-step: :func:`fit_population`.

Each epoch runs one forward and one backward pass through a stacked network
(:func:`minnet.population.stack`), which trains every member at once. The
objective is the sum of the members' objectives, so every member follows the
gradient of its own

$$J_k = L_{\text{data}, k} + \sum_r R_{r,k} + \text{model.penalty}_k ,$$

exactly as :func:`minnet.fit` would train it alone. What :func:`~minnet.fit`
does for the one network, this does per member: each member has its own
epoch error $L_{\text{data},k}/K$, its own ``tol`` and ``max_epochs`` (one
value for all or an array ``(N,)``), and stops on its own. A member that
stops is taken out of the arrays, so no more work is done on it, and put
back with the parameters it stopped with when the last member stops. The
optimizer then has its learning rates back and a fresh state (zero momentum
or moments), as if it had just been built on the trained population. A member whose loss becomes NaN or infinite stops as ``"diverged"``;
the others are unaffected (the members never mix).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from minnet.layers import Layer
from minnet.losses import Loss
from minnet.optimizers import Optimizer
from minnet.population import population_size
from minnet.regularisers import Regulariser
from minnet.training import History, check_pieces
from minnet.validation import as_batch, as_dtype_of, as_numbers


@dataclass
class PopulationHistory:
    """What happened to each member during :func:`fit_population`.

    Row ``i`` of the recorded arrays describes every member after
    ``recorded_epochs[i]`` updates; entries after a member stopped are NaN.

    Attributes
    ----------
    data_loss, regularisation_loss, epoch_error
        Arrays ``(records, N)``, as in :class:`~minnet.training.History`.
    recorded_epochs
        The epochs of the rows, ``(records,)``: every ``record_every``-th.
    epochs
        The number of updates each member made, ``(N,)``.
    converged
        Whether each member's epoch error fell below its ``tol``, ``(N,)``.
    stop_reason
        ``"tolerance"``, ``"max_epochs"`` or ``"diverged"`` for each member.
    final_error
        Each member's epoch error in the state it stopped in, ``(N,)``.
    seconds
        The wall time of the loop.
    """

    data_loss: np.ndarray
    regularisation_loss: np.ndarray
    epoch_error: np.ndarray
    recorded_epochs: np.ndarray
    epochs: np.ndarray
    converged: np.ndarray
    stop_reason: np.ndarray
    final_error: np.ndarray
    seconds: float

    def member(self, k: int) -> History:
        """Member ``k``'s record as the :class:`~minnet.training.History` that
        :func:`~minnet.fit` would have returned for it alone (needs
        ``record_every=1``)."""
        if not np.array_equal(self.recorded_epochs, np.arange(len(self.recorded_epochs))):
            raise ValueError("member() needs every epoch recorded: train with record_every=1.")
        end = int(self.epochs[k]) + 1
        return History(
            data_loss=self.data_loss[:end, k].tolist(),
            regularisation_loss=self.regularisation_loss[:end, k].tolist(),
            epoch_error=self.epoch_error[:end, k].tolist(),
            converged=bool(self.converged[k]),
            stop_reason=str(self.stop_reason[k]),
            epochs=int(self.epochs[k]),
            seconds=self.seconds,
        )


def per_member_values(value: Any, size: int, name: str) -> np.ndarray:
    """``value`` (one number or one per member) as an array ``(size,)``."""
    values = np.asarray(value)
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != size):
        raise ValueError(
            f"fit_population needs {name} as one number or one per member (shape "
            f"({size},)), got shape {values.shape}."
        )
    return np.broadcast_to(values, (size,)).copy()


def spread(values: tuple[np.ndarray, ...], members: np.ndarray, size: int) -> list[np.ndarray]:
    """Each array of ``values``, one entry per row, put at its members' places in
    an array ``(size,)``; members not present are NaN."""
    spread_out = []
    for value in values:
        full = np.full(size, np.nan)
        full[members] = value
        spread_out.append(full)
    return spread_out


def fit_population(
    model: Layer,
    loss: Loss,
    x: Any,
    y: Any,
    optimizer: Optimizer,
    *,
    regularisers: Sequence[Regulariser] = (),
    tol: float | Any | None = None,
    max_epochs: int | Any = 100_000,
    record_every: int = 1,
) -> PopulationHistory:
    """Train every member of the stacked ``model`` on the whole batch, each on its own.

    Parameters
    ----------
    model
        A population, e.g. ``stack([build(seed) for seed in range(N)])``.
    loss
        The data loss; it must give one loss per member (``forward_per_member``).
    x, y
        Inputs and targets, ``(batch, features)`` shared by every member or
        ``(N, batch, features)``, one set per member.
    optimizer
        Built on ``model.parameters()``; its ``lr`` may be an array ``(N,)``.
    regularisers
        Penalties; an :class:`~minnet.regularisers.L2Regulariser` may have
        one lambda per member.
    tol, max_epochs
        One value for every member or an array ``(N,)``; ``tol=None`` never
        stops early.
    record_every
        Record the losses every this many epochs (a row per epoch costs
        ``3 * 8 * N`` bytes).

    Examples
    --------
    >>> from minnet import MSE, SGD, Linear, Sequential, Sigmoid, one_hot_patterns
    >>> from minnet.population import stack
    >>> def net(seed):
    ...     rng = np.random.default_rng(seed)
    ...     return Sequential(Linear(4, 2, rng=rng), Sigmoid(), Linear(2, 4, rng=rng), Sigmoid())
    >>> population = stack([net(seed) for seed in range(3)])
    >>> x = one_hot_patterns(4)
    >>> optimizer = SGD(population.parameters(), lr=np.array([1.0, 2.0, 4.0]))
    >>> history = fit_population(population, MSE(), x, x, optimizer, max_epochs=[10, 20, 30])
    >>> history.epochs.tolist(), history.stop_reason.tolist()
    ([10, 20, 30], ['max_epochs', 'max_epochs', 'max_epochs'])
    """
    size = population_size(model)
    regularisers = check_pieces(model, loss, optimizer, regularisers, who="fit_population")
    if size is None:
        raise ValueError(
            f"{model!r} is a single network; build a population with "
            f"minnet.population.stack, or train it with minnet.fit."
        )
    x = as_batch(x, who="fit_population", what="input x")
    y = as_batch(y, who="fit_population", what="target y")
    for array, what in ((x, "input x"), (y, "target y")):
        if array.ndim > 3 or (array.ndim == 3 and array.shape[0] != size):
            raise ValueError(
                f"fit_population needs the {what} as (batch, features), shared by every "
                f"member, or ({size}, batch, features), one per member; got {array.shape}."
            )
    for regulariser in regularisers:
        lam = getattr(regulariser, "lam", None)
        if isinstance(lam, np.ndarray) and lam.shape != (size,):
            raise ValueError(
                f"{regulariser!r} has {lam.size} lambdas for a population of {size}: give "
                f"one number, or one per member."
            )
    # A float32 network trains on float32 data: cast once here, not promoted every epoch.
    dtypes = {p.value.dtype for p in model.parameters()}
    x, y = as_dtype_of(x, dtypes), as_dtype_of(y, dtypes)
    target = y if y.ndim > 2 else np.broadcast_to(y, (size, *y.shape))
    if tol is not None:
        tol_values = as_numbers(tol, "tol", "fit_population")
        if not np.all(np.isfinite(tol_values) & (tol_values > 0)):
            raise ValueError(f"fit_population needs tol > 0 (one, or one per member), got {tol!r}.")
    tols = per_member_values(-np.inf if tol is None else tol, size, "tol").astype(float)
    caps = per_member_values(max_epochs, size, "max_epochs")
    if caps.dtype.kind not in "iu" or np.any(caps < 0):
        raise ValueError(f"fit_population needs whole numbers max_epochs >= 0, got {max_epochs!r}.")
    if isinstance(record_every, bool) or not (
        isinstance(record_every, (int, np.integer)) and record_every >= 1
    ):
        raise ValueError(f"fit_population needs record_every >= 1, got {record_every!r}.")

    parameters = list(model.parameters())
    batch_size, outputs = x.shape[-2], y.shape[-1]
    # Members that stop are dropped from the arrays (no more work on them) and put
    # back at the end. Regularisers are copied so that dropping their per-member
    # settings leaves the caller's objects alone.
    regularisers = [copy.copy(regulariser) for regulariser in regularisers]
    final_values = [p.value.copy() for p in parameters]
    learning_rate = copy.copy(optimizer.lr)
    members = np.arange(size)  # the member each row of the arrays belongs to
    records: list[tuple[Any, ...]] = []
    epochs = np.zeros(size, dtype=int)
    final_error = np.full(size, np.nan)
    reasons = np.full(size, "", dtype=object)
    start = time.perf_counter()
    try:
        for epoch in range(int(caps.max()) + 1):
            data_loss = loss.forward_per_member(model.forward(x), target)
            penalty = model.penalty_per_member() + np.zeros(len(members))
            for regulariser in regularisers:
                penalty += regulariser.penalty_per_member(parameters, batch_size)
            error = data_loss / outputs
            if epoch % record_every == 0:
                records.append((epoch, *spread((data_loss, penalty, error), members, size)))

            diverged = ~np.isfinite(data_loss + penalty)
            converged = error < tols
            stopping = diverged | converged | (epoch >= caps)
            if stopping.any():
                stopped = members[stopping]
                epochs[stopped] = epoch
                final_error[stopped] = error[stopping]
                reasons[stopped] = np.where(
                    diverged[stopping],
                    "diverged",
                    np.where(converged[stopping], "tolerance", "max_epochs"),
                )
                if epoch % record_every != 0:  # every member's last state is kept
                    records.append((epoch, *spread((data_loss, penalty, error), members, size)))
                for p, final in zip(parameters, final_values, strict=True):
                    final[stopped] = p.value[stopping]
                if stopping.all():
                    break
                keep = np.flatnonzero(~stopping)
                for p in parameters:
                    p.value, p.grad = p.value[keep], p.grad[keep]
                optimizer.select_members(keep)
                for regulariser in regularisers:
                    regulariser.select_members(keep)
                if x.ndim > 2:
                    x = x[keep]
                target, tols, caps, members = target[keep], tols[keep], caps[keep], members[keep]
                # The caches of this epoch's forward pass still hold the dropped members.
                loss.forward_per_member(model.forward(x), target)

            for p in parameters:
                p.grad[...] = 0.0
            model.backward_parameters(loss.backward())  # the data needs no gradient
            for regulariser in regularisers:
                regulariser.backward(parameters, batch_size)
            optimizer.step()
    finally:
        # Put every member back (also when interrupted), each with its learning rate
        # and a fresh optimizer state, as if the optimizer had been built on the result.
        for p, final in zip(parameters, final_values, strict=True):
            if len(p.value) == len(members):  # the rows still training
                final[members] = p.value
            p.value, p.grad = final, np.zeros_like(final)
        optimizer.reset_state()
        optimizer.lr = learning_rate
    seconds = time.perf_counter() - start

    recorded = np.array([epoch for epoch, *_ in records])
    after_stop = recorded[:, None] > epochs[None, :]

    def column(index: int) -> np.ndarray:
        values = np.array([record[index] for record in records], dtype=float)
        values[after_stop] = np.nan
        return values

    return PopulationHistory(
        data_loss=column(1),
        regularisation_loss=column(2),
        epoch_error=column(3),
        recorded_epochs=recorded,
        epochs=epochs,
        converged=reasons == "tolerance",
        stop_reason=reasons.astype(str),
        final_error=final_error,
        seconds=seconds,
    )
