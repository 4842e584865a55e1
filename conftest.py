"""Let `pytest` collect the scenario suites in a source checkout that is not installed.

Installed, the plugin arrives through the `pytest11` entry point; this only fills the gap.
"""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("engine-scenarios"):
        from engine.scenarios import pytest_plugin

        config.pluginmanager.register(pytest_plugin, "engine-scenarios")
