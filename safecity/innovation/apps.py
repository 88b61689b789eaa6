from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "safecity.innovation"
    label = "innovation"
    verbose_name = _("Innovation selection")

    def ready(self) -> None:
        from django.db.models import Q

        from safecity.core.scoping import NOTHING, Principal, register_assignment
        from safecity.innovation.choices import EntryState
        from safecity.innovation.models import EntryMaterial, InnovationEntry, JudgeAssignment

        # A judge (an expert assigned to a round) sees the submitted entries of the rounds they
        # judge and their materials, nothing else (issue 5 §5).
        def judged_entries(principal: Principal) -> Q:
            if principal.person_id is None:
                return NOTHING
            rounds = JudgeAssignment.objects.filter(person_id=principal.person_id).values("round_id")
            return Q(pk__in=InnovationEntry.objects.filter(round_id__in=rounds, state=EntryState.SUBMITTED).values("pk"))

        def judged_materials(principal: Principal) -> Q:
            if principal.person_id is None:
                return NOTHING
            rounds = JudgeAssignment.objects.filter(person_id=principal.person_id).values("round_id")
            return Q(entry__round_id__in=rounds, entry__state=EntryState.SUBMITTED)

        register_assignment(InnovationEntry, judged_entries)
        register_assignment(EntryMaterial, judged_materials)
