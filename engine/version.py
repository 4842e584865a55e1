"""The engine's version: in every receipt, and in the key of every cached rules file."""

ENGINE_VERSION = "0.1.0"
