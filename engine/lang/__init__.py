"""The small, safe expression language of conditions and formulas.

parse: text -> IR (allow-listed Python syntax, never eval); types: IR -> type, checked against the
declared facts and parameters; compile: IR -> closures that evaluate in three-valued logic.
"""
