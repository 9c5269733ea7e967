"""Translator workflow: bank text in gettext PO files, catalogue update, checks and coverage.

``extract`` is a Babel extractor for bank YAML; ``catalogs`` updates, checks and counts the PO
files under ``translations/``; ``cli`` is the ``reviewkit translations`` command group.
"""
