"""The text engine: from a speech, minutes or plan to proposed supervision tasks.

Pure Python — nothing here imports Django, so the engine can be used, tested and benchmarked
alone (``taizhang extract``). The stages, each in its own module:

    read        file → text (+ warnings for what could not be read cleanly); .xlsx in xlsx,
                PDF tables in pdftables
    tables      rows of table cells (Word, Excel, PDF, text in columns) → labelled lines
    normalise   text → same-length simplified, half-width text for matching
    damage      warnings for hidden, garbled or truncated text
    structure   enumerators and headings → a tree of items
    directives  which items are forward-looking directives (not achievements or problems)
    units       unit names and their roles (牵头 / 负责 / 配合)
    deadlines   the document's date and each task's deadline
    engine      the pipeline that ties them together
"""

from .engine import Proposal, Result, extract_file, extract_text
from .read import ReadError
from .units import UnitDictionary

__all__ = ["Proposal", "ReadError", "Result", "UnitDictionary", "extract_file", "extract_text"]
