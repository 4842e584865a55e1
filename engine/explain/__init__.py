"""From a run's trace to an advice people can read: why, why not, and what is missing."""
