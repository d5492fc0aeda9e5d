"""A real SMTP server for the e-mail tests: accepts every message on 127.0.0.1 (port
chosen by the system, printed as the first line on stdout) and writes each one to the
folder given as the first argument, as JSON: envelope sender, recipients, and the raw
message. Runs until killed. Needs aiosmtpd (scripts/smtp-venv)."""

import asyncio
import json
import os
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        message = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        name = os.path.join(self.folder, uuid.uuid4().hex)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(message, f)
        os.rename(name + ".tmp", name + ".json")
        return "250 OK"


async def main(folder):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(folder), hostname="localhost"), "127.0.0.1", 0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
