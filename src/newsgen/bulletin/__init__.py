"""``newsgen import``'s parser: raw bulletin text -> blocks -> article drafts.

Public API: :func:`parse` and the data classes in :mod:`newsgen.bulletin.model`.
"""

from newsgen.bulletin.model import Block, Draft, Parsed, ParseWarning
from newsgen.bulletin.parse import parse

__all__ = ["Block", "Draft", "Parsed", "ParseWarning", "parse"]
