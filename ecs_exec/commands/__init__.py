"""One module per command area; each owns its click commands."""
