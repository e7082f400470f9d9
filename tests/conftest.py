"""Hypothesis runs derandomized, so every run of the kit's own tests sees the same cases."""
from hypothesis import HealthCheck, settings

settings.register_profile("deltaspec", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("deltaspec")
