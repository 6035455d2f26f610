r"""A population: N independent networks of one structure, trained in lock-step.

Every layer works on arrays of shape ``(..., batch, features)``, so a network
whose parameters carry one more leading axis computes N networks at once:
with $W$ of shape ``(N, n_in, n_out)`` and $b$ of shape ``(N, 1, n_out)``,
$x W + b$ is member $k$'s output in slice ``[k]``, for an input
``(batch, n_in)`` shared by all members or ``(N, batch, n_in)`` of their own.

The objective of the population is the *sum* of the members' objectives. No
member's parameters appear in another member's term, so the gradient of the
sum with respect to member $k$'s parameters is member $k$'s own gradient:
backward passes need nothing new, only sums over the batch must stay per
member (:func:`~minnet.layers.sum_to_shape`).

:func:`stack` builds a population from ordinary networks (say, built from
seeds 0..N-1), so member $k$ starts exactly where its single twin starts;
:func:`unstack` gives member $k$ back as an ordinary network. A parameter of
member shape ``s`` is stored with shape ``(N, *s)``, with ``s`` first padded
to two axes with ones: ``W (n_in, n_out) -> (N, n_in, n_out)``,
``b (n_out,) -> (N, 1, n_out)``, so that it broadcasts against
``(N, batch, features)``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from minnet.layers import Layer, layers_within

LayerT = TypeVar("LayerT", bound=Layer)


def population_size(model: Layer) -> int | None:
    """The number of members of a stacked model, or ``None`` for a single network."""
    sizes = {p.population for p in model.parameters()}
    if len(sizes) > 1:
        raise ValueError(
            f"{model!r} mixes parameters of different populations ({sorted(map(str, sizes))}). "
            f"Build it with minnet.population.stack."
        )
    return sizes.pop() if sizes else None


def stack(networks: Sequence[LayerT]) -> LayerT:
    """One network whose parameters hold all of ``networks`` side by side.

    The networks must have the same structure (names and shapes of
    parameters). The result is a copy of ``networks[0]`` with every parameter
    replaced by the stack of the members' values (see the module docstring
    for the shapes); the given networks are left as they are.

    Examples
    --------
    >>> from minnet import Linear, Sequential, Sigmoid
    >>> def net(seed):
    ...     rng = np.random.default_rng(seed)
    ...     return Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    >>> population = stack([net(seed) for seed in range(5)])
    >>> [p.value.shape for p in population.parameters()]
    [(5, 8, 3), (5, 1, 3), (5, 3, 8), (5, 1, 8)]
    >>> population(np.eye(8)).shape
    (5, 8, 8)
    >>> bool(np.all(unstack(population, 2)(np.eye(8)) == net(2)(np.eye(8))))
    True
    """
    networks = list(networks)
    if not networks:
        raise ValueError("stack needs at least one network.")
    for index, network in enumerate(networks):
        if not isinstance(network, Layer):
            raise TypeError(
                f"stack takes networks (Layers); item {index} is a {type(network).__name__}."
            )
    if not any(True for _ in networks[0].parameters()):
        raise ValueError(f"stack needs networks with parameters; {networks[0]!r} has none.")
    reference = structure(networks[0])
    for index, network in enumerate(networks[1:], start=1):
        described = structure(network)
        pairs = zip(described, reference, strict=False)  # unequal lengths are caught below
        differences = [f"{a} against {b}" for a, b in pairs if a != b]
        if differences or len(described) != len(reference):
            raise ValueError(
                f"stack needs networks of one structure, but network {index} differs from "
                f"network 0: {differences[0] if differences else 'a different number of layers'}. "
                f"Every member shares network 0's layers and settings, so they must agree."
            )
    members = [dict(network.named_parameters()) for network in networks]
    for index, named in enumerate(members):
        if any(p.member_shape is not None for p in named.values()):
            raise ValueError(f"Network {index} given to stack is already a population.")
        shapes = {name: p.shape for name, p in named.items()}
        expected = {name: p.shape for name, p in members[0].items()}
        if shapes != expected:
            raise ValueError(
                f"stack needs networks of one structure; network {index} has parameters "
                f"{shapes}, network 0 has {expected}."
            )
    population = copy.deepcopy(networks[0])
    for name, parameter in population.named_parameters():
        shape = parameter.shape
        padded = (1,) * (2 - len(shape)) + shape
        parameter.value = np.stack([member[name].value.reshape(padded) for member in members])
        parameter.grad = np.zeros_like(parameter.value)
        parameter.member_shape = shape
    return population


def structure(network: Layer) -> list[str]:
    """What must agree between members besides parameter values: each layer's
    kind and settings (its repr) and each parameter's name, shape, dtype and
    whether regularisers act on it."""
    layers = [f"layer {type(layer).__name__}: {layer!r}" for layer in layers_within(network)]
    parameters = [
        f"parameter {name}: shape {p.shape}, {p.value.dtype}, regularise={p.regularise}"
        for name, p in network.named_parameters()
    ]
    return layers + parameters


def unstack(population: LayerT, member: int) -> LayerT:
    """Member ``member`` of a stacked network, as an ordinary network (a copy).

    Examples
    --------
    >>> from minnet import Linear
    >>> layers = [Linear(2, 3, seed=seed) for seed in range(4)]
    >>> third = unstack(stack(layers), 2)
    >>> third.b.shape, bool(np.all(third.W.value == layers[2].W.value))
    ((3,), True)
    """
    size = population_size(population)
    if size is None:
        raise ValueError(f"{population!r} is a single network, not a population.")
    if isinstance(member, bool) or not isinstance(member, (int, np.integer)):
        raise TypeError(f"unstack needs a whole-number member index, got {member!r}.")
    if not -size <= member < size:
        raise IndexError(f"The population has {size} members; there is no member {member}.")
    network = copy.deepcopy(population)
    for parameter in network.parameters():
        assert parameter.member_shape is not None  # every parameter, as population_size checked
        parameter.value = parameter.value[member].reshape(parameter.member_shape).copy()
        parameter.grad = np.zeros_like(parameter.value)
        parameter.member_shape = None
    return network
