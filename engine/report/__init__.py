"""Reports for policy makers: the impact of a change as one self-contained HTML page."""
