"""Alternative executors of a compiled Plan; the native one lives in engine/run."""
