"""Appreciate's entry point.

    python app.py                      serve on the embedded defaults (gevent, SQLite in instance/)
    python app.py new --plan NAME      prepare a workshop and print its links
    python app.py --help               everything else

The parser is plain argparse so that gevent can patch the standard library before the app,
Flask or any socket is imported.
"""

from __future__ import annotations

import argparse
import os
import sys


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the command; after it they override only if given."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=os.environ.get("APPRECIATE_DATA_DIR", "instance"),
                        help="folder for the database and secret key (env APPRECIATE_DATA_DIR; "
                             "default: instance)")
    common.add_argument("--host", default=os.environ.get("APPRECIATE_HOST", "0.0.0.0"),
                        help="address to listen on (env APPRECIATE_HOST; default 0.0.0.0, so "
                             "phones on the same network can join)")
    common.add_argument("--port", type=int, default=int(os.environ.get("APPRECIATE_PORT", "5000")),
                        help="port to listen on (env APPRECIATE_PORT; default 5000)")
    common.add_argument("--public-url", default=os.environ.get("APPRECIATE_PUBLIC_URL"),
                        help="address phones should use, if not this computer's local network "
                             "address, e.g. https://workshop.example.nhs.uk (env APPRECIATE_PUBLIC_URL)")
    common.add_argument("--database", default=os.environ.get("APPRECIATE_DATABASE_URL"),
                        help="SQLAlchemy database URL, e.g. postgresql+psycopg://user@host/db, so "
                             "several processes can share one workshop (env "
                             "APPRECIATE_DATABASE_URL; default: SQLite in the data folder)")
    common.add_argument("--message-queue", default=os.environ.get("APPRECIATE_MESSAGE_QUEUE"),
                        help="Redis URL, e.g. redis://127.0.0.1:6379/0, through which several "
                             "processes push to one workshop (env APPRECIATE_MESSAGE_QUEUE)")
    if suppress:
        for action in common._actions:
            action.default = argparse.SUPPRESS
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(suppress=True)
    parser = argparse.ArgumentParser(
        prog="python app.py", parents=[_common_options(suppress=False)],
        description="Appreciate: run live Appreciative Inquiry workshops from your own computer. "
                    "With no command, it serves the app and prints the facilitator's address "
                    "and the participants' join address.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", parents=[common], help="serve the app (the default)")
    new = commands.add_parser("new", parents=[common],
                              help="create a workshop now and print its facilitator link, "
                                   "join link and join code")
    new.add_argument("--plan", required=True,
                     help="plan name: a file in workshops/ without .yaml, "
                          "e.g. at-our-best-with-each-other")
    new.add_argument("--title", help="workshop title (default: the plan's title)")
    commands.add_parser("plans", parents=[common], help="list the workshop plans")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "serve"):
        from gevent import monkey

        monkey.patch_all()
    from facilitation import commands

    return commands.run(args)


if __name__ == "__main__":
    sys.exit(main())
