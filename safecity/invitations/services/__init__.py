"""Every write of the invitation-style inspections (``invitations.py``: the steps; ``findings.py``:
the enforcement referral of findings not rectified in time and the no-penalty check)."""
