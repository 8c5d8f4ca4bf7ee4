"""Loaded with ``-p tests.testenv`` before pytest-django reads the settings.

Tests run with DEBUG off, as production does; they only need some secret key.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")
