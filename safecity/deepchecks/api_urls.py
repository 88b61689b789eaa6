from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.deepchecks import api
from safecity.deepchecks.api_documents import ExpertDocumentViewSet

router = DefaultRouter()
router.register("experts", api.ExpertViewSet, basename="deepchecks-expert")
router.register("campaigns", api.CampaignViewSet, basename="deepchecks-campaign")
router.register("panels", api.PanelViewSet, basename="deepchecks-panel")
router.register("findings", api.FindingViewSet, basename="deepchecks-finding")
router.register("expert-documents", ExpertDocumentViewSet, basename="deepchecks-expert-document")

urlpatterns = [
    path("enterprises/<id:organisation_id>/causes/", api.EnterpriseAnalysisView.as_view(), name="deepchecks-causes"),
    path("", include(router.urls)),
]
