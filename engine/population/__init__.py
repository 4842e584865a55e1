"""Synthetic populations: the household table, its marginals, and the seeded generator."""
