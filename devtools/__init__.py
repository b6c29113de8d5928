"""Development tools (not shipped): the embedded moto server, its throttled stand-in, seeders, the demo."""
