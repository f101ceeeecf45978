"""The old name of the training pool's worker command (`python -m rnnviz.trainpool`); the
pool is rnnviz.train.pool."""
