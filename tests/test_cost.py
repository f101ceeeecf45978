"""No link may cost the server more than ~2 s of CPU (issue 9). Timings on a shared 2-core CI
are noise, so these tests bound the amount of work instead; `python -m tests.cost` prints
the CPU seconds."""

import numpy as np
import pytest

from rnnviz.measures import powers
from tests import cost
from tests.apptest_util import assert_ok, run_page

# /powers at its largest settings did 3 N = 3,000 products of 256 × 256 matrices and
# N = 1,000 Lanczos runs (7–16 s of CPU); now ~2 × 120 products plus the step matrices and
# the peak's neighbourhood.
MAX_PRODUCTS = 600
MAX_LANCZOS = 200


@pytest.mark.parametrize("init", ["gaussian", "triangular", "diagonal"])
def test_the_costliest_powers_link_does_a_bounded_amount_of_work(monkeypatch, init):
    products, lanczos = [0], [0]
    frexp, sigma_max = np.frexp, powers._sigma_max

    def counting_frexp(x, *args, **kwargs):  # once per H × H product of the walk (the
        # ≤ 15 step matrices of each walk, scalar frexp, are not counted)
        if np.ndim(x) >= 1 and np.size(x) == 256:
            products[0] += 1
        return frexp(x, *args, **kwargs)

    def counting_sigma_max(A, v0):
        lanczos[0] += 1
        return sigma_max(A, v0)

    monkeypatch.setattr(np, "frexp", counting_frexp)
    monkeypatch.setattr(powers, "_sigma_max", counting_sigma_max)
    at = run_page("pages/powers.py", {"H": "256", "N": "1000", "by": "sigma", "init": init,
                                      "scale": "3", "seed": "424242"})
    assert_ok(at)
    print(f"{init}: {products[0]} products, {lanczos[0]} Lanczos")
    assert products[0] <= MAX_PRODUCTS
    assert lanczos[0] <= MAX_LANCZOS
    # the page still reports ‖Wᴺ‖₂ at n = N and its peak
    assert any("1000" in c.value for c in at.caption)


def test_the_cost_script_reads_each_pages_table():
    spec, presets = cost.read_table("powers.py")
    runs = dict(cost.candidates(spec, presets))
    assert runs["max"]["H"] == 256 and runs["max"]["N"] == 1000
    assert runs["max by=sigma"]["by"] == "sigma"
    assert {"preset vanishing", "preset exploding", "preset nonnormal"} <= set(runs)
    q = cost.query_of(spec, runs["max"])
    assert q["H"] == "256" and int(q["seed"]) > 1_000_000  # a seed no page uses by default
    assert "training.py" in cost.lesson_pages() and "ui.py" not in cost.lesson_pages()
