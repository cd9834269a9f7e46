#!/usr/bin/env bash
# After the book build: the book's machinery tests (they need the book extra), then every page of _build/html in
# headless Chromium with no network (.ci/browser_test.py). Installs Debian's chromium and Playwright's Python client
# (the ".[browser]" extra; Playwright's own browser download is never used) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/python -c "import playwright" 2>/dev/null || .venv/bin/pip install -q -e ".[browser]"
.venv/bin/pytest -q tests/core/test_book.py
.venv/bin/python .ci/browser_test.py --html _build/html --screenshots _build/screenshots "$@"
