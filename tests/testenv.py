"""Loaded with ``-p tests.testenv`` before pytest-django reads the settings.

Tests run with DEBUG off, as production does; they only need some secret key, and the test
client speaks plain HTTP, so the HTTPS redirect is off (tests/test_deploy.py covers it). Tasks
run at once (tests that need the queue switch to the database backend themselves).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("KREATIVORTE_TASK_BACKEND", "immediate")
