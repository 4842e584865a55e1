"""Static checks of a loaded rule base, before anything is compiled or run."""
