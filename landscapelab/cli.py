"""``landscapelab verify``: re-derive every theorem the book demonstrates, at small sizes.

Prints one row per claim (chapter, claim, measured, expected, pass/fail, seconds); ``--json`` prints a JSON list
of objects with the keys chapter, claim, measured, expected, passed, seconds and statements (the labels of the
book's theorems, lemmas, ... and observations the claim checks); ``--chapter NAME`` runs one chapter; ``--list``
lists the claims without running them (also as JSON with ``--json``: chapter, claim, statements).

Exit status: 0 when every claim passed, 1 when a claim failed, 2 for a usage error (an unknown chapter, or a chapter
with no claims, so that a CI job naming a chapter can never pass vacuously).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__, checks

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="landscapelab", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"landscapelab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="re-derive the book's theorems numerically and report pass/fail")
    verify.add_argument("--chapter", metavar="NAME", help="run the claims of one chapter only (see --list)")
    verify.add_argument("--json", action="store_true", help="print JSON instead of a table")
    verify.add_argument("--list", action="store_true", help="list the claims without running them")
    return parser


def _verify(args, parser) -> tuple[int, str]:
    """Run the command; return the exit status and the text to print."""
    if args.chapter is not None and args.chapter not in checks.chapters():
        parser.error(f"--chapter: no claims are registered for {args.chapter!r}; chapters with claims: "
                     f"{', '.join(checks.chapters())}")
    if args.list:
        entries = checks.registry(args.chapter)
        if args.json:
            return 0, json.dumps([{"chapter": e.chapter, "claim": e.claim, "statements": list(e.statements)}
                                    for e in entries], indent=1)
        return 0, "\n".join(f"{entry.chapter}: {entry.claim}" for entry in entries)
    rows = checks.run(args.chapter, progress=not args.json and sys.stderr.isatty())
    status = 0 if all(r.passed for r in rows) else 1
    if args.json:
        return status, json.dumps([row.as_dict() for row in rows], indent=1)
    failed = sum(not r.passed for r in rows)
    summary = f"{len(rows) - failed} of {len(rows)} claims passed" + (f", {failed} FAILED" if failed else "")
    return status, checks.table(rows=rows) + "\n\n" + summary


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every claim passed, 1 if a claim failed, 2 on a usage error or when the output cannot be written.
        A reader that closes the pipe early (``landscapelab verify | head``) does not change the status.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    status, text = _verify(args, parser)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)   # keep the interpreter's final flush from raising again
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as err:
        print(f"landscapelab: cannot write the output: {err}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
