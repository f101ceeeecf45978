"""Figure builders: functions that take arrays and return plotly figures; they draw nothing.

Import the topic modules directly (``from rnnviz.figures import style``); this package
imports nothing heavy on its own.
"""
