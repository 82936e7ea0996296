"""The files of a HubSpot export: a folder, a .zip (of parts, or of several objects) or one file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from data.ingest.discover import is_mac_metadata
from data.ingest.hubspot.detect import looks_hubspot
from data.ingest.read import IngestError, Problem

SUFFIXES = (".csv", ".xlsx")


def export_files(export_path: Path, work: Path) -> list[tuple[Path, str]]:
    """Every CSV/XLSX file of the export as (path on disk, display name), zips extracted into `work`."""
    if export_path.is_dir():
        found = sorted(p for p in export_path.rglob("*") if p.suffix.lower() in (*SUFFIXES, ".zip") and p.is_file())
        pairs = [
            (p, p.relative_to(export_path).as_posix()) for p in found if not is_mac_metadata(str(p.relative_to(export_path)))
        ]
    else:
        pairs = [(export_path, export_path.name)]
    out = []
    for path, display in pairs:
        if path.suffix.lower() == ".zip" or (path.suffix.lower() not in SUFFIXES and zipfile.is_zipfile(path)):
            out.extend(_unzip(path, display, work))
        else:
            out.append((path, display))
    return out


def _unzip(archive: Path, display: str, work: Path) -> list[tuple[Path, str]]:
    target = work / f"zip-{len(list(work.glob('zip-*')))}"
    target.mkdir(parents=True)
    out = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                base = Path(info.filename).name  # base names only: nothing is written outside `target`
                if info.is_dir() or Path(base).suffix.lower() not in SUFFIXES or is_mac_metadata(info.filename):
                    continue
                dst = target / base
                with zf.open(info) as src, open(dst, "wb") as fh:
                    fh.write(src.read())
                out.append((dst, f"{display}:{info.filename}"))
    except (zipfile.BadZipFile, RuntimeError, EOFError, NotImplementedError) as exc:
        raise IngestError([Problem(display, f"the zip archive cannot be read ({exc})", "Download the export again")]) from None
    return out


def _first_line(path: Path) -> list[str]:
    if path.suffix.lower() == ".xlsx":
        return []
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            return fh.readline().strip().split(",")
    except OSError:
        return []


def is_hubspot_export(export_path: Path) -> bool:
    """True when a file of the export is named like a HubSpot export, is an .xlsx, or has a HubSpot header."""
    if export_path.is_dir():
        paths = [p for p in export_path.rglob("*") if p.is_file() and not is_mac_metadata(str(p.relative_to(export_path)))]
    elif export_path.is_file():
        paths = [export_path]
    else:
        return False
    for p in paths:
        if p.suffix.lower() == ".zip" or (zipfile.is_zipfile(p) and p.suffix.lower() not in SUFFIXES):
            if _zip_is_hubspot(p):
                return True
        elif p.suffix.lower() in SUFFIXES and (p.suffix.lower() == ".xlsx" or looks_hubspot(p.stem, _first_line(p))):
            return True
    return False


def _zip_is_hubspot(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = Path(info.filename)
                if name.suffix.lower() == ".xlsx" or looks_hubspot(name.stem, []):
                    return True
                if name.suffix.lower() == ".csv" and not is_mac_metadata(info.filename):
                    with zf.open(info) as fh:
                        head = fh.readline().decode("utf-8-sig", errors="replace").strip().split(",")
                    if looks_hubspot(name.stem, head):
                        return True
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError, ValueError):
        return False  # a damaged or password-protected archive: the ordinary load refuses it by name
    return False
