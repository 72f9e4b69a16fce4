"""Diagrams of the networks the lessons compute, drawn by matplotlib alone: a small network with
every unit and edge labelled (lesson 02's 2-2-2), a chain of computations with what flows back
(lesson 03), a wide network as columns of a few units (lesson 04's 784-100-100-2-1).

Each is laid out in inches from the measured size of its labels, so that they never overlap.
Text is 11 pt or more, figures 120 dpi, colours black and grey with two Okabe-Ito accents, never
the only cue: blue for what flows backward (dashed too), orange for a highlighted layer (framed).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, pairwise
from numbers import Integral

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

DPI = 120
BACKWARD, HIGHLIGHT, GREY = "#0072B2", "#E69F00", "0.55"  # Okabe-Ito blue and orange
UNIT_PT, LABEL_PT, TITLE_PT = 13, 11, 14
FigSize = tuple[float, float] | None


def _size(text: str, fontsize: float = LABEL_PT) -> tuple[float, float]:
    """Width and height in inches of ``text`` as matplotlib draws it at ``fontsize`` points."""
    scratch = Figure(dpi=72)
    FigureCanvasAgg(scratch)
    box = scratch.text(0, 0, text, fontsize=fontsize).get_window_extent(scratch.canvas.get_renderer())
    return box.width / 72, box.height / 72


def _require(ok: bool, where: str, got: object, expected: str) -> None:
    if not ok:
        raise ValueError(f"{where} must be {expected}, got {got!r}")


def _canvas(who: str, width: float, height: float, title: str | None, figsize: FigSize):
    """A figure of ``figsize`` (default: the drawing's size), the drawing at (0, width) x (0, height)
    inches, top centre. A fixed figsize keeps a notebook's stored "<Figure size ...>" unchanged."""
    need = (max(width, _size(title or "", TITLE_PT)[0] + 0.4), height)
    w, h = need if figsize is None else figsize
    _require(w >= need[0] and h >= need[1], f"{who}: figsize", figsize,
             f"at least the drawing's {need[0]:.2f} x {need[1]:.2f} inches")
    fig = plt.figure(figsize=(w, h), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1), xlim=((width - w) / 2, (width + w) / 2), ylim=(height - h, height))
    ax.set_axis_off()
    if title:
        ax.text(width / 2, height - 0.15, title, fontsize=TITLE_PT, ha="center", va="top")
    return fig, ax


def _label(ax, x: float, y: float, text: str, **kw) -> None:  # on white, to read over the lines
    ax.text(x, y, text, **{"fontsize": LABEL_PT, "ha": "center", "va": "center", "zorder": 4,
                           "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}} | kw)


def network_diagram(units: Sequence[Sequence[str]], weights: Sequence[Sequence[Sequence[str]]] | None = None,
                    *, biases: Sequence[str] | None = None, layer_titles: Sequence[str] | None = None,
                    title: str | None = None, figsize: FigSize = None) -> Figure:
    """A small fully connected network, left to right, with a label in every unit and on every edge.

    ``units[k]`` names the units of layer k. ``weights[k][i][j]`` labels the edge from unit i of
    layer k to unit j of layer k + 1: entry [i, j] of that layer's W in nnlib's batch-first
    convention (rows: the unit a weight comes from). ``biases[k]`` labels a bias node that feeds
    layer k + 1, drawn below layer k like one more input. Shapes: weights[k] is (n_k, n_(k+1)).
    """
    n = [len(layer) for layer in units]
    _require(len(n) >= 2 and min(n) >= 1, "network_diagram: units", n, "two or more non-empty layers")
    pairs = list(pairwise(n))
    shapes = [(len(w), *sorted({len(row) for row in w})) for w in weights or ()]
    _require(weights is None or shapes == pairs, "network_diagram: weights", shapes,
             f"one (n_in, n_out) table of labels per pair of layers, {pairs}")
    for name, given, k in (("biases", biases, len(pairs)), ("layer_titles", layer_titles, len(n))):
        _require(given is None or len(given) == k, f"network_diagram: {name}", given, f"{k} labels")
    sizes = [_size(s) for w in weights or () for row in w for s in row] or [(0.0, 0.0)]
    lw, lh = max(w for w, _ in sizes) + 0.1, max(h for _, h in sizes) + 0.1
    bw, r = max((_size(s)[0] for s in biases or ()), default=0.0) + 0.2, 0.3
    # The edge from unit i to unit j is labelled 1/(n_out + 1) of the way along: then the labels of
    # a gap (and the bias edges, from a virtual extra input) lie one above the other, evenly spaced.
    t = [1 / (b + 1) for _, b in pairs]
    step = max(1.1, *((b + 1) * (lh + 0.08) for _, b in pairs))
    dx = [max(2.0, (lw / 2 + r + 0.1) / tk, (lw + bw) / 2 / tk + 0.1) for tk in t]
    extent = max((k - 1) / 2 for k in n) * step
    top = 0.2 + (0.45 if title else 0.0) + (0.35 if layer_titles else 0.0) + r + extent
    side = max(r, bw / 2, *(_size(s)[0] / 2 for s in layer_titles or ())) + 0.2
    height = top + extent + (step if biases else r) + 0.3
    fig, ax = _canvas("network_diagram", sum(dx) + 2 * side, height, title, figsize)
    xs, yc = [side + sum(dx[:c]) for c in range(len(n))], height - top
    ys = [[yc + ((k - 1) / 2 - i) * step for i in range(k)] for k in n]
    for c, (a, b) in enumerate(pairs):
        for i in range(a + (biases is not None)):
            y0 = ys[c][i] if i < a else ys[c][-1] - step
            for j in range(b):
                ax.plot([xs[c], xs[c + 1]], [y0, ys[c + 1][j]], color="k" if i < a else GREY,
                        ls="-" if i < a else ":", lw=1.2, zorder=1)
                if i < a and weights is not None:
                    _label(ax, xs[c] + t[c] * dx[c], y0 + t[c] * (ys[c + 1][j] - y0), weights[c][i][j])
        if biases is not None:
            _label(ax, xs[c], ys[c][-1] - step, biases[c], bbox=dict(boxstyle="round", fc="0.93", ec=GREY))
    for c, layer in enumerate(units):
        for y, name in zip(ys[c], layer, strict=True):
            ax.add_patch(Circle((xs[c], y), r, fc="white", ec="k", lw=1.5, zorder=2))
            ax.text(xs[c], y, name, fontsize=UNIT_PT, ha="center", va="center", zorder=3)
        if layer_titles is not None:
            _label(ax, xs[c], yc + extent + r + 0.2, layer_titles[c], va="bottom")
    return fig


def chain_diagram(nodes: Sequence[str], forward: Sequence[str], backward: Sequence[tuple[int, int, str]] = (),
                  *, title: str | None = None, figsize: FigSize = None) -> Figure:
    """A chain of computations: solid black arrows forward, each labelled above with what its step
    computes, and dashed blue arrows backward, each labelled below with what the backward pass
    from node ``src`` back to node ``dst`` computes (``backward`` holds (src, dst, label)).

    Shapes: len(forward) = len(nodes) - 1; backward spans have dst < src and do not overlap.
    """
    _require(len(nodes) >= 2, "chain_diagram: nodes", nodes, "two or more labels")
    _require(len(forward) == len(nodes) - 1, "chain_diagram: forward", forward, f"{len(nodes) - 1} labels")
    spans = sorted((dst, src) for src, dst, _ in backward)
    _require(all(0 <= d < s < len(nodes) for d, s in spans) and all(a[1] <= b[0] for a, b in pairwise(spans)),
             "chain_diagram: backward", [(s, d) for d, s in spans],
             f"(src, dst) with 0 <= dst < src < {len(nodes)}, spans that do not overlap")
    pad, rad = 0.12, 0.3
    half = [_size(s, UNIT_PT)[0] / 2 + pad for s in nodes]
    hh = max(_size(s, UNIT_PT)[1] for s in nodes) / 2 + pad
    fw, bw = [_size(s) for s in forward], [_size(s) for _, _, s in backward]
    gaps = [max(0.8, w + 0.35) for w, _ in fw]
    for (src, dst, _), (w, _) in zip(backward, bw, strict=True):
        # a backward label lies between its two nodes' centres: widen the gaps below it if need be
        room = sum(gaps[dst:src]) + half[dst] + half[src] + 2 * sum(half[dst + 1:src]) - 0.3
        gaps[dst:src] = [g + max(0.0, w - room) / (src - dst) for g in gaps[dst:src]]
    legend = [("forward: what the step computes", "k", "-"), ("backward: what flows back", BACKWARD, "--")]
    chain = sum(gaps) + 2 * sum(half)
    width = max(chain + 0.6, sum(_size(s)[0] for s, _, _ in legend) + 2.2)
    xs = list(accumulate((half[k] + gaps[k] + half[k + 1] for k in range(len(gaps))),
                         initial=(width - chain) / 2 + half[0]))
    depth = [hh + rad * (xs[src] - xs[dst]) / 2 + 0.08 for src, dst, _ in backward]
    y0 = max((d + h for d, (_, h) in zip(depth, bw, strict=True)), default=hh) + 0.75  # the nodes' row
    above = hh + max(h for _, h in fw) + 0.2 + (0.55 if title else 0.0)
    fig, ax = _canvas("chain_diagram", width, y0 + above, title, figsize)
    for x, name in zip(xs, nodes, strict=True):
        ax.text(x, y0, name, fontsize=UNIT_PT, ha="center", va="center", zorder=3,
                bbox={"boxstyle": f"round,pad={pad * 72 / UNIT_PT:.2f}", "fc": "white", "ec": "k", "lw": 1.3})
    for k, label in enumerate(forward):
        ax.add_patch(FancyArrowPatch((xs[k] + half[k], y0), (xs[k + 1] - half[k + 1], y0),
                                     arrowstyle="-|>", mutation_scale=16, color="k", lw=1.5))
        _label(ax, (xs[k] + half[k] + xs[k + 1] - half[k + 1]) / 2, y0 + 0.1, label, va="bottom")
    for (src, dst, label), d in zip(backward, depth, strict=True):
        ax.add_patch(FancyArrowPatch((xs[src] - 0.08, y0 - hh), (xs[dst] + 0.08, y0 - hh),
                                     connectionstyle=f"arc3,rad={-rad}", arrowstyle="-|>",
                                     mutation_scale=16, color=BACKWARD, lw=1.5, ls="--"))
        _label(ax, (xs[src] + xs[dst]) / 2, y0 - d, label, va="top", color=BACKWARD)
    ax.legend(handles=[Line2D([], [], color=c, lw=1.5, ls=ls, label=s) for s, c, ls in legend],
              loc="lower center", bbox_to_anchor=(width / 2, 0), bbox_transform=ax.transData, ncol=2,
              frameon=False, fontsize=LABEL_PT)
    return fig


def wide_network_diagram(sizes: Sequence[int], activations: Sequence[str], *, highlight: int | None = None,
                         max_units: int = 5, title: str | None = None, figsize: FigSize = None) -> Figure:
    """A network as columns of units, one per layer, its unit count above and its activation below
    ("input" for layer 0, ``activations[k - 1]`` for layer k); a layer of more than ``max_units``
    units shows a few around an ellipsis. Layer ``highlight`` is filled orange and framed, dashed.

    Shapes: len(activations) = len(sizes) - 1.
    """
    where, count = "wide_network_diagram: ", len(sizes)
    _require(count >= 2 and all(isinstance(s, Integral) and s > 0 for s in sizes), where + "sizes",
             sizes, "two or more positive integers")
    _require(len(activations) == count - 1, where + "activations", activations, f"{count - 1} labels")
    _require(highlight is None or 0 <= highlight < count, where + "highlight", highlight,
             f"None or a layer index in [0, {count})")
    _require(max_units >= 3, where + "max_units", max_units, "3 or more")
    captions = ["input", *activations]
    cap, r, step = [_size(c) for c in captions], 0.16, 0.5
    dx = [max(1.4, (a[0] + b[0]) / 2 + 0.3) for a, b in pairwise(cap)]
    extent = (min(max(sizes), max_units) - 1) / 2 * step
    side, cap_h = max(cap[0][0], cap[-1][0]) / 2 + 0.25, max(h for _, h in cap)
    top = (0.5 if title else 0.1) + 0.45 + r + extent  # from the drawing's top to the columns' centre
    height = top + extent + r + cap_h + 0.5
    fig, ax = _canvas("wide_network_diagram", sum(dx) + 2 * side, height, title, figsize)
    xs, yc = [side + sum(dx[:c]) for c in range(count)], height - top
    # a column of k slots; in a layer wider than max_units the middle slot is an ellipsis
    slots = [[(yc + ((k - 1) / 2 - i) * step, size > max_units and i == k // 2) for i in range(k)]
             for size, k in ((size, min(size, max_units)) for size in sizes)]
    for c in range(count - 1):
        for (ya, dots_a), (yb, dots_b) in ((a, b) for a in slots[c] for b in slots[c + 1]):
            if not (dots_a or dots_b):
                ax.plot([xs[c], xs[c + 1]], [ya, yb], color=GREY, lw=0.7, zorder=1)
    for c, (x, size) in enumerate(zip(xs, sizes, strict=True)):
        for y, dots in slots[c]:
            if dots:
                ax.text(x, y, "⋮", fontsize=UNIT_PT + 3, ha="center", va="center")
            else:
                ax.add_patch(Circle((x, y), r, fc=HIGHLIGHT if c == highlight else "white", ec="k", lw=1.3))
        _label(ax, x, yc + extent + r + 0.15, str(size), fontsize=UNIT_PT, va="bottom", weight="bold")
        _label(ax, x, yc - extent - r - 0.25, captions[c], va="top")
        if c == highlight:
            half, bottom = max(r, cap[c][0] / 2) + 0.1, yc - extent - r - 0.35 - cap[c][1]
            ax.add_patch(FancyBboxPatch((x - half, bottom), 2 * half, yc + extent + r + 0.55 - bottom,
                                        boxstyle="round,pad=0.02", fc="none", ec=HIGHLIGHT, lw=2, ls="--"))
    return fig


def mazur_network(values: bool = True, entries: bool = True) -> Figure:
    """Matt Mazur's 2-2-2 network (lesson 02): w1..w8 on the edges, optionally with their values
    and the entry of W1 or W2 each weight is (batch-first: W[i, j] goes from unit i to unit j)."""
    W = ([[0.15, 0.25], [0.20, 0.30]], [[0.40, 0.50], [0.45, 0.55]])

    def edge(k: int, i: int, j: int) -> str:  # W1[i, j] is w_(2j + i + 1), W2[i, j] is w_(2j + i + 5)
        text = f"$w_{4 * k + 2 * j + i + 1}$" + (f" = {W[k][i][j]:.2f}" if values else "")
        return text + (f"\nW{k + 1}[{i}, {j}]" if entries else "")

    return network_diagram([["$i_1$", "$i_2$"], ["$h_1$", "$h_2$"], ["$o_1$", "$o_2$"]],
                           [[[edge(k, i, j) for j in range(2)] for i in range(2)] for k in range(2)],
                           biases=["$b_1$ = 0.35", "$b_2$ = 0.60"] if values else ["$b_1$", "$b_2$"],
                           layer_titles=["input", "hidden (sigmoid)", "output (sigmoid)"],
                           title="Mazur's 2-2-2 network", figsize=(7.8, 5.2))


FIGSIZE_CHAIN = (11.6, 3.6)  # both versions, with room for another matplotlib's measure of the labels


def backprop_chain(batch: bool = True) -> Figure:
    """Lesson 03's network as a chain, in the lesson's notation: the forward computations above,
    and below what flows back, delta standing for dL/dZ (nnlib's CrossEntropy takes Z^(2) directly).

    ``batch=True`` writes it for a batch (rows being samples: X, Z, A, the mean loss);
    ``batch=False`` for the one sample x of lesson 03's sections 3 and 4 (x, z, a, t)."""
    _require(isinstance(batch, bool), "backprop_chain: batch", batch, "True or False")
    d = r"\partial L / \partial "
    if batch:
        x, z1, a, z2, y = "X", "Z^{(1)}", "A", "Z^{(2)}", r"\hat Y"
        loss, delta2 = r"$L = -\frac{1}{N}{\sum} T \odot \log \hat Y$", r"$= (\hat Y - T)\,/\,N$"
        db2, db1 = r"{\sum}_n \delta^{(2)}_n", r"{\sum}_n \delta^{(1)}_n"
        dx = rf"${d}X = \delta^{{(1)}} W^{{(1)\top}}$" "\n"
    else:  # the input is data: nothing needs dL/dx
        x, z1, a, z2, y = "x", "z^{(1)}", "a", "z^{(2)}", r"\hat y"
        loss, delta2 = r"$L = -{\sum}_c\, t_c \log \hat y_c$", r"$= \hat y - t$"
        db2, db1, dx = r"\delta^{(2)}", r"\delta^{(1)}", ""
    return chain_diagram(
        [f"${x}$", f"${z1}$", f"${a}$", f"${z2}$", f"${y}$", "$L$"],
        [f"${z1} = {x} W^{{(1)}} + b^{{(1)}}$", rf"${a} = \sigma({z1})$",
         f"${z2} = {a} W^{{(2)}} + b^{{(2)}}$", rf"${y} = \mathrm{{softmax}}({z2})$", loss],
        [(5, 3, rf"$\delta^{{(2)}} = {d}{z2}$" "\n" + delta2),
         (3, 2, rf"${d}{a} = \delta^{{(2)}} W^{{(2)\top}}$" "\n" rf"${d}W^{{(2)}} = {a}^\top \delta^{{(2)}}$"
                "\n" rf"${d}b^{{(2)}} = {db2}$"),
         (2, 1, rf"$\delta^{{(1)}} = {d}{z1}$" "\n" rf"$= {d}{a} \odot {a} \odot (1 - {a})$"),
         (1, 0, dx + rf"${d}W^{{(1)}} = {x}^\top \delta^{{(1)}}$" "\n" rf"${d}b^{{(1)}} = {db1}$")],
        title="Forward and backward through the 2-H-3 network" + ("" if batch else ", one sample"),
        figsize=FIGSIZE_CHAIN)


def embedding_network() -> Figure:
    """Lesson 04's 784-100-100-2-1 network, its 2-unit embedding e highlighted."""
    return wide_network_diagram([784, 100, 100, 2, 1], ["ReLU", "ReLU", "linear:\nembedding $e$", "sigmoid"],
                                highlight=3, title="The 784-100-100-2-1 network", figsize=(7.0, 4.6))
