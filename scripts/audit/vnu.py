"""The Nu HTML Checker (vnu.jar from npm, run with the machine's Java) on the served HTML."""

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from scripts.audit.config import ROOT, VNU_JAR


def run_vnu(results):
    """Check every saved page in one Java run and file each error under its page."""
    files = {str(Path(ROOT / r.html_file).resolve()): r for r in results if r.html_file}
    if not files:
        return
    completed = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--exit-zero-always",
            "--format",
            "json",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    raw = completed.stdout.strip() or completed.stderr.strip()
    try:
        messages = json.loads(raw)["messages"]
    except (ValueError, KeyError):
        for result in files.values():
            result.problems.append(f"vnu did not run: {raw[:300]}")
        return
    file_messages(messages, files)


def file_messages(messages, files):
    """Add vnu's messages (with file: URLs) to the results, keyed by resolved file path."""
    for message in messages:
        path = urlsplit(message.get("url", "")).path
        result = files.get(str(Path(path).resolve()))
        if result is None:
            continue
        result.vnu.append(
            {
                "line": message.get("lastLine"),
                "column": message.get("firstColumn") or message.get("lastColumn"),
                "message": message.get("message", ""),
                "extract": (message.get("extract") or "").strip()[:160],
            }
        )
