"""negsim: a negotiation game-theory simulator."""

__version__ = "0.1.0"
