r"""The training loop: forward, loss, regularisers, backward, step.

One epoch of full-batch gradient descent on

$$J = L_{\text{data}} + \sum_r R_r + \text{model.penalty()} , $$

where the last term is what layers such as
:class:`~minnet.sparsity.KLSparsity` add from their forward pass (0 for a
model without such layers), recording in a :class:`History` the data loss,
the regularisation loss (every term but the data loss) and
the *epoch error* $L_{\text{data}}/K$ (the mean over all $mK$ outputs of
$(a - y)^2/2$, data term only). Training stops when the epoch error falls
below ``tol`` (measured on the forward pass of that epoch, before its update)
or when ``max_epochs`` updates have been made; the History says which.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minnet.errors import DivergenceError
from minnet.layers import Layer
from minnet.losses import Loss
from minnet.optimizers import Optimizer
from minnet.parameter import Parameter
from minnet.regularisers import Regulariser
from minnet.validation import as_batch, as_dtype_of

#: How often (in epochs) the progress bar is redrawn; drawing every epoch
#: would cost more than the epoch itself for small networks.
PROGRESS_EVERY = 1000

#: How often (in epochs) fit checks that every parameter is still finite. A
#: saturated sigmoid can keep the loss finite while a weight runs off to
#: infinity; checking every epoch would cost more than it is worth.
CHECK_EVERY = 1000


@dataclass
class History:
    """What happened during :func:`fit`, epoch by epoch.

    Entry ``i`` of each list describes the network after ``i`` updates, so the
    lists have ``epochs + 1`` entries: the last one is the state training
    stopped in.

    Attributes
    ----------
    data_loss
        The loss of the prediction against the target.
    regularisation_loss
        The sum of the regularisers' penalties and the model's own
        ``model.penalty()``.
    epoch_error
        ``data_loss / K`` for ``K`` outputs: what ``tol`` is compared with.
    converged
        ``True`` when the epoch error fell below ``tol``.
    stop_reason
        ``"tolerance"``, ``"max_epochs"`` or ``"diverged"``.
    epochs
        The number of updates made.
    seconds
        The wall time of the loop.
    """

    data_loss: list[float] = field(default_factory=list)
    regularisation_loss: list[float] = field(default_factory=list)
    epoch_error: list[float] = field(default_factory=list)
    converged: bool = False
    stop_reason: str = ""
    epochs: int = 0
    seconds: float = 0.0

    @property
    def final_error(self) -> float:
        """The epoch error of the state training stopped in."""
        return self.epoch_error[-1] if self.epoch_error else math.nan


def fit(
    model: Layer,
    loss: Loss,
    x: Any,
    y: Any,
    optimizer: Optimizer,
    *,
    regularisers: Sequence[Regulariser] = (),
    tol: float | None = None,
    max_epochs: int = 100_000,
    progress: bool | None = None,
) -> History:
    """Train ``model`` on the whole batch ``x`` against ``y``.

    Each epoch: forward pass, loss and penalties, a check of ``tol``, then
    gradients cleared, backward pass through the loss, the model and the
    regularisers, and one optimizer step.

    Parameters
    ----------
    model
        The network.
    loss
        The data loss, e.g. :class:`~minnet.losses.MSE`.
    x, y
        Inputs and targets, finite float arrays of shape ``(..., batch, features)``.
        When every parameter of ``model`` has one dtype and the data another,
        the data is cast to the parameters' dtype once, before the first
        epoch: a ``Linear(..., dtype=np.float32)`` network then trains in
        float32 throughout (forward, loss, backward, penalties and updates)
        even when given float64 data.
    optimizer
        Updates the parameters, e.g. ``SGD(model.parameters(), lr=1.5)``.
    regularisers
        Penalties on the model's parameters, e.g. ``[L2Regulariser(5e-5)]``.
    tol
        Stop when the epoch error is below this; ``None`` never stops early.
    max_epochs
        The most updates to make.
    progress
        Show a tqdm progress bar; by default only when stderr is a terminal
        and tqdm is installed.

    Returns
    -------
    History
        The losses per epoch, whether it converged, and why it stopped.

    Raises
    ------
    DivergenceError
        When the loss becomes NaN or infinite, or a parameter does (checked
        every ``CHECK_EVERY`` epochs and at the end); its ``history``
        attribute holds every epoch up to that point. numpy's overflow
        warnings are silenced inside the loop, since this check reports
        their consequence.
    TypeError, ValueError
        For pieces of the wrong kind, or an optimizer built from another
        network's parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from minnet import MSE, SGD, Linear, Sequential, Sigmoid, one_hot_patterns
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential(Linear(4, 2, rng=rng), Sigmoid(), Linear(2, 4, rng=rng), Sigmoid())
    >>> x = one_hot_patterns(4)
    >>> history = fit(net, MSE(), x, x, SGD(net.parameters(), lr=2.0), max_epochs=50)
    >>> history.stop_reason, history.epochs, len(history.epoch_error)
    ('max_epochs', 50, 51)
    >>> history.epoch_error[-1] < history.epoch_error[0]
    True
    """
    x = as_batch(x, who="fit", what="input x")
    y = as_batch(y, who="fit", what="target y")
    # A float32 network trains on float32 data: cast once here, not promoted every epoch.
    dtypes = {p.value.dtype for p in model.parameters()}
    x, y = as_dtype_of(x, dtypes), as_dtype_of(y, dtypes)
    regularisers = check_pieces(model, loss, optimizer, regularisers)
    if tol is not None and not (_is_number(tol) and tol > 0):
        raise ValueError(f"fit needs tol > 0 (or None), got {tol!r}.")
    if (
        isinstance(max_epochs, bool)
        or not isinstance(max_epochs, (int, np.integer))
        or max_epochs < 0
    ):
        raise ValueError(f"fit needs max_epochs to be a whole number >= 0, got {max_epochs!r}.")

    parameters = list(model.parameters())
    batch_size, outputs = x.shape[-2], y.shape[-1]
    history = History()
    bar = _progress_bar(progress, max_epochs)
    start = time.perf_counter()
    epoch, data_loss, penalty = 0, math.nan, math.nan

    def diverged() -> DivergenceError:
        history.stop_reason, history.epochs = "diverged", epoch
        message = _divergence_message(epoch, data_loss, penalty, optimizer, model)
        return DivergenceError(message, history)

    try:
        # numpy's overflow warnings are silenced in the loop because fit watches
        # for their consequence itself: a non-finite loss or parameter stops
        # training with a DivergenceError that names the epoch.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(max_epochs + 1):
                data_loss = loss.forward(model.forward(x), y)
                penalty = sum(r.penalty(parameters, batch_size) for r in regularisers)
                penalty += model.penalty()
                error = data_loss / outputs
                history.data_loss.append(data_loss)
                history.regularisation_loss.append(penalty)
                history.epoch_error.append(error)
                if not math.isfinite(data_loss + penalty) or (
                    epoch % CHECK_EVERY == 0 and not _all_finite(parameters)
                ):
                    raise diverged()
                if tol is not None and error < tol:
                    history.converged = True
                    break
                if epoch == max_epochs:
                    break
                for p in parameters:
                    p.grad[...] = 0.0
                model.backward_parameters(loss.backward())  # the data needs no gradient
                for regulariser in regularisers:
                    regulariser.backward(parameters, batch_size)
                optimizer.step()
                if bar is not None and epoch % PROGRESS_EVERY == 0:
                    bar.update(min(PROGRESS_EVERY, max_epochs - epoch))
                    bar.set_postfix(error=f"{error:.2e}", refresh=False)
    finally:
        history.seconds = time.perf_counter() - start
        if bar is not None:
            bar.close()
    history.epochs = epoch
    if not _all_finite(parameters):  # a saturated sigmoid can hide it from the loss
        raise diverged()
    history.stop_reason = "tolerance" if history.converged else "max_epochs"
    return history


def _divergence_message(
    epoch: int, data_loss: float, penalty: float, optimizer: Optimizer, model: Layer
) -> str:
    """Say what became non-finite, when, and the likely cause."""
    bad = [name for name, p in model.named_parameters() if not np.isfinite(p.value).all()]
    what = (
        f"parameter {bad[0]!r} holds NaN or infinity"
        if bad
        else f"the loss became {data_loss + penalty} (data loss {data_loss}, "
        f"regularisation {penalty})"
    )
    if epoch == 0:
        cause = (
            "This is before any update, so the starting weights or the data are "
            "to blame: check values set or loaded by hand."
        )
    else:
        lr = getattr(optimizer, "lr", None)
        rate = f" (lr={lr})" if lr is not None else ""
        cause = f"The usual cause is a learning rate too large for the problem{rate}: try a smaller one."
        if math.isfinite(data_loss) and not math.isfinite(penalty):
            cause = (
                f"Only the penalty is not finite: its strength (lambda, beta) is too "
                f"large, or the weights grew huge under a learning rate too large{rate}."
            )
    return (
        f"Training diverged by epoch {epoch}: {what}. {cause} The epochs before are "
        f"kept in this error's .history."
    )


def _all_finite(parameters: list[Parameter]) -> bool:
    return all(np.isfinite(p.value).all() for p in parameters)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_pieces(
    model: Layer, loss: Loss, optimizer: Optimizer, regularisers: Any, who: str = "fit"
) -> Sequence[Regulariser]:
    """Refuse pieces of the wrong kind with a sentence, and an optimizer built
    from another network's parameters; return the regularisers as a sequence
    (a single one is accepted too). Used by :func:`fit` and
    :func:`~minnet.population_training.fit_population`."""
    for piece, kind, example in (
        (model, Layer, "Sequential(Linear(8, 3), Sigmoid(), ...)"),
        (loss, Loss, "MSE()"),
        (optimizer, Optimizer, "SGD(model.parameters(), lr=1.5)"),
    ):
        if isinstance(piece, type):
            raise TypeError(
                f"{who} got the class {piece.__name__} where it needs an object: write "
                f"{piece.__name__}(...), e.g. {example}."
            )
        if not isinstance(piece, kind):
            raise TypeError(
                f"{who} needs a {kind.__name__} here, e.g. {example}; got {type(piece).__name__}."
            )
    if isinstance(regularisers, Regulariser):
        regularisers = [regularisers]
    for regulariser in regularisers:
        if isinstance(regulariser, Layer):
            raise TypeError(
                f"{regulariser!r} is a layer, not a regulariser on parameters: put it "
                f"inside the model (e.g. in the Sequential, after the activation it acts on)."
            )
        if not isinstance(regulariser, Regulariser):
            raise TypeError(
                f"{who}'s regularisers must be Regulariser objects such as "
                f"L2Regulariser(5e-5); got {type(regulariser).__name__}."
            )
    if who == "fit" and any(p.member_shape is not None for p in model.parameters()):
        raise ValueError(
            f"{model!r} is a population of networks (built by minnet.stack): fit would "
            f"stop them all on the sum of their errors. Train it with "
            f"minnet.fit_population, which stops each member on its own."
        )
    owned = {id(p) for p in model.parameters()}
    foreign = [p for p in optimizer.parameters if id(p) not in owned]
    if foreign:
        raise ValueError(
            f"The optimizer updates {len(foreign)} parameter(s) that are not the model's "
            f"(the first is {foreign[0]!r}): was it built from another network? Build it "
            f"from this one: {type(optimizer).__name__}(model.parameters(), ...)."
        )
    return list(regularisers)


def _progress_bar(progress: bool | None, total: int) -> Any:
    """A tqdm bar when asked for (or, by default, when stderr is a terminal)."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    try:
        from tqdm import tqdm  # optional: imported only when a bar is wanted
    except ImportError:
        return None
    return tqdm(total=total, unit="epoch", leave=False)
