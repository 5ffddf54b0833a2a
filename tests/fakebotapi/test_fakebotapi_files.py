"""Uploads, file_id reuse, getFile and downloads."""

from __future__ import annotations

import struct
import zlib

import httpx
import telegram
from telegram import InputFile

from fakebotapi import FakeBotApi, SimUser


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * width * 3 for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_document_upload_get_file_download(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    payload = bytes(range(256)) * 40 + "é,ü\n".encode()
    sent = await bot.send_document(
        alice.id,
        InputFile(payload, filename="hires.csv"),
        caption="<b>Report</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "hires.csv"
    assert sent.caption == "Report"
    stored = fake.chat_messages(alice)[0]
    assert stored.document is not None
    name, mime, data = stored.document
    assert (name, mime, data) == ("hires.csv", "text/csv", payload)
    assert stored.html == "<b>Report</b>"

    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload

    again = await bot.send_document(alice.id, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    assert fake.chat_messages(alice)[1].document == stored.document


async def test_photo_and_user_uploads(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    png = tiny_png()
    photo = await bot.send_photo(alice.id, png, caption="pic")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    assert fake.chat_messages(alice)[0].photo == png

    await fake.send_document(alice, "cv.pdf", b"%PDF-1.4 fake", mime_type="application/pdf")
    await fake.send_photo(alice, png, caption="me")
    updates = await bot.get_updates()
    doc_msg, photo_msg = (u.message for u in updates)
    assert doc_msg is not None and doc_msg.document is not None
    assert doc_msg.document.mime_type == "application/pdf"
    file = await bot.get_file(doc_msg.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 fake"
    uploaded = fake.file(doc_msg.document.file_id)
    assert (uploaded.origin, uploaded.downloads) == ("user", 1)
    assert photo_msg is not None and photo_msg.caption == "me"


async def test_unknown_file_and_path(fake: FakeBotApi, bot: telegram.Bot, alice: SimUser) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        missing = await client.get(f"{fake.base_file_url}{fake.token}/documents/nothing.txt")
    assert missing.status_code == 404
    try:
        await bot.send_document(alice.id, "NOT-A-FILE-ID")
    except telegram.error.BadRequest as err:
        assert err.message == "Wrong file identifier/http url specified"
    else:
        raise AssertionError("expected BadRequest")
