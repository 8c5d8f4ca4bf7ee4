"""The production settings, with static files collected outside the working tree and the audit's
URLconf. The site builder sets AUDIT_STATIC_ROOT and every DJANGO_* variable."""

import os

from kreativorte.settings import *  # noqa: F403

STATIC_ROOT = os.environ["AUDIT_STATIC_ROOT"]
ROOT_URLCONF = "scripts.audit.urls"
