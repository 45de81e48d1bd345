"""The complaint aggregate: events, commands, state, evolve, decide, errors.

Import from the submodules. Nothing is re-exported here because `decide` needs the policy model,
which needs `errors` from this package: re-exporting `decide` would make an import cycle.
"""
