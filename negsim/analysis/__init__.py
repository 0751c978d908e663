"""The analysis of one scenario: :func:`~negsim.analysis.pipeline.solve` runs the solvers on
its outcome space (frontier, bargaining solutions, the protocol's equilibrium, screening) and
returns the :class:`~negsim.analysis.records.Analysis` record every table, chart, sweep and
report reads."""
