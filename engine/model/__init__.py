"""Data models at the edges: the citizen profile that comes in and the advice that goes out."""
