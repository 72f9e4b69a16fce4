"""The diagrams draw what the lessons rely on, and readably: every label the lessons name is there,
on the right edge; no label overlaps another, covers a unit or leaves the figure; no text is
below 10 pt; bad input is refused with the argument's name."""

import itertools

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nncourse import diagrams
from nncourse.plotting import use_course_style


def drawn_texts(fig):
    """Every non-empty text the figure draws, legend entries included, after drawing it."""
    fig.canvas.draw()
    found = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    found += [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    return [t for t in found if t.get_visible() and t.get_text()]


def extent(text):
    """The box a text covers on the canvas: its white patch if it has one."""
    patch = text.get_bbox_patch()
    return patch.get_window_extent() if patch is not None else text.get_window_extent()


def assert_readable(fig):
    assert isinstance(fig, Figure) and fig.dpi >= 120
    texts = drawn_texts(fig)
    for t in texts:
        assert t.get_fontsize() >= 10, f"{t.get_text()!r} is {t.get_fontsize()} pt"
        box = extent(t)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height, \
            f"{t.get_text()!r} leaves the figure"
    boxes = [(t.get_text(), extent(t)) for t in texts]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"
    for unit in (p for ax in fig.axes for p in ax.patches if isinstance(p, Circle)):
        box = unit.get_window_extent()
        for text, box_t in boxes:  # only the unit's own name may lie on it, and that one inside it
            if box_t.overlaps(box):
                assert box.contains(*box_t.p0) and box.contains(*box_t.p1), f"{text!r} covers a unit"
    return {t.get_text(): t for t in texts}


@pytest.fixture(params=["matplotlib defaults", "course style"])
def style(request):
    if request.param == "course style":
        use_course_style()


def test_mazur_network_puts_each_weight_on_its_edge_with_its_value_and_matrix_entry(style):
    texts = assert_readable(diagrams.mazur_network())
    edges = {1: ("i_1", "h_1"), 2: ("i_2", "h_1"), 3: ("i_1", "h_2"), 4: ("i_2", "h_2"),
             5: ("h_1", "o_1"), 6: ("h_2", "o_1"), 7: ("h_1", "o_2"), 8: ("h_2", "o_2")}
    values = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    entries = ["W1[0, 0]", "W1[1, 0]", "W1[0, 1]", "W1[1, 1]", "W2[0, 0]", "W2[1, 0]", "W2[0, 1]", "W2[1, 1]"]
    unit = {name[1:-1]: np.array(texts[name].get_position()) for name in texts if name[1:4] in
            ("i_1", "i_2", "h_1", "h_2", "o_1", "o_2")}
    for k, (src, dst) in edges.items():
        label = next(s for s in texts if s.startswith(f"$w_{k}$"))
        assert f"= {values[k - 1]:.2f}" in label and entries[k - 1] in label
        p, a, b = np.array(texts[label].get_position()), unit[src], unit[dst]
        along = np.dot(p - a, b - a) / np.dot(b - a, b - a)
        off_line = np.linalg.norm(a + along * (b - a) - p)
        assert 0 < along < 1 and off_line < 1e-9, f"w{k} is not on the edge {src} -> {dst}"
    assert "$b_1$ = 0.35" in texts and "$b_2$ = 0.60" in texts
    bare = assert_readable(diagrams.mazur_network(values=False, entries=False))
    assert {f"$w_{k}$" for k in edges} <= set(bare) and not any("W1[" in s or "0.15" in s for s in bare)


def test_network_diagram_draws_any_small_network():
    units = [["$x_1$", "$x_2$", "$x_3$"], ["$h_1$", "$h_2$", "$h_3$", "$h_4$"], ["$y_1$", "$y_2$"]]
    weights = [[[f"$u_{{{i}{j}}}$" for j in range(4)] for i in range(3)],
               [[f"$v_{{{i}{j}}}$" for j in range(2)] for i in range(4)]]
    fig = diagrams.network_diagram(units, weights, biases=["$b_1$", "$b_2$"], title="3-4-2")
    texts = assert_readable(fig)
    assert len([s for s in texts if s[:3] in ("$u_", "$v_")]) == 12 + 8
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 9
    assert_readable(diagrams.network_diagram([["a"], ["b", "c"]]))  # no labels at all


@pytest.mark.parametrize("batch", [True, False])
def test_backprop_chain_shows_forward_steps_above_and_backward_signals_below(style, batch):
    fig = diagrams.backprop_chain(batch)
    texts = assert_readable(fig)
    if batch:  # lesson 03's notation: superscripts number the layers, capitals hold a batch
        nodes = ["$X$", "$Z^{(1)}$", "$A$", "$Z^{(2)}$", r"$\hat Y$", "$L$"]
        forward = ["$Z^{(1)} = X W^{(1)} + b^{(1)}$", r"$A = \sigma(Z^{(1)})$",
                   "$Z^{(2)} = A W^{(2)} + b^{(2)}$", r"$\hat Y = \mathrm{softmax}(Z^{(2)})$"]
        backward = [r"$= (\hat Y - T)\,/\,N$", r"\delta^{(2)} W^{(2)\top}", r"A^\top \delta^{(2)}",
                    r"\odot A \odot (1 - A)", r"X^\top \delta^{(1)}",
                    r"\partial X = \delta^{(1)} W^{(1)\top}"]
    else:
        nodes = ["$x$", "$z^{(1)}$", "$a$", "$z^{(2)}$", r"$\hat y$", "$L$"]
        forward = ["$z^{(1)} = x W^{(1)} + b^{(1)}$", r"$a = \sigma(z^{(1)})$",
                   "$z^{(2)} = a W^{(2)} + b^{(2)}$", r"$\hat y = \mathrm{softmax}(z^{(2)})$",
                   r"$L = -{\sum}_c\, t_c \log \hat y_c$"]
        backward = [r"$= \hat y - t$", r"\delta^{(2)} W^{(2)\top}", r"a^\top \delta^{(2)}",
                    r"\odot a \odot (1 - a)", r"x^\top \delta^{(1)}"]
        assert not any(r"\partial x" in s for s in texts)  # the input is data: no gradient drawn for it
    assert set(nodes) <= set(texts)
    node_y = texts[nodes[1]].get_position()[1]
    for f in forward:
        assert texts[f].get_position()[1] > node_y
    for b in backward:
        label = next(s for s in texts if b in s)
        assert texts[label].get_position()[1] < node_y and texts[label].get_color() == diagrams.BACKWARD
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    solid = [a for a in arrows if a.get_linestyle() == "solid"]
    dashed = [a for a in arrows if a.get_linestyle() == "--"]
    assert len(solid) == 5 and len(dashed) == 4  # forward and backward differ by more than colour


def test_embedding_network_shows_counts_activations_and_the_highlighted_embedding(style):
    fig = diagrams.embedding_network()
    texts = assert_readable(fig)
    drawn = [t.get_text() for t in drawn_texts(fig)]
    assert [s for s in drawn if s.isdigit()] == ["784", "100", "100", "2", "1"]
    assert drawn.count("ReLU") == 2 and "sigmoid" in texts and "linear:\nembedding $e$" in texts
    assert drawn.count("⋮") == 3  # 784, 100 and 100 units, each drawn as four around an ellipsis
    patches = fig.axes[0].patches
    filled = [p for p in patches if isinstance(p, Circle) and p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(filled) == 2  # the two units of e
    frames = [p for p in patches if isinstance(p, FancyBboxPatch) and p.get_linestyle() == "--"]
    assert len(frames) == 1  # and a dashed frame: not colour alone
    assert_readable(diagrams.wide_network_diagram([3, 7, 1], ["tanh", "linear"], max_units=3))


def test_the_lessons_figures_have_a_fixed_size():
    # so that a lesson's stored "<Figure size ...>" output is the same on every matplotlib,
    # though each version measures the labels a little differently
    for draw, size in ((diagrams.mazur_network, (7.8, 5.2)), (diagrams.backprop_chain, (11.6, 3.6)),
                       (diagrams.embedding_network, (7.0, 4.6))):
        assert tuple(draw().get_size_inches()) == size


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: diagrams.network_diagram([["a"]]), "units"),
    (lambda: diagrams.network_diagram([["a"], []]), "units"),
    (lambda: diagrams.network_diagram([["a"], ["b"]], [[["w"]], [["v"]]]), "weights"),
    (lambda: diagrams.network_diagram([["a", "b"], ["c"]], [[["w"]]]), "weights"),
    (lambda: diagrams.network_diagram([["a", "b"], ["c"]], [[["w"], ["v", "u"]]]), "weights"),
    (lambda: diagrams.network_diagram([["a"], ["b"]], biases=["b1", "b2"]), "biases"),
    (lambda: diagrams.network_diagram([["a"], ["b"]], layer_titles=["in"]), "layer_titles"),
    (lambda: diagrams.network_diagram([["a"], ["b"]], figsize=(1.0, 1.0)), "figsize"),
    (lambda: diagrams.chain_diagram(["x"], []), "nodes"),
    (lambda: diagrams.chain_diagram(["x", "y", "z"], ["f"]), "forward"),
    (lambda: diagrams.chain_diagram(["x", "y"], ["f"], [(0, 1, "g")]), "backward"),
    (lambda: diagrams.chain_diagram(["x", "y"], ["f"], [(2, 0, "g")]), "backward"),
    (lambda: diagrams.chain_diagram(["x", "y", "z"], ["f", "g"], [(2, 0, "a"), (2, 1, "b")]), "backward"),
    (lambda: diagrams.backprop_chain("one sample"), "batch"),
    (lambda: diagrams.wide_network_diagram([784, -100, 1], ["ReLU", "sigmoid"]), "sizes"),
    (lambda: diagrams.wide_network_diagram([784, 0, 1], ["ReLU", "sigmoid"]), "sizes"),
    (lambda: diagrams.wide_network_diagram([784, 2.5, 1], ["ReLU", "sigmoid"]), "sizes"),
    (lambda: diagrams.wide_network_diagram([784], []), "sizes"),
    (lambda: diagrams.wide_network_diagram([784, 100, 1], ["ReLU"]), "activations"),
    (lambda: diagrams.wide_network_diagram([784, 1], ["sigmoid"], highlight=2), "highlight"),
    (lambda: diagrams.wide_network_diagram([784, 1], ["sigmoid"], max_units=2), "max_units"),
])
def test_bad_input_is_refused_by_name(call, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        call()
