"""Every write to the risk-control dictionary, and the diff between versions.

Writes are ``<entity>_<action>(*, actor, ...)`` inside one transaction; each checks that the actor
may change the dictionary (:mod:`safecity.riskdict.permissions`: city administrators and city
officials), validates everything first and writes nothing when anything is wrong. The audit trail
records every row written (see :mod:`safecity.core.audit`).
"""

from __future__ import annotations

from safecity.riskdict.services.diff import (
    CheckItemDiff,
    DictionaryDiff,
    EntryDiff,
    FieldChange,
    MeasureDiff,
    dictionary_diff,
)
from safecity.riskdict.services.excel import XLSX_CONTENT_TYPE, dictionary_export_excel, dictionary_import_excel
from safecity.riskdict.services.rows import COLUMNS, DictionaryImportError, RowError
from safecity.riskdict.services.versions import (
    dictionary_delete,
    dictionary_load_starter,
    dictionary_publish,
    dictionary_update,
)

__all__ = [
    "COLUMNS",
    "XLSX_CONTENT_TYPE",
    "CheckItemDiff",
    "DictionaryDiff",
    "DictionaryImportError",
    "EntryDiff",
    "FieldChange",
    "MeasureDiff",
    "RowError",
    "dictionary_delete",
    "dictionary_diff",
    "dictionary_export_excel",
    "dictionary_import_excel",
    "dictionary_load_starter",
    "dictionary_publish",
    "dictionary_update",
]
