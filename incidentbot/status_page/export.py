"""The whole site as static files, swapped in at once so a reader never sees half of it.

`DIR` is a symbolic link to a complete copy of the site beside it (`.DIR.site-…`); each export
writes a new copy, then replaces the link in one `rename`, which POSIX makes atomic. Web
servers and sync tools follow the link. The copy it replaced is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from incidentbot.status_page import files
from incidentbot.status_page.overview import Overview

STALE_SECONDS = 600
"""Copies left behind by an export that stopped halfway are removed after this long."""
_LOCK = threading.Lock()


class ExportError(Exception):
    """The site cannot be written there; the message says what to do."""


def write_site(page: Overview, target: Path) -> int:
    """Write every file of the site, then point `target` at it; returns how many files."""
    target = Path(os.path.abspath(target))
    with _LOCK:
        check_target(target)
        if target.is_dir() and not target.is_symlink():
            target.rmdir()  # an empty directory made for us: the link takes its place
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = Path(tempfile.mkdtemp(prefix=f".{target.name}.site-", dir=target.parent))
        try:
            count = _write_files(page, copy)
            copy.chmod(0o755)  # mkdtemp makes it private; a web server reads it as another user
            previous = _swap(copy, target)
        except BaseException:
            shutil.rmtree(copy, ignore_errors=True)
            raise
        if previous is not None and previous != copy:
            shutil.rmtree(previous, ignore_errors=True)
        _remove_stale(target, keep=copy)
        return count


def check_target(target: Path) -> None:
    """ExportError unless `target` is missing, empty, or an earlier export's link."""
    if target.is_symlink() or not target.exists() or (target.is_dir() and not any(target.iterdir())):
        return
    raise ExportError(
        f"{target} exists and is not a status page export; remove it or choose another directory "
        "(the export makes it a link to the newest copy of the site)"
    )


def _write_files(page: Overview, root: Path) -> int:
    count = 0
    for relative, file in files.every(page):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.body)
        count += 1
    return count


def _swap(copy: Path, target: Path) -> Path | None:
    previous = target.parent / os.readlink(target) if target.is_symlink() else None
    link = target.parent / f".{target.name}.link-{os.getpid()}-{threading.get_ident()}"
    link.unlink(missing_ok=True)
    link.symlink_to(copy.name)  # relative, so the pair can be moved or mounted elsewhere
    os.replace(link, target)
    return previous


def _remove_stale(target: Path, keep: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for stale in target.parent.glob(f".{target.name}.site-*"):
        if stale != keep and stale.stat().st_mtime < cutoff and stale.resolve() != target.resolve():
            shutil.rmtree(stale, ignore_errors=True)
