"""Rich tables for the terminal, one module per command or block: :mod:`.solve`
(``negsim solve``), :mod:`.equilibrium` and :mod:`.screening` (its blocks), :mod:`.show`
(``negsim show``), :mod:`.simulate` (``negsim simulate``) and :mod:`.sensitivity` (the text
table of ``negsim sensitivity``)."""
