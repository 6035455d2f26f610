r"""Layer, the base every building block extends; Linear; Sequential.

The contract (see the "Concepts" page of the docs):

* ``forward(x)`` computes the output and keeps what ``backward`` needs.
* ``backward(grad_y)`` returns $\partial L/\partial x$ and **adds**
  $\partial L/\partial p$ into ``p.grad`` for each parameter ``p``. It never
  changes ``grad_y``, ``x`` or what forward cached, so calling it twice after
  one forward returns the same ``grad_x`` (and adds the parameter gradients
  twice).
* Arrays have shape ``(..., batch, features)``.
* ``penalty()`` is the layer's own term in the objective (0 for most layers):
  a layer such as :class:`~minnet.sparsity.KLSparsity` that adds a penalty
  returns it here and adds its gradient in ``backward``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from minnet.errors import StateDictError
from minnet.initialisers import Initialiser, Uniform, initial_values
from minnet.parameter import Parameter
from minnet.validation import as_batch, check_features


class Layer(ABC):
    r"""The abstract base of every layer.

    A subclass implements :meth:`forward` and :meth:`backward`. Parameters
    stored as attributes (``self.W = Parameter(...)``) are found by
    :meth:`named_parameters` in the order they were assigned; a layer that
    holds parameters elsewhere overrides :meth:`named_parameters`.

    Calling a layer, ``layer(x)``, checks ``x`` at the boundary (a finite
    float array with at least two axes) and then runs :meth:`forward`.

    A layer may contribute a term of its own to the objective, computed from
    its last forward pass (an activity penalty such as
    :class:`~minnet.sparsity.KLSparsity`). It returns that term from
    :meth:`penalty` (0.0 by default) and adds its gradient in
    :meth:`backward`, on top of the chain rule. The objective is then
    $J = L(\text{model}(x), y) + \sum_r R_r + \text{model.penalty()}$:
    :func:`~minnet.training.fit` records ``model.penalty()`` in the
    regularisation loss, and :mod:`~minnet.gradcheck` checks ``backward``
    against finite differences of $\sum y \odot g + \text{penalty()}$.
    """

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output for ``x`` of shape ``(..., batch, features)`` and
        keep what :meth:`backward` needs."""

    @abstractmethod
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        """Given $\\partial L/\\partial y$, return $\\partial L/\\partial x$ and add
        $\\partial L/\\partial p$ into the ``grad`` of every parameter ``p``."""

    def backward_parameters(self, grad_y: np.ndarray) -> None:
        """:meth:`backward` for a caller that throws $\\partial L/\\partial x$ away.

        It adds the same parameter gradients as :meth:`backward`. The training
        loop calls it on the model, whose input is the data: a layer may then
        skip computing the gradient with respect to its input (for a
        :class:`Linear` first layer, a matrix product as large as its forward
        pass). The default simply calls :meth:`backward`.
        """
        self.backward(grad_y)

    def __call__(self, x: Any) -> np.ndarray:
        return self.forward(as_batch(x, who=repr(self)))

    def penalty(self) -> float:
        """The layer's own term in the objective, from its last forward pass.

        0.0 unless the layer adds a penalty (whose gradient its
        :meth:`backward` then adds to what it returns).
        """
        return 0.0

    def penalty_per_member(self) -> np.ndarray | float:
        """:meth:`penalty` for each leading index of the last input (each
        member of a population), summing to :meth:`penalty`; 0.0 when the
        layer adds no penalty."""
        return 0.0

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs in a stable order.

        The default finds the layer's attributes in the order they were
        assigned: a :class:`~minnet.parameter.Parameter` is yielded under its
        attribute name (``"W"``), a layer held inside this one under dotted
        names (``"encoder.W"``), and lists or tuples of either with their
        index (``"blocks.0.W"``). A Parameter reached twice is yielded once.
        """
        seen: set[int] = set()
        for name, value in vars(self).items():
            for full_name, parameter in _named_parameters_in(name, value):
                if id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield full_name, parameter

    def sublayers(self) -> Iterator[Layer]:
        """Yield the layers held directly inside this one (attributes, or
        lists and tuples of layers), in the order they were assigned."""
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                if isinstance(item, Layer):
                    yield item

    def parameters(self) -> Iterator[Parameter]:
        """Yield the layer's parameters, in the order of :meth:`named_parameters`."""
        for _, parameter in self.named_parameters():
            yield parameter

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zero."""
        for parameter in self.parameters():
            parameter.zero_grad()

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's value, keyed by its :meth:`named_parameters` name."""
        return {name: parameter.value.copy() for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy the values in ``state`` into the parameters with the same names.

        Every name and shape is checked before anything changes, so a state
        that does not fit leaves the layer as it was. Values are copied into
        the existing arrays (cast to their dtype), so an optimizer built on
        the parameters keeps working.

        Raises
        ------
        StateDictError
            Listing the names that are missing from ``state``, the ones it has
            that the layer does not, and the ones whose shapes differ.
        """
        parameters = dict(self.named_parameters())
        values = {name: np.asarray(value) for name, value in state.items()}
        problems = []
        missing = [name for name in parameters if name not in values]
        unexpected = [name for name in values if name not in parameters]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        for name, value in values.items():
            if name not in parameters:
                continue
            if value.shape != parameters[name].shape:
                problems.append(
                    f"{name} has shape {value.shape} but the layer's is {parameters[name].shape}"
                )
            elif value.dtype.kind not in "fiu":
                problems.append(f"{name} holds {value.dtype} values, not numbers")
            elif not np.isfinite(value).all():
                problems.append(f"{name} holds NaN or infinity")
        if problems:
            raise StateDictError(
                f"The state does not fit {self!r}: {'; '.join(problems)}. Build the "
                f"model with the same layers and sizes as the one that was saved."
            )
        for name, value in values.items():
            np.copyto(parameters[name].value, value, casting="same_kind")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def make_generator(
    rng: np.random.Generator | None, seed: int | None, who: str
) -> np.random.Generator:
    """``rng`` itself, or a new generator made from ``seed`` (fresh entropy when
    both are ``None``); a clear error for anything else."""
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"{who} needs rng to be a numpy Generator such as "
                f"np.random.default_rng(0), got {type(rng).__name__}. To give a "
                f"number, pass seed= instead."
            )
        return rng
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
    ):
        raise ValueError(f"{who} needs seed to be a whole number >= 0 (or None), got {seed!r}.")
    return np.random.default_rng(seed)


def _named_parameters_in(name: str, value: object) -> Iterator[tuple[str, Parameter]]:
    """The parameters reachable from one attribute ``name`` holding ``value``."""
    if isinstance(value, Parameter):
        yield name, value
    elif isinstance(value, Layer):
        for inner, parameter in value.named_parameters():
            yield f"{name}.{inner}", parameter
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _named_parameters_in(f"{name}.{index}", item)


def layers_within(layer: Layer) -> Iterator[Layer]:
    """``layer`` and every layer inside it, depth first."""
    yield layer
    for inner in layer.sublayers():
        yield from layers_within(inner)


def sum_to_shape(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``array`` down to ``shape``: the reverse of numpy's broadcasting.

    A parameter of ``shape`` that numpy broadcast against a larger array
    receives, as its gradient, the sum over every axis it was stretched
    along: the leading axes ``array`` has beyond ``shape``, and each axis where
    ``shape`` has size 1 (kept, with size 1). A bias ``(n_out,)`` gets the sum
    over the batch and any leading axes; a population's bias
    ``(N, 1, n_out)`` gets the sum over the batch of each member alone.
    Arrays that already have ``shape`` are returned unchanged.

    Examples
    --------
    >>> sum_to_shape(np.ones((5, 2, 3)), (2, 3)).tolist()
    [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]
    >>> sum_to_shape(np.ones((2, 4, 3)), (2, 1, 3)).tolist()
    [[[4.0, 4.0, 4.0]], [[4.0, 4.0, 4.0]]]
    """
    if array.shape == shape:
        return array
    extra = array.ndim - len(shape)
    if extra > 0:
        array = array.sum(axis=tuple(range(extra)))
        if array.shape == shape:
            return array
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and array.shape[i] != 1)
    return array.sum(axis=stretched, keepdims=True)


class Linear(Layer):
    r"""A fully connected layer: $y = x W + b$.

    Shapes: ``x`` is ``(..., batch, n_in)``, ``W`` is ``(n_in, n_out)``, ``b``
    is ``(n_out,)`` and ``y`` is ``(..., batch, n_out)``. In a population of
    networks (:func:`minnet.population.stack`) ``W`` is ``(N, n_in, n_out)``
    and ``b`` is ``(N, 1, n_out)``; the same code then trains every member. With upstream
    gradient $g = \partial L/\partial y$ the backward pass is

    $$\frac{\partial L}{\partial W} = x^\top g, \qquad
      \frac{\partial L}{\partial b} = \sum_{\text{batch}} g, \qquad
      \frac{\partial L}{\partial x} = g\, W^\top .$$

    Parameters
    ----------
    n_in, n_out
        The number of input and output features.
    rng
        The generator that draws the initial values. Pass one generator to
        every layer of a network to make it reproducible.
    seed
        Used to make a generator when ``rng`` is not given.
    init
        Draws ``(W, b)`` from the generator: an initialiser object such as
        :class:`~minnet.initialisers.GlorotUniform`, or any function
        ``init(n_in, n_out, rng)``. The default, ``Uniform(-0.5, 0.5)``, draws
        ``W`` first (row-major), then ``b``, each uniform in $[-0.5, 0.5)$.
    regularise_bias
        Whether regularisers act on ``b`` too (by default only ``W`` decays).
    dtype
        The floating-point type of the parameters. A ``np.float32`` network
        computes in float32 throughout when its input is float32 too
        (:func:`~minnet.training.fit` casts the data to the parameters' type
        once); given float64 input directly, numpy promotes the products to
        float64. Gradient checks need float64.

    Examples
    --------
    >>> layer = Linear(8, 3, rng=np.random.default_rng(0))
    >>> layer(np.eye(8)).shape
    (8, 3)
    >>> [name for name, _ in layer.named_parameters()]
    ['W', 'b']
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        init: Initialiser | None = None,
        regularise_bias: bool = False,
        dtype: type[np.floating[Any]] | np.dtype[Any] = np.float64,
    ) -> None:
        for label, size in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
                raise ValueError(f"Linear needs {label} to be a positive integer, got {size!r}.")
        rng = make_generator(rng, seed, who=f"Linear({n_in}, {n_out})")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        W, b = initial_values(Uniform() if init is None else init, self.n_in, self.n_out, rng)
        self.W = Parameter(W.astype(dtype), "W")
        self.b = Parameter(b.astype(dtype), "b", regularise=regularise_bias)
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_features(x, self.n_in, who=self)  # the layer's name is only made on error
        self._x = x
        y = x @ self.W.value
        y += self.b.value  # into the product's own array: no second (batch, n_out) array
        return y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        x = self._input()
        self._add_parameter_gradients(x, grad_y)
        # An input shared by the members of a population gets the sum of their gradients.
        return sum_to_shape(grad_y @ self.W.value.swapaxes(-1, -2), x.shape)

    def backward_parameters(self, grad_y: np.ndarray) -> None:
        self._add_parameter_gradients(self._input(), grad_y)  # no g W^T: nobody reads it

    def _input(self) -> np.ndarray:
        """The input of the last forward pass."""
        if self._x is None:
            raise RuntimeError(f"{self!r}.backward was called before forward.")
        return self._x

    def _add_parameter_gradients(self, x: np.ndarray, grad_y: np.ndarray) -> None:
        self.W.grad += sum_to_shape(x.swapaxes(-1, -2) @ grad_y, self.W.shape)
        # Sum over the batch; a population's bias (N, 1, n_out) keeps that axis.
        batch_sum = grad_y.sum(axis=-2, keepdims=self.b.value.ndim > 1)
        self.b.grad += sum_to_shape(batch_sum, self.b.shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n_in}, {self.n_out})"


class Sequential(Layer):
    """Layers applied one after another; itself a Layer.

    ``forward`` runs the layers in order; ``backward`` runs their backward
    passes in reverse order, handing each the gradient the next one returned
    (the chain rule). Parameter names are ``"<index>.<name>"``, e.g. ``"0.W"``.

    Examples
    --------
    >>> from minnet.activations import Sigmoid
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    >>> [name for name, _ in net.named_parameters()]
    ['0.W', '0.b', '2.W', '2.b']
    >>> sum(p.value.size for p in net.parameters())
    59
    """

    def __init__(self, *layers: Layer) -> None:
        for index, layer in enumerate(layers):
            if isinstance(layer, type) and issubclass(layer, Layer):
                raise TypeError(
                    f"Sequential takes Layer objects; item {index} is the class "
                    f"{layer.__name__} itself. Instantiate it: {layer.__name__}(...)."
                )
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential takes Layer objects; item {index} is a {type(layer).__name__}."
                )
        # A layer keeps the cache of one forward pass only; a second use in the
        # same network would overwrite the first's and give wrong gradients.
        seen: dict[int, int] = {}
        for index, layer in enumerate(layers):
            for inner in layers_within(layer):
                first = seen.setdefault(id(inner), index)
                if first != index:
                    raise ValueError(
                        f"Sequential got the same {inner!r} object twice (in items {first} "
                        f"and {index}). A layer remembers one forward pass, so it cannot "
                        f"appear twice in a network. To use the same weights twice, make "
                        f"two layers that share the Parameter (second.W = first.W): tied "
                        f"weights are supported."
                    )
        self.layers: tuple[Layer, ...] = layers

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_y = layer.backward(grad_y)
        return grad_y

    def backward_parameters(self, grad_y: np.ndarray) -> None:
        for layer in reversed(self.layers[1:]):
            grad_y = layer.backward(grad_y)
        if self.layers:
            self.layers[0].backward_parameters(grad_y)

    def penalty(self) -> float:
        """The sum of the layers' penalties (0.0 when none adds one)."""
        total = 0.0
        for layer in self.layers:
            total += layer.penalty()
        return total

    def penalty_per_member(self) -> np.ndarray | float:
        """The sum of the layers' penalties per member (0.0 when none adds one)."""
        total: np.ndarray | float = 0.0
        for layer in self.layers:
            total = total + layer.penalty_per_member()
        return total

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``("<index>.<name>", parameter)`` for every layer's parameters.

        A Parameter shared by two layers (tied weights) is yielded once, under
        its first name, so that optimizers step it once and regularisers
        count it once.
        """
        seen: set[int] = set()
        for index, layer in enumerate(self.layers):
            for name, parameter in layer.named_parameters():
                if id(parameter) not in seen:
                    seen.add(id(parameter))
                    yield f"{index}.{name}", parameter

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"
