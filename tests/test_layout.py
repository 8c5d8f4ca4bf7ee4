"""The apps' dependencies run one way: inquiries may import places, never the reverse."""

import ast
from pathlib import Path

from django.conf import settings


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_places_imports_nothing_of_inquiries():
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in sorted((settings.BASE_DIR / "places").rglob("*.py"))
        for module in imported_modules(path)
        if module == "inquiries" or module.startswith("inquiries.")
    ]
    assert offenders == []


def test_the_check_sees_imports():
    modules = set(imported_modules(Path(settings.BASE_DIR / "inquiries" / "views.py")))
    assert "places.models" in modules
