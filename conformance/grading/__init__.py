"""Grading: points per capability, the Gradescope and PrairieLearn results files, and batch grading."""
