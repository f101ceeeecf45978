"""A figure as plotly.js can redraw it once: ``react_ready(fig)``.

Why this exists. Streamlit (1.67) mounts a new chart whenever a figure changes: plotly.js
draws it, then the chart hands ``Plotly.react`` a JSON copy of the same figure. plotly.js
decides whether that copy needs a redraw by comparing it with what it drew, and two
things in our figures always looked new, so every changed chart was drawn twice:

- ``layout.template`` is compared as one object, by identity, and a copy never is the
  same object. ``react_ready`` merges the template into the figure the way plotly.js
  applies it and sends no template.
- 1-D arrays. plotly.py sends numpy arrays as ``{dtype, bdata}``; plotly.js decodes a 1-D
  one to a typed array (``Float32Array``), and its diff only skips unchanged *Arrays*
  (``Array.isArray``), so a typed array is new every time. ``react_ready`` sends 1-D
  arrays as JSON lists: float32 values as the shortest decimals that round to the same
  float32 (what ``f32`` promised: no more precision than float32). 2-D arrays (heatmap
  z) decode to a plain Array of rows, which the diff skips; they stay binary.

``layout.datarevision`` is a digest of every array (data and layout), so plotly.js knows
an array copy holds the same numbers, and a real change of one is still seen as one.

Nothing here draws or needs Streamlit; a notebook user gets the same picture from the
original figure and from this dict.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

# layout keys whose template entry applies to every subplot of that kind (xaxis → xaxis2 …)
_SUBPLOT_BASES = ("xaxis", "yaxis", "coloraxis", "polar", "ternary", "scene", "geo", "mapbox",
                  "map", "smith")
_NUMBERED = re.compile(r"^([a-z]+?)(\d*)$")
# list-valued layout items and the template key that holds their defaults
_ITEM_DEFAULTS = {"annotations": "annotationdefaults", "shapes": "shapedefaults",
                  "images": "imagedefaults", "sliders": "sliderdefaults",
                  "updatemenus": "updatemenudefaults", "selections": "selectiondefaults"}
# traces drawn on x/y axes (the others — pie, polar, 3-D … — have none)
_CARTESIAN = {"scatter", "scattergl", "bar", "heatmap", "histogram", "histogram2d",
              "histogram2dcontour", "contour", "box", "violin", "image", "candlestick", "ohlc",
              "funnel", "waterfall", "splom", "scattercarpet", "carpet", "contourcarpet"}


def react_ready(fig: go.Figure) -> dict[str, Any]:
    """``fig`` as a plain dict (data, layout, frames): template merged in, 1-D arrays as
    lists, ``layout.datarevision`` set. Pass it to ``st.plotly_chart`` with
    ``plotly.io.templates.default = None`` (else plotly.py adds its default template back)."""
    layout = fig.layout.to_plotly_json()  # copies, numpy arrays as they are
    template = _as_dict(layout.pop("template", None))
    data = [_trace_dict(t) for t in fig.data]
    if template:
        data = _merge_data_template(data, template.get("data") or {})
        layout = _merge_layout_template(layout, template.get("layout") or {}, data)
    digest = hashlib.blake2b(digest_size=8)
    data = [_plain(t, digest) for t in data]
    layout = _plain(layout, digest)  # its arrays too (tick values …): the revision covers them
    layout["datarevision"] = digest.hexdigest()
    out: dict[str, Any] = {"data": data, "layout": layout}
    if fig.frames:
        out["frames"] = [_plain(_as_dict(f), None) for f in fig.frames]
    return out


# ------------------------------------------------------------------------------ template
def _as_dict(obj: Any) -> dict:
    """A plotly object as the plain nested dicts it holds (a copy; numpy arrays as they are)."""
    if obj is None:
        return {}
    return obj.to_plotly_json() if hasattr(obj, "to_plotly_json") else obj


def _trace_dict(trace: Any) -> dict:
    d = _as_dict(trace)
    d.setdefault("type", "scatter")
    return d


def _under(template: Any, own: Any) -> Any:
    """``own`` with ``template`` filling what it leaves unset (dicts merge key by key;
    anything else — numbers, strings, lists — is taken whole from ``own`` when it has it)."""
    if own is None:
        return copy.deepcopy(template)
    if isinstance(template, Mapping) and isinstance(own, Mapping):
        out = {k: copy.deepcopy(v) for k, v in template.items() if k not in own}
        for k, v in own.items():
            out[k] = _under(template[k], v) if k in template else v
        return out
    return own


def _merge_data_template(data: list[dict], by_type: Mapping[str, Any]) -> list[dict]:
    """Trace templates apply by type, the i-th trace of a type taking item i mod n."""
    seen: dict[str, int] = {}
    out = []
    for trace in data:
        kind = trace.get("type", "scatter")
        items = [_as_dict(x) for x in by_type.get(kind) or ()]
        i = seen.get(kind, 0)
        seen[kind] = i + 1
        if items:
            item = {k: v for k, v in items[i % len(items)].items() if k != "type"}
            trace = _under(item, trace)
        out.append(trace)
    return out


def _merge_layout_template(layout: dict, tpl: Mapping[str, Any], data: list[dict]) -> dict:
    """Layout template, as plotly.js applies it: a subplot's entry is the template's own
    (``xaxis2``) or else its kind's (``xaxis``), for every subplot the figure has — listed in
    the layout or only named by a trace; a ``*defaults`` entry fills every item of its list
    (annotations, shapes, …); any other entry fills the layout's own."""
    out = dict(layout)
    names: dict[str, set[str]] = {b: set() for b in _SUBPLOT_BASES}
    for key in layout:
        m = _NUMBERED.match(key)
        if m and m.group(1) in names:
            names[m.group(1)].add(key)
    for trace in data:
        if trace.get("type", "scatter") in _CARTESIAN:
            for letter in ("x", "y"):
                names[letter + "axis"].add(_axis_name(trace.get(letter + "axis") or letter))
        for ref in (trace.get("coloraxis"), (trace.get("marker") or {}).get("coloraxis")):
            if isinstance(ref, str) and ref.startswith("coloraxis"):
                names["coloraxis"].add(ref)
    item_keys = {v: k for k, v in _ITEM_DEFAULTS.items()}
    no_grid = _position_axes(data)
    for base, found in names.items():
        for name in found:
            part = tpl.get(name) or tpl.get(base)
            if part:
                part = _as_dict(part)
                merged = _under(part, out.get(name))
                if base in ("xaxis", "yaxis"):
                    _keep_switches(merged, _as_dict(out.get(name)), part, name not in no_grid)
                out[name] = merged
    for key, value in tpl.items():
        m = _NUMBERED.match(key)
        if m and m.group(1) in names:
            continue  # done above, for the subplots the figure has
        if key in item_keys:
            items = out.get(item_keys[key])
            if items:
                out[item_keys[key]] = [_under(_as_dict(value), _as_dict(it)) for it in items]
        else:
            out[key] = _under(_as_dict(value), out.get(key))
    return out


# Cartesian axis switches whose default plotly.js takes from whether the *figure* sets one of
# their styles (Lib.coerce2: a template value does not count): a template gridcolor leaves
# showgrid at its default, the same gridcolor written into the axis turns the grid on.
_SWITCHES = (("showgrid", ("gridcolor", "gridwidth", "griddash"), True),
             ("zeroline", ("zerolinecolor", "zerolinewidth"), True),
             ("showline", ("linecolor", "linewidth"), False))
# trace types with an orientation: the axis their bars stand on has no grid by default
_ORIENTED = {"bar", "histogram", "box", "violin", "funnel", "waterfall"}


def _keep_switches(merged: dict, own: dict, part: dict, grid_default: bool) -> None:
    """Write out the switches the template's styles would otherwise turn on: each gets the
    value plotly.js gives it for the original figure (its default for this axis, or on when
    the figure itself sets one of its styles)."""
    for switch, styles, on_by_default in _SWITCHES:
        if switch in own or switch in part:
            continue
        if any(k in part and k not in own for k in styles):
            merged[switch] = bool((on_by_default and grid_default) or any(k in own for k in styles))


def _position_axes(data: list[dict]) -> set[str]:
    """The axes that oriented traces (bars, boxes …) stand on: no grid by default there."""
    out = set()
    for t in data:
        kind = t.get("type", "scatter")
        if kind not in _ORIENTED:
            continue
        orient = t.get("orientation")
        if orient is None:  # plotly.js: bars lie down when only x is given, histograms when only y
            has_x, has_y = t.get("x") is not None, t.get("y") is not None
            orient = "h" if (has_x and not has_y if kind != "histogram" else has_y and not has_x) else "v"
        letter = "x" if orient == "v" else "y"
        out.add(_axis_name(t.get(letter + "axis") or letter))
    return out


def _axis_name(ref: str) -> str:
    """Trace axis reference → layout key: "x" → "xaxis", "y3" → "yaxis3"."""
    return ref[0] + "axis" + ref[1:]


# ------------------------------------------------------------------------------- arrays
def _plain(obj: Any, digest: Any) -> Any:
    """Copy of ``obj`` with 1-D numpy arrays as lists; every array also fed to ``digest``."""
    if isinstance(obj, np.ndarray):
        if digest is not None:
            digest.update(str((obj.dtype.str, obj.shape)).encode())
            digest.update(np.ascontiguousarray(obj).tobytes())
        return _short_list(obj) if obj.ndim == 1 else obj
    if isinstance(obj, Mapping):
        return {k: _plain(v, digest) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if digest is not None and obj and not isinstance(obj[0], (Mapping, list, tuple)):
            digest.update(repr(obj).encode())
        return [_plain(v, digest) for v in obj]
    return obj


def _short_list(a: np.ndarray) -> list:
    """A 1-D array as a list; float32 values as their shortest decimal (0.1, not
    0.10000000149011612), NaN/±inf as None (a gap for plotly.js)."""
    if a.dtype.kind != "f":
        return a.tolist()
    finite = np.isfinite(a)
    if a.dtype == np.float32:
        # numpy prints a float32 as the shortest decimal that reads back as the same float32
        vals = np.where(finite, a, 0).astype(str).astype(np.float64)
    else:
        vals = a.astype(np.float64)
    out = vals.tolist()
    if not finite.all():
        for i in np.flatnonzero(~finite):
            out[i] = None
    return out
