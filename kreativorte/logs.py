"""Log formatting: one line per event on stdout, JSON in production, text while developing."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback stays inside its event instead of spanning lines."""

    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, ensure_ascii=False)


class OneLineFormatter(logging.Formatter):
    """Readable text for the console; a traceback's line breaks are escaped, one event a line."""

    def format(self, record):
        return super().format(record).replace("\n", "\\n")
