"""Appreciate's entry point.

    python app.py                      serve on the embedded defaults (gevent, SQLite in instance/)
    python app.py new --plan NAME      prepare a workshop and print its links
    python app.py export CODE --format pdf -o report.pdf
    python app.py import backup.json   restore a workshop from a JSON backup
    python app.py --help               everything else

The parser is plain argparse so that gevent can patch the standard library before the app,
Flask or any socket is imported.
"""

from __future__ import annotations

import argparse
import os
import sys


def _port(text: str) -> int:
    """A TCP port, 1 to 65535 (also when it comes from APPRECIATE_PORT)."""
    if not (text.strip().isascii() and text.strip().isdigit()) or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: choose a number from 1 to "
                                         "65535, such as 5000")
    return int(text)


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the command; after it they override only if given."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=os.environ.get("APPRECIATE_DATA_DIR", "instance"),
                        help="folder for the database and secret key (env APPRECIATE_DATA_DIR; "
                             "default: instance)")
    common.add_argument("--host", default=os.environ.get("APPRECIATE_HOST", "0.0.0.0"),
                        help="address to listen on (env APPRECIATE_HOST; default 0.0.0.0, so "
                             "phones on the same network can join)")
    common.add_argument("--port", type=_port, default=os.environ.get("APPRECIATE_PORT", "5000"),
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
    common.add_argument("--behind-proxy", action="store_true",
                        default=os.environ.get("APPRECIATE_BEHIND_PROXY", "").lower()
                        in ("1", "true", "yes", "on"),
                        help="trust the X-Forwarded-For/-Proto/-Host/-Port headers of one reverse "
                             "proxy in front of the app, e.g. one that ends HTTPS (env "
                             "APPRECIATE_BEHIND_PROXY=1)")
    common.add_argument("--retention-days", type=int,
                        default=os.environ.get("APPRECIATE_RETENTION_DAYS") or None,
                        help="delete workshops created more than this many days ago, at start "
                             "and every hour (env APPRECIATE_RETENTION_DAYS; default: keep "
                             "them until the facilitator deletes them)")
    common.add_argument("--debug", action="store_true",
                        help="on an unexpected error, show where it happened (a traceback) "
                             "besides the one-sentence message")
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
    export = commands.add_parser(
        "export", parents=[common],
        help="write a workshop's report or data to a file (the server need not be running)")
    export.add_argument("code", metavar="CODE", help="the workshop's join code")
    export.add_argument("--format", required=True, choices=["pdf", "md", "csv", "json", "ics"],
                        help="pdf: the report; md: a Markdown summary; csv: the commitments; "
                             "json: a complete backup; ics: due dates for a calendar")
    export.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="file to write ('-' for standard output)")
    export.add_argument("--audience", choices=["full", "public"], default="full",
                        help="full (default): for the team; public: leaves out what people "
                             "shared only with the room")
    restore = commands.add_parser(
        "import", parents=[common],
        help="restore a workshop from a JSON backup made by 'export --format json'")
    restore.add_argument("file", metavar="FILE", help="the backup file")
    restore.add_argument("--new-key", action="store_true",
                         help="give the restored workshop a new facilitator link (the old "
                              "one stops working); by default the old link keeps working")
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
