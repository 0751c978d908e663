"""Bargaining solvers: pure functions on utility arrays."""
