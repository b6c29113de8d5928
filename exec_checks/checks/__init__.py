"""Our checkov checks: one check per file, the class named as the file (checkov needs this
``__init__.py`` to load the folder with ``--external-checks-dir``)."""
