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
# Two browsers side by side (two cores): the book's own pages, and the highlighted source listings (_modules/).
source_log=$(mktemp)
.venv/bin/python .ci/browser_test.py --html _build/html --part source --screenshots none "$@" > "$source_log" 2>&1 &
source_pid=$!
book_status=0
.venv/bin/python .ci/browser_test.py --html _build/html --part book --screenshots _build/screenshots "$@" \
  || book_status=$?
source_status=0
wait "$source_pid" || source_status=$?
echo "--- the highlighted source pages (_modules/)"
cat "$source_log"
[ "$book_status" = 0 ] && [ "$source_status" = 0 ]
