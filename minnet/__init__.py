"""minnet: a small neural-network framework in numpy, written to be read.

Every building block is a :class:`Layer` with ``forward`` and ``backward``;
every backward pass is checked against finite differences by
:mod:`minnet.gradcheck`.
"""

from minnet.activations import Sigmoid
from minnet.data import one_hot_patterns
from minnet.errors import (
    DivergenceError,
    DTypeError,
    GradientCheckError,
    MinnetError,
    NonFiniteError,
    ShapeError,
)
from minnet.gradcheck import check_layer, check_loss, check_network, check_regulariser
from minnet.layers import Layer, Linear, Sequential
from minnet.losses import MSE, Loss
from minnet.optimizers import SGD, Optimizer
from minnet.parameter import Parameter
from minnet.regularisers import L2Regulariser, Regulariser
from minnet.training import History, fit

__all__ = [
    "MSE",
    "SGD",
    "DTypeError",
    "DivergenceError",
    "GradientCheckError",
    "History",
    "L2Regulariser",
    "Layer",
    "Linear",
    "Loss",
    "MinnetError",
    "NonFiniteError",
    "Optimizer",
    "Parameter",
    "Regulariser",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "check_layer",
    "check_loss",
    "check_network",
    "check_regulariser",
    "fit",
    "one_hot_patterns",
]

__version__ = "0.1.0"
