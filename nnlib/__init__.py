"""nnlib: a small neural-network library in NumPy, written to be read.

Read it in the order the data flows, one short module at a time:

    functional  the stable sigmoid, softmax and log-softmax
    layers      Affine, ReLU, Sigmoid, Tanh, Softmax: forward, and backward by the chain rule
    model       a list of layers; backward runs them in reverse (backpropagation)
    losses      MSE, BCE, BCEWithLogits, CrossEntropy: a number, and its gradient
    optim       SGD with momentum and weight decay: the step down the gradient
    data        one-hot labels, a train/validation split, mini-batches (DataLoader, batches)
    learner     the training loop, and the callbacks that watch it
    gradcheck   finite differences, to check every backward pass
    metrics     accuracy and the confusion matrix

It needs NumPy alone. The data sets, plots, exercise checks and lesson helpers of the course
live beside it, in the ``nncourse`` package.
"""

from .data import DataLoader, batches, one_hot, train_val_split
from .functional import log_softmax, sigmoid, softmax
from .gradcheck import check_layer, check_loss, numerical_gradient, rel_error
from .layers import Affine, Layer, ReLU, Sigmoid, Softmax, Tanh
from .learner import Callback, Evaluate, KeepBest, Learner, evaluate
from .losses import BCE, MSE, BCEWithLogits, CrossEntropy, Loss
from .metrics import accuracy, confusion_matrix, most_confused
from .model import Model
from .optim import SGD

__version__ = "0.2.0"

__all__ = [
    "BCE", "MSE", "SGD", "Affine", "BCEWithLogits", "Callback", "CrossEntropy", "DataLoader",
    "Evaluate", "KeepBest", "Layer", "Learner", "Loss", "Model", "ReLU", "Sigmoid", "Softmax",
    "Tanh", "accuracy", "batches", "check_layer", "check_loss", "confusion_matrix", "evaluate",
    "log_softmax", "most_confused", "numerical_gradient", "one_hot", "rel_error", "sigmoid",
    "softmax", "train_val_split",
]
