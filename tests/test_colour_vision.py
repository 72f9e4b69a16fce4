"""The class colours stay apart for colour-blind readers: measured, not judged by eye.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira and Fernandes
(2009, IEEE TVCG 15(6)), severity 1 (dichromacy, the strongest form), applied to linear sRGB.
Colours are compared by the CIEDE2000 difference in CIELAB (D65), checked below against the
published test data of Sharma, Wu and Dalal (2005).

The threshold: Delta E00 = 1 is about the smallest difference visible between two large patches
side by side. Scatter-plot markers are small, and the difference needed to tell small marks
apart grows steeply as they shrink (Stone, Szafir and Setlur 2014; Szafir 2018), on top of a
projector's washed-out colours. We ask for 15 between any two classes and between a point and
anything it is drawn on, under normal vision and each simulated deficiency: far beyond "just
visible". The palette the issue rejects fails it: tab10's orange and green are 14.5 apart under
deuteranopia and 1.3 under protanopia.
"""

import itertools

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb

from nncourse import plotting

MACHADO = {  # linear sRGB -> linear sRGB as seen with the deficiency (severity 1)
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
VISIONS = ["normal", *MACHADO]
THRESHOLD = 15.0


def to_linear(rgb):
    rgb = np.asarray(rgb, dtype=np.float64)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def simulate(rgb, vision):
    """sRGB (..., 3) in [0, 1] as seen with ``vision``, back in sRGB."""
    if vision == "normal":
        return np.asarray(rgb, dtype=np.float64)
    linear = np.clip(to_linear(rgb) @ np.array(MACHADO[vision]).T, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def lab(rgb):
    """sRGB (..., 3) -> CIELAB (..., 3), D65 white."""
    to_xyz = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
    t = to_linear(rgb) @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e_2000(lab1, lab2):
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005, equations 1-17), broadcasting."""
    (L1, a1, b1), (L2, a2, b2) = np.moveaxis(np.asarray(lab1, float), -1, 0), \
        np.moveaxis(np.asarray(lab2, float), -1, 0)
    c7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c7 / (c7 + 25.0 ** 7)))
    c1, c2 = np.hypot((1 + g) * a1, b1), np.hypot((1 + g) * a2, b2)
    h1 = np.degrees(np.arctan2(b1, (1 + g) * a1)) % 360
    h2 = np.degrees(np.arctan2(b2, (1 + g) * a2)) % 360
    dh = (h2 - h1 + 180) % 360 - 180  # the hue difference, in (-180, 180]
    dh = np.where(h2 - h1 == 180, 180, dh) * (c1 * c2 != 0)
    dH = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    hm = (h1 + h2) / 2 + np.where(np.abs(h1 - h2) > 180, np.where(h1 + h2 < 360, 180, -180), 0)
    hm = np.where(c1 * c2 == 0, h1 + h2, hm)
    T = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    dL2, cm7 = ((L1 + L2) / 2 - 50) ** 2, ((c1 + c2) / 2) ** 7
    sl, sc, sh = 1 + 0.015 * dL2 / np.sqrt(20 + dL2), 1 + 0.045 * (c1 + c2) / 2, \
        1 + 0.015 * (c1 + c2) / 2 * T
    rt = -2 * np.sqrt(cm7 / (cm7 + 25.0 ** 7)) * np.sin(np.radians(60 * np.exp(-((hm - 275) / 25) ** 2)))
    dC = c2 - c1
    return np.sqrt(((L2 - L1) / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * dC / sc * dH / sh)


def min_difference(a, b, vision):
    """The smallest CIEDE2000 difference between a colour of ``a`` and one of ``b`` (RGB rows)."""
    la, lb = lab(simulate(a, vision)), lab(simulate(b, vision))
    return float(delta_e_2000(la[:, None], lb[None, :]).min())


def pair_differences(colours, vision):
    """{(i, j): Delta E00} for every pair of distinct colours i < j."""
    la = lab(simulate(colours, vision))
    return {(i, j): float(delta_e_2000(la[i], la[j]))
            for i, j in itertools.combinations(range(len(colours)), 2)}


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [  # Sharma, Wu and Dalal (2005), table 1
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 2.49, -0.001), (50, -2.49, 0.0011), 7.2195),
    ((50, -0.001, 2.49), (50, 0.0009, -2.49), 4.8045),
    ((50, 2.5, 0), (50, 0, -2.5), 4.3065),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((50, 2.5, 0), (56, -27, -3), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_delta_e_2000_reproduces_the_published_test_data(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_keeps_greys_and_merges_red_with_green():
    greys = np.linspace(0, 1, 5)[:, None] * np.ones(3)
    for vision in MACHADO:
        assert np.allclose(simulate(greys, vision), greys, atol=2e-3)  # each row sums to 1
    red, green = np.array([to_rgb("#d62728"), to_rgb("#2ca02c")])
    normal = pair_differences([red, green], "normal")[0, 1]
    assert pair_differences([red, green], "deuteranopia")[0, 1] < normal / 3


def test_the_check_rejects_tab10s_orange_and_green():
    orange_green = np.array([to_rgb("tab:orange"), to_rgb("tab:green")])
    assert pair_differences(orange_green, "normal")[0, 1] > THRESHOLD
    assert min(pair_differences(orange_green, v)[0, 1] for v in MACHADO) < THRESHOLD


@pytest.mark.parametrize("vision", VISIONS)
def test_every_pair_of_class_colours_stays_apart(vision):
    differences = pair_differences(plotting.CLASS_COLOURS, vision)
    assert min(differences.values()) >= THRESHOLD, differences


def drawn_colours(vision):
    """The class colours of the points and the colours of every fill they are drawn on, read back
    from drawn figures: decision regions, probability contours, the white axes."""
    X = np.array([[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 2, 1])
    ax = plotting.plot_decision_regions(lambda p: (p[:, 0] > -0.5).astype(int) + (p[:, 0] > 0.5),
                                        X, y, resolution=30)
    ax2 = plotting.plot_probability_contours(lambda p: 1 / (1 + np.exp(-3 * p[:, 0])), X, y % 2,
                                             resolution=30)
    for a in (ax, ax2):
        a.figure.canvas.draw()
    points = np.concatenate([c.get_facecolor()[:, :3] for a in (ax, ax2) for c in a.collections
                             if isinstance(c, PathCollection)])
    fills = np.concatenate([ax.collections[0].get_facecolor()[:, :3],
                            ax2.collections[0].get_facecolor()[:, :3], [to_rgb(ax.get_facecolor())]])
    return np.unique(points, axis=0), np.unique(fills, axis=0)


@pytest.mark.parametrize("vision", VISIONS)
def test_points_stand_out_from_what_they_are_drawn_on(vision):
    points, fills = drawn_colours(vision)
    assert len(points) == 3 and len(fills) >= 3 + 10
    assert min_difference(points, fills, vision) >= THRESHOLD
    edge = np.array([to_rgb(plotting.EDGE_COLOUR)])
    assert min_difference(edge, fills, vision) >= THRESHOLD
