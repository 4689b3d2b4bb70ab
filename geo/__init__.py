"""Crecida: flood and displacement planning for collective centres in Loreto, Peru.

``geo`` holds all computation (no user interface): loaders in :mod:`geo.io` and
:mod:`geo.inputs`, flood scenarios in :mod:`geo.flood`, and the planners' questions in their own
modules. Its command line is ``python -m geo``.
"""

__version__ = "0.1.0"
