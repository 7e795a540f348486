"""The one error an importer raises for input it cannot import: the message names the field (file and path)."""

from __future__ import annotations


class Refused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
