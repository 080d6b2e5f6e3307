#!/usr/bin/python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT (0: any free port) and prints the port on stdout once it
listens. Each accepted message is written to DIR as NNNN.eml (the bytes received), after
NNNN.env (the envelope: "from: A", one "rcpt: B" per recipient, "auth: USER" when the
client authenticated, "tls: 1" when the message came over TLS), so a reader that sees
the .eml sees both complete.

While a file named "fail" exists in DIR, every message is answered
"451 4.3.0 try later" after its data (nothing is written). Recipients matching
--reject (a Python regular expression) are refused with 550. With --user and
--password, AUTH PLAIN/LOGIN is offered (also without TLS) and required before MAIL.
With --tls-cert/--tls-key, STARTTLS is offered (--implicit-tls: TLS from the start, as
smtps:// on port 465).

  smtp_sink.py --dir DIR [--port N] [--reject RE] [--user U --password P]
               [--tls-cert PEM --tls-key PEM [--implicit-tls]]
"""
import argparse
import asyncio
import logging
import os
import re
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, reject):
        self.dir = directory
        self.reject = re.compile(reject) if reject else None
        self.count = 0

    def failing(self):
        return os.path.exists(os.path.join(self.dir, "fail"))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject.search(address):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        if self.failing():
            return "451 4.3.0 try later"
        self.count += 1
        base = os.path.join(self.dir, "%04d" % self.count)
        env = "from: %s\n" % envelope.mail_from
        env += "".join("rcpt: %s\n" % r for r in envelope.rcpt_tos)
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            env += "auth: %s\n" % session.auth_data.login.decode("utf-8", "replace")
        if session.ssl is not None or server.transport.get_extra_info("ssl_object"):
            env += "tls: 1\n"
        with open(base + ".env.tmp", "w", encoding="utf-8") as f:
            f.write(env)
        os.rename(base + ".env.tmp", base + ".env")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: queued as %04d" % self.count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--reject")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--implicit-tls", action="store_true")
    a = ap.parse_args()
    # AUTH without TLS is what the tests want: no warnings about it on stderr
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    sink = Sink(a.dir, a.reject)

    def authenticator(server, session, envelope, mechanism, data):
        ok = (
            isinstance(data, LoginPassword)
            and data.login == a.user.encode()
            and data.password == a.password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data)

    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)

    def factory():
        kw = {}
        if a.user:
            kw = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
        if ctx is not None and not a.implicit_tls:
            kw["tls_context"] = ctx
        return SMTP(sink, hostname="sink.test", **kw)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            factory, "127.0.0.1", a.port, ssl=ctx if a.implicit_tls else None
        )
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
