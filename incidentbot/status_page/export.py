"""The whole site as static files, swapped in at once so a reader never sees half of it.

`DIR` is a symbolic link to a complete copy of the site beside it (`.DIR.site-…`); each export
writes a new copy, then replaces the link in one `rename`, which POSIX makes atomic. Web
servers and sync tools follow the link. The copy it replaced is removed afterwards.

An export rewrites only what changed: each incident page whose incident, page settings and
templates are as they were is hard-linked from the current copy (no bytes copied, and the copy
being read is never written to); a manifest beside the link (`.DIR.manifest.json`) says what each
page was rendered from. The shared files (the index, history, JSON and feeds) are written anew.
"""

from __future__ import annotations

import json
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
    """Write the site (reusing the current copy's unchanged pages), then point `target` at it;
    returns how many files the site has."""
    target = Path(os.path.abspath(target))
    with _LOCK:
        check_target(target)
        if target.is_dir() and not target.is_symlink():
            target.rmdir()  # an empty directory made for us: the link takes its place
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = Path(tempfile.mkdtemp(prefix=f".{target.name}.site-", dir=target.parent))
        try:
            current = _current(target)
            count, rendered_from = _write_files(page, copy, current)
            copy.chmod(0o755)  # mkdtemp makes it private; a web server reads it as another user
            previous = _swap(copy, target)
            _write_manifest(target, copy, rendered_from)
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


def _write_files(page: Overview, root: Path, current: _Copy | None) -> tuple[int, dict[str, str]]:
    count = 0
    copy = _NewCopy(str(root))
    for relative, file in files.shared(page):
        copy.write(relative, file.body)
        count += 1
    rendered_from: dict[str, str] = {}
    for relative, fingerprint, render in files.incident_pages(page):
        rendered_from[relative] = fingerprint
        unchanged = current is not None and current.pages.get(relative) == fingerprint
        if not (unchanged and current is not None and copy.link(current, relative)):
            copy.write(relative, render().body)
        count += 1
    return count, rendered_from


class _NewCopy:
    """The copy being written: each directory made once, each file created and written at once."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._made = {""}

    def write(self, relative: str, body: bytes) -> None:
        descriptor = os.open(self._path(relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            written = 0
            while written < len(body):
                written += os.write(descriptor, body[written:] if written else body)
        finally:
            os.close(descriptor)

    def link(self, current: _Copy, relative: str) -> bool:
        try:
            os.link(current.root / relative, self._path(relative))
        except OSError:
            return False  # gone, or a file system without hard links: render it instead
        return True

    def _path(self, relative: str) -> str:
        folder = os.path.dirname(relative)
        if folder not in self._made:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._made.add(folder)
        return os.path.join(self.root, relative)


class _Copy:
    """The copy `target` points at, and what its incident pages were rendered from."""

    def __init__(self, root: Path, pages: dict[str, str]) -> None:
        self.root, self.pages = root, pages


def _manifest(target: Path) -> Path:
    return target.parent / f".{target.name}.manifest.json"


def _current(target: Path) -> _Copy | None:
    """The current copy, when the manifest describes it; None means render every page."""
    if not target.is_symlink():
        return None
    try:
        manifest = json.loads(_manifest(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    root = target.parent / os.readlink(target)
    if not isinstance(manifest, dict) or manifest.get("copy") != root.name:
        return None  # an export stopped between the swap and the manifest: trust nothing
    pages = manifest.get("pages")
    return _Copy(root, pages) if isinstance(pages, dict) else None


def _write_manifest(target: Path, copy: Path, rendered_from: dict[str, str]) -> None:
    manifest = _manifest(target)
    written = manifest.with_name(f"{manifest.name}.{os.getpid()}-{threading.get_ident()}")
    written.write_text(json.dumps({"copy": copy.name, "pages": rendered_from}), encoding="utf-8")
    os.replace(written, manifest)


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
