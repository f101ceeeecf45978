"""Training small recurrent networks in torch, for the training lab and for slides.

    trainer  one model, its Adam optimiser and its task; the CLI `python -m rnnviz.train`
    tasks    the adding problem and the copy task, seeded
    pool     the app's bounded pool of worker processes (`python -m rnnviz.trainpool`)

`from rnnviz import train` gives the trainer's names: train.TrainConfig, train.Trainer, …
"""

from .trainer import (EVAL_CHUNK, EVAL_SIZE, PROBE_SIZE, PROGRESS_EVAL_SIZE, STEPS, TORCH_CELLS,
                      SeqModel, TrainConfig, Trainer, main)

__all__ = ["EVAL_CHUNK", "EVAL_SIZE", "PROBE_SIZE", "PROGRESS_EVAL_SIZE", "STEPS", "TORCH_CELLS",
           "SeqModel", "TrainConfig", "Trainer", "main"]
