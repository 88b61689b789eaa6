"""Models of the innovation app."""
