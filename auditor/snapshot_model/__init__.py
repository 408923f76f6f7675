"""The snapshot's model, one module per job; import its names from :mod:`auditor.snapshot`, which re-exports
them all."""
