"""Draw docs/training_curves.png: the classic result of rnnviz/train/trainer.py's docstring.

Adding problem, T = 100, hidden 64, batch 64, clipping by norm at 1.0, Adam 5e-3,
1,500 steps, seed 0, one CPU thread: an LSTM and a tanh RNN trained through
``rnnviz.train.Trainer``, their per-step training losses drawn with
``rnnviz.figures.remedies.loss_figure`` (the Training lab's figure) against the
memoryless baseline 1/6, and the held-out MSE (4,096 sequences) of each printed and put
in the legend.

    python docs/make_training_curves.py            # ≈ 1 min of CPU, writes the PNG
    python docs/make_training_curves.py --steps 100 --out /tmp/quick.png

The PNG is exported with kaleido when it is installed; otherwise the figure's
self-contained HTML is opened in headless Debian chromium through Playwright (the
browser tests' flags) and the chart is screenshotted. Nothing is added to the
requirements: this is a maintainer's tool, not part of the app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from rnnviz import train  # noqa: E402
from rnnviz.figures import remedies  # noqa: E402

OUT = REPO / "docs" / "training_curves.png"
# The classic configuration of rnnviz/train/trainer.py's docstring (first line of the table).
CLASSIC = dict(task="adding", seq_len=100, hidden=64, batch=64, clip=1.0, lr=5e-3, seed=0)
STEPS = 1500
CELLS = {"lstm": "LSTM", "rnn": "RNN with tanh"}
WIDTH, HEIGHT = 1200, 620  # CSS px; the PNG is twice that (device scale 2)
SMOOTH = 20


def run(cell: str, steps: int) -> tuple[list[float], float, float]:
    """(per-step training losses, held-out MSE on 4,096 sequences, seconds of training)."""
    trainer = train.Trainer(train.TrainConfig(cell=cell, **CLASSIC))
    trainer.run(steps)
    if trainer.diverged:
        raise SystemExit(f"{cell}: the loss became non-finite after {trainer.steps} steps")
    return list(trainer.losses), trainer.evaluate(), trainer.seconds


def figure(results: dict, baseline: float, steps: int):
    curves = {f"{CELLS[cell]}: held-out MSE {mse:.4f}": losses
              for cell, (losses, mse, _) in results.items()}
    c = CLASSIC
    return remedies.loss_figure(curves, baseline, smooth=SMOOTH, height=HEIGHT, labels={
        "title": (f"Adding problem, T = {c['seq_len']}: training loss (mean of the last "
                  f"{SMOOTH} steps)"),
        "x": "training step",
        "y": "mean squared error",
        "baseline": f"baseline 1/6 = {baseline:.4f}: always answer 1",
    }).update_layout(
        width=WIDTH,
        annotations=[dict(
            text=(f"H = {c['hidden']}, batch {c['batch']}, Adam {c['lr']:g}, clip by norm "
                  f"{c['clip']:g}, seed {c['seed']}, {steps:,} steps, 1 CPU thread"),
            xref="paper", yref="paper", x=0.0, y=1.0, xanchor="left", yanchor="bottom",
            showarrow=False, font=dict(size=16, color="#404040"),
        )],
        margin=dict(t=100, l=80),
        title_x=0.01,
    )


def write_png(fig, out: Path) -> str:
    """Write fig to out; return how ("kaleido" or "chromium")."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        pass
    else:
        fig.write_image(str(out), width=WIDTH, height=HEIGHT, scale=2)
        return "kaleido"
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "figure.html"
        # plotly.js inlined: the browser needs no network
        fig.write_html(str(html), include_plotlyjs=True, full_html=True,
                       config={"displayModeBar": False, "staticPlot": True})
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                        headless=True)
            try:
                page = browser.new_page(viewport={"width": WIDTH + 40, "height": HEIGHT + 40},
                                        device_scale_factor=2)
                page.goto(html.as_uri())
                page.wait_for_function(
                    "() => { const gd = document.querySelector('.js-plotly-plot');"
                    " return gd && gd._fullLayout && gd.querySelector('.main-svg'); }",
                    timeout=30_000,
                )
                page.locator(".js-plotly-plot").screenshot(path=str(out))
            finally:
                browser.close()
    return "chromium"


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=STEPS)
    p.add_argument("--out", type=Path, default=OUT)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    results = {}
    for cell in CELLS:
        losses, mse, seconds = run(cell, a.steps)
        results[cell] = (losses, mse, seconds)
        print(f"{cell:5s} final_mse={mse:.6g}  ({seconds:.1f} s of training)", flush=True)
    baseline = train.Trainer(train.TrainConfig(cell="lstm", **CLASSIC)).baseline
    how = write_png(figure(results, baseline, a.steps), a.out)
    print(f"wrote {a.out} ({how}); {time.perf_counter() - start:.1f} s in all", flush=True)
    return {cell: mse for cell, (_, mse, _) in results.items()}


if __name__ == "__main__":
    main()
