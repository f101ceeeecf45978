"""Issue 10, "Teaching truth": every computable sentence a lesson says, checked against the
library that draws it. Each test here fails on the text or code the issue found wrong.

Presets: each sets every control of its page (so its description holds whatever was set
before), its label fits a sidebar button, and its description's numbers are what the page
computes for it.
"""

import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from tests.apptest_util import assert_ok, click, run_page, run_script, set_widget, widget
from tests.page_tables import LESSON_PAGES, ROOT, tables

import rnnviz
from pages import numtext
from rnnviz import train
from rnnviz.measures import cliff
from rnnviz.measures import flow
from rnnviz.lessons import bptt as lesson_bptt
from rnnviz.lessons import compare as lc
from rnnviz.lessons import gates as lg
from rnnviz.measures.clipping import (clip_by_norm, clip_by_value, direction_change, heavy_tailed_gradient,
                             value_clip_report)

SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
LABEL_CHARS = 12  # measured: 12 characters are ≤ 74 px in a 110-px preset button (two per row)


def pow10(exponent: float) -> str:
    return "10" + str(round(exponent)).translate(SUP)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


# ------------------------------------------------------------------ presets, every page
@pytest.mark.parametrize("page", LESSON_PAGES)
def test_every_preset_sets_every_control_and_its_label_fits(page):
    t = tables(page)
    keys = {c.key for c in t.CONTROLS}
    for name, values in t.PRESETS.items():
        assert set(values) == keys, (page, name, keys - set(values))
        label = t.TEXT[f"preset_{name}"]
        assert len(label) <= LABEL_CHARS, (page, name, label)


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_no_second_symbol_for_the_largest_singular_value(page):
    """One symbol per quantity: ‖W_hh‖₂ (σ is the activation, λᵢ the eigenvalues)."""
    source = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    for old in ("σ_max", "λ₁", "σ₁", r"\sigma_{\max}", r"\lambda_1 \gamma", r"\lambda_1 = "):
        assert old not in source, (page, old)


def test_non_normal_is_defined_where_it_first_appears():
    """The BPTT page (first lesson) and the Powers page say what non-normal means."""
    for page in ("bptt", "powers"):
        text = " ".join(tables(page).TEXT.values())
        assert "W_hh W_hhᵀ ≠ W_hhᵀ W_hh" in text, page
    from pages.lessons import LESSONS
    teaser = next(x.teaser for x in LESSONS if x.file == "pages/powers.py")
    assert "non-normal" not in teaser or "orthogonal" in teaser


# ------------------------------------------------------------------ 1 · BPTT presets
def bptt_preset(name):
    p = tables("bptt").PRESETS[name]
    return lesson_bptt.compute(p["T"], p["H"], p["act"], p["init"], p["scale"], p["by"], p["xs"],
                               p["loss"], p["seed"], p["out"])


def test_bptt_vanishing_preset_says_what_its_numbers_say():
    """Item 5: σ′ < 1 compounding, not saturation, takes the gradient to 10⁻⁴⁴."""
    r = bptt_preset("vanish_tanh")
    text = tables("bptt").TEXT["presets_help"]
    assert r.verdict == "vanished" and pow10(r.exponent) == "10⁻⁴⁴"
    assert r.spectrum.rate == pytest.approx(1.0)  # ‖W_hh‖₂γ = 1: a flat bound
    assert f"after {r.n - 1} steps back the gradient is 10⁻⁴⁴" in text
    assert f"median σ′ {r.dact_median:.2f}" in text and r.dact_median > 0.5
    assert f"{r.dact_saturated:.0%}".replace("%", " %") + " below 0.1" in text
    assert r.dact_saturated < 0.1  # few saturate: the old "saturation stops the gradient" was wrong
    assert "saturation stops" not in text


def test_bptt_other_presets_match_their_verdicts():
    text = tables("bptt").TEXT["presets_help"]
    r = bptt_preset("explode_relu")
    assert r.verdict == "exploded" and f"is {pow10(r.exponent)} times larger" in text
    r = bptt_preset("orthogonal_linear")
    assert r.verdict == "kept" and abs(r.exponent) < 1e-6 and f"over {r.T} steps" in text


def test_bptt_non_normal_preset_matches_the_verdict():
    """Item 6: at T = 600 the gradient has not decayed: 10⁴ at step 0, exploded."""
    r = bptt_preset("non_normal")
    text = tables("bptt").TEXT["presets_help"]
    assert r.verdict == "exploded"
    assert f"{pow10(r.exponent)} times larger: exploded" in text
    l = r.log10_norm_h
    peak = int(np.argmax(l))
    assert f"grows {pow10(l[peak] - l[-1])}-fold over {r.n - 1 - peak} steps" in text
    assert f"ρ = {r.spectrum.rho:.1f} < 1 but ‖W_hh‖₂ = {r.spectrum.sigma_max:.1f}" in text
    assert f"T = {r.T}" in text


def test_bptt_irnn_preset_says_what_its_numbers_say():
    """Issue 15: ReLU with W_hh = I keeps the gradient exactly on units that stay on, and
    cuts it exactly where a unit was off once; a scale of 1.02 explodes."""
    r = bptt_preset("irnn")
    text = tables("bptt").TEXT["presets_help"]
    l = r.log10_norm_h
    first = int(np.argmax(np.isfinite(l)))  # before it, the gradient is exactly zero
    assert r.verdict == "zero" and first > 0 and np.all(np.isneginf(l[:first]))
    assert f"before step {first} every unit has been off once" in text
    assert f"for {r.n - 1 - first} steps back it keeps {10 ** l[first:].min():.2f} or more" in text
    p = dict(tables("bptt").PRESETS["irnn"], scale=1.02)
    big = lesson_bptt.compute(p["T"], p["H"], p["act"], p["init"], p["scale"], p["by"], p["xs"],
                              p["loss"], p["seed"], p["out"])
    assert big.verdict == "exploded"
    assert f"explodes, {10 ** big.exponent:.0f}-fold over {big.n - 1} steps" in text


def test_bptt_page_shows_median_and_saturated_share():
    at = click(run_page("pages/bptt.py"), "_ui.bptt.preset.vanish_tanh")
    assert_ok(at)
    r = bptt_preset("vanish_tanh")
    m = metrics(at)
    assert m["Median σ′(h*)"] == f"{r.dact_median:.2f}" == "0.76"
    assert m["σ′ < γ/10: saturated or off"] == f"{r.dact_saturated:.0%}" == "7%"
    assert m["Bound per step ‖W_hh‖₂γ"] == "1"
    assert any("10⁻⁴⁴" in x.value and "vanished" in x.value for x in at.markdown)


def test_bptt_preset_holds_whatever_was_set_before():
    at = run_page("pages/bptt.py", {"xs": "5", "seed": "7", "H": "200"})
    at = click(at, "_ui.bptt.preset.vanish_tanh")
    assert_ok(at)
    assert metrics(at)["Median σ′(h*)"] == "0.76"


# ------------------------------------------------------------------ 2 · Powers default
def test_powers_default_shows_the_drift():
    """The source's experiment is visible without a preset: ρ = 0.9, the entries drift to 0."""
    at = run_page("pages/powers.py")
    assert_ok(at)
    m = metrics(at)
    assert m["Spectral radius ρ"] == "0.900"
    assert float(m["log₁₀ ‖Wᴺ‖₂"]) < -5


def test_powers_look_text_drift_numbers():
    """"over 200 powers the median entry falls about nine decades (ρ = 0.9) or rises about
    eight (ρ = 1.1)", and log₁₀ρ per power."""
    from rnnviz.core.weights import init_W_hh, rescale
    text = tables("powers").TEXT["look"]
    for rho, word, per in ((0.9, "nine", "−0.046"), (1.1, "eight", "+0.041")):
        assert f"{per} for ρ = {rho}" in text and f"{math.log10(rho):+.3f}".replace("-", "−") == per
        W = rescale(init_W_hh("gaussian", 64, np.random.default_rng(0)), rho, "radius")
        med = lambda M: np.median(np.log10(np.abs(M)))  # noqa: E731
        drift = med(np.linalg.matrix_power(W, 200)) - med(W)
        assert {"nine": -9, "eight": 8}[word] == pytest.approx(drift, abs=1.0), drift


def test_powers_inactive_controls_are_disabled():
    at = run_page("pages/powers.py", {"by": "none", "init": "identity"})
    assert_ok(at)
    assert widget(at, "scale").disabled and widget(at, "seed").disabled
    assert not widget(at, "N").disabled
    at = set_widget(at, "by", "radius")
    assert not widget(at, "scale").disabled and widget(at, "seed").disabled
    at = set_widget(at, "init", "gaussian")
    assert not widget(at, "seed").disabled


# ------------------------------------------------------------------ 3 · Compare: the band
def test_band_counts_vanishing_and_exploding_apart():
    l = np.array([5.0, 3.0, 2.0, 1.0, 0.0])  # going back it grows: explodes past 1/θ = 10³
    assert lc.band_reach(l, -3) == (3, "exploded") and lc.first_outside(l, -3) == 0
    assert lc.span_above(l, -3) == 4  # the old count: "reaches all the way back"
    assert lc.band_reach(-l, -3) == (3, "vanished")
    assert lc.band_reach(np.array([9.0, 4.0, 0.0]), -3) == (0, "exploded")
    assert lc.band_reach(np.zeros(5), -3) == (4, "kept") and lc.first_outside(np.zeros(5), -3) is None
    assert lc.band_reach(np.array([3.0, -3.0, 0.0]), -3) == (2, "kept")  # exactly at the edges


def test_compare_large_w_hh_preset_says_exploded():
    """"Large W_hh" no longer crowns the tanh RNN: its gradient explodes."""
    at = click(run_page("pages/compare.py"), "_ui.compare.preset.big")
    assert_ok(at)
    p = tables("compare").PRESETS["big"]
    rnn = lc.family_member("rnn", p["T"], p["H"], p["I"], p["scale"], seed=p["seed"], time_it=False)
    n, how = rnn.band(-3)
    assert how == "exploded" and n < p["T"] - 1
    spans = [m.value for m in at.metric if m.label == "Steps back within θ … 1/θ"]
    assert spans[0] == f"{n}, then explodes"
    assert all(v.endswith("then vanishes") for v in spans[1:])
    assert any(f"**{n}** steps in the RNN (then it explodes)" in x.value for x in at.markdown)
    assert "explodes" in tables("compare").TEXT["presets_help"]


def test_compare_source_has_f_k_not_f_t():
    text = tables("compare").TEXT["source"]
    assert "δᵏ (fᵏ + …)" in text


def test_compare_keep_preset_numbers():
    p = tables("compare").PRESETS["keep"]
    got = {k: lc.family_member(k, p["T"], p["H"], p["I"], p["scale"], keep_bias=p["keep"],
                               seed=p["seed"], time_it=False).band(-3) for k in lc.KINDS}
    text = tables("compare").TEXT["presets_help"]
    assert got["lstm"][0] > 200 and got["gru"][0] > 200 and f"the RNN for {got['rnn'][0]}" in text


# ------------------------------------------------------------------ 4 · Clipping
def test_cliff_and_clipping_cite_the_right_sections():
    """Item 2: the cliff is Section 2.3, Fig. 6; Algorithm 1 is Section 3.2."""
    assert "Section 2.3" in cliff.__doc__ and "Fig. 6" in cliff.__doc__
    assert "Section 3.3 and Fig. 6" not in cliff.__doc__
    src = tables("clipping").TEXT["source"]
    assert "Section 2.3" in src and "Section 3.2, Algorithm 1" in src


@pytest.mark.parametrize("df", [1.0, 2.0, 3.0, np.inf])
def test_clipping_by_value_still_descends(df):
    """Item 3: every sign is kept, so ⟨g, ĝ⟩ > 0 (a turn below 90°)."""
    for seed in range(20):
        g = heavy_tailed_gradient(1000, df, seed)
        for theta in (0.01, 0.1, 1.0):
            gv = clip_by_value(g, theta)
            assert np.all(np.sign(gv) == np.sign(g))
            assert float(g @ gv) > 0 and direction_change(g, gv) < 90
            assert direction_change(g, clip_by_norm(g, theta)) < 1e-4  # arccos rounding


def test_heavy_tails_turn_value_clipping_by_40_to_80_degrees():
    for df in (1.5, 2.0):  # Student t: heavy tails (ν = 1, Cauchy, turns ~80°, up to 88°)
        angles = [value_clip_report(heavy_tailed_gradient(1000, df, s), 1.0)["angle"] for s in range(10)]
        assert 40 <= np.median(angles) <= 80, (df, angles)
    light = value_clip_report(heavy_tailed_gradient(1000, np.inf, 0), 1.0)["angle"]
    assert light < 25  # a Gaussian gradient turns much less


def test_clipping_page_shows_the_many_component_angle():
    at = run_page("pages/clipping.py")
    assert_ok(at)
    ref = value_clip_report(heavy_tailed_gradient(1000, 2.0, 0), 1.0)
    many = "Turned by value-clipping (1,000 components)"
    assert metrics(at)[many] == f"{ref['angle']:.1f}°" and 40 < ref["angle"] < 80
    assert metrics(at)["cos φ = ⟨g, ĝ⟩ / (‖g‖ ‖ĝ‖)"] == f"{ref['cos']:.3f}" and ref["cos"] > 0
    text = " ".join(tables("clipping").TEXT.values())
    assert "not equally harmless" not in text and "similarly in practice" in text
    at = set_widget(at, "df", "1")
    ref1 = value_clip_report(heavy_tailed_gradient(1000, 1.0, 0), 1.0)
    assert metrics(at)[many] == f"{ref1['angle']:.1f}°"


def test_clipping_near_axis_preset_description():
    p = tables("clipping").PRESETS["near_axis"]
    phi = np.radians(p["angle"])
    g = p["norm"] * np.array([np.cos(phi), np.sin(phi)])
    turn = direction_change(g, clip_by_value(g, p["theta"]))
    assert f"turns it by {turn:.0f}°" in tables("clipping").TEXT["presets_help"]


# ------------------------------------------------------------------ 5 · Truncated BPTT
def truncated_rel(p, mode):
    cell = rnnviz.make_cell(p["cell"], p["H"], 4, scale=p["scale"], forget_bias=p["fb"], seed=p["seed"])
    trace = rnnviz.unroll(cell, rnnviz.make_input(p["T"], 4, seed=p["seed"]))
    g = rnnviz.loss_grad(p["T"], p["H"], where=p["loss"], seed=p["seed"])
    return float(flow.truncation_errors(trace, g, [p["w"]], mode=mode)[0]), trace


def test_chunks_preset_shows_what_chunks_do():
    """The old preset (loss at the last step) gave chunks == window exactly."""
    p = tables("truncated").PRESETS["chunks"]
    chunks, _ = truncated_rel(p, "detach")
    window, _ = truncated_rel(p, "window")
    assert chunks > 0.1 and window < 1e-4  # "the same 25-step sliding window would be almost exact"
    old = {**p, "loss": "last"}
    assert truncated_rel(old, "detach")[0] == pytest.approx(truncated_rel(old, "window")[0])
    at = click(run_page("pages/truncated.py"), "_ui.truncated.preset.chunks")
    assert_ok(at)
    assert metrics(at)["Relative difference of ∂C/∂W_hh"] == f"{chunks:.3g}"


def test_truncated_lstm_preset_reach():
    p = tables("truncated").PRESETS["lstm"]
    _, trace = truncated_rel(p, "window")
    M = flow.flow_map(trace, rnnviz.loss_grad(p["T"], p["H"], where="all", seed=p["seed"]), wrt="h")
    rows = [p["T"] - 1]
    full = flow.reach(M, -3, rows=rows)
    trunc = flow.reach(M, -3, flow.truncation_mask(p["T"], p["w"], "window"), rows=rows)
    assert f"reaches {full} steps back, the window {trunc}" in tables("truncated").TEXT["presets_help"]


def test_truncated_does_not_present_the_window_as_the_1997_method():
    t = tables("truncated").TEXT
    assert "1997" not in t["intro"] and "original LSTM was trained with a truncated" not in t["intro"]
    assert "cut where it would leave a memory cell through the hidden state h" in t["lstm_1997"]
    assert "without limit" in t["lstm_1997"] and "cell state c" in t["lstm_1997"]


def test_forget_bias_disabled_unless_lstm():
    for page in ("truncated", "bidirectional"):
        at = run_page(f"pages/{page}.py", {"T": "20"})
        assert_ok(at)
        assert widget(at, "fb").disabled, page
        at = set_widget(at, "cell", "lstm")
        assert not widget(at, "fb").disabled, page
        at = set_widget(at, "cell", "gru")
        assert widget(at, "fb").disabled, page


# ------------------------------------------------------------------ 6 · gated cells
def test_no_page_calls_zero_pytorchs_default_bias():
    """Item 8: PyTorch draws its biases from U(−1/√H, 1/√H), random around 0."""
    for page in ("gates", "bidirectional", "truncated", "lstm_variants"):
        text = " ".join(tables(page).TEXT.values())
        assert "0 is PyTorch's" not in text, page
        assert "U(−1/√H, 1/√H), random around 0" in text, page


def test_keras_curve_has_b_f_exactly_one():
    """Item 7: at the "Long" preset (b_f = 1) the Keras cell and the PyTorch one share b_f."""
    at = click(run_page("pages/lstm_variants.py"), "_ui.lstm_variants.preset.long")
    assert_ok(at)
    line = next(x.value for x in at.markdown if "unit_forget_bias=True" in x.value)
    m = re.search(r"mean f goes from ([0-9.]+) to ([0-9.]+)", line)
    assert m and m.group(1) == m.group(2), line  # the old b_f = 2 gave a larger mean f
    for fb in (-2.0, 0.0, 3.0):
        cells = lg.lstm_variant_cells(4, forget_bias=fb)
        assert np.array_equal(lg.to_keras(cells["keras"])["bias"], lg.keras_unit_forget_bias(4))


def test_peepholes_name_both_papers():
    t = tables("lstm_variants").TEXT
    text = " ".join(t.values())
    assert "Recurrent nets that time and count" in text and "(2002)" in text
    assert t["v_peephole"].startswith("2000")


def test_gates_keep_preset_holds_after_a_large_input():
    """"LSTM keeps" after input scale 5 gave 10⁻⁴·³: the preset now sets xs too."""
    at = run_page("pages/gates.py", {"xs": "5"})
    at = click(at, "_ui.gates.preset.keep")
    assert_ok(at)
    assert metrics(at)["LSTM cell c: step 0 ÷ step T−1"] == "0.38"
    assert "0.38 of its size at step T−1" in tables("gates").TEXT["presets_help"]


# ------------------------------------------------------------------ 7 · training lab
def test_training_text_points_at_the_left_end():
    """Item 1: the loss is at t = T (right); the far end, t = 1, is where the gradient rises."""
    text = tables("training").TEXT["grad_text"]
    assert "left-hand end (t = 1" in text and "right-hand end of the gradient curve rise" not in text
    tr = train.Trainer(train.TrainConfig(task="adding", cell="lstm", seq_len=100, hidden=64,
                                         batch=64, clip=1.0, lr=5e-3, seed=0))
    g = np.log10(tr.grad_norms())  # (T,) before training
    assert round(g[0]) == -20 and "about 10⁻²⁰ before training" in text
    assert round(g[-1]) == 0 and "falls from about 1" in text


def test_adding_numbers_are_the_remeasured_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "final_mse=0.00117889" in readme and "0.00118" in readme and "0.0013 " not in readme
    assert "lstm 0.00118" in train.trainer.__doc__ and "--lr 5e-3" in train.trainer.__doc__
    assert "step 900" not in tables("training").TEXT["classic"]


@pytest.mark.skipif(not os.environ.get("RNNVIZ_SLOW"), reason="trains 1,500 steps (~40 s); RNNVIZ_SLOW=1")
def test_classic_run_prints_the_documented_number():
    tr = train.Trainer(train.TrainConfig(task="adding", cell="lstm", seq_len=100, hidden=64,
                                         batch=64, clip=1.0, lr=5e-3, seed=0))
    tr.run(1500)
    assert f"{tr.evaluate():.8f}"[:10] == "0.00117889"[:10]
    g = np.log10(tr.grad_norms())
    assert round(g[0]) == -3 and round(g[-1]) == -1  # left end 10⁻²⁰ → 10⁻³, right 1 → 0.1
    losses = np.convolve(tr.losses, np.ones(20) / 20, mode="valid")
    assert 900 < int(np.argmax(losses < 0.15)) + 20 < 960  # leaves the baseline ~ step 930
    assert int(np.argmax(losses < 0.01)) + 20 <= 1000


# ------------------------------------------------------------------ the framework hook
def test_inactive_controls_are_drawn_disabled():
    at = run_script(
        "from pages import ui\n"
        "C = [ui.Control('cell', 'Cell', 'select', 'rnn', options=['rnn', 'lstm']),\n"
        "     ui.Control('fb', 'Forget bias', 'float', 0.0, min=0.0, max=5.0)]\n"
        "s = ui.controls('t', C, presets={'l': {'cell': 'lstm', 'fb': 3.0}},\n"
        "                inactive=lambda v: set() if v['cell'] == 'lstm' else {'fb'})\n"
    )
    assert_ok(at)
    assert widget(at, "fb").disabled
    at = click(at, "_ui.t.preset.l")  # the preset's values decide, in the same run
    assert not widget(at, "fb").disabled and at.session_state["fb"] == 3.0


def test_clipping_threshold_disabled_while_clipping_is_off():
    at = run_page("pages/training.py", {"clip_on": "false"})
    assert_ok(at)
    assert widget(at, "clip").disabled
    at = set_widget(at, "clip_on", True)
    assert not widget(at, "clip").disabled


def test_bptt_scale_by_disabled_for_normal_matrices():
    """Orthogonal, identity and diagonal W_hh are normal: ρ = ‖W_hh‖₂, the choice does nothing."""
    at = run_page("pages/bptt.py", {"init": "orthogonal", "T": "20"})
    assert_ok(at)
    assert widget(at, "by").disabled
    m = metrics(at)
    assert m["Spectral radius ρ"] == m["Largest singular value ‖W_hh‖₂"]
    at = set_widget(at, "init", "triangular")
    assert not widget(at, "by").disabled


def gates_preset(name):
    p = tables("gates").PRESETS[name]
    cell = lg.add_gate_bias(rnnviz.make_cell(p["cell"], p["H"], 1, init=p["init"], scale=p["scale"],
                                             scale_by=p["by"], seed=p["seed"]),
                            lg.CARRY_GATE[p["cell"]], p["fb"])
    run = lg.run_gated(cell, rnnviz.make_input(p["T"], 1, scale=p["xs"], seed=p["seed"]),
                       loss=p["loss"], loss_seed=p["seed"])
    rnn = lg.rnn_log10_norm_h(lg.rnn_twin_cell(p["H"], init=p["init"], scale=p["scale"],
                                               scale_by=p["by"], seed=p["seed"]),
                              p["T"], input_scale=p["xs"], loss=p["loss"], seed=p["seed"])
    return run, rnn, p


def test_gates_preset_descriptions_match_the_page_numbers():
    """Each number is what the page's metric shows (lg.pow10_text of step 0 ÷ step T−1)."""
    text = tables("gates").TEXT["presets_help"]
    shown = lambda l: numtext.pow10_text(lg.log10_first_over_last(l))  # noqa: E731
    run, rnn, _ = gates_preset("keep")
    assert f"mean f {run.means['f'].mean():.2f}" in text
    assert f"{shown(run.log10_norm_c)} of its size at step T−1, the RNN's {shown(rnn)}" in text
    run, _, _ = gates_preset("closed")
    assert f"mean f {run.means['f'].mean():.2f}: {shown(run.log10_norm_c)}" in text
    run, _, _ = gates_preset("gru")
    assert f"update-gate bias 1: {shown(run.log10_norm_h)}" in text
    run, rnn, p = gates_preset("long")
    assert (f"mean f {run.means['f'].mean():.2f}: the cell's gradient even grows, "
            f"{shown(run.log10_norm_c)} times") in text
    assert f"is {shown(rnn)}" in text and p["T"] == 1000


def test_truncated_small_w_hh_preset_has_faded_before_w():
    p = tables("truncated").PRESETS["vanish"]
    _, trace = truncated_rel(p, "window")
    M = flow.flow_map(trace, rnnviz.loss_grad(p["T"], p["H"], where="all", seed=p["seed"]), wrt="h")
    assert flow.reach(M, math.log10(p["thr"]), rows=[p["T"] - 1]) < p["w"]
    assert "faded long before w" in tables("truncated").TEXT["presets_help"]


def test_compare_small_w_hh_preset_all_vanish_within_a_few_steps():
    p = tables("compare").PRESETS["vanish"]
    got = [lc.family_member(k, p["T"], p["H"], p["I"], p["scale"], seed=p["seed"],
                            time_it=False).band(-3) for k in lc.KINDS]
    assert all(how == "vanished" and n < 15 for n, how in got), got
    assert "all three vanish within a few steps" in tables("compare").TEXT["presets_help"]
