from __future__ import annotations

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)

app_name = "invitations"

urlpatterns: list = []
