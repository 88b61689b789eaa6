"""Models of the keyprojects app."""
