"""Analysts' judgement: the assessments ledger (``assessments.csv``), each a probability that a scenario ends enacted.

The engine's `tracker.engine.status.Assessment` is the computed status; an analyst's assessment is a `Judgement` here.
"""
