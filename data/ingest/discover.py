"""Find the export's CSV files in a folder, a .zip or a single .csv, and refuse what cannot be read.

Every problem with the export *as a set of files* is found here, before anything is loaded, and
reported with the file name and what to do: a damaged or password-protected archive, a dangling
link, a folder named like a CSV file, a file that cannot be opened. Files a Mac adds to archives
and folders (`__MACOSX/`, `._*` AppleDouble files, `.DS_Store`) are skipped.
"""

from __future__ import annotations

import errno
import shutil
import zipfile
from pathlib import Path

from data.ingest.read import IngestError, Problem
from data.schema import object_for_file

Grouped = dict[str, list[tuple[Path, str]]]


def is_mac_metadata(path: str) -> bool:
    """True for the files macOS adds beside real ones: `__MACOSX/...`, `._Lead.csv`, `.DS_Store`."""
    parts = Path(path).parts
    return any(p == "__MACOSX" for p in parts) or Path(path).name.startswith("._") or Path(path).name == ".DS_Store"


def discover(export_path: Path, work: Path) -> tuple[Grouped, list[str]]:
    """CSV files of the export grouped by object: {object name: [(path, display name)]}; unknown names.

    Raises IngestError naming every file that cannot be read (all of them at once).
    """
    if export_path.is_file() and (export_path.suffix.lower() == ".zip" or zipfile.is_zipfile(export_path)):
        root, label = _extract(export_path, work / "export"), export_path.name + ":"
    elif export_path.is_dir():
        root, label = export_path, ""
    elif export_path.suffix.lower() == ".csv":
        root, label = None, ""
    else:
        raise IngestError(
            [
                Problem(
                    str(export_path),
                    "not a folder, a .zip or a .csv file",
                    "Give the folder or .zip holding the exported CSV files",
                )
            ]
        )
    if root is None:
        paths = [export_path]
    else:
        paths = sorted(p for p in root.rglob("*") if p.suffix.lower() == ".csv" and not is_mac_metadata(str(p.relative_to(root))))
    grouped: Grouped = {}
    unknown = []
    problems = []
    for p in paths:
        display = label + (p.relative_to(root).as_posix() if root else p.name)
        problem = _unreadable(p, display)
        if problem:
            problems.append(problem)
            continue
        obj = object_for_file(p.stem)
        if obj is None:
            unknown.append(display)
        else:
            grouped.setdefault(obj.name, []).append((p, display))
    if problems:
        raise IngestError(problems)
    return grouped, unknown


def _unreadable(p: Path, display: str) -> Problem | None:
    """Why a file found in the export cannot be read (None when it can)."""
    if p.is_symlink() and not p.exists():
        return Problem(
            display,
            "the file is a link to something that no longer exists (a dangling symbolic link)",
            "Replace the link with the file itself, or remove the link",
        )
    if p.is_dir():
        return Problem(
            display,
            "this is a folder named like a CSV file, not a file",
            "Rename the folder (or remove it) and put the exported file itself in the export",
        )
    if not p.is_file():
        return Problem(display, "this is not a regular file (a device, pipe or socket)", "Remove it from the export")
    try:
        with open(p, "rb") as fh:
            fh.read(1)
    except PermissionError:
        return Problem(
            display,
            "the file cannot be read: permission denied",
            "Give the user running the ingest read access (e.g. chmod a+r), or copy the file",
        )
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise
        return Problem(display, f"the file cannot be read ({exc.strerror or exc})", "Copy the file again and reload")
    return None


def _extract(archive: Path, target: Path) -> Path:
    """Copy the archive's CSV files (base names only: no zip-slip) into `target`."""
    if not zipfile.is_zipfile(archive):
        raise IngestError(
            [
                Problem(
                    archive.name,
                    "the file is named .zip but is not a readable zip archive (damaged, or an incomplete download)",
                    "Download or create the archive again",
                )
            ]
        )
    target.mkdir()
    try:
        with zipfile.ZipFile(archive) as zf:
            _extract_members(zf, archive, target)
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise IngestError(
            [
                Problem(
                    archive.name,
                    f"the zip archive is damaged ({exc})",
                    "Download or create the archive again, then check it opens",
                )
            ]
        ) from None
    return target


def _extract_members(zf: zipfile.ZipFile, archive: Path, target: Path) -> None:
    seen: set[str] = set()
    for info in zf.infolist():
        base = Path(info.filename).name  # never a path from the archive: no zip-slip
        if info.is_dir() or not base.lower().endswith(".csv") or is_mac_metadata(info.filename):
            continue
        if info.flag_bits & 0x1:
            raise IngestError(
                [
                    Problem(
                        f"{archive.name}:{info.filename}",
                        "the zip archive is password-protected",
                        "Extract it yourself with the password and give the folder instead",
                    )
                ]
            )
        if base in seen:
            raise IngestError(
                [
                    Problem(
                        f"{archive.name}:{info.filename}",
                        "two files in the archive have this name",
                        "Keep one file per object part in the archive",
                    )
                ]
            )
        seen.add(base)
        with zf.open(info) as src, open(target / base, "wb") as dst:
            shutil.copyfileobj(src, dst)
