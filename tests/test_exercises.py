"""The self-check framework: it passes a right answer, explains a wrong one, never passes NaN,
never raises in a lesson (raises under nbgrader), never lets a NumPy warning escape."""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlib.functional import softmax
from nnlib.layers import Affine, Sigmoid

from nncourse.exercises import (
    Case,
    CheckResult,
    Exercise,
    check_answer,
    check_backward,
    check_choice,
    check_function,
    check_layer_class,
    check_param_gradients,
    check_prediction,
    compare,
    normalise,
)

CASES = [(np.array([[1.0, 2.0, 3.0]]),), (np.array([[1000.0, 0.0], [-5.0, 5.0]]),)]
LESSON_MODULES = ["perceptron", "backprop", "annuli", "embedding", "weights", "adversarial"]


def naive_softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def test_right_answer_passes_with_the_message_the_lessons_print():
    result = check_function(softmax, softmax, CASES, name="softmax")
    assert repr(result) == "PASSED: softmax agrees with nnlib on all 2 test cases."


def test_named_cases_are_listed_when_passed_and_named_when_failed():
    cases = [Case("a batch of 1", CASES[0], n=1), Case("logits near 1000", CASES[1], n=2)]
    assert repr(check_function(softmax, softmax, cases, name="s")) == (
        "PASSED: s agrees with the reference on all 2 cases: a batch of 1; logits near 1000.")
    result = check_function(naive_softmax, softmax, cases, name="s")
    assert repr(result).startswith("NOT YET: On logits near 1000: the result of s has 1 NaN")


def test_stub_says_not_written_yet_without_repeating_the_hint():
    def stub(z):
        raise NotImplementedError("subtract the row maximum first")

    result = check_function(stub, softmax, CASES)
    assert not result and "not written yet" in repr(result) and "row maximum" not in repr(result)


def test_nan_and_inf_never_pass():
    expected = np.array([[0.5, 0.5]])
    assert not compare(np.array([[np.nan, 0.5]]), expected)
    assert not compare(np.array([[np.inf, 0.5]]), expected)
    assert not compare(np.full((1, 2), np.nan), np.zeros((1, 2)))
    assert not check_function(lambda z: np.full_like(z, np.nan), softmax, CASES)


def test_a_backward_pass_returning_nan_does_not_pass():  # issue 11: rel_error of NaN was 0
    class NaNSigmoid(Sigmoid):
        def backward(self, dout):
            return np.full_like(dout, np.nan)

    result = check_backward(NaNSigmoid(), np.random.default_rng(0).standard_normal((3, 2)))
    assert not result and "NaN" in result.message


def test_nan_gradients_of_parameters_do_not_pass():
    W = np.ones((2, 2))
    result = check_param_gradients(lambda: {"W": np.full((2, 2), np.nan)}, lambda: float(np.sum(W**2)),
                                   {"W": W})
    assert not result and "NaN" in result.message


def test_the_tolerance_separates_round_off_from_a_factor():
    x = np.random.default_rng(0).standard_normal((4, 3))
    assert compare(x * (1 + 1e-12), x)
    assert compare((x * (1 + 1e-7)).astype(np.float32), x.astype(np.float32), tol=1e-5)
    for factor in (1.001, 2.0, 4.0, -1.0):
        assert not compare(factor * x, x)


@pytest.mark.parametrize("factor, n, phrase", [
    (4.0, 4, "N = 4 times too large"), (0.25, 4, "N = 4 times too small"), (-1.0, 4, "opposite sign"),
    (2.0, 4, "twice"), (4 / 32, 4, "divide by 32 instead of by N"), (0.0, 4, "all zeros"),
])
def test_a_wrong_factor_is_named(factor, n, phrase):
    x = np.random.default_rng(1).standard_normal((n, 3))
    result = compare(factor * x, x, n=n)
    assert not result and phrase in result.message


def test_transposes_and_wrong_axes_are_named():
    z = np.random.default_rng(2).standard_normal((3, 3))
    assert "transposed?" in compare(softmax(z).T, softmax(z)).message
    assert "transposed?" in compare(np.ones((2, 3)), np.ones((3, 2))).message
    assert "columns sum to 1" in compare(softmax(z.T).T, softmax(z)).message


def test_an_input_modified_in_place_is_caught_and_the_reference_sees_the_original():
    def clobbers(z):
        z -= z.max(axis=1, keepdims=True)
        return softmax(z)

    result = check_function(clobbers, softmax, CASES)
    assert not result and "changed its argument `z` in place" in result.message


def test_exceptions_are_reported_never_raised():
    result = check_function(lambda z: z["a"], softmax, CASES)
    assert not result and "raised IndexError" in repr(result)
    assert not compare("abc", np.ones(2)) and "None: is a `return` missing?" in compare(None, 1.0).message
    assert "complex" in compare(np.ones(2) * 1j, np.ones(2)).message
    assert "ZeroDivisionError" in repr(check_answer(lambda: 1 / 0, 0.1))


def test_a_right_answer_that_overflows_on_the_way_is_not_yet_safe():
    def clipped(z):  # right values, but exp(1000) overflows before the NaNs are patched up
        return np.nan_to_num(naive_softmax(z), nan=1.0)

    result = check_function(clipped, softmax, [(np.array([[1000.0, 0.0]]),)])
    assert not result and "overflow" in result.message


NOTEBOOK_CELL = """
import numpy as np
from nnlib import softmax
from nncourse.exercises import check_function
print(check_function(lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), softmax,
                     [(np.array([[1000.0, 0.0]]),)]))
"""


def test_a_wrong_answer_writes_no_runtime_warning_to_stderr():
    run = subprocess.run([sys.executable, "-c", NOTEBOOK_CELL], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("NOT YET:")
    assert "overflow encountered in exp" in run.stdout and run.stderr == ""


def test_under_nbgrader_a_failing_check_raises_with_the_same_message(monkeypatch, capsys):
    wrong = check_function(naive_softmax, softmax, CASES)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError) as raised:
        check_function(naive_softmax, softmax, CASES)
    assert str(raised.value) == repr(wrong)
    # A right answer prints its PASSED line: a value shown by the cell would be read as a score.
    assert check_function(softmax, softmax, CASES) is None
    assert capsys.readouterr().out == "PASSED: softmax agrees with nnlib on all 2 test cases.\n"
    from nncourse.exercises import perceptron  # an Exercise, whose check runs check_function
    with pytest.raises(AssertionError, match=r"transposed\? \(Stuck\? A second hint"):
        perceptron.softmax.check(lambda z: softmax(z).T)
    with pytest.raises(AssertionError, match="NOT CHECKED"):
        check_choice("it is a plane I think", "a plane")


def test_gradient_checks_insist_on_float64():
    layer = Affine(2, 3, rng=0, dtype=np.float32)
    result = check_backward(layer, np.ones((2, 2)))
    assert not result and "'W' is float32: a gradient check needs float64" in result.message
    W = np.ones((2, 2), dtype=np.float32)
    assert "needs float64" in check_param_gradients(lambda: {"W": 2 * W}, lambda: float(np.sum(W**2)),
                                                    {"W": W}).message


def test_check_backward_is_deterministic_and_catches_accumulated_gradients():
    x = np.random.default_rng(0).standard_normal((3, 2))
    assert repr(check_backward(Sigmoid(), x)) == (
        "PASSED: Sigmoid's backward matches finite differences for dx (relative error below 1e-7).")

    class Accumulates(Affine):
        def backward(self, dout):
            _, x = self._saved(dout)
            self.grads["W"] = self.grads["W"] + x.T @ dout
            self.grads["b"] = dout.sum(axis=0)
            return dout @ self.params["W"].T

    result = check_backward(Accumulates(2, 3, rng=0), x, name="my affine")
    assert not result and "added to (+=)" in result.message


def test_check_choice_normalises_and_explains_every_wrong_option():
    assert normalise("  A   Plane. ") == "plane" and normalise("the line") == "line"
    for answer in ("a plane", "plane", "A plane", "PLANE."):
        assert check_choice(answer, "a plane", explanation="Because.")
    assert check_choice("3", 3) and check_choice(3.0, 3) and not check_choice("3.5", 3)
    result = check_choice("a line", "a plane", wrong={"a line": "that is 2-D."})
    assert not result and "that is 2-D." in result.message
    assert "not given yet" in repr(check_choice(None, "b")) and "not given" in repr(check_choice(..., "b"))
    unknown = check_choice("a cube", "a plane", options=("a plane", "a line"))
    assert "not one of the options" in unknown.message
    assert repr(check_choice("I would say it is flat", "a plane")).startswith("NOT CHECKED:")


results = {0.3: 1.1, 3: 0.2}  # what an experiment left in the notebook (a global, as there)


def peeks():
    return min(results, key=results.get)


def test_a_prediction_cannot_read_the_notebook():
    result = check_prediction(peeks, lambda: 3, options=(0.3, 3), explanations={0.3: "slow", 3: "fast"})
    assert not result and "reads `results` from the notebook" in result.message
    assert check_prediction(lambda: RATES[1], lambda: 3, options=(0.3, 3), explanations={3: "fast"},
                            constants={"RATES": (0.3, 3)})
    assert "slow" in check_prediction(lambda: 0.3, lambda: 3, options=(0.3, 3),
                                      explanations={0.3: "slow", 3: "fast"}).message


RATES = (1, 2)  # a global of this module that the sealed prediction above must not see


def test_a_check_with_nothing_to_check_raises_rather_than_passes():
    """With no case (or no parameter) the checks said PASSED "on all 0 cases"."""
    with pytest.raises(ValueError, match="check_function: cases must hold at least one case"):
        check_function(np.sum, np.sum, [])
    with pytest.raises(ValueError, match="check_layer_class: cases must hold at least one case"):
        check_layer_class(object, ())
    with pytest.raises(ValueError, match="check_param_gradients: params must hold at least one"):
        check_param_gradients(dict, lambda: 0.0, {})


def test_an_exercise_has_graduated_hints_and_points_to_the_second():
    exercise = Exercise("demo", lambda answer: check_choice(answer, 1), ["the idea", "closer"])
    assert repr(exercise.hint()) == "Hint 1 of 2: the idea" and exercise.hint(2).endswith("closer")
    assert "There are 2 hints" in exercise.hint(3)
    for level in ("2", 1.5, None):  # was a TypeError from comparing 1 <= "2"
        assert "There are 2 hints: hint(1) to hint(2)" in exercise.hint(level)
    assert "exercises.demo.hint(2)" in exercise.check(2).message
    assert repr(exercise.check(1)) == "PASSED: your answer is right."


@pytest.mark.parametrize("topic", LESSON_MODULES)
def test_every_exercise_has_two_hints_and_a_check_that_never_raises(topic):
    module = importlib.import_module(f"nncourse.exercises.{topic}")
    exercises = [e for e in vars(module).values() if isinstance(e, Exercise)]
    assert exercises
    for exercise in exercises:
        assert len(exercise.hints) >= 2 and len(set(exercise.hints)) == len(exercise.hints)

        def unwritten(*args):
            raise NotImplementedError

        result = exercise.check(unwritten)
        assert isinstance(result, CheckResult) and result.passed is False, repr(result)


def answer_tables():
    """For each topic, its module of exercises and the tables of tests/test_exercises_<topic>.py:
    WRONG = {exercise: {label: (answer, phrase the message must hold)}}, the wrong answers
    students write, and RIGHT = {exercise: {label: answer}}, the reference and its rewrites."""
    return {topic: (importlib.import_module(f"nncourse.exercises.{topic}"),
                    importlib.import_module(f"test_exercises_{topic}")) for topic in LESSON_MODULES}


@pytest.mark.parametrize("topic, exercise, answer, phrase", [
    pytest.param(topic, e, answer, phrase, id=f"{topic}.{e}: {label}")
    for topic, (_, tests) in answer_tables().items()
    for e, wrongs in tests.WRONG.items() for label, (answer, phrase) in wrongs.items()])
def test_wrong_answer_is_rejected_and_the_mistake_named(topic, exercise, answer, phrase):
    module, _ = answer_tables()[topic]
    result = getattr(module, exercise).check(answer)
    assert result.passed is False, repr(result)
    assert phrase in result.message, repr(result)


@pytest.mark.parametrize("topic, exercise, answer", [
    pytest.param(topic, e, answer, id=f"{topic}.{e}: {label}")
    for topic, (_, tests) in answer_tables().items()
    for e, rights in tests.RIGHT.items() for label, answer in rights.items()])
def test_right_answer_passes(topic, exercise, answer):
    module, _ = answer_tables()[topic]
    result = getattr(module, exercise).check(answer)
    assert result, repr(result)


@pytest.mark.parametrize("topic", LESSON_MODULES)
def test_every_exercise_keeps_its_wrong_answers_and_right_ones_as_tests(topic):
    """Each topic's tests (tests/test_exercises_<topic>.py) list, for every exercise of the
    topic, the wrong answers students write (WRONG: at least four, each rejected with its
    mistake named) and the right ones (RIGHT: the reference and at least one rewrite, each
    passed); the two tests above run them (`pytest tests/test_exercises.py -k annuli` for one topic)."""
    module, tests = answer_tables()[topic]
    names = {e.name for e in vars(module).values() if isinstance(e, Exercise)}
    assert set(tests.WRONG) == set(tests.RIGHT) == names
    for name in names:
        assert len(tests.WRONG[name]) >= 4, f"{topic}.{name}: {len(tests.WRONG[name])} wrong answers"
        assert len(tests.RIGHT[name]) >= 2, f"{topic}.{name}: {len(tests.RIGHT[name])} right answers"


def test_passed_messages_hold_no_machine_dependent_number():
    """nbval compares the printed PASSED lines: only fixed text, case names and tolerances."""
    from nncourse.exercises import perceptron

    for exercise, answer in ((perceptron.softmax, softmax), (perceptron.update, None)):
        if answer is None:
            from nncourse.perceptron import perceptron_update as answer
        message = repr(exercise.check(answer))
        assert message.startswith("PASSED") and not re.search(r"\d\.\d{3,}|\de[-+]?\d", message)


def first_hints(path):
    """(exercise, the '# Hint:' comment of its solution cell) for every exercise that a lesson
    checks through its topic module (`exercises.<name>.check(...)`)."""
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    imports = "\n".join(c.source for c in cells if c.cell_type == "code")
    topic = re.search(r"from nncourse\.exercises import (\w+) as exercises", imports)
    found = []
    for i, cell in enumerate(cells):
        called = re.fullmatch(r"exercises\.(\w+)\.check\(\w+\)", cell.source.strip())
        if cell.cell_type != "code" or not called:
            continue
        solution = next(c for c in reversed(cells[:i]) if "### BEGIN SOLUTION" in c.source)
        comment = re.search(r"# Hint: (.*?)\n\s*### BEGIN SOLUTION", solution.source, re.DOTALL)
        assert comment, f"{path.name}: the solution cell before cell {i} has no '# Hint:' comment"
        text = " ".join(line.strip().lstrip("#").strip() for line in comment.group(1).split("\n"))
        module = importlib.import_module(f"nncourse.exercises.{topic.group(1)}")
        found.append((getattr(module, called.group(1)), text))
    return found


@pytest.mark.parametrize("path", sorted(Path(__file__).parents[1].glob("notebooks/0[1-9]-*.ipynb")),
                         ids=lambda p: p.name)
def test_a_lessons_first_hint_is_its_exercises_first_hint(path):
    """The first hint is written once, in nncourse.exercises; the lesson's comment repeats it."""
    for exercise, comment in first_hints(path):
        assert comment == exercise.hints[0], f"{path.name}: the hint of exercises.{exercise.name}"


def test_the_exercises_package_is_in_a_built_distribution():
    """`pip install .` (JupyterHub, Colab) installs only the packages that pyproject.toml's
    package discovery matches: every folder with an __init__.py must be matched."""
    import fnmatch
    import tomllib

    root = Path(__file__).parents[1]
    include = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packages = [".".join(p.parent.relative_to(root).parts) for top in ("nnlib", "nncourse")
                for p in (root / top).glob("**/__init__.py")]
    assert "nncourse.exercises" in packages
    for package in packages:
        assert any(fnmatch.fnmatchcase(package, pattern) for pattern in include["include"]), package
