"""nnlib: a small neural-network library in NumPy, written to be read.

Layers (forward and backward), a Model that chains them, losses, SGD, a DataLoader, a Learner
with callbacks, numerical gradient checks, data sets (MNIST shipped with the package) and the
plots of the course. Each module is short enough to read in one sitting.
"""

from .data import DataLoader
from .datasets import load_digits, load_mnist, make_annuli, make_xor, normalize_pixels, one_hot
from .functional import log_softmax, sigmoid, softmax
from .gradcheck import check_layer, check_loss, numerical_gradient, rel_error
from .layers import Affine, Layer, ReLU, Sigmoid, Softmax, Tanh
from .learner import Callback, Evaluate, Learner, evaluate
from .losses import BCE, MSE, BCEWithLogits, CrossEntropy, Loss
from .metrics import accuracy, confusion_matrix
from .model import Model
from .optim import SGD

__version__ = "0.1.0"

__all__ = [
    "BCE", "MSE", "SGD", "Affine", "BCEWithLogits", "Callback", "CrossEntropy", "DataLoader",
    "Evaluate", "Layer", "Learner", "Loss", "Model", "ReLU", "Sigmoid", "Softmax", "Tanh",
    "accuracy", "check_layer", "check_loss", "confusion_matrix", "evaluate", "load_digits",
    "load_mnist", "log_softmax", "make_annuli", "make_xor", "normalize_pixels",
    "numerical_gradient", "one_hot", "rel_error", "sigmoid", "softmax",
]
