"""Scenario suites: profiles with a peildatum and the outcomes the law says they must get."""
