"""The `w2vstudio` command: the GUI with no arguments or with paths to open (as a drop would: a
file manager's "Open with"), else one of the subcommands. A first word naming a subcommand is
the subcommand (`./train` opens a file called train)."""

import argparse
import importlib
import os
import signal
import sys
import threading

from w2vstudio import __version__
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.printable import say
from w2vstudio.core.support.task import clear_stop, latch_stop

# Each module defines add_parser(subparsers) and sets `func` on its parser.
_COMMAND_MODULES = (
    "w2vstudio.commands.train",
    "w2vstudio.commands.explore",
    "w2vstudio.commands.info",
    "w2vstudio.commands.pairs",
    "w2vstudio.commands.step",
    "w2vstudio.commands.axis",
    "w2vstudio.commands.frequency",
    "w2vstudio.commands.senses",
    "w2vstudio.commands.mirror",
    "w2vstudio.commands.map",
    "w2vstudio.commands.corpora",
    "w2vstudio.commands.weat",
    "w2vstudio.commands.change",
    "w2vstudio.commands.phrases",
    "w2vstudio.commands.cache",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="w2vstudio",
        description="Train and explore word embeddings. With no command, opens the studio; "
        "`w2vstudio PATH...` opens it with those corpus files or folders, vectors or session, as a drop would.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument("--install-desktop", action="store_true",
                         help="add the studio to the desktop's applications (entry and icon under $XDG_DATA_HOME)")
    desktop.add_argument("--uninstall-desktop", action="store_true", help="remove what --install-desktop added")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(subparsers)
    parser.set_defaults(command_names=frozenset(subparsers.choices))
    return parser


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like Ctrl-C so that half-written files are removed."""


def _on_stop_signal(signum, frame):
    """Ctrl-C or SIGTERM: raised here, and latched for the tasks' next checks (a raise that lands
    in a finaliser is lost)."""
    stop = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
    latch_stop(stop)
    raise stop


def _stopped_by(exc: BaseException | None) -> BaseException | None:
    """The Ctrl-C or SIGTERM behind `exc`, if any: a signal that arrives while a Numba kernel
    returns surfaces as a SystemError caused by it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (KeyboardInterrupt, Terminated)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or (not argv[0].startswith("-") and argv[0] not in parser.get_default("command_names")):
        return _studio(parser, argv)
    args = parser.parse_args(argv)
    if args.command is None and not (args.install_desktop or args.uninstall_desktop):
        parser.print_help()
        return 0
    in_main = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.signal(signum, _on_stop_signal) for signum in (signal.SIGINT, signal.SIGTERM)} \
        if in_main else {}
    try:
        if args.install_desktop or args.uninstall_desktop:
            return _desktop(args.install_desktop)
        return args.func(args) or 0
    except W2VError as exc:
        say(f"w2vstudio: error: {exc}")
        return 1
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        say(f"w2vstudio: error: {exc.strerror or exc}{where}")
        return 1
    except MemoryError:
        say(f"w2vstudio: error: {args.command or 'w2vstudio'}: not enough memory; lower the flags that size "
            "its arrays (such as --dim, --max-vocab, --limit, --max) or give it smaller files")
        return 1
    except (KeyboardInterrupt, Terminated, SystemError) as exc:
        stop = _stopped_by(exc)
        if stop is None:
            raise
        terminated = isinstance(stop, Terminated)
        print(f"w2vstudio: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return 143 if terminated else 130
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        clear_stop()


def _studio(parser: argparse.ArgumentParser, paths: list[str]) -> int:
    """Open the studio with `paths`; a first word that is neither a command nor a path is an error."""
    if paths and not os.path.lexists(paths[0]):
        commands = ", ".join(sorted(parser.get_default("command_names")))
        parser.error(f"{paths[0]!r} is neither a command ({commands}) nor a file or folder")
    from w2vstudio.gui.app import run

    return run(paths)


def _desktop(install: bool) -> int:
    from w2vstudio.core.support import desktop

    if install:
        for path in desktop.install_desktop():
            print(f"installed {path}")
    else:
        removed = desktop.uninstall_desktop()
        print("\n".join(f"removed {path}" for path in removed) or "nothing to remove")
    return 0


if __name__ == "__main__":
    sys.exit(main())
