"""The scenario file: YAML read with positions, every rule of the format checked, and the
frozen, typed :class:`~negsim.format.scenario.Scenario` it describes.

From the bottom up: ``defaults`` (what a file may leave out), ``source`` (YAML read into a
tree that remembers lines and columns, ``ynode``: by libyaml where it reads alike,
``libyaml_reader``, else by the reference, ``ruamel_reader``), ``model`` (the typed parts
of a scenario), ``paths`` (dotted paths into scenario data), ``levels`` (each issue's grid and which
packages the constraints allow), ``checks`` and ``validation`` (the rules, every problem
with its position), ``scenario`` (the validated :class:`Scenario` and its variants),
``loader`` (files, text, plain data), ``bundled`` (the example scenarios by name) and
``schema`` (the JSON Schema for editors).
"""
