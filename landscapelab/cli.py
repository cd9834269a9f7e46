"""``landscapelab verify``: re-derive every theorem the book demonstrates, at small sizes (DESIGN section 5).

Prints one row per claim (chapter, claim, measured, expected, pass/fail, seconds); ``--json`` prints a JSON list
of objects with the keys chapter, claim, measured, expected, passed, seconds; ``--chapter NAME`` runs one chapter.
The exit status is 1 if any claim fails.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import checks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="landscapelab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="re-derive the book's theorems numerically and report pass/fail")
    verify.add_argument("--chapter", choices=checks.CHAPTERS, help="run the claims of one chapter only")
    verify.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    verify.add_argument("--list", action="store_true", help="list the claims without running them")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        for entry in checks.registry(args.chapter):
            print(f"{entry.chapter}: {entry.claim}")
        return 0
    rows = checks.run(args.chapter, progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=1))
    else:
        print(checks.table(rows=rows))
        failed = sum(not r.passed for r in rows)
        print(f"\n{len(rows) - failed} of {len(rows)} claims passed" + (f", {failed} FAILED" if failed else ""))
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
