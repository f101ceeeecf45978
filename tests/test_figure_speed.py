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

from rnnviz.measures import powers
from rnnviz.figures import flow, gates, remedies, style
from rnnviz.figures import powers as powers_figs

RNG = np.random.default_rng(0)
X = np.arange(200)
SERIES = [{"name": f"run {i}", "y": RNG.random(200), **({"dash": "dash"} if i else {})}
          for i in range(4)]
PANELS = [("forget f", RNG.random((32, 200)), "gate"), ("cell g", RNG.random((32, 200)) * 2 - 1, "tanh"),
          ("state c", RNG.normal(size=(32, 200)), "state")]

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
}


def _validated(fig: go.Figure) -> go.Figure:
    return go.Figure(fig.to_dict())  # raises on a property plotly does not know


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_same_figure_as_validated(name):
    fig = BUILDERS[name]()
    assert json.loads(fig.to_json()) == json.loads(_validated(fig).to_json())
    layout = fig.layout.to_plotly_json()
    layout.pop("updatemenus", None)  # [None, …] in an animate button's args is plotly's "all frames"
    assert "null" not in json.dumps(layout, default=str)


@pytest.mark.parametrize("name", ["lines", "gate_mean_panels", "gate_heatmaps", "gate_heatmap_columns",
                                  "curves_figure", "curves_figure_log", "entries_histogram_figure"])
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
