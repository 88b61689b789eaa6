"""Every write of the citizens' reports (``submit.py``: the public report; ``triage.py``: the
district's triage steps)."""
