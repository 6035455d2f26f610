"""minnet: a small neural-network framework in numpy, written to be read.

Every building block is a :class:`Layer` with ``forward`` and ``backward``;
every backward pass is checked against finite differences by
:mod:`minnet.gradcheck`.
"""

from minnet.activations import Activation, Identity, ReLU, Sigmoid, Tanh
from minnet.data import one_hot_patterns
from minnet.errors import (
    DivergenceError,
    DTypeError,
    GradientCheckError,
    MinnetError,
    ModelFileError,
    NonFiniteError,
    ShapeError,
    StateDictError,
)
from minnet.gradcheck import check_layer, check_loss, check_network, check_regulariser
from minnet.initialisers import GlorotUniform, HeNormal, Initialiser, Uniform
from minnet.layers import Layer, Linear, Sequential
from minnet.losses import MSE, BinaryCrossEntropy, Loss
from minnet.optimizers import SGD, Adam, Momentum, Optimizer
from minnet.parameter import Parameter
from minnet.population import stack, unstack
from minnet.population_training import PopulationHistory, fit_population
from minnet.regularisers import L2Regulariser, Regulariser
from minnet.serialization import load_model, read_state, save_model
from minnet.sparsity import KLSparsity
from minnet.training import History, fit

__all__ = [
    "MSE",
    "SGD",
    "Activation",
    "Adam",
    "BinaryCrossEntropy",
    "DTypeError",
    "DivergenceError",
    "GlorotUniform",
    "GradientCheckError",
    "HeNormal",
    "History",
    "Identity",
    "Initialiser",
    "KLSparsity",
    "L2Regulariser",
    "Layer",
    "Linear",
    "Loss",
    "MinnetError",
    "ModelFileError",
    "Momentum",
    "NonFiniteError",
    "Optimizer",
    "Parameter",
    "PopulationHistory",
    "ReLU",
    "Regulariser",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "StateDictError",
    "Tanh",
    "Uniform",
    "check_layer",
    "check_loss",
    "check_network",
    "check_regulariser",
    "fit",
    "fit_population",
    "load_model",
    "one_hot_patterns",
    "read_state",
    "save_model",
    "stack",
    "unstack",
]

__version__ = "0.1.0"
