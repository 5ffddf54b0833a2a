"""A separate process that books concurrently; two of these race on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import sys

from tests.storage.test_booking_capacity import attempt_bookings


async def main(url: str, first_user: int, count: int) -> None:
    succeeded = await attempt_bookings(url, first_user, count)
    print(f"succeeded={succeeded}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
