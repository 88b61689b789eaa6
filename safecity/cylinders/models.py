"""Models of the cylinders app."""
