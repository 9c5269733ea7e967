"""Services: the only place that changes data and commits. Views and the CLI call these."""
