"""Every write of the small and micro enterprise safety services (issue 16), by sub-domain."""
