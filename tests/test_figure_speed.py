"""Figure builders that skip plotly.py's validation (style.figure) build the same figure as
the validating constructor, without validating it.

Every slider move rebuilds the page's changed figures under the one interpreter lock all
students on a server share; validation was most of that work (README, "Deploying for a
class"). A misspelt property would no longer raise in the builder, so each figure is
checked here against a validated copy: same JSON, and validation accepts it.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

import plotly.io as pio

from rnnviz.measures import powers
from rnnviz.figures import compare, flow, gates, gradients, remedies, style
from rnnviz.figures import powers as powers_figs

RNG = np.random.default_rng(0)
X = np.arange(200)
SERIES = [{"name": f"run {i}", "y": RNG.random(200), **({"dash": "dash"} if i else {})}
          for i in range(4)]
PANELS = [("forget f", RNG.random((32, 200)), "gate"), ("cell g", RNG.random((32, 200)) * 2 - 1, "tanh"),
          ("state c", RNG.normal(size=(32, 200)), "state")]

W = RNG.normal(size=(16, 16)) / 3
HIST, NORMS = powers.histograms_and_norms(W, 80, 30, np.arange(1, 81))
EIG = powers.eigen(W)
with np.errstate(divide="ignore"):
    MAP = np.log10(np.tril(RNG.random((60, 60))))  # -inf above the diagonal: no path
MAP[5, 2] = np.nan
PATH = np.c_[np.linspace(4.5, 9.0, 12), np.linspace(-2.5, 1.0, 12)]  # leaves the grid

BUILDERS = {
    "lines": lambda: gates.lines(X, SERIES, title="t", x_title="x", y_title="y", hline=0.5,
                                 legend_below=True, y_range=[0, 1]),
    "gate_mean_panels": lambda: gates.gate_mean_panels(
        X, {"f": SERIES[:2], "i": SERIES[2:]}, title="t", x_title="x", y_title="y"),
    "gate_heatmaps": lambda: gates.gate_heatmaps(X, np.arange(32), PANELS),
    "gate_heatmap_columns": lambda: gates.gate_heatmap_columns(
        X, np.arange(32), [("A", PANELS), ("B", PANELS)]),
    "curves_figure": lambda: flow.curves_figure(
        X, {"full": RNG.random(200), "cut": np.r_[RNG.random(199), np.inf]}, title="t",
        x_title="x", y_title="y", vline=40, vline_text="now", dashes=["solid", "dash"]),
    "curves_figure_log": lambda: flow.curves_figure(X, {"a": RNG.random(200) - 0.5}, title="t",
                                                    x_title="x", y_title="y", log_y=True),
    "entries_histogram_figure": lambda: powers_figs.entries_histogram_figure(
        powers.histograms_and_norms(RNG.normal(size=(16, 16)) / 4, 80, 30, np.arange(1, 81))[0],
        radius=1.2),
    # apply_style sets the template unvalidated
    "clipping_figure": lambda: remedies.clipping_figure([3.0, 1.0], [1.0, 1.0], [0.95, 0.32], 1.0),
    # issue 11: the builders below were written with go.Scatter/make_subplots/update_*/add_hline
    # (10-60 ms each per slider move); the same figures as plain dicts (style.styled, style.grid)
    "eigenvalues_figure": lambda: powers_figs.eigenvalues_figure(EIG),
    "norms_figure": lambda: powers_figs.norms_figure(NORMS, EIG.radius, EIG.sigma_max, hist=HIST),
    "diagonal_figure": lambda: powers_figs.diagonal_figure(
        powers.diagonal_powers(np.linspace(-1.2, 0.9, 16), 80)),
    "gradient_norm_figure": lambda: gradients.gradient_norm_figure(
        np.r_[-np.inf, RNG.normal(size=39)], log10_bound=RNG.normal(size=40)),
    "step_terms_figure": lambda: gradients.step_terms_figure(RNG.normal(size=10), late_from=8),
    "time_heatmaps": lambda: gradients.time_heatmaps(
        [gradients.Panel(RNG.normal(size=(8, 30)), "a", "z"),
         gradients.Panel(RNG.random((8, 30)), "b", "|z|", signed=False, zmin=0.0)],
        np.arange(30), np.arange(8)),
    "norm_curves_figure": lambda: compare.norm_curves_figure(
        [{"name": "rnn", "y": -np.arange(50) / 10, "below": 30},
         {"name": "lstm", "y": np.r_[RNG.normal(size=49), -np.inf], "dash": "dash"}],
        threshold=-3.0),
    "family_bars_figure": lambda: compare.family_bars_figure(
        ["rnn", "lstm", "gru"], ["RNN (tanh)", "LSTM", "GRU"],
        [("params", [10, 40, 30], "{:,.0f}"), ("ms", [1.5, np.nan, 2.5], "{:.1f}")], title="t"),
    "flow_maps_figure": lambda: flow.flow_maps_figure([MAP, MAP.T], ["fwd", "bwd"],
                                                      max_cells=25),
    "truncated_map_figure": lambda: flow.truncated_map_figure(
        MAP, window=10, mode="detach", loss_rows=[59]),
    "angle_sweep_figure": lambda: remedies.angle_sweep_figure(
        np.arange(0, 361, 5), RNG.random(73) * 40, marker=45.0),
    "cliff_figure": lambda: remedies.cliff_figure(
        np.linspace(3, 6, 20), np.linspace(-3, 0, 15), RNG.random((15, 20)),
        [("plain", PATH), ("clipped", PATH[:4])]),
    "loss_figure": lambda: remedies.loss_figure({"a": RNG.random(50)}, 0.25, x_max=100),
    "grad_norm_figure": lambda: remedies.grad_norm_figure({"a": np.r_[0.0, RNG.random(20)]}),
}
DICT_BUILT = ["lines", "gate_mean_panels", "gate_heatmaps", "gate_heatmap_columns", "curves_figure",
              "curves_figure_log", "entries_histogram_figure", "eigenvalues_figure",
              "norms_figure", "diagonal_figure", "gradient_norm_figure", "step_terms_figure",
              "time_heatmaps", "norm_curves_figure", "family_bars_figure", "flow_maps_figure",
              "truncated_map_figure", "angle_sweep_figure", "cliff_figure", "loss_figure",
              "grad_norm_figure"]


def _validated(fig: go.Figure) -> go.Figure:
    return go.Figure(fig.to_dict())  # raises on a property plotly does not know


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_figure_as_validated(name):
    fig = BUILDERS[name]()
    assert json.loads(fig.to_json()) == json.loads(_validated(fig).to_json())
    layout = fig.layout.to_plotly_json()
    layout.pop("updatemenus", None)  # [None, …] in an animate button's args is plotly's "all frames"
    assert "null" not in json.dumps(layout, default=str)


@pytest.mark.parametrize("name", DICT_BUILT)
def test_built_without_validation(name):
    """The speed-up is skipping validation (measured in README, "Deploying for a class"; speed
    itself belongs in benchmarks, not in a timed unit test): a builder that goes back to the
    validating constructor fails here."""
    assert BUILDERS[name]()._validate is False, name


def test_apply_style_template_unvalidated_but_the_same():
    fig = style.apply_style(go.Figure(go.Scatter(y=[1, 2])), title="t", x_title="x", height=300)
    assert fig.layout.template.to_plotly_json() == style.TEMPLATE.to_plotly_json()
    assert fig.layout._validate  # switched back on for whatever the builder sets next
    with pytest.raises(ValueError):
        fig.update_layout(not_a_property=1)


def test_histogram_frames_unvalidated_and_kept():
    fig = BUILDERS["entries_histogram_figure"]()
    assert len(fig.frames) == 60 and all(f._validate is False for f in fig.frames)
    assert fig.to_dict()["frames"][5]["name"] == fig.layout.sliders[0].steps[5].label


def test_figure_drops_none_like_plotly():
    fig = style.figure([{"type": "scatter", "y": [1, 2], "line": {"dash": None}}],
                       {"title": {"text": "t"}, "legend": None})
    assert fig.to_dict()["data"][0]["line"] == {}
    assert "legend" not in fig.to_dict()["layout"]


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figure_json_is_plotlys_text(name):
    """pages/chart.py sends style.figure_json(fig): the very text plotly.io.to_json makes
    (typed arrays, frames, escapes), without its deep copy of the figure."""
    fig = BUILDERS[name]()
    assert style.figure_json(fig) == pio.to_json(fig, validate=False)


def test_figure_json_arrays_and_scalars_as_plotly_writes_them():
    fig = style.figure(
        [{"type": "heatmap", "z": np.arange(6, dtype=np.float64).reshape(2, 3)[:, ::-1],  # 2-D, strided
          "x": np.arange(3), "y": np.array([2**40, 1]),  # int64 narrowed; too big for int32: a list
          "customdata": np.array([], dtype=np.float32), "text": np.array(["a</b>", "b"]),
          "zmin": np.float64(0.5), "zmax": np.int32(7), "name": "<b>&\u2028"}],
        {"title": {"text": "a/b <i>x</i>"}, "xaxis": {"range": [np.float32(0.1), 2]},
         "yaxis": {"range": np.array([0.0, 1.0])}})  # plotly.py: an array range as a list
    assert style.figure_json(fig) == pio.to_json(fig, validate=False)
