"""Judging: the strategies that draw examples, the generic probe inputs, comparison
reports and the diagnoses of a failure."""
