"""MkDocs glue for the live preview: learn of a save from the operating system
instead of by polling. Imported by plansite_hooks.py (MkDocs puts this folder
on sys.path while it loads the hooks).

MkDocs 1.6 watches with watchdog's PollingObserver, which looks at every
watched file each 0.5 s: on average a quarter of a second between a save and
the rebuild, and a walk of content/, templates/ and plansite/ twice a second.
`watch_natively` moves the watches MkDocs made so far (docs_dir, the config
file, the theme with --watch-theme; `watch:` comes after on_serve) to
watchdog's native observer (inotify, FSEvents, ReadDirectoryChangesW), using
only LiveReloadServer's public `unwatch`/`watch` and `observer` and watchdog's
public API. If MkDocs changes any of that, the preview keeps polling and says
so; tests/test_serve.py fails in that case.
"""

from __future__ import annotations

import os

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)


def watch_natively(server, config) -> None:
    """Move `server`'s watches to the native observer, or leave them polling with a warning."""
    from watchdog.observers.polling import PollingObserver

    old = getattr(server, "observer", None)
    if not isinstance(old, PollingObserver) or not (hasattr(server, "watch") and hasattr(server, "unwatch")):
        log.warning("MkDocs' live-reload server changed (no PollingObserver at server.observer): the preview "
                    "keeps MkDocs' own file watching — see hooks/native_watch.py")
        return
    candidates = [config.docs_dir, config.config_file_path, *config.theme.dirs]
    moved = []
    for path in dict.fromkeys(p for p in candidates if p):
        try:
            server.unwatch(path)
        except (KeyError, ValueError):  # not watched (the theme without --watch-theme)
            continue
        moved.append(path)
    problem = ("MkDocs watches more than docs_dir, the config file and the theme before on_serve" if old.emitters
               else _native_problem([*moved, *config.watch]))
    if problem:  # leave it all as it was
        for path in moved:
            server.watch(path)
        log.warning(f"{problem}: the preview keeps polling — see hooks/native_watch.py")
        return
    server.observer = _changes_observer()
    for path in moved:
        server.watch(path)
    log.info(f"Watching for changes with {type(server.observer).__mro__[1].__name__} instead of polling")


def _native_problem(paths: list[str]) -> str | None:
    """Why the native observer cannot watch `paths` here (None: it can). MkDocs starts
    the observer only after on_serve, and a failure there (say, the system's limit of
    inotify watches reached) would stop the preview: try it first."""
    from watchdog.events import FileSystemEventHandler

    probe = _changes_observer()
    try:
        for path in paths:
            if os.path.exists(path):
                probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as exc:
        return f"the operating system's file watching is not available ({exc})"
    finally:
        probe.stop()
        if probe.is_alive():
            probe.join()
    return None


def _changes_observer():
    """watchdog's native observer, reporting only changes: MkDocs rebuilds on any event
    it hears, and inotify also reports a file being opened or read — by the build itself."""
    from watchdog import events
    from watchdog.observers import Observer

    changes = (events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
               events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent)

    class ChangesObserver(Observer):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or changes,
                                    follow_symlink=follow_symlink)

    return ChangesObserver()
