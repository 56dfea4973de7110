"""What each command-line command does (the parser lives in app.py, see why there)."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from . import create_app, runtime_of, server_lock, serving, startup
from .config import SettingsError
from .export.backup import BackupError
from .export.backup_json import MAX_BYTES
from .export.files import export_file
from .export.restore import restore
from .plans import PlanError
from .services import workshops as workshop_service
from .services.errors import ServiceError


def local_network_address() -> str | None:
    """This computer's address on the local network, found without sending anything."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = info[4][0]
        if not address.startswith("127."):
            return address
    return None


def _base_url(args: argparse.Namespace) -> str:
    if args.public_url:
        return args.public_url.rstrip("/")
    host = args.host
    if host in ("0.0.0.0", "::", ""):
        host = local_network_address() or "127.0.0.1"
    return f"http://{host}:{args.port}"


def _settings(args: argparse.Namespace, **extra: object) -> dict[str, object]:
    base = _base_url(args)
    return {"DATA_DIR": args.data_dir, "PUBLIC_URL": args.public_url, "LAN_URL": base,
            "DATABASE_URL": args.database, "MESSAGE_QUEUE": args.message_queue,
            "BEHIND_PROXY": args.behind_proxy, "RETENTION_DAYS": args.retention_days, **extra}


def _raise_open_files_limit() -> None:
    """Every phone holds a socket: let this process have as many as the system allows."""
    try:
        import resource
    except ImportError:  # Windows has no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def serve(args: argparse.Namespace) -> int:
    _raise_open_files_limit()
    _port_is_free(args.host, args.port)  # before anything is changed, as the folder's lock
    app = startup.start_serving(create_app(_settings(
        args, SOCKETIO_ASYNC_MODE="gevent", SERVED_AT=f"port {args.port}")))
    base = _base_url(args)
    local = f"http://127.0.0.1:{args.port}" if args.host in ("0.0.0.0", "127.0.0.1") else base
    print("Appreciate is running. Press Ctrl+C to stop.")
    print(f"  Facilitator: open {local}/ on this computer and choose 'Start a workshop'.")
    print(f"  Participants join at {base}/ with the workshop's join code (or its QR code).")
    if args.host in ("127.0.0.1", "localhost"):
        print("  Note: listening on this computer only; phones cannot join. Use --host 0.0.0.0.")
    print(f"  Data is kept in {app.config['DATA_DIR']}", flush=True)
    if args.retention_days:
        print(f"  Workshops are deleted {args.retention_days} days after they were created.",
              flush=True)
    serving.serve(app, args.host, args.port)
    return 0


def _port_is_free(host: str, port: int) -> None:
    """Raise the OSError binding would, now rather than after the start has changed things."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def new(args: argparse.Namespace) -> int:
    app = startup.prepared(_settings(args))
    runtime = runtime_of(app)
    if args.plan not in runtime.plans:
        print(f"There is no plan called {args.plan!r}. Plans: {', '.join(runtime.plans)}")
        return 2
    workshop, key = workshop_service.create(runtime, args.plan, args.title)
    base = _base_url(args)
    print(f"Workshop created: {workshop.title}")
    print(f"  Join code:        {workshop.code}")
    print(f"  Join link:        {base}/j/{workshop.code}")
    print(f"  Facilitator link: {base}/w/{workshop.code}/f/{key}")
    print("Keep the facilitator link private: anyone who has it can run the workshop.")
    return 0


def plans(args: argparse.Namespace) -> int:
    app = create_app(_settings(args))  # reads the plans folder only
    for plan in runtime_of(app).plans.values():
        print(f"{plan.name:32} {plan.duration_minutes:4} min  {plan.title}")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write one file from the data directory; works while the server is stopped (or running)."""
    app = startup.prepared(_settings(args))
    runtime = runtime_of(app)
    workshop = workshop_service.find(runtime, args.code)
    with app.app_context():
        made = export_file(runtime, workshop, args.format, args.audience, pdf_in_child=False)
    if args.output == "-":
        sys.stdout.buffer.write(made.content)
        return 0
    try:
        _write_private(Path(args.output), made.content)
    except OSError as exc:
        print(f"Could not write {args.output}: {exc.strerror}. Nothing was written; choose a "
              "folder that exists and that you may write to.", file=sys.stderr)
        return 2
    print(f"Wrote {args.output} ({len(made.content):,} bytes) for {workshop.title}.")
    return 0


def _write_private(path: Path, content: bytes) -> None:
    """Write ``content`` readable by its owner alone (0600): exports hold what people wrote.
    Written beside the target and renamed, so a full disk never leaves half a file."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def import_(args: argparse.Namespace) -> int:
    """Restore a JSON backup as a new workshop and say how to reach it."""
    app = startup.prepared(_settings(args))
    try:
        with Path(args.file).open("rb") as handle:  # never more than a backup may be
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        print(f"Could not read {args.file}: {exc.strerror}.")
        return 2
    try:
        restored, key = restore(runtime_of(app), content, new_key=args.new_key)
    except BackupError as exc:
        print(f"Nothing was imported: {exc}.")
        return 2
    base = _base_url(args)
    print("Workshop restored.")
    if restored.code_changed:
        print("  Its old join code is taken here, so it has a new one.")
    print(f"  Join code:        {restored.code}")
    print(f"  Join link:        {base}/j/{restored.code}")
    if key:
        print(f"  Facilitator link: {base}/w/{restored.code}/f/{key}")
        print("Keep the facilitator link private: anyone who has it can run the workshop.")
    else:
        print(f"  Facilitator link: {base}/w/{restored.code}/f/<your key>")
        print("  Your old private facilitator link still works: use its key (the part after "
              "/f/) with this code.\n  Lost it? Run the import again with --new-key.")
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch a parsed command line; a broken plan file is reported, not a traceback."""
    handlers = {None: serve, "serve": serve, "new": new, "plans": plans, "export": export,
                "import": import_}
    try:
        return handlers[args.command](args)
    except PlanError as exc:
        print(f"A workshop plan could not be loaded: {exc}")
        return 2
    except ServiceError as exc:
        print(exc.message)
        return 2
    except SettingsError as exc:
        print(f"A setting is not right: {exc}")
        return 2
    except server_lock.FolderInUse as exc:
        print(f"Appreciate did not start: {exc}.", file=sys.stderr)
        return 2
    except Exception as exc:
        print(trouble(exc, args), file=sys.stderr)
        if getattr(args, "debug", False):
            raise
        return 1


def trouble(exc: Exception, args: argparse.Namespace) -> str:
    """One sentence on what went wrong and what to do, for the faults a laptop meets."""
    where = getattr(args, "data_dir", "the data folder")
    if isinstance(exc, DatabaseError):
        return (f"The database in {where} cannot be read ({exc.orig or exc}). If the file is "
                "damaged, move it aside and import your latest JSON backup "
                "(python app.py import FILE). Nothing was changed.")
    if isinstance(exc, OSError):
        hints = {
            errno.EADDRINUSE: f"port {getattr(args, 'port', '')} is already in use: is "
                              "Appreciate already running? Choose another with --port",
            errno.ENOSPC: "the disk is full: free some space and start again; nothing "
                          "acknowledged was lost",
            errno.EROFS: f"{where} is on a disk that is read-only: choose another with "
                         "--data-dir",
            errno.EACCES: f"this user may not write to {exc.filename or where}: choose "
                          "another folder with --data-dir",
        }
        return "Appreciate stopped: " + hints.get(
            exc.errno or 0, f"{exc.strerror or exc} ({exc.filename or where})") + "."
    return (f"Appreciate stopped after an unexpected error ({type(exc).__name__}). "
            "Run the same command with --debug to see where it happened.")
