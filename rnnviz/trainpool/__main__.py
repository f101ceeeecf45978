"""`python -m rnnviz.trainpool CMD_FD OUT_FD PARENT_PID`: one worker of the training pool,
the command line of rnnviz/train/pool.py under its old name (the pool itself starts
`python -m rnnviz.train.pool`)."""

from rnnviz.train.pool import run_worker

run_worker()
