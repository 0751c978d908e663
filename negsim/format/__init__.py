"""The scenario file: YAML read with positions, every rule of the format checked, and the
frozen, typed :class:`~negsim.format.model.Scenario` it describes.

``source`` reads YAML into a tree that remembers lines and columns; ``checks`` and
``validation`` apply the rules and build the ``model``; ``loader`` is the entry point
(files, text, plain data and bundled names); ``schema`` is the JSON Schema for editors;
``paths`` reads and sets dotted paths into scenario data.
"""
