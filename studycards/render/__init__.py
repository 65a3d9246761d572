"""Rich renderers: turn core results into terminal output. Only this package and cli use rich."""
