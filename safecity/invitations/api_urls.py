from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from safecity.invitations import api

router = DefaultRouter()
router.register("invitations", api.InvitationViewSet, basename="invitation")
router.register("referrals", api.ReferralViewSet, basename="invitations-referral")
router.register("association-members", api.AssociationMemberViewSet, basename="invitations-association-member")

urlpatterns = [path("", include(router.urls))]
