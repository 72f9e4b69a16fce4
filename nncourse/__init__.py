"""nncourse: the scaffolding of the course, beside the library it teaches.

``nnlib`` is the library a student builds and keeps: layers, losses, the training loop. This
package holds what the lessons need around it, one module per idea:

    datasets    MNIST (shipped in ``datafiles/mnist``, checked against its checksums) and the
                8x8 digits; pixels scaled to [0, 1]
    plotting    the figures the lessons draw again and again (plotstyle: the course's look,
                colour-blind-safe class colours and markers; imageplots: images and weights)
    diagrams    networks and the chain rule, drawn by matplotlib
    exercises   the self-checks of the exercises: a small framework, and one module of checks
                per lesson
    perceptron  lesson 01: the softmax perceptron written out by hand
    backprop    lesson 02: the whole-network gradient check
    annuli      lesson 03: the rings, their Bayes rate, the 2-H-3 network and its playground
    embedding   lesson 04: a network cut at its 2-D embedding
    weights     lesson 05: weights as images, backward projection, saliency, L2
    adversarial lesson 06: input gradients, targeted attacks, FGSM
    widgets     the interactive explorers (ipywidgets) over the functions above

It needs matplotlib, pandas, scikit-learn and ipywidgets: the ``course`` extra, which also
declares seaborn, though nothing imports it any more (plotstyle writes its style out).
"""
