"""Every write of the experience hall: sessions (``sessions.py``) and bookings (``bookings.py``)."""
