"""The notebooks' exercises: `exercises/nbNN.py` holds notebook NN's checks, hints and solutions.

A notebook's setup cell imports its own: `from exercises.nb03 import ____, ex1, ex2`.
The mechanism is `exercises.checking`; it may import `helpers` and `viz`, never the reverse.
"""
