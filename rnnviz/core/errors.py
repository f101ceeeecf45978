"""The two errors rnnviz raises: one clear sentence each, safe to show on a page.

`str(exc)` is the English sentence. `exc.code` names the kind of problem and `exc.params`
holds the numbers and names in it, so a page can say the same in another language (see
pages/your_model.py); an error without a code has code "".
"""


class Note(str):
    """An English sentence (it is the str) with the `code` and `params` it was made from."""

    def __new__(cls, text: str, code: str = "", **params):
        note = super().__new__(cls, text)
        note.code, note.params = code, params
        return note


class RnnvizError(ValueError):
    """Bad input to rnnviz: a wrong shape, a non-finite value, a size beyond the limits."""

    def __init__(self, *args, code: str = "", params: dict | None = None):
        super().__init__(*args)
        said = args[0] if args else None  # a Note brings its own code and params
        self.code = code or getattr(said, "code", "")
        self.params = dict(params if params is not None else getattr(said, "params", {}))


class ForwardOverflowError(RnnvizError):
    """The forward pass stopped being finite (an exploding ReLU or linear run).

    `step` is the first time step whose state is not finite; `trace` is the finite prefix
    (steps 0 … step-1) as a `Trace`, or None when step 0 already overflowed, so a page can
    still draw what was finite.
    """

    def __init__(self, step, trace=None, what="hidden state"):
        self.step = int(step)
        self.trace = trace
        super().__init__(
            f"The forward pass overflowed: the {what} stopped being finite at step {self.step} "
            f"(the activations grew past 1e308). Lower the W_hh scale or use a saturating "
            f"activation; steps 0–{self.step - 1} are still shown."
            if self.step > 0 else
            f"The forward pass overflowed at step 0: the {what} is not finite.",
            code="overflow", params={"step": self.step})
