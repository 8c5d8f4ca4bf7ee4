"""Keep visitors' positions out of the logs.

"Mein Standort" puts the rounded position into the query string (``?standort=52.61,11.86``)
and nowhere else. Log lines that carry a URL (the development server's request log, Django's
warnings for 4xx/5xx answers, gunicorn's access log when it is routed through Python logging)
pass this filter, which replaces the value before anything is written.
"""

import logging
import re

REDACTED = "entfernt"
_POSITION = re.compile(r"((?:^|[?&;\s\"'])standort=)[^&\s\"']*", re.IGNORECASE)


def redact(text):
    """``text`` with the value of every ``standort=`` parameter replaced."""
    return _POSITION.sub(rf"\g<1>{REDACTED}", text)


class RedactPosition(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        if "standort=" in message.lower():
            record.msg = redact(message)
            record.args = ()
        return True
