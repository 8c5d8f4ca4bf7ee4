"""Developer tools: the audit package, the benchmark, the Chromium set-up both browsers share."""
