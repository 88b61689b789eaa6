"""Models of the innovation selection: rounds, entries, scores, the selection and the library."""

from safecity.innovation.models.library import (
    LibraryEntry,
    LibraryEntryProject,
    LibraryHazardCitation,
    LibraryKeyProjectCitation,
)
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
    "LibraryEntry",
    "LibraryEntryProject",
    "LibraryHazardCitation",
    "LibraryKeyProjectCitation",
    "Score",
    "SelectedEntry",
    "Selection",
    "SelectionRound",
]
