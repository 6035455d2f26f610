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

from minnet.layers import Layer

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
    if not networks:
        raise ValueError("stack needs at least one network.")
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
    if not -size <= member < size:
        raise IndexError(f"The population has {size} members; there is no member {member}.")
    network = copy.deepcopy(population)
    for parameter in network.parameters():
        assert parameter.member_shape is not None  # every parameter, as population_size checked
        parameter.value = parameter.value[member].reshape(parameter.member_shape).copy()
        parameter.grad = np.zeros_like(parameter.value)
        parameter.member_shape = None
    return network
