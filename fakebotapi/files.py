"""File storage behind file_id, getFile and the download URL."""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from pathlib import PurePosixPath
from typing import Literal

from .errors import bad_request
from .models import FileRecord

MAX_DOWNLOAD = 20 * 1024 * 1024


def image_size(data: bytes) -> tuple[int, int]:
    """PNG/GIF/JPEG dimensions, so photo sizes look real; (0, 0) when unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 0, 0


class FileStore:
    """Maps file_id and file_path to stored bytes."""

    def __init__(self) -> None:
        self._by_id: dict[str, FileRecord] = {}
        self._by_path: dict[str, FileRecord] = {}
        self._counter = 0

    def add(
        self,
        data: bytes,
        kind: Literal["document", "photo"],
        file_name: str | None = None,
        mime_type: str | None = None,
        origin: Literal["bot", "user"] = "bot",
    ) -> FileRecord:
        """Every upload gets a fresh file_id, like Telegram."""
        self._counter += 1
        n = self._counter
        digest = hashlib.sha1(data).hexdigest()[:12]
        if kind == "photo":
            mime_type = mime_type or "image/jpeg"
            suffix = ".jpg"
        else:
            if mime_type is None and file_name:
                mime_type = mimetypes.guess_type(file_name)[0]
            suffix = PurePosixPath(file_name).suffix if file_name else ""
        prefix = "AgAC" if kind == "photo" else "BQAC"
        width, height = image_size(data) if kind == "photo" else (0, 0)
        record = FileRecord(
            file_id=f"{prefix}{n:06d}{digest}",
            file_unique_id=f"AQAD{digest}",
            file_path=f"{kind}s/file_{n}{suffix}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            origin=origin,
        )
        self._by_id[record.file_id] = record
        self._by_path[record.file_path] = record
        return record

    def all(self) -> list[FileRecord]:
        """Every stored file, oldest first."""
        return list(self._by_id.values())

    def get(self, file_id: str) -> FileRecord | None:
        """None for an unknown id; callers pick the right Telegram error."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> FileRecord | None:
        """Resolves download URLs."""
        return self._by_path.get(file_path)

    def require(self, file_id: str, kind: Literal["document", "photo"]) -> FileRecord:
        """Re-sending by file_id must name an existing file of a compatible type."""
        record = self._by_id.get(file_id)
        if record is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if record.kind != kind:
            raise bad_request(f"can't use file of type {record.kind.title()} as {kind.title()}")
        return record

    @staticmethod
    def document_json(record: FileRecord) -> dict[str, object]:
        """Telegram Document object."""
        data: dict[str, object] = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
        }
        if record.file_name:
            data["file_name"] = record.file_name
        if record.mime_type:
            data["mime_type"] = record.mime_type
        return data

    @staticmethod
    def photo_json(record: FileRecord) -> list[dict[str, object]]:
        """Telegram's PhotoSize array; one size is enough for bots to pick the largest."""
        return [
            {
                "file_id": record.file_id,
                "file_unique_id": record.file_unique_id,
                "file_size": len(record.data),
                "width": record.width,
                "height": record.height,
            }
        ]

    @staticmethod
    def file_json(record: FileRecord) -> dict[str, object]:
        """Telegram File object returned by getFile."""
        if len(record.data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.data),
            "file_path": record.file_path,
        }
