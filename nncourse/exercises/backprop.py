"""Lesson 02's exercises: the backward passes of a sigmoid layer and of an affine layer, and a
scalar autograd of your own.

Your layer class is built afresh for every case and checked against centred finite
differences (``nnlib.gradcheck``); a second backward pass must overwrite the gradients.
In the lesson: ``exercises.sigmoid_backward.check(MySigmoid)``.

Your ``Value`` class builds each graph of ``GRAPHS`` (Mazur's network among them), runs
``backward()`` from its root and must give the loss and every leaf's gradient of the reference,
``_Value``; a wrong answer is compared with the mistakes of ``SLIPS`` to name the likely one.
In the lesson: ``exercises.autograd.check(Value)``.

Exercise 4 hides a bug in the backward pass of ``AffineTanh``, Y = tanh(XW + b): you say which
gradient is wrong (``exercises.find_the_bug.check(my_diagnosis)``), then fix it; the fixed class
is gradient-checked as above, and a fix that is still wrong is compared with the ``FIXES``
students write (``exercises.fix_the_bug.check(FixedAffineTanh)``).
"""

from __future__ import annotations

import numpy as np

from nnlib import Affine, sigmoid

from .choices import check_answer
from .compare import close, compare, sci
from .framework import UNWRITTEN, Case, CheckResult, Exercise, Mistake, attempt, quietly, warned
from .gradients import check_layer_class

_rng = np.random.default_rng(202)

SIGMOID_CASES = (
    Case("4 samples of 5 features", (lambda cls: cls(), _rng.standard_normal((4, 5))), n=4),
    Case("a batch of 1", (lambda cls: cls(), _rng.standard_normal((1, 3))), n=1),
    Case("3 samples of 3 features (square)", (lambda cls: cls(), 2 * _rng.standard_normal((3, 3))), n=3),
    Case("inputs between -6 and 6", (lambda cls: cls(), np.linspace(-6, 6, 12).reshape(6, 2)), n=6),
)

sigmoid_backward = Exercise("sigmoid_backward", lambda answer: check_layer_class(
    answer, SIGMOID_CASES, name="MySigmoid", mistakes=(
        Mistake("that is dout times the sigmoid itself, not times its slope.",
                lambda x, dout, params: {"x": dout * sigmoid(x)}),
        Mistake("it does not depend on dout. The chain rule multiplies the gradient that arrives "
                "from above, dout, by the local slope.",
                lambda x, dout, params: {"x": sigmoid(x) * (1 - sigmoid(x))}),
        Mistake("self.out is sigmoid(x) already; applying the sigmoid to it again computes the "
                "slope at the wrong point.",
                lambda x, dout, params: {"x": dout * sigmoid(sigmoid(x)) * (1 - sigmoid(sigmoid(x)))}),
        Mistake("1 - y^2 is the slope of tanh, not of the sigmoid.",
                lambda x, dout, params: {"x": dout * (1 - sigmoid(x) ** 2)}),
        Mistake("a matrix product (@): the sigmoid acts entry by entry, so the chain rule "
                "multiplies entry by entry (*).",
                lambda x, dout, params: {"x": dout @ (sigmoid(x) * (1 - sigmoid(x))).T}),
    )), hints=(
    "Chain rule, entry by entry: dL/dX = dL/dY times dY/dX. Write the sigmoid's slope in terms of "
    "its own output.",
    "The slope of the sigmoid at x is f(x) (1 - f(x)), and forward saved f(x) in self.out.",
))


def _affine(d: int, m: int, seed: int):
    return lambda cls: cls(d, m, rng=seed)


AFFINE_CASES = (
    Case("N = 4 samples, 5 inputs, 3 outputs", (_affine(5, 3, 1), _rng.standard_normal((4, 5))), n=4),
    Case("a batch of 1, 4 inputs, 2 outputs", (_affine(4, 2, 2), _rng.standard_normal((1, 4))), n=1),
    Case("N = 3, 3 inputs, 3 outputs (all square)", (_affine(3, 3, 3), _rng.standard_normal((3, 3))), n=3),
    Case("N = 6, 2 inputs, 5 outputs", (_affine(2, 5, 4), _rng.standard_normal((6, 2))), n=6),
)

affine_backward = Exercise("affine_backward", lambda answer: check_layer_class(
    answer, AFFINE_CASES, name="MyAffine", mistakes=(
        Mistake("db was summed over the outputs (axis=1); the bias is shared by all the samples, "
                "so its gradient sums over the batch.",
                lambda x, dout, params: {"b": dout.sum(axis=1)}),
        Mistake("dL/dX must have X's shape (N, D): dout (N, M) times W (D, M) needs W transposed.",
                lambda x, dout, params: {"x": dout @ params["W"]}),
        Mistake("dW is transposed: it has W's shape (D, M), X^T dout rather than dout^T X.",
                lambda x, dout, params: {"W": dout.T @ x}),
    )), hints=(
    "Write Y = XW + b entry by entry, y_nm = sum_d x_nd W_dm + b_m, and differentiate with respect to "
    "one W_dm, one b_m and one x_nd; every sample n that uses them adds to their gradient.",
    "Each gradient has the shape of what it is the gradient of: dW (D, M), db (M,), dX (N, D). "
    "Match the shapes with dout (N, M), X (N, D) and W (D, M).",
))


# --- Exercise 3: a scalar autograd, in the spirit of micrograd ---------------------------------

class _Value:
    """The reference answer: a number in a computational graph, its gradient dL/d(number), its
    parents and the step that passes its gradient back to them. A subclass with ``slip`` set
    makes one of the mistakes students write, so that a wrong answer can be recognised."""

    slip: str | None = None

    def __init__(self, data: float, parents: tuple = ()) -> None:
        self.data, self.grad, self.parents = float(data), 0.0, tuple(parents)
        self.backward_step = lambda: None

    def _wrap(self, other: object) -> _Value:
        return other if isinstance(other, _Value) else type(self)(other)

    def _result(self, data: float, parents: tuple, local, given: bool = False) -> _Value:
        """out = f(parents); its backward step adds local(out)[k] * out.grad to parent k's grad.
        A slip of the chain rule goes only where the student writes it: not into ``given``
        operations (the lesson writes __add__)."""
        out = type(self)(data, parents)
        slip = None if given else self.slip

        def backward_step() -> None:
            for parent, derivative in zip(parents, local(out), strict=True):
                if slip == "overwrite":
                    parent.grad = derivative * out.grad
                elif slip == "no chain":
                    parent.grad += derivative
                else:
                    parent.grad += derivative * out.grad

        out.backward_step = backward_step
        return out

    def __add__(self, other: object) -> _Value:
        other = self._wrap(other)
        return self._result(self.data + other.data, (self, other), lambda out: (1.0, 1.0), given=True)

    def __mul__(self, other: object) -> _Value:
        other = self._wrap(other)
        if self.slip == "mul grad":  # the other factor's gradient, not its value, and in turn
            out = type(self)(self.data * other.data, (self, other))

            def backward_step() -> None:
                self.grad += other.grad * out.grad
                other.grad += self.grad * out.grad

            out.backward_step = backward_step
            return out
        return self._result(self.data * other.data, (self, other), lambda out: (other.data, self.data))

    def __pow__(self, n: float) -> _Value:
        return self._result(self.data ** n, (self,), lambda out: (n * self.data ** (n - 1),))

    def sigmoid(self) -> _Value:
        slope = (lambda out: (self.data * (1 - self.data),)) if self.slip == "sigmoid slope" else (
            lambda out: (out.data * (1 - out.data),))
        return self._result(float(sigmoid(self.data)), (self,), slope)

    def __neg__(self) -> _Value:
        return self * -1

    def __radd__(self, other: object) -> _Value:
        return self + other

    def __sub__(self, other: object) -> _Value:
        return self + (-self._wrap(other))

    def __rsub__(self, other: object) -> _Value:
        return self._wrap(other) - self

    def __rmul__(self, other: object) -> _Value:
        return self * other

    def backward(self) -> None:
        order, seen = [], set()

        def visit(v: _Value) -> None:  # depth first: a node after all its parents
            if v not in seen:
                seen.add(v)
                for parent in v.parents:
                    visit(parent)
                order.append(v)

        visit(self)
        self.grad = 0.0 if self.slip == "no seed" else 1.0
        if self.slip == "recursion":
            self._walk()
            return
        for v in order if self.slip == "forward order" else reversed(order):
            v.backward_step()

    def _walk(self) -> None:  # a slip: every path from the root runs a shared node's step again
        self.backward_step()
        for parent in self.parents:
            parent._walk()


SLIPS = {
    "overwrite": "a value used twice got the gradient of one use only. Where a value fans out, the "
                 "gradients of its uses add up: a backward step adds to a parent's grad (+=), it "
                 "does not set it (=).",
    "no chain": "each parent got the local derivative alone. The chain rule multiplies it by the "
                "gradient of the result: parent.grad += local derivative * out.grad.",
    "mul grad": "in out = a * b, the local derivative with respect to a is b's value, b.data, not "
                "its gradient.",
    "sigmoid slope": "the sigmoid's slope s (1 - s) was taken at its input; s is its output, out.data.",
    "no seed": "every gradient is 0. Backward must start the chain with the root's own gradient, "
               "dL/dL = 1, before it passes anything back.",
    "forward order": "the nodes were visited from the inputs to the root, so each passed back a "
                     "gradient it had not received yet. Visit them in reversed topological order: the "
                     "root first, and each node after every node that uses it.",
    "recursion": "a value reached by two paths passed its gradient back twice. A recursive backward "
                 "walks every path; build the topological order once, then run each node's step once.",
}
_SLIPPED = {slip: type(f"_Value_{slip.replace(' ', '_')}", (_Value,), {"slip": slip}) for slip in SLIPS}


def _one_product(V):
    x, y = V(3.0), V(-2.0)
    return x * y, {"x": x, "y": y}


def _fan_out(V):
    x, y = V(1.5), V(-1.5)
    a = x * y
    return a * y + a, {"x": x, "y": y, "a": a}


def _power_and_sigmoid(V):
    x = V(0.8)
    return 0.5 * (x.sigmoid() - 0.3) ** 2, {"x": x}


def _mazur(V):
    w = {f"w{k}": V(v) for k, v in enumerate((0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55), 1)}
    b1, b2, i1, i2 = V(0.35), V(0.60), V(0.05), V(0.10)  # one bias per layer, as Mazur writes it
    h1 = (w["w1"] * i1 + w["w2"] * i2 + b1).sigmoid()
    h2 = (w["w3"] * i1 + w["w4"] * i2 + b1).sigmoid()
    o1 = (w["w5"] * h1 + w["w6"] * h2 + b2).sigmoid()
    o2 = (w["w7"] * h1 + w["w8"] * h2 + b2).sigmoid()
    return 0.5 * (o1 - 0.01) ** 2 + 0.5 * (o2 - 0.99) ** 2, {**w, "b1": b1, "b2": b2}


def _diamond(V):
    x = V(0.7)
    a = 2 * x
    return a.sigmoid() * a ** 2 + a, {"x": x, "a": a}


def _chain(V):
    x = z = V(0.3)
    for k in range(25):  # each sigmoid's slope (at most 1/4) times 4: the gradient stays near 1e-2
        z = z ** 2 + z if k % 5 == 4 else (4 * z - 2 + 0.3 * (k % 3 - 1)).sigmoid()
    return z, {"x": x}


def _scales(V):
    x, y = V(3e7), V(2e-9)
    a = x * y
    return a ** 3 * x + (12 * a).sigmoid() + (-600 * y).sigmoid() * y, {"x": x, "y": y}


GRAPHS = (  # (name, build(Value) -> (root L, {name: leaf}), what the case tests)
    ("one product, L = x * y", _one_product, "the local derivative of x * y with respect to x is y"),
    ("a value used twice, L = a * y + a with a = x * y", _fan_out,
     "a and y each feed two operations: their gradients add up over both uses"),
    ("a power and a sigmoid, L = (sigmoid(x) - 0.3)^2 / 2", _power_and_sigmoid,
     "d(a^n)/da = n a^(n - 1), and the sigmoid's slope is s (1 - s) with s its output"),
    ("Mazur's 2-2-2 network", _mazur, "each hidden unit feeds both outputs, each bias both units"),
    ("a diamond, L = sigmoid(a) a^2 + a with a = 2x", _diamond,
     "a reaches L along three paths of different lengths; it must have all three before it passes "
     "its gradient back to x"),
    ("a chain of 25 operations", _chain, "a long chain: every link multiplies in its local derivative"),
    ("large and small numbers, x = 3e7 and y = 2e-9", _scales,
     "values of very different sizes: the relative error must stay small for each gradient"),
)


def _graph_values(V: type, build) -> dict[str, float]:
    root, leaves = build(V)
    root.backward()
    return {"L": root.data, **{f"dL/d{name}": leaf.grad for name, leaf in leaves.items()}}


def _slip_matches(answer: type, slip: str, tol: float) -> list[bool]:
    """For each graph, whether ``answer`` gives there what ``slip`` gives (False if either fails)."""
    matches = []
    for _, build, _ in GRAPHS:
        got = quietly(lambda b=build: _graph_values(answer, b))
        wrong = quietly(lambda b=build: _graph_values(_SLIPPED[slip], b))
        matches.append(got is not None and wrong is not None
                       and close(list(got.values()), list(wrong.values()), tol))
    return matches


def _likely_slip(answer: type, case: int, tol: float) -> str | None:
    """The slip that gives the answer's numbers on graph ``case`` and, among those, on the most
    other graphs (a slip may sit in one operation only, so all graphs need not agree)."""
    scores = {slip: _slip_matches(answer, slip, tol) for slip in SLIPS}
    found = [(sum(m), slip) for slip, m in scores.items() if m[case]]
    return max(found)[1] if found else None


def _autograd_failure(answer: type, case: int, tol: float) -> str | None:
    _, build, why = GRAPHS[case]
    expected = _graph_values(_Value, build)
    run = attempt(lambda: _graph_values(answer, build), "Value")
    if run.failure:
        return run.failure + warned(run.warnings)
    for key, value in expected.items():
        result = compare(run.value[key], value, name=key, tol=tol)
        if not result:
            break
    else:
        return None
    slip = _likely_slip(answer, case, tol)
    if slip is not None:
        return (f"{key} is {run.value[key]:.6g}, expected {value:.6g}. That is a common mistake: "
                f"{SLIPS[slip]}{warned(run.warnings)}")
    return f"{result.message} This case checks that {why}.{warned(run.warnings)}"


def _check_autograd(answer: type, tol: float = 1e-7) -> CheckResult:
    if not isinstance(answer, type):
        return CheckResult(False, f"pass your class itself, Value, not {type(answer).__name__} {answer!r}.")
    for case, (name, _, _) in enumerate(GRAPHS):
        failure = _autograd_failure(answer, case, tol)
        if failure:
            unwritten = failure.endswith(UNWRITTEN)
            return CheckResult(False, failure if unwritten else f"On {name}: {failure}")
    return CheckResult(True, f"{answer.__name__} gives the loss and every gradient (relative error below "
                             f"{sci(tol)}) on all {len(GRAPHS)} graphs: "
                             + "; ".join(name for name, _, _ in GRAPHS) + ".")


autograd = Exercise("autograd", _check_autograd, hints=(
    "Each operation's backward_step does what __add__'s does, with its own local derivative: it adds "
    "(local derivative times out.grad) to each parent's grad. backward seeds the root with "
    "dL/dL = 1, then runs every node's backward_step once, a node only after all the nodes that use it.",
    "Local derivatives: d(a b)/da = b.data, d(a^n)/da = n a^(n - 1), d sigmoid(a)/da = s (1 - s) with "
    "s = out.data. For the order, a depth-first search that appends a node after all its parents "
    "gives a topological order; run the steps in reversed(order).",
))


# --- Exercise 4: find the bug in AffineTanh's backward pass, then fix it -----------------------

class AffineTanh(Affine):
    """The lesson's layer, bug included: Y = tanh(X W + b), whose backward returns dout W^T,
    where the chain rule needs dz W^T with dz = dout (1 - Y^2). Its W and b are right."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        self.out = np.tanh(x @ self.params["W"] + self.params["b"])
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dz = dout * (1 - self.out**2)
        self.grads["W"] = self.x.T @ dz
        self.grads["b"] = dz.sum(axis=0)
        return dout @ self.params["W"].T


find_the_bug = Exercise("find_the_bug", lambda answer: check_answer(
    answer, "dx", name="your diagnosis", options=("dx", "dW", "db", "all three", "none"),
    accept=("dX", "x", "dL/dX", "the gradient it returns", "its dx", "the input gradient"),
    explanation="AffineTanh's own W and b pass the check; what is wrong is below it, affine1's "
                "gradients, which nnlib's Affine computes from the dout it receives: AffineTanh's dx. "
                "A bug in the gradient a layer returns shows up in the layers below it.",
    wrong={
        "dW": "the check finds affinetanh1.W right (round-off only); look at which parameters it "
              "finds wrong, and which layer they belong to.",
        "db": "the check finds affinetanh1.b right (round-off only); look at which parameters it "
              "finds wrong, and which layer they belong to.",
        "dW and db": "the check finds both right (round-off only): AffineTanh's own parameters are "
                     "not where the error is.",
        "all three": "then AffineTanh's own W and b would be wrong too, and the check finds them right.",
        "none": "affine1's gradients are wrong, but affine1 is nnlib's Affine: it computes them from "
                "the dout it receives, and a right layer fed a wrong dout gives wrong gradients. "
                "Which layer computes the dout that affine1 receives?",
    }), hints=(
    "A layer's parameter gradients are computed from the dout it receives. Which parameters does "
    "the check find wrong, which layer holds them, and which layer computes the dout that reaches "
    "them?",
    "check_layer, which the lesson ran on a whole network, also checks the gradient with respect "
    "to the input, x: run it on an AffineTanh alone, e.g. check_layer(AffineTanh(4, 3, rng=0), "
    "np.ones((2, 4))).",
))


def _tanh_layer(d: int, m: int, seed: int):
    return lambda cls: cls(d, m, rng=seed, init="xavier")


TANH_CASES = (
    Case("N = 4 samples, 5 inputs, 3 outputs", (_tanh_layer(5, 3, 11), _rng.standard_normal((4, 5))), n=4),
    Case("a batch of 1, 3 inputs, 4 outputs", (_tanh_layer(3, 4, 12), _rng.standard_normal((1, 3))), n=1),
    Case("N = 3, 3 inputs, 3 outputs (all square)",
         (_tanh_layer(3, 3, 13), _rng.standard_normal((3, 3))), n=3),
    Case("N = 6, 2 inputs, 5 outputs, large inputs (saturated units)",
         (_tanh_layer(2, 5, 14), 3 * _rng.standard_normal((6, 2))), n=6),
)


def _dz(x: np.ndarray, dout: np.ndarray, params: dict) -> np.ndarray:
    return dout * (1 - np.tanh(x @ params["W"] + params["b"]) ** 2)


FIXES = (  # the fixes students write that are still wrong, and what each gets wrong (dz @ W, W
    # not transposed, fails on the first case, whose W is not square: NumPy's error names it)
    Mistake("it is still dout W^T, the bug itself. dout is dL/dY, the gradient of the tanh's output; "
            "W^T carries back the gradient of the affine step's output, Z = XW + b.",
            lambda x, dout, p: {"x": dout @ p["W"].T}),
    Mistake("the tanh's slope is applied twice: dz has it already.",
            lambda x, dout, p: {"x": (_dz(x, dout, p) * (1 - np.tanh(x @ p["W"] + p["b"]) ** 2)) @ p["W"].T}),
    Mistake("the slope is taken at X, after W^T. The tanh acts on Z = XW + b, so its slope "
            "1 - Y^2 multiplies dout before W^T carries it back; X's own slope is the business of "
            "the layer below.",
            lambda x, dout, p: {"x": (dout @ p["W"].T) * (1 - np.tanh(x) ** 2)}),
    Mistake("y (1 - y) is the sigmoid's slope; the tanh's is 1 - y^2, as the line that computes dz "
            "had it.",
            lambda x, dout, p: {"x": (dout * np.tanh(x @ p["W"] + p["b"])
                                      * (1 - np.tanh(x @ p["W"] + p["b"]))) @ p["W"].T}),
)


def _check_fix(answer: type) -> CheckResult:
    if not isinstance(answer, type):
        return CheckResult(False, "pass your class itself, FixedAffineTanh, not "
                                  f"{type(answer).__name__} {answer!r}.")
    for case in TANH_CASES:  # the bug is in backward: a forward changed to suit it is no fix
        build, x = case.args
        layer = quietly(lambda b=build: b(answer))
        y = quietly(lambda made=layer, x=x: made.forward(x.copy()))
        expected = np.tanh(x @ layer.params["W"] + layer.params["b"]) if layer is not None else None
        if y is not None and not close(y, expected):
            return CheckResult(False, f"On {case.name}: the forward pass no longer computes "
                                      "tanh(XW + b). The bug is in backward; fix it there.")
    return check_layer_class(answer, TANH_CASES, name="FixedAffineTanh", mistakes=FIXES)


fix_the_bug = Exercise("fix_the_bug", _check_fix, hints=(
    "The wrong gradient is the one your diagnosis names. Follow the chain rule from dout = dL/dY "
    "back to X: through the tanh first, then through the affine step.",
    "Write the layer in two steps, Z = XW + b and Y = tanh(Z). An affine step hands back the "
    "gradient of its own output times W^T, and the affine step's output is Z, not Y.",
))
