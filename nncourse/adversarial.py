"""Adversarial inputs: the gradient that trains a network, taken with respect to the pixels.

Training holds the input fixed and moves the weights down the gradient of the loss. Turn it
around, hold the weights fixed and move the input, and the same backward pass tells how to
change an image so that the network sees something else: ascend the loss of the true class
(the fast gradient sign method) or descend the loss of a chosen target class (a targeted
attack). Pixels are kept in [0, 1] by clipping after every step.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nnlib import MSE, CrossEntropy, Loss, Model, Softmax, accuracy, batches, one_hot, softmax
from nnlib._validation import (
    as_batch,
    as_float,
    as_labels,
    as_pair,
    check_finite,
    check_instance,
    check_number,
    check_same_shape,
    make_rng,
    positive_int,
)

from .plotting import new_figure


def input_gradient(model: Model, loss: Loss, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL_n/dx_n for every sample: the gradient of each sample's own loss with respect to its input.

    nnlib's losses average over the batch, L = 1/N sum_n L_n, and dL/dx_n = (1/N) dL_n/dx_n, so
    the batch gradient is multiplied by N: each row is then independent of the batch size.
    (The model's parameter gradients are overwritten on the way, as in any backward pass.)
    Shapes: x (N, D), y as ``loss`` expects it, result (N, D).
    """
    check_instance(model, Model, "input_gradient", "model")
    check_instance(loss, Loss, "input_gradient", "loss")
    x = as_batch(x, "input_gradient", "x")
    loss(model(x), y)
    return model.backward(loss.backward()) * len(x)


def sign_step(x: np.ndarray, gradient: np.ndarray, eps: float) -> np.ndarray:
    """The step of the fast gradient sign method: clip(x + eps * sign(gradient), 0, 1), in x's
    dtype. Every pixel moves by eps (up the gradient; down it for eps < 0), then back into [0, 1].
    Shapes: x (N, D), gradient (N, D) -> (N, D)."""
    x, gradient = as_float(x, "sign_step", "x"), as_float(gradient, "sign_step", "gradient")
    check_same_shape(gradient, x, "sign_step", "gradient", "x")
    check_number(eps, "sign_step", "eps", "a number (the size of the step)")
    # float(eps): a NumPy float64 (an entry of an array of epsilons) would promote a float32
    # batch to float64, doubling every temporary; a Python float keeps the step in x's dtype
    return np.clip(x + float(eps) * np.sign(gradient), 0.0, 1.0).astype(x.dtype, copy=False)


def perceptron_input_gradient(W: np.ndarray, b: np.ndarray, x: np.ndarray,
                              target: np.ndarray) -> np.ndarray:
    """Closed form of d/dx 1/2 ||t - p||^2 with p = softmax(x W + b), for each sample.

    With g = p - t the chain rule through the softmax Jacobian dp_c/dz_k = p_c (delta_ck - p_k)
    gives dL/dz = p * (g - sum_c g_c p_c), and then dL/dx = dL/dz W^T.
    Shapes: W (D, C), b (C,), x (N, D), target t (N, C), result (N, D).
    """
    who = "perceptron_input_gradient"
    W, x = as_batch(W, who, "W"), as_batch(x, who, "x")
    b, target = as_float(b, who, "b"), as_float(target, who, "target")
    if b.shape != (W.shape[1],) or x.shape[1] != W.shape[0] or target.shape != (len(x), W.shape[1]):
        raise ValueError(f"{who}: expected W (D, C), b (C,), x (N, D), target (N, C), got W {W.shape}, "
                         f"b {b.shape}, x {x.shape}, target {target.shape}")
    p = softmax(x @ W + b)
    g = p - target
    dz = p * (g - np.sum(g * p, axis=1, keepdims=True))
    return dz @ W.T


def targeted_attack(model: Model, x_chosen: np.ndarray, target: np.ndarray, *, lam: float,
                    lr: float = 0.1, steps: int = 300, start: np.ndarray | None = None,
                    loss: str = "cross-entropy") -> np.ndarray:
    """Pull each image towards a target class while staying close to the chosen image.

    Minimises, per sample, L_target(x) + lam/2 ||x - x_chosen||^2 by projected gradient descent,
    x <- clip(x - lr * gradient, 0, 1), from ``start`` (default: x_chosen itself). ``loss`` is
    "cross-entropy" (of the target class, on the logits: its gradient with respect to the logits
    is p - t and never vanishes while the target is not certain) or "squared-error" (1/2 ||t - p||^2
    on the probabilities, the historical version: the softmax Jacobian multiplies it, so it is
    flat wherever the softmax is saturated, and an attack started at a confidently read image
    stalls). ``model`` may output logits or end with ``Softmax``; ``target`` holds labels (N,).
    With lam = 0 the closeness term vanishes and x may go anywhere in [0, 1]^D. Plain gradient
    descent on the penalty converges only for lr * lam < 2.
    Shapes: x_chosen (N, D), target (N,), start (N, D), result (N, D).
    """
    who = "targeted_attack"
    check_number(lam, who, "lam", "a number >= 0", lambda v: v >= 0)
    check_number(lr, who, "lr", "a positive number", lambda v: v > 0)
    steps = positive_int(steps, who, "steps")
    if lr * lam >= 2:
        raise ValueError(f"{who}: need lr * lam < 2 (else the steps diverge), got lam={lam}, lr={lr}")
    check_instance(model, Model, who, "model")
    if not isinstance(loss, str) or loss not in ("cross-entropy", "squared-error"):
        raise ValueError(f"{who}: loss must be 'cross-entropy' or 'squared-error', got {loss!r}")
    x_chosen = as_batch(x_chosen, who, "x_chosen")
    probabilities = with_softmax(model)
    logits = probabilities[:-1]
    num_classes = logits(x_chosen[:1]).shape[1]
    labels = as_labels(target, who, "target", num_classes)
    if labels.shape != (len(x_chosen),):
        raise ValueError(f"{who}: target must hold one label per image, shape ({len(x_chosen)},), "
                         f"got shape {np.shape(target)}")
    if loss == "cross-entropy":
        attacked, objective, t = logits, CrossEntropy(), labels
    else:
        attacked, objective = probabilities, MSE()
        t = one_hot(labels, num_classes, dtype=x_chosen.dtype)
    x = (x_chosen if start is None else as_float(start, who, "start")).copy()
    check_same_shape(x, x_chosen, who, "start", "x_chosen")
    for _ in range(steps):
        grad = input_gradient(attacked, objective, x, t) + lam * (x - x_chosen)
        x = np.clip(x - lr * grad, 0.0, 1.0)
    return x


def fgsm(model: Model, loss: Loss, x: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    """The fast gradient sign method: one step of size eps up the loss of the true labels.

    x_adv = clip(x + eps * sign(dL/dx), 0, 1). Every pixel moves by at most eps, so the
    perturbation is small in the max-norm, yet it is aimed at the network's weakest direction.
    Shapes: x (N, D), y as ``loss`` expects it, result (N, D).
    """
    check_number(eps, "fgsm", "eps", "a number >= 0", lambda v: v >= 0)
    x = as_batch(x, "fgsm", "x")
    return sign_step(x, input_gradient(model, loss, x, y), eps)


def fgsm_accuracy(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
                  epsilons: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Accuracy on FGSM versions of (X, y), one figure per eps (eps = 0 is the clean accuracy).

    The gradient does not depend on eps, so it is computed once per batch and reused; right
    answers are counted by ``loss.count_correct``, as ``evaluate`` counts them.
    Shapes: X (N, D), y as ``loss`` expects it, epsilons (E,) -> (E,).
    """
    X, y = as_pair(X, y, "fgsm_accuracy")
    epsilons = as_float(epsilons, "fgsm_accuracy", "epsilons")
    if epsilons.ndim != 1 or len(epsilons) == 0 or not np.all(epsilons >= 0):
        raise ValueError(f"fgsm_accuracy: epsilons must be a vector (E,) of numbers >= 0, got {epsilons}")
    batch_size = positive_int(batch_size, "fgsm_accuracy", "batch_size")
    correct = np.zeros(len(epsilons), dtype=np.int64)
    for xb, yb in zip(batches(X, batch_size), batches(y, batch_size), strict=True):
        gradient = input_gradient(model, loss, xb, yb)
        for i, eps in enumerate(epsilons):
            correct[i] += loss.count_correct(model(sign_step(xb, gradient, eps)), yb)
    return correct / len(X)


def transfer_accuracy(models: dict[str, Model], loss: Loss, X: np.ndarray, y: np.ndarray,
                      eps: float, *, rng: int | np.random.Generator | None = 0,
                      batch_size: int = 1000) -> dict[tuple[str, str], float]:
    """Do FGSM images made with one model's gradient fool the others?

    For every pair (source, reader) of ``models``: the accuracy of ``reader`` on the FGSM images
    (size eps) made with the gradient of ``source``; and, as a control, source "random signs":
    every pixel moved by eps with a random sign (drawn from ``rng``). Batch by batch, so that no
    copy of the whole of X is kept. Shapes: X (N, D), y as ``loss`` expects it.
    """
    who = "transfer_accuracy"
    if not isinstance(models, dict) or not models:
        raise TypeError(f"{who}: models must be a dict of names to Models, got {type(models).__name__}")
    for name, model in models.items():
        check_instance(model, Model, who, f"models[{name!r}]")
    X, y = as_pair(X, y, who)
    check_number(eps, who, "eps", "a number >= 0", lambda v: v >= 0)
    generator, batch_size = make_rng(rng, who), positive_int(batch_size, who, "batch_size")
    sources = [*models, "random signs"]
    correct = dict.fromkeys(((s, r) for s in sources for r in models), 0)
    for xb, yb in zip(batches(X, batch_size), batches(y, batch_size), strict=True):
        for source in sources:
            if source == "random signs":
                gradient = generator.choice(np.array([-1.0, 1.0], dtype=xb.dtype), size=xb.shape)
            else:
                gradient = input_gradient(models[source], loss, xb, yb)
            x_adv = sign_step(xb, gradient, eps)
            for reader, model in models.items():
                correct[(source, reader)] += loss.count_correct(model(x_adv), yb)
    return {pair: count / len(X) for pair, count in correct.items()}


def attack_report(model: Model, x_chosen: np.ndarray, x_adv: np.ndarray,
                  target: np.ndarray) -> tuple[float, float]:
    """How a targeted attack did: (fraction now predicted as the target, mean L2 size
    ||x_adv - x_chosen|| of the perturbation). Shapes: (N, D), (N, D), (N,) labels."""
    who = "attack_report"
    check_instance(model, Model, who, "model")
    x_chosen, x_adv = as_batch(x_chosen, who, "x_chosen"), as_batch(x_adv, who, "x_adv")
    check_same_shape(x_adv, x_chosen, who, "x_adv", "x_chosen")
    check_finite(x_adv, who, "x_adv")
    success = accuracy(as_labels(target, who, "target"), model(x_adv).argmax(axis=1))
    size = float(np.mean(np.linalg.norm((x_adv - x_chosen).astype(np.float64), axis=1)))
    return success, size


# --- For the explorer: one adversarial example ------------------------------------------------

def with_softmax(model: Model) -> Model:
    """The model itself if it ends with ``Softmax``, else a model sharing its layers with a
    ``Softmax`` appended: probabilities out, as ``targeted_attack`` needs."""
    check_instance(model, Model, "with_softmax", "model")
    return model if isinstance(model.layers[-1], Softmax) else Model([*model.layers, Softmax()])


def adversarial_example(model: Model, x: np.ndarray, target: int, *, method: str = "lambda",
                        strength: float = 0.1, lr: float = 0.1, steps: int = 300) -> np.ndarray:
    """Push one image x (D,) towards class ``target``; ``model`` ends with ``Softmax``.

    method "lambda": ``targeted_attack`` on the cross-entropy of the target, from x itself,
    with closeness weight lam = strength (larger stays closer to x). method "epsilon": one
    targeted sign step, x - eps * sign(dL/dx) with L the same cross-entropy and eps = strength
    (every pixel moves by at most eps). Shapes: x (D,) -> x_adv (D,).
    """
    check_instance(model, Model, "adversarial_example", "model")
    if not isinstance(model.layers[-1], Softmax):
        raise ValueError("adversarial_example: the model must end with Softmax (it outputs "
                         f"probabilities), got {type(model.layers[-1]).__name__}")
    x = as_float(x, "adversarial_example", "x")
    if x.ndim != 1:
        raise ValueError(f"adversarial_example: x must be one image as a row (D,), got shape {x.shape}")
    x, target = x[None, :], np.array([target])
    check_number(strength, "adversarial_example", "strength", "a number >= 0", lambda v: v >= 0)
    if not isinstance(method, str) or method not in ("lambda", "epsilon"):
        raise ValueError(f"adversarial_example: method must be 'lambda' or 'epsilon', got {method!r}")
    if method == "lambda":
        return targeted_attack(model, x, target, lam=strength, lr=lr, steps=steps)[0]
    # method == "epsilon": one sign step down the cross-entropy of the target class
    grad = input_gradient(model[:-1], CrossEntropy(), x, target)
    return sign_step(x, grad, -strength)[0]


def plot_adversarial(model: Model, x: np.ndarray, x_adv: np.ndarray, target: int, *,
                     shape: tuple[int, int] = (28, 28), title: str | None = None,
                     fig: Figure | None = None) -> Figure:
    """The image, the perturbation x_adv - x, the adversarial image and both sets of class
    probabilities side by side. ``model`` outputs probabilities. Shapes: x, x_adv (D,)."""
    who = "plot_adversarial"
    check_instance(model, Model, who, "model")
    x, x_adv = as_float(x, who, "x"), as_float(x_adv, who, "x_adv")
    if x.ndim != 1 or x_adv.shape != x.shape:
        raise ValueError(f"{who}: x and x_adv must be images as rows (D,) of the same "
                         f"shape, got {x.shape} and {x_adv.shape}")
    if np.shape(shape) != (2,) or not all(isinstance(v, (int, np.integer)) and v > 0 for v in shape) \
            or shape[0] * shape[1] != x.size:
        raise ValueError(f"{who}: shape must be (height, width) with {x.size} pixels, got {shape!r}")
    p, p_adv = model(np.stack([x, x_adv]).astype(x.dtype))
    check_number(target, who, "target", f"a class in 0..{len(p) - 1}", lambda v: 0 <= v < len(p),
                 integer=True)
    fig = new_figure(fig, (12, 3.3))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 2.2]})
    delta = np.asarray(x_adv, dtype=np.float64) - x
    m = max(float(np.abs(delta).max()), 1e-12)
    for ax, image, label, cmap, limits in (
            (axes[0], x, f"original: {p.argmax()} ({100 * p.max():.0f} %)", "gray_r", (0, 1)),
            (axes[1], delta, f"perturbation, $\\|\\Delta x\\|_2$ = {np.linalg.norm(delta):.2f}",
             "RdBu_r", (-m, m)),
            (axes[2], x_adv, f"adversarial: {p_adv.argmax()} ({100 * p_adv.max():.0f} %)",
             "gray_r", (0, 1))):
        ax.imshow(np.reshape(image, shape), cmap=cmap, vmin=limits[0], vmax=limits[1])
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    classes = np.arange(len(p))
    axes[3].bar(classes - 0.2, 100 * p, width=0.4, label="original")
    axes[3].bar(classes + 0.2, 100 * p_adv, width=0.4, label="adversarial")
    axes[3].axvline(target, color="k", ls=":", lw=1, label=f"target {target}")
    axes[3].set(xticks=classes, xlabel="class", ylabel="probability (%)", ylim=(0, 100),
                title="What the network sees")
    axes[3].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
