"""The course's table of contents, in one place, and the navigation generated from it.

``LESSONS`` is the order of the course. ``python tools/course.py`` rewrites, in every lesson,
the previous / contents / next links (the cells tagged ``navigation``, first and last), the
learner's path (under the title, the cell tagged ``lesson-path``: what the lesson builds on,
linked, its time and what you will learn; before the last navigation, the cell tagged
``where-next``: the next lesson and further reading) and the Colab set-up cell (tagged
``colab``, just before the first code cell), in ``00-index.ipynb``
the lesson list (the cell tagged ``lesson-list``), and in README.md the lessons table with a
Binder and a Colab badge per lesson. A cell whose text is already right is left as it is, with
its outputs and execution count. tests/test_course.py fails when a link points nowhere or the
index, the README and the links disagree with this list; tests/test_colab.py checks the cell.

    python tools/course.py                           # rewrite notebooks/ and README.md
    python tools/course.py --notebooks DIR           # rewrite the lessons in DIR only
    python tools/course.py --badges OWNER/REPO BRANCH   # print the table for another edition
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
INDEX = "00-index.ipynb"
REPOSITORY = "nnlib-course/nn-from-scratch"  # on GitHub: where Binder, Colab and nbgitpuller fetch from
BRANCH = "main"  # the edition with solutions
BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def binder_url(repository: str = REPOSITORY, branch: str = "HEAD") -> str:
    """Binder's address of the folder of lessons (append a notebook's file name)."""
    return f"https://mybinder.org/v2/gh/{repository}/{branch}?urlpath=lab/tree/notebooks/"


def colab_url(repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """Colab's address of the folder of lessons: Colab opens a notebook straight from GitHub."""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/"


BINDER, COLAB = binder_url(), colab_url()

# The first code cell of every lesson. Colab opens a lesson alone, from GitHub, in a runtime
# that has NumPy, matplotlib, seaborn, pandas, scikit-learn, tqdm and ipywidgets but not the
# course: there it installs nnlib and nncourse from the repository with --no-deps, so none of
# Colab's own packages changes. Anywhere else it does nothing and prints nothing (nbval compares
# its empty output). NNCOURSE_SOURCE, when set, replaces the repository (tests install from the
# working tree with it, offline).
COLAB_CELL = f"""\
# On Google Colab: install the course (nnlib and nncourse) from its repository, once per runtime.
# Elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib.util
    import os
    import subprocess

    if importlib.util.find_spec("nncourse") is None:
        source = os.environ.get("NNCOURSE_SOURCE", "git+https://github.com/{REPOSITORY}")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", source],
                       check=True)
        importlib.invalidate_caches()"""


@dataclass(frozen=True)
class Lesson:
    stem: str
    title: str
    minutes: int
    needs: str
    goal: str
    summary: str
    # (stem of an earlier lesson, what this lesson takes from it); empty for the first lesson
    builds_on: tuple[tuple[str, str], ...] = ()
    # (what to read, its address, why): further reading, shown at the end of the lesson
    reading: tuple[tuple[str, str, str], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def number(self) -> str:
        return self.stem[:2]


LESSONS = [
    Lesson("01-perceptron", "The multiclass perceptron", 60,
           "Python and NumPy arrays; derivatives of exp and log",
           "one layer of softmax neurons is already a good digit classifier; why mini-batches matter",
           "Ten softmax neurons, one per digit, trained on the full MNIST by gradient ascent on "
           "the log-likelihood: softmax derived and computed stably, the update rule derived, "
           "full-batch against mini-batch training, when to stop, the images it gets most "
           "wrong and its weights seen as pictures. A single layer already reads digits.",
           reading=(("Michael Nielsen, Neural Networks and Deep Learning, chapter 1",
                     "http://neuralnetworksanddeeplearning.com/chap1.html",
                     "the same MNIST task, with sigmoid neurons and the perceptron's history"),
                    ("CS231n notes: linear classification", "https://cs231n.github.io/linear-classify/",
                     "the softmax classifier as a score function and a loss"),
                    ("Dive into Deep Learning, softmax regression",
                     "https://d2l.ai/chapter_linear-classification/softmax-regression.html",
                     "the same model and its log-likelihood, in d2l's notation"))),
    Lesson("02-backprop-math", "The maths of backpropagation", 115,
           "lesson 01; the chain rule",
           "where every term of the backpropagation formulas comes from, and how to check them",
           "Why a hidden layer: lesson 01's linear model fails on the rings of lesson 03. Then "
           "every term of the backpropagation formulas derived for a one-hidden-layer sigmoid "
           "network, with the intuition of each factor; Mazur's small example drawn, worked by "
           "hand and then by nnlib to the same digits; a numerical gradient check of a whole "
           "network, and what backpropagation saves over it; squared error against "
           "cross-entropy on the 8x8 digits, measured on held-out data; a scalar autograd "
           "of your own, the same rule on a graph of numbers; and a bug hidden in a backward "
           "pass, tracked down with a gradient check.",
           builds_on=(("01-perceptron", "softmax, the log-likelihood and its gradient"),),
           reading=(("Michael Nielsen, chapter 2: how the backpropagation algorithm works",
                     "http://neuralnetworksanddeeplearning.com/chap2.html",
                     "the four equations of backpropagation, proved"),
                    ("Matt Mazur, a step by step backpropagation example",
                     "https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/",
                     "the 2-2-2 network of this lesson, every number written out"),
                    ("CS231n notes: backpropagation, intuitions", "https://cs231n.github.io/optimization-2/",
                     "the chain rule as local gradients on a circuit"),
                    ("Andrej Karpathy, micrograd", "https://github.com/karpathy/micrograd",
                     "a scalar autograd in about a hundred lines"),
                    ("Goodfellow, Bengio and Courville, Deep Learning, section 6.5",
                     "https://www.deeplearningbook.org/contents/mlp.html",
                     "back-propagation on computational graphs, in general"))),
    Lesson("03-annuli-classification", "Classifying the annuli", 95,
           "lesson 02",
           "how a hidden layer bends space, one gradient at a time",
           "A 2-H-3 network learns to separate three concentric rings. One sample traced "
           "through the forward and backward pass with every intermediate named, then the "
           "whole batch at once; where the weights start (symmetry, Xavier and He scales) and "
           "the plateau at log 3; decision regions as the hidden layer grows; the rings seen "
           "in the space of three hidden units, where planes separate them; how close it gets "
           "to the best accuracy any classifier can reach on this data; and why deep networks "
           "use ReLU rather than the sigmoid. Its exercises derive the softmax's Jacobian on "
           "paper and ask for settings that bring a 21-parameter network within half a point "
           "of that best accuracy.",
           builds_on=(("02-backprop-math", "the backward pass of a hidden layer, and gradient checks"),),
           reading=(("CS231n: a minimal neural network case study",
                     "https://cs231n.github.io/neural-networks-case-study/",
                     "a softmax classifier and a two-layer network on spirals, step by step"),
                    ("Christopher Olah, Neural networks, manifolds, and topology",
                     "https://colah.github.io/posts/2014-03-NN-Manifolds-Topology/",
                     "how hidden layers bend and stretch space until classes come apart"),
                    ("TensorFlow Playground", "https://playground.tensorflow.org/",
                     "the same experiment in a browser, with more data sets"))),
    Lesson("04-three-vs-eight-embeddings", "3 vs 8: the embedding a network learns", 90,
           "lessons 01 and 03",
           "a network's last hidden layer is a new space where a line separates the classes",
           "A 784-100-100-2-1 network, drawn, trained with the Learner and callbacks to tell 3s "
           "from 8s; momentum and the scale of the inputs, seen on a 2-D bowl; why its "
           "training and validation losses part ways; the gradient of the binary cross-entropy, "
           "derived on paper. Its 2-D hidden layer is a new space in "
           "which one straight line separates the classes: the test set plotted there with "
           "the logistic output's probability contours, compared with logistic regression on "
           "the raw pixels.",
           builds_on=(("01-perceptron", "the softmax output and its log-likelihood, here with two classes"),
                      ("03-annuli-classification", "hidden layers that make classes separable")),
           reading=(("Michael Nielsen, chapter 3: improving the way neural networks learn",
                     "http://neuralnetworksanddeeplearning.com/chap3.html",
                     "cross-entropy, overfitting and regularisation"),
                    ("Christopher Olah, Visualizing representations",
                     "https://colah.github.io/posts/2015-01-Visualizing-Representations/",
                     "what the hidden layers of MNIST networks look like"),
                    ("Dive into Deep Learning, multilayer perceptrons",
                     "https://d2l.ai/chapter_multilayer-perceptrons/mlp.html",
                     "hidden layers, activations and their training"))),
    Lesson("05-weight-visualisation", "What the weights look at", 75,
           "lessons 01 and 02",
           "what a trained network's weights encode, and how regularisation changes them",
           "The first-layer weights of a 784-H-10 MNIST network as images, each digit's output "
           "projected back to the pixels, input-gradient saliency, and how the strength of L2 "
           "regularisation changes both the pictures and the test accuracy; then a small, "
           "noisy training set that overfits, cured by early stopping and by L2 chosen with "
           "the one-standard-error rule, every run kept in a log; you write the L2 penalty "
           "and its gradient, and choose the settings of a run that beats both cures.",
           builds_on=(("01-perceptron", "weights seen as images, the softmax classifier on MNIST"),
                      ("02-backprop-math", "the backward pass, here taken down to the pixels")),
           reading=(("CS231n notes: visualizing what networks learn",
                     "https://cs231n.github.io/understanding-cnn/",
                     "weights, activations and saliency for convolutional networks"),
                    ("Simonyan, Vedaldi and Zisserman (2013), Deep inside convolutional networks",
                     "https://arxiv.org/abs/1312.6034", "saliency maps from the input gradient"),
                    ("Dive into Deep Learning, weight decay",
                     "https://d2l.ai/chapter_linear-regression/weight-decay.html",
                     "L2 regularisation as a penalty and as weight decay"),
                    ("Goodfellow, Bengio and Courville, Deep Learning, section 7.1",
                     "https://www.deeplearningbook.org/contents/regularization.html",
                     "why L2 shrinks the weights the data do not support"))),
    Lesson("06-adversarial-inputs", "Adversarial inputs", 60,
           "lessons 01 and 02",
           "the gradient that trains a network can also fool it, and what it takes",
           "The gradient of the loss with respect to the pixels: derived for the perceptron, "
           "computed for any network. Used to grow a class out of noise, to push real digits "
           "into chosen classes on the cross-entropy of the target (against a linear model "
           "the change draws the target), in the fast gradient sign method against the "
           "perceptron and a multi-layer network, and to measure how far an attack on one "
           "model carries over to the other.",
           builds_on=(("01-perceptron", "the softmax perceptron trained on MNIST"),
                      ("02-backprop-math", "the backward pass, here taken down to the pixels, and "
                       "why cross-entropy does not saturate")),
           reading=(("Goodfellow, Shlens and Szegedy (2015), Explaining and harnessing adversarial examples",
                     "https://arxiv.org/abs/1412.6572",
                     "the fast gradient sign method and why linear models fall"),
                    ("Szegedy et al. (2014), Intriguing properties of neural networks",
                     "https://arxiv.org/abs/1312.6199", "the paper that found adversarial examples"),
                    ("CS231n notes: adversarial examples and fooling linear classifiers",
                     "https://cs231n.github.io/understanding-cnn/",
                     "fooling ConvNets, and why a linear score is so easy to push"))),
]


def _link(lesson: Lesson, label: str) -> str:
    return f"[{label}: {lesson.number} {lesson.title}]({lesson.file})"


def navigation(i: int) -> str:
    """The navigation line of lesson ``i`` (an index into LESSONS)."""
    parts = []
    if i > 0:
        parts.append("&lt; " + _link(LESSONS[i - 1], "Previous"))
    parts.append(f"[Contents]({INDEX})")
    if i + 1 < len(LESSONS):
        parts.append(_link(LESSONS[i + 1], "Next") + " &gt;")
    return " | ".join(parts)


def _lesson(stem: str) -> Lesson:
    return next(lesson for lesson in LESSONS if lesson.stem == stem)


def lesson_path(i: int) -> str:
    """The cell under lesson ``i``'s title: what it builds on (linked), its time, its goal."""
    lesson = LESSONS[i]
    if lesson.builds_on:
        earlier = "; ".join(f"[lesson {_lesson(stem).number}, {_lesson(stem).title}]({_lesson(stem).file}) "
                            f"({what})" for stem, what in lesson.builds_on)
    else:
        earlier = f"{lesson.needs} (this is the first lesson)"
    return (f"> **Builds on:** {earlier}.  \n"
            f"> **Time:** about {lesson.minutes} minutes.  \n"
            f"> **You will learn:** {lesson.goal}.")


def where_next(i: int) -> str:
    """The cell before lesson ``i``'s last navigation line: the next lesson and further reading."""
    lesson = LESSONS[i]
    lines = ["## Where next", ""]
    if i + 1 < len(LESSONS):
        following = LESSONS[i + 1]
        lines.append(f"Next, [lesson {following.number}, {following.title}]({following.file}): "
                     f"{following.goal}.")
    else:
        lines.append(f"This is the last lesson; the [contents]({INDEX}) list them all.")
    if lesson.reading:
        lines += ["", "Further reading:", ""]
        lines += [f"* [{title}]({url}): {why}." for title, url, why in lesson.reading]
    return "\n".join(lines)


def lesson_list() -> str:
    """The index's list of lessons: links, time, prerequisites and one paragraph each."""
    blocks = ["## The lessons"]
    for lesson in LESSONS:
        blocks.append(f"### {lesson.number}. [{lesson.title}]({lesson.file})\n\n"
                      f"*About {lesson.minutes} minutes. Before it: {lesson.needs}.*\n\n"
                      f"{lesson.summary}")
    return "\n\n".join(blocks)


def readme_table(repository: str = REPOSITORY, branch: str | None = None) -> str:
    """The README's lessons table: link, goal, and a Binder and a Colab badge per lesson, both
    opening the notebooks of ``repository`` at ``branch`` (by default Binder follows the default
    branch, HEAD, and Colab, which needs a name, BRANCH)."""
    binder = binder_url(repository, branch or "HEAD")
    colab = colab_url(repository, branch or BRANCH)
    rows = ["| # | lesson | what you learn | open in |", "| --- | --- | --- | --- |"]
    for lesson in LESSONS:
        rows.append(f"| {lesson.number} | [{lesson.title}](notebooks/{lesson.file}) | "
                    f"{lesson.goal} | [![Binder]({BADGE})]({binder}{lesson.file}) "
                    f"[![Open in Colab]({COLAB_BADGE})]({colab}{lesson.file}) |")
    return "\n".join(rows)


def write_readme(path: Path) -> None:
    """Replace the README's text between the lessons-table markers with ``readme_table()``."""
    start, end = "<!-- lessons-table: generated by tools/course.py -->", "<!-- /lessons-table -->"
    text = path.read_text()
    before, rest = text.split(start)
    after = rest.split(end)[1]
    path.write_text(f"{before}{start}\n{readme_table()}\n{end}{after}")


def _tagged(cell: nbformat.NotebookNode, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def _markdown(source: str, tag: str, cell_id: str) -> nbformat.NotebookNode:
    # a fixed id, so that re-running this script changes nothing when the links are unchanged
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": [tag]}, id=cell_id)


def write_navigation(path: Path, i: int) -> None:
    """Replace (or add) the first and last cells of a lesson with its navigation line."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if not _tagged(c, "navigation")]
    nav = navigation(i)
    nb.cells = [_markdown(nav, "navigation", "nav-top"), *cells,
                _markdown(nav, "navigation", "nav-bottom")]
    nbformat.write(nb, path)


def write_path(path: Path, i: int) -> None:
    """Replace (or add) the lesson's path cell, just under its title (the first markdown cell
    that starts with '# '), and its where-next cell, just before the last navigation line."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if not (_tagged(c, "lesson-path") or _tagged(c, "where-next"))]
    title = next((j for j, c in enumerate(cells)
                  if c.cell_type == "markdown" and c.source.startswith("# ")), None)
    if title is None:
        raise ValueError(f"{path.name}: no title cell ('# ...') to put the lesson's path under")
    last = max(j for j, c in enumerate(cells) if not _tagged(c, "navigation")) + 1
    nb.cells = [*cells[:title + 1], _markdown(lesson_path(i), "lesson-path", "lesson-path"),
                *cells[title + 1:last], _markdown(where_next(i), "where-next", "where-next"),
                *cells[last:]]
    nbformat.write(nb, path)


def write_colab_cell(path: Path) -> None:
    """Put the Colab set-up cell just before the first other code cell of a lesson (kept as
    it is, outputs included, when its text is unchanged; replaced otherwise)."""
    nb = nbformat.read(path, as_version=4)
    old = [c for c in nb.cells if _tagged(c, "colab")]
    cells = [c for c in nb.cells if not _tagged(c, "colab")]
    if len(old) == 1 and old[0].source == COLAB_CELL:
        cell = old[0]
    else:
        cell = nbformat.v4.new_code_cell(COLAB_CELL, metadata={"tags": ["colab"]}, id="colab-setup")
    first = next((j for j, c in enumerate(cells) if c.cell_type == "code"), None)
    if first is None:
        raise ValueError(f"{path.name}: no code cell to put the Colab set-up cell before")
    nb.cells = [*cells[:first], cell, *cells[first:]]
    nbformat.write(nb, path)


def write_index(path: Path) -> None:
    """Replace the cell tagged ``lesson-list`` of the index with the list generated above."""
    nb = nbformat.read(path, as_version=4)
    for j, cell in enumerate(nb.cells):
        if _tagged(cell, "lesson-list"):
            nb.cells[j] = _markdown(lesson_list(), "lesson-list", "lesson-list")
            break
    else:
        raise ValueError(f"{path.name}: no cell tagged 'lesson-list' to replace")
    nbformat.write(nb, path)


def write_lessons(folder: Path) -> list[str]:
    """Navigation and Colab cell in every lesson of ``folder``; returns the lessons missing."""
    missing = [lesson.file for lesson in LESSONS if not (folder / lesson.file).exists()]
    for i, lesson in enumerate(LESSONS):
        if lesson.file not in missing:
            write_navigation(folder / lesson.file, i)
            write_path(folder / lesson.file, i)
            write_colab_cell(folder / lesson.file)
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", type=Path, help="rewrite the lessons in this folder only")
    parser.add_argument("--badges", nargs=2, metavar=("OWNER/REPO", "BRANCH"),
                        help="print the lessons table for another edition and change nothing")
    args = parser.parse_args()
    if args.badges:
        print(readme_table(*args.badges))
        return
    missing = write_lessons(args.notebooks or NOTEBOOKS)
    if not args.notebooks:
        write_index(NOTEBOOKS / INDEX)
        write_readme(ROOT / "README.md")
    if missing:
        sys.exit(f"lessons listed but missing: {', '.join(missing)}")


if __name__ == "__main__":
    main()
