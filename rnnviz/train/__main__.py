"""`python -m rnnviz.train`: the trainer's command line (rnnviz/train/trainer.py)."""

from .trainer import main

main()
