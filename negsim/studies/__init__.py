"""Studies over many solves: curves over deadlines and discount factors, Monte Carlo runs of
negotiating agents, parameter sweeps and one-at-a-time sensitivity. Computation only: the
drawing is in :mod:`negsim.present`."""
