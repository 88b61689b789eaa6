from __future__ import annotations

from django.urls import path

from safecity.ledger import api

urlpatterns = [
    path("entries/", api.EntryList.as_view(), name="ledger-entry-list"),
    path("entries/<int:index>/", api.EntryDetail.as_view(), name="ledger-entry-detail"),
    path("statements/", api.Statements.as_view(), name="ledger-statements"),
    path("proofs/inclusion/", api.InclusionProof.as_view(), name="ledger-inclusion-proof"),
    path("proofs/consistency/", api.ConsistencyProof.as_view(), name="ledger-consistency-proof"),
    path("checkpoints/", api.CheckpointList.as_view(), name="ledger-checkpoint-list"),
    path("checkpoints/latest/", api.CheckpointLatest.as_view(), name="ledger-checkpoint-latest"),
    path("keys/", api.Keys.as_view(), name="ledger-keys"),
    path("cosignatures/", api.Cosignatures.as_view(), name="ledger-cosignatures"),
]
