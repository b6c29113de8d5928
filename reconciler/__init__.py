"""reconciler: the live side (drift, exec windows, audit, preflight). Depends on generator.spec, never the reverse."""
