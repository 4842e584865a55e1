"""Compile a checked rule base into an immutable, hashable Plan."""
