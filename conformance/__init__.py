"""Conformance tools: a finite-difference gradient-check engine (numpy only)."""

from deltaspec.conformance.gradcheck import (  # noqa: F401
    ElementwiseDerivative,
    GradcheckError,
    GradcheckInputError,
    GradcheckResult,
    NumericGradient,
    default_tolerances,
    elementwise_derivative,
    gradcheck,
    numeric_gradient,
)
