"""Cross-check Languard's own RCON clients (through `languard rcon`) against independent servers:
a BattlEye server built on berconpy's protocol module, and rconx's Source RCON server.

The password goes through LANGUARD_RCON_PASSWORD, as admins use it.
"""

import os
import random
import time
import socket
import subprocess
import threading

from berconpy.protocol import (
    RCONServerProtocol,
    ServerAuthEvent,
    ServerCommandEvent,
    ServerMessageEvent,
)
from rconx.server.server import RconServer


class Mismatch(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Mismatch(msg)


def languard_rcon(languard, flavour, port, password, *command):
    env = dict(os.environ, LANGUARD_RCON_PASSWORD=password)
    p = subprocess.run(
        [str(languard), "rcon", "--flavour", flavour, "--port", str(port), *command],
        env=env, capture_output=True, timeout=20,
    )
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- BattlEye (berconpy server protocol)
PLAYERS = "Players on server:\n" + "".join(f"{i} 203.0.113.{i}:2304 47 {i:032x}(OK) Pläyer {i}\n" for i in range(60))


class BeServer:
    """berconpy's Sans-IO server protocol on a UDP socket. Replies are split in 512-byte parts,
    sent shuffled with one part twice; each command is preceded by a server message sent twice."""

    def __init__(self, password):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.password = password
        self.clients = {}
        self.acks = []  # (sequence, first ack?) per ack received
        self.logins = []
        self.errors = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            proto = self.clients.setdefault(addr, RCONServerProtocol(password=self.password))
            try:
                packet = proto.receive_datagram(data)
            except ValueError as e:
                # berconpy refuses a second ack of the same message; the client must still send it.
                if "acknowledgement" in str(e):
                    self.acks.append((data[8], False))
                else:
                    self.errors.append(repr(e))
                continue
            for out in proto.packets_to_send():
                self.sock.sendto(out.data, addr)
            for event in proto.events_received():
                if isinstance(event, ServerAuthEvent):
                    self.logins.append(event.success)
                elif isinstance(event, ServerMessageEvent):
                    self.acks.append((event.sequence, True))
                elif isinstance(event, ServerCommandEvent):
                    message = proto.send_message("RCon admin #0 (127.0.0.1:1) logged in")
                    self.sock.sendto(message.data, addr)
                    self.sock.sendto(message.data, addr)
                    reply = PLAYERS if event.message == "players" else f"echo: {event.message}"
                    parts = proto.respond_to_command(event.sequence, reply)
                    order = list(parts) + [parts[0]]
                    random.shuffle(order)
                    for part in order:
                        self.sock.sendto(part.data, addr)
            del packet

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def check_battleye(languard):
    server = BeServer("be secret")
    try:
        rc, out, err = languard_rcon(languard, "battleye", server.port, "be secret", "players")
        check(rc == 0, f"battleye players: exit {rc}, stderr {err!r}")
        check(out == PLAYERS, f"battleye multipart reply ({len(out)} chars, want {len(PLAYERS)})")
        check(len(PLAYERS.encode()) > 3 * 512, "the reply must span several parts")
        rc, out, err = languard_rcon(languard, "battleye", server.port, "be secret", "say", "-1", "hi all")
        check((rc, out) == (0, "echo: say -1 hi all\n"), f"battleye say: {rc} {out!r} {err!r}")
        # Each duplicated server message was acked twice (berconpy counts the first). The
        # server thread may still be reading the last acks when the client has exited.
        deadline = time.monotonic() + 5
        while len(server.acks) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        firsts = sum(1 for _, first in server.acks if first)
        check(firsts == 2 and len(server.acks) == 4, f"acks {server.acks!r}")
        rc, out, err = languard_rcon(languard, "battleye", server.port, "wrong", "players")
        check(rc != 0 and "refused the RCON password" in err, f"battleye wrong password: {rc} {err!r}")
        check(server.logins == [True, True, False], f"logins {server.logins!r}")
        check(not server.errors, f"berconpy rejected packets: {server.errors!r}")
    finally:
        server.close()
    print("languard rcon vs berconpy server: ok (login, shuffled+duplicated multipart, duplicated messages "
          "acked twice, wrong password)")


# ---------------------------------------------------------------- Source (rconx server)
CVARLIST = "cvar list\n" + "".join(f"sv_cvar_{i:04} : 1 : , \"sv\" : héllo wörld\n" for i in range(400)) + "total\n"


def check_source(languard):
    port = free_port(socket.SOCK_STREAM)
    commands = []

    def handler(content, info):
        commands.append(content.text)
        if content.text == "cvarlist":
            return CVARLIST
        return f"ran {content.text}\n"

    server = RconServer("127.0.0.1", port, authentication="src pw", command_handler=handler)
    started = threading.Event()
    thread = threading.Thread(target=lambda: server.serve(on_started=started.set), daemon=True)
    thread.start()
    check(started.wait(5), "rconx server did not start")
    try:
        rc, out, err = languard_rcon(languard, "source", port, "src pw", "cvarlist")
        check(rc == 0, f"source cvarlist: exit {rc}, stderr {err!r}")
        check(out == CVARLIST, f"source multi-packet reply ({len(out.encode())} bytes, want {len(CVARLIST.encode())})")
        check(len(CVARLIST.encode()) > 2 * 4096, "the reply must span several packets")
        rc, out, err = languard_rcon(languard, "source", port, "src pw", "echo", "héllo")
        check((rc, out) == (0, "ran echo héllo\n"), f"source echo: {rc} {out!r} {err!r}")
        rc, out, err = languard_rcon(languard, "source", port, "wrong", "status")
        check(rc != 0 and "refused the RCON password" in err, f"source wrong password: {rc} {err!r}")
        check(commands == ["cvarlist", "echo héllo"], f"commands seen by rconx: {commands!r}")
    finally:
        server.shutdown()
        thread.join(5)
    print("languard rcon vs rconx server: ok (auth quirk, multi-packet reply via the mirror packet, UTF-8, "
          "wrong password)")


def check_against_fakegame(languard, flavour, port, password, command, want):
    """Our client against the simulators too (they are checked against PyPI clients above)."""
    rc, out, err = languard_rcon(languard, flavour, port, password, *command)
    check(rc == 0, f"languard rcon {flavour} {command}: exit {rc}, stderr {err!r}")
    check(want(out), f"languard rcon {flavour} {command}: unexpected reply {out[:200]!r}")
