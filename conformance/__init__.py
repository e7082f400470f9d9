"""deltaspec's conformance suite (``pytest conformance --impl=mypkg``) and its standalone
finite-difference gradient checker, ``deltaspec.conformance.gradcheck`` (import the
checker's names from that module: ``from deltaspec.conformance.gradcheck import gradcheck``).

Subpackages: ``checks`` (the pytest modules, by spec area), ``judging`` (scope, coverage,
draws, comparison, diagnoses), ``interface`` (loading an implementation, adapting its
conventions), ``isolation`` (the worker process), ``grading`` (assignments, points,
results files, batches). ``plugin`` holds the pytest hooks only.

Importing this package costs nothing: the pytest plugin imports it at every pytest start.
"""
