"""Real-browser quality gates: axe, Nu HTML Checker, console, outside requests, headers, reflow,
budgets, Lighthouse.

Builds a throwaway site (SQLite in a temp dir, seed data, one photo, collected static files),
serves it with gunicorn and DEBUG off exactly as in production, and checks every page type of
`pages.PAGES` in Debian's Chromium. Prints a table and the details of every finding, writes
test-results/audit/ (report.json, report.html, screenshots/, html/, lighthouse/), and exits 1 on
any violation, error, budget miss or missing page.

    .venv/bin/python -m scripts.audit                      # everything (about two minutes)
    .venv/bin/python -m scripts.audit --only list,map --skip-lighthouse --ports 8110-8119

Needs: Chromium (/usr/bin/chromium or CHROMIUM_PATH), Java 17+, `npm ci` (vnu-jar, lighthouse).

Modules: `pages` (the page types), `config` (every threshold), `site` (the throwaway site, with
`settings`, `urls` and `fixtures`), `browser` (the checks inside Chromium), `vnu` and `lighthouse`
(the outside validators), `budgets`, `results`, `report`, `cli`.
"""
