"""Models of the innovation selection: rounds, entries, scores, the selection, the projects' library entries."""

from safecity.innovation.models.library import LibraryEntryProject
from safecity.innovation.models.rounds import (
    Criterion,
    EntryMaterial,
    InnovationEntry,
    JudgeAssignment,
    Score,
    SelectionRound,
)
from safecity.innovation.models.selection import SelectedEntry, Selection

__all__ = [
    "Criterion",
    "EntryMaterial",
    "InnovationEntry",
    "JudgeAssignment",
    "LibraryEntryProject",
    "Score",
    "SelectedEntry",
    "Selection",
    "SelectionRound",
]
