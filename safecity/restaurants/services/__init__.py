"""Every write of restaurant gas safety (issue 15): the registry, the conversion steps, the
cross-check against the cylinder ledger."""
