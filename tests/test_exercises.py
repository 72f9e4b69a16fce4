"""Exercise self-checks: pass on a right answer, explain a wrong one, never raise."""

import numpy as np

from nnlib.functional import softmax
from nnlib.layers import Sigmoid

from nncourse.exercises import check_backward, check_choice, check_function, compare

CASES = [(np.array([[1.0, 2.0, 3.0]]),), (np.array([[1000.0, 0.0], [-5.0, 5.0]]),)]


def test_right_answer_passes():
    result = check_function(softmax, softmax, CASES, name="softmax")
    assert result and repr(result).startswith("PASSED") and "2 test cases" in repr(result)


def test_stub_says_not_written_yet_with_hint():
    def stub(z):
        raise NotImplementedError("subtract the row maximum first")

    result = check_function(stub, softmax, CASES)
    assert not result and "not written yet" in repr(result) and "row maximum" in repr(result)


def test_wrong_values_name_the_entries():
    def naive(z):
        return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)

    with np.errstate(over="ignore", invalid="ignore"):
        result = check_function(naive, softmax, CASES, name="softmax")
    assert not result and "test case 2" in repr(result) and "(0, 0)" in repr(result)


def test_wrong_shape_and_exceptions():
    result = check_function(lambda z: softmax(z).T, softmax, CASES)
    assert not result and "shape (3, 1), expected (1, 3)" in repr(result)
    result = check_function(lambda z: z["a"], softmax, CASES)
    assert not result and "raised IndexError" in repr(result)
    assert not compare("abc", np.ones(2))


def test_inputs_are_not_modified_for_the_reference():
    def clobbers(z):
        z[:] = 0
        return softmax(z)

    assert not check_function(clobbers, softmax, CASES)


def test_check_backward():
    class Broken(Sigmoid):
        def backward(self, dout):
            return dout

    x = np.random.default_rng(0).standard_normal((3, 2))
    assert check_backward(Sigmoid(), x)
    result = check_backward(Broken(), x, name="my sigmoid")
    assert not result and "my sigmoid's backward disagrees" in repr(result)


def test_check_choice():
    assert check_choice("b", "b", explanation="Because.")
    assert "not given yet" in repr(check_choice(None, "b"))
    assert not check_choice("a", "b")
