"""Inputs that used to crash the ingest with a traceback: each now loads or gets a named error and exit code.

Every case starts from the tiny export (tests/fixtures/sf_tiny) and damages it inside the test; the
live database must stay as it was on every refusal, and no traceback may reach the command line.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from data.config import ConfigError
from data.ingest import discover, ingest, main
from data.ingest import load as ingest_module
from data.ingest.preflight import StorageError
from data.ingest.read import IngestError, _check_utf8
from data.store import Store
from tests.conftest import ROOT_DIR, TINY, export_with, load, rows


def cli(*args: str) -> subprocess.CompletedProcess:
    """Run `python -m data.ingest` as a user would."""
    return subprocess.run([sys.executable, "-m", "data.ingest", *map(str, args)], cwd=ROOT_DIR, capture_output=True, text=True)


def refused(export: Path, db: Path, *fragments: str, **kwargs) -> str:
    """Ingest must raise IngestError containing every fragment, and publish nothing."""
    with pytest.raises(IngestError) as err:
        ingest(export, db, quiet=True, **kwargs)
    text = str(err.value)
    for fragment in fragments:
        assert fragment in text, text
    return text


def live_unchanged(db: Path, before: Path) -> None:
    assert db.resolve() == before
    con = duckdb.connect(str(db), read_only=True)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    con.close()
    assert not list(Store(db).versions_dir.glob(".building-*"))


def test_mixed_line_endings_in_one_file_load(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    lines = (export / "Opportunity.csv").read_text().split("\n")
    (export / "Opportunity.csv").write_text(lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n" + "\n".join(lines[3:]))
    con = load(export, db_path)
    assert rows(con, "SELECT opportunity_id, stage_name FROM stg_opportunities ORDER BY 1")[2] == (
        "006000000000003AAA",
        "Verbal Commit",
    )


def _excel_unicode_text(path: Path) -> None:
    """What Excel's 'Unicode text' writes: UTF-16 LE with a byte-order mark, tab-separated."""
    path.write_bytes(b"\xff\xfe" + path.read_text().replace(",", "\t").encode("utf-16-le"))


@pytest.mark.parametrize("declared", [None, "cp1252"])
def test_excel_unicode_text_is_read_as_utf16_tab_separated(declared: str | None, tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path, "cp1252")  # User.csv with accents
    (export / "User.csv").write_text((export / "User.csv").read_bytes().decode("cp1252"))
    _excel_unicode_text(export / "User.csv")
    con = load(export, db_path, encoding=declared)  # the old advice (declare cp1252) must not break it
    assert rows(con, "SELECT user_name FROM stg_users WHERE user_id = '005000000000002AAA'") == [("Émile Rüdiger",)]
    assert rows(con, "SELECT encoding FROM ingest_file WHERE object = 'User'") == [("utf-16",)]


def test_semicolon_separated_file_is_refused_naming_the_separator(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    (export / "Opportunity.csv").write_text((export / "Opportunity.csv").read_text().replace(",", ";"))
    refused(export, db_path, "Opportunity.csv, header row", "separated by semicolons (';')", "CSV UTF-8 (Comma delimited)")


def test_nul_byte_in_a_header_is_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    (export / "Lead.csv").write_text((export / "Lead.csv").read_text().replace("OwnerId", "Owner\x00Id", 1))
    refused(export, db_path, "Lead.csv, header row", "header column 3 contains a NUL byte")


def test_unreadable_file_is_refused(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = export_with(tmp_path)
    target = export / "Lead.csv"
    if os.geteuid() == 0:  # root reads anything: simulate the permission error
        real_open = open

        def fake_open(path, *args, **kwargs):
            if Path(path) == target:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(discover, "open", fake_open, raising=False)
    else:
        target.chmod(0)
    refused(export, db_path, "Lead.csv: the file cannot be read: permission denied", "read access")


def test_unreadable_export_folder_is_refused(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = export_with(tmp_path)

    def denied(_self, _pattern):
        raise PermissionError(errno.EACCES, "Permission denied", str(export / "sub"))

    monkeypatch.setattr(Path, "rglob", denied)  # what a folder without read permission does (root reads anything)
    refused(export, db_path, "sub: cannot be read (Permission denied)", "read access to the export")


def test_dangling_link_and_folder_named_like_an_object_are_refused(tmp_path: Path, db_path: Path) -> None:
    export = export_with(tmp_path)
    (export / "Lead.csv").unlink()
    (export / "Lead.csv").symlink_to(tmp_path / "gone.csv")
    (export / "Campaign_2.csv").mkdir()
    refused(
        export,
        db_path,
        "Lead.csv: the file is a link to something that no longer exists",
        "Campaign_2.csv: this is a folder named like a CSV file",
    )


def _zip_of_tiny(archive: Path, **extra: bytes) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in TINY.iterdir():
            zf.write(f, f"export/{f.name}")
        for name, data in extra.items():
            zf.writestr(name, data)
    return archive


def test_corrupt_zip_is_refused(tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not really a zip")
    refused(tmp_path / "junk.zip", db_path, "junk.zip: the file is named .zip but is not a readable zip archive")
    damaged = bytearray(_zip_of_tiny(tmp_path / "crc.zip").read_bytes())
    damaged[200] ^= 0xFF  # inside the first member's compressed data
    (tmp_path / "crc.zip").write_bytes(bytes(damaged))
    refused(tmp_path / "crc.zip", db_path, "crc.zip: the zip archive is damaged")


def test_password_protected_zip_is_refused(tmp_path: Path, db_path: Path) -> None:
    archive = _zip_of_tiny(tmp_path / "locked.zip")
    data = bytearray(archive.read_bytes())
    # set the "encrypted" flag bit in every local and central directory header (what zip -e does)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            data[i + offset] |= 0x1
            start = i + 4
    archive.write_bytes(bytes(data))
    refused(archive, db_path, "password-protected", "Extract it yourself")


def test_macos_zip_metadata_is_skipped(tmp_path: Path, db_path: Path) -> None:
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\xff\xfe"
    archive = _zip_of_tiny(
        tmp_path / "mac.zip",
        **{
            "__MACOSX/export/._Opportunity.csv": apple_double,
            "export/._Lead.csv": apple_double,
            "export/.DS_Store": b"\x00\x00\x00\x01Bud1",
        },
    )
    con = load(archive, db_path)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]
    assert rows(con, "SELECT count(*) FROM ingest_file WHERE contains(file_name, '._')") == [(0,)]


def test_full_disk_is_a_named_error_and_leaves_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(TINY, db_path, quiet=True)
    before = db_path.resolve()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/crm-ingest-x/export/Lead.csv")

    monkeypatch.setattr(ingest_module, "create_typing_macros", full)
    with pytest.raises(StorageError, match=r"no space left on the device while writing /tmp/crm-ingest-x.*TMPDIR"):
        ingest(TINY, db_path, quiet=True)
    live_unchanged(db_path, before)
    assert len(Store(db_path).versions()) == 1


def test_full_disk_from_the_command_line_exits_5_without_a_traceback(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def full(*_args, **_kwargs):
        raise duckdb.IOException('Could not write file "x.duckdb": No space left on device')

    monkeypatch.setattr(ingest_module, "create_typing_macros", full)
    assert main([str(TINY), "--db", str(db_path), "--quiet"]) == 5
    err = capsys.readouterr().err
    assert "no space left on the device" in err and "Traceback" not in err


def test_bad_db_paths_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    proc = cli(TINY, "--db", folder)
    assert proc.returncode == 5 and "is a folder" in proc.stderr and "Traceback" not in proc.stderr
    (tmp_path / "notes.txt").write_text("my notes")
    proc = cli(TINY, "--db", tmp_path / "notes.txt")
    assert proc.returncode == 5 and "not a DuckDB database" in proc.stderr
    assert (tmp_path / "notes.txt").read_text() == "my notes" and not (tmp_path / "notes.txt").is_symlink()
    proc = cli(TINY, "--db", tmp_path / "notes.txt" / "crm.duckdb")
    assert proc.returncode == 5 and "is a file, not a folder" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "notes.txt"]  # no orphan version file


def test_failed_switch_leaves_no_orphan_version(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(TINY, db_path, quiet=True)
    before = db_path.resolve()

    def broken_symlink(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(db_path.parent))

    monkeypatch.setattr(os, "symlink", broken_symlink)
    with pytest.raises(StorageError, match="cannot write"):
        ingest(TINY, db_path, quiet=True)
    live_unchanged(db_path, before)
    assert Store(db_path).versions() == [before]


def test_read_only_database_folder_exits_5(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    ingest(TINY, db_path, quiet=True)
    before = db_path.resolve()
    if os.geteuid() == 0:  # root writes anywhere: simulate a read-only file system
        import tempfile

        def read_only(*_args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(kwargs.get("dir", "")))

        monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    else:
        db_path.parent.chmod(0o555)
    assert main([str(TINY), "--db", str(db_path), "--quiet"]) == 5
    err = capsys.readouterr().err
    assert "cannot write" in err and "write access" in err and "Traceback" not in err
    live_unchanged(db_path, before)


def test_unknown_reporting_currency_is_refused_before_building(tmp_path: Path, db_path: Path) -> None:
    config = tmp_path / "defs.toml"
    config.write_text(
        (ROOT_DIR / "definitions.toml").read_text().replace('reporting_currency = "USD"', 'reporting_currency = "XYZ"')
    )
    with pytest.raises(ConfigError, match="'XYZ' is not an ISO 4217 currency code"):
        ingest(TINY, db_path, quiet=True, config_path=config)
    assert not db_path.parent.exists()
    proc = cli(TINY, "--db", db_path, "--config", config)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_byte_order_mark_in_definitions_is_accepted(tmp_path: Path, db_path: Path) -> None:
    config = tmp_path / "defs.toml"
    config.write_text("\ufeff" + (ROOT_DIR / "definitions.toml").read_text(), encoding="utf-8")
    con = load(TINY, db_path, config_path=config)
    assert rows(con, "SELECT count(*) FROM stg_opportunities") == [(3,)]


def test_unexpected_error_gives_a_message_and_a_log_not_a_traceback(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def bug(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(ingest_module, "create_typing_macros", bug)
    assert main([str(TINY), "--db", str(db_path), "--quiet"]) == 70
    err = capsys.readouterr().err
    assert "Ingest failed unexpectedly (ZeroDivisionError: division by zero)" in err and "Traceback" not in err
    log = Path(err.split("Details for a bug report: ")[1].strip())
    assert "Traceback" in log.read_text()
    log.unlink()


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("é".encode() + b"\n", None),  # a character cut between two 64 KiB pieces of the check
        ("\U0001f600".encode() + b"\n", None),
        (b"\xc3(\n", "invalid byte sequence b'\\xc3(\\n' at byte 65535 (line 2)"),
        (b"\xe9t\xe9\n", "invalid byte sequence b'\\xe9t\\xe9\\n' at byte 65535 (line 2)"),
        (b"\xc3", "invalid byte sequence b'' at byte 65536 (line 2)"),  # cut at the end of the file
    ],
)
def test_utf8_check_between_ascii_pieces(tail: bytes, message: str | None, tmp_path: Path) -> None:
    # the check skips ASCII pieces of the file: what follows them is still decoded from where it starts
    path = tmp_path / "Lead.csv"
    path.write_bytes(b"Id\n" + b"a" * (65535 - 3) + tail)
    if message is None:
        _check_utf8(path, "Lead.csv")
        return
    with pytest.raises(IngestError) as err:
        _check_utf8(path, "Lead.csv")
    assert f"Lead.csv: the file is not UTF-8: {message}" in str(err.value)


@pytest.mark.parametrize(
    ("where", "bad", "message"),
    [
        ("header", b"\xff", "at byte 2 (line 1)"),
        ("value", b"\xed\xa0\x80", "(line 2)"),  # a UTF-16 surrogate written as UTF-8
        ("value", b"\xc0\xaf", "(line 2)"),  # an overlong '/'
        ("last value", b"\xe9", "(line 3)"),  # Latin-1 'é', in the last record
    ],
)
def test_not_utf8_anywhere_is_refused_naming_the_byte_and_line(
    where: str, bad: bytes, message: str, tmp_path: Path, db_path: Path
) -> None:
    # DuckDB checks the encoding as it reads (an 'INVALID ENCODING' reject); the load then names the first bad byte
    export = export_with(tmp_path)
    path = export / "Account.csv"
    lines = path.read_bytes().split(b"\n")
    if where == "header":
        lines[0] = lines[0][:2] + bad + lines[0][2:]
    else:
        k = 1 if where == "value" else len([line for line in lines if line]) - 1
        lines[k] = lines[k].replace(b",", b"," + bad, 1)
    path.write_bytes(b"\n".join(lines))
    text = refused(export, db_path, "Account.csv: the file is not UTF-8")
    assert message in text
