"""Running a compiled plan: read facts from a profile, then chain rules to a fixpoint."""
