"""Developer tools, not shipped: the moto server helper, its throttled stand-in, the seeders and ``make demo``.

The Makefile, the tests and ``bench/`` use them; no shipped package imports them.
"""
