#!/usr/bin/env python3
"""Cross-check fakegame against independent RCON clients from PyPI (and a few raw sockets), and
Languard's own RCON clients (`languard rcon`) against independent servers from PyPI (ours.py).

Usage: crosscheck.py [path/to/fakegame [path/to/languard]]   (default: target/debug/…)
Exits non-zero with a message on the first mismatch.
"""

import asyncio
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from rcon.exceptions import WrongPassword
from rcon.source import Client as SourceClient

import berconpy

import ours

ROOT = Path(__file__).resolve().parents[2]
FAKEGAME = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/debug/fakegame").resolve()
LANGUARD = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "target/debug/languard").resolve()
PROCS = []


Mismatch = ours.Mismatch


def check(cond, msg):
    if not cond:
        raise Mismatch(msg)


def free_port(udp_too=False, tcp_too=True):
    """A port free for TCP (and UDP when asked); bound to 0 and released."""
    for _ in range(50):
        kind = socket.SOCK_STREAM if tcp_too else socket.SOCK_DGRAM
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if udp_too and tcp_too:
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def start(dirpath, exe_name, args, stdin=subprocess.DEVNULL):
    """Runs fakegame under a game's executable name (symlink), cwd = server dir."""
    bindir = Path(dirpath) / "bin"
    bindir.mkdir(exist_ok=True)
    exe = bindir / exe_name
    if not exe.exists():
        exe.symlink_to(FAKEGAME)
    out = open(Path(dirpath) / "stdout.txt", "wb")
    p = subprocess.Popen([str(exe), *args], cwd=dirpath, stdout=out, stderr=subprocess.PIPE, stdin=stdin)
    PROCS.append(p)
    return p


def read(dirpath, name="stdout.txt"):
    try:
        return (Path(dirpath) / name).read_text(errors="replace")
    except FileNotFoundError:
        return ""


def wait_for(what, fn, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise Mismatch(f"timed out waiting for {what}")


def control(dirpath, text):
    """Writes a script and waits until fakegame has run it (the file is emptied afterwards)."""
    f = Path(dirpath) / "fakegame.control"
    f.write_text(text)
    wait_for("control file to be consumed", lambda: f.stat().st_size == 0)


def wait_exit(p, code, what):
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        raise Mismatch(f"{what}: process did not exit")
    check(rc == code, f"{what}: exit code {rc}, expected {code}; stderr={p.stderr.read()!r}")


# ---------------------------------------------------------------- Source
def raw_src_packet(pid, kind, body=b""):
    return struct.pack("<iii", len(body) + 10, pid, kind) + body + b"\0\0"


def raw_src_read(sock):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise Mismatch("connection closed mid-packet")
            buf += chunk
        return buf

    size, pid, kind = struct.unpack("<iii", exact(12))
    body = exact(size - 8)
    check(body.endswith(b"\0\0") or size == 18, f"bad terminator {body[-2:]!r}")
    return pid, kind, body[:-2]


def check_source():
    d = tempfile.mkdtemp(prefix="fg-source-")
    port = free_port(udp_too=True)
    (Path(d) / "tf/cfg").mkdir(parents=True)
    (Path(d) / "tf/cfg/server.cfg").write_text(
        'hostname "first"\n// comment\nrcon_password "s3cret pw"\nsv_password ""\nhostname "Cross Check TF2"\n'
    )
    p = start(d, "srcds_run", ["-game", "tf", "-port", str(port), "+map", "cp_badlands", "+maxplayers", "24"])
    wait_for("Source startup line", lambda: "Connection to Steam servers successful." in read(d))

    # rcon.source: wrong password must fail.
    try:
        with SourceClient("127.0.0.1", port, passwd="wrong", timeout=3):
            pass
        raise Mismatch("source: wrong password was accepted")
    except WrongPassword:
        pass

    control(d, "join Steve 76561197972611406\njoin Alex\nchat Steve hello all\n")
    with SourceClient("127.0.0.1", port, passwd="s3cret pw", timeout=3) as c:
        status = c.run("status")
        check("hostname: Cross Check TF2\n" in status, f"status hostname: {status!r}")
        check("players : 2 humans, 0 bots (24 max)" in status, f"status players line: {status!r}")
        check("map     : cp_badlands at: 0 x, 0 y, 0 z" in status, "status map line")
        rows = [l for l in status.splitlines() if l.startswith("#") and not l.startswith("# userid")]
        row = re.compile(r'^#\s+(\d+) "(.*)"\s+(\[U:1:\d+\]|BOT)\s+(\d+:\d\d(?::\d\d)?)\s+(\d+)\s+(\d+) (\w+) (\S+)$')
        parsed = [row.match(r) for r in rows]
        check(all(parsed) and len(parsed) == 2, f"status rows do not parse: {rows!r}")
        check(parsed[0].group(1, 2, 3) == ("2", "Steve", "[U:1:12345678]"), f"Steve row: {rows[0]!r}")
        check(c.run("echo", "hello", "world") == "hello world\n", "echo")
        check(c.run("frobnicate") == 'Unknown command "frobnicate"\n', "unknown command text")
        kicked = c.run("kickid", "3", "bye")
        check("Alex" in kicked, f"kickid reply {kicked!r}")
    with SourceClient("127.0.0.1", port, passwd="s3cret pw", timeout=3) as c:
        # rcon's client detects a >=4096-byte first packet and uses the empty-packet trick.
        cv = c.run("cvarlist")
        check(len(cv.encode()) > 8192, f"cvarlist only {len(cv)} bytes")
        check(cv.startswith("cvar list\n") and cv.endswith(" 240 total convars/concommands\n"), "cvarlist reassembly")
        check(cv.count("\n") == 240 + 4, "cvarlist line count")

    # Raw socket: pipelined requests answered in order, the auth quirk, and the mirror trick.
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(raw_src_packet(7, 3, b"s3cret pw") + raw_src_packet(8, 2, b"echo one")
                  + raw_src_packet(9, 2, b"cvarlist") + raw_src_packet(10, 0))
        got = [raw_src_read(s) for _ in range(3)]
        check(got == [(7, 0, b""), (7, 2, b""), (8, 0, b"one\n")], f"auth quirk/ordering: {got!r}")
        parts = []
        while True:
            pid, kind, body = raw_src_read(s)
            if pid == 10:
                break
            check(pid == 9 and kind == 0 and len(body) <= 4096, f"cvarlist part {pid},{kind},{len(body)}")
            parts.append(body)
        check(len(parts) >= 3 and body == b"", f"{len(parts)} parts; mirror body {body!r}")
        check(raw_src_read(s) == (10, 0, b"\x00\x00\x00\x01\x00\x00\x00\x00"), "trailing trick packet")
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.sendall(raw_src_packet(5, 3, b"nope"))
        check([raw_src_read(s) for _ in range(2)] == [(5, 0, b""), (-1, 2, b"")], "failed auth must answer id -1")

    out = read(d)
    for want in ['"Steve<2><[U:1:12345678]><>" connected, address "', '"Steve<2><[U:1:12345678]><>" entered the game',
                 '"Steve<2><[U:1:12345678]><Unassigned>" say "hello all"', 'disconnected (reason "Kicked by Console : bye")']:
        check(want in out, f"source stdout lacks {want!r}")
    check(re.search(r"^L \d\d/\d\d/\d{4} - \d\d:\d\d:\d\d: ", out, re.M), "L-line timestamp format")
    ours.check_against_fakegame(LANGUARD, "source", port, "s3cret pw", ["cvarlist"],
                                lambda o: o.startswith("cvar list\n") and o.endswith(" 240 total convars/concommands\n"))
    with SourceClient("127.0.0.1", port, passwd="s3cret pw", timeout=3) as c:
        c.run("quit")
    wait_exit(p, 0, "source quit")
    print("source: ok (rcon.source: auth ok/fail, status, echo, unknown, kickid, cvarlist multi-packet; raw: "
          "pipelining, auth quirk, mirror trick)")


# ---------------------------------------------------------------- Minecraft
def check_minecraft():
    d = tempfile.mkdtemp(prefix="fg-mc-")
    port, rport = free_port(), free_port()
    (Path(d) / "server.properties").write_text(
        f"#Minecraft server properties\nserver-port={port}\nenable-rcon=true\nrcon.port={rport}\n"
        f"rcon.password=mc\\u0021pw\nmax-players=5\nmotd=A \\u00A7aFake\\: Server\nlevel-type=minecraft\\:normal\n"
    )
    p = start(d, "java", ["-Xms512M", "-Xmx1024M", "-jar", "server.jar", "nogui"])
    wait_exit(p, 1, "minecraft without eula")
    check("You need to agree to the EULA in order to run the server. Go to eula.txt for more info." in read(d),
          "EULA message missing")
    check("eula=false" in read(d, "eula.txt"), "eula.txt template not written")
    (Path(d) / "eula.txt").write_text("eula=true\n")

    p = start(d, "java", ["-Xms512M", "-Xmx1024M", "-jar", "server.jar", "nogui"], stdin=subprocess.PIPE)
    wait_for("Done line", lambda: re.search(r'Done \(\d+\.\d{3}s\)! For help, type "help"', read(d)))
    try:
        with SourceClient("127.0.0.1", rport, passwd="mc!pw-wrong", timeout=3):
            pass
        raise Mismatch("minecraft: wrong password was accepted")
    except WrongPassword:
        pass
    with SourceClient("127.0.0.1", rport, passwd="mc!pw", timeout=3) as c:
        check(c.run("list") == "There are 0 of a max of 5 players online: ", "empty list")
        control(d, "join Steve\njoin Alex\nchat Steve hi there\n")
        check(c.run("list") == "There are 2 of a max of 5 players online: Steve, Alex", "list with players")
        h = c.run("help")
        check(len(h) > 4096 and h.endswith("/xp -> experience\n") and h.count("--- Showing help page") == 3,
              f"help reassembly ({len(h)} chars)")
        check(c.run("kick", "Alex", "go") == "Kicked Alex: go", "kick reply")
    ours.check_against_fakegame(LANGUARD, "minecraft", rport, "mc!pw", ["help"],
                                lambda o: o.count("--- Showing help page") == 3 and o.endswith("/xp -> experience\n"))
    ours.check_against_fakegame(LANGUARD, "minecraft", rport, "mc!pw", ["list"],
                                lambda o: o == "There are 1 of a max of 5 players online: Steve\n")
    # Raw: a command before auth gets (-1, 2); an unknown type gets "Unknown request c8".
    with socket.create_connection(("127.0.0.1", rport), timeout=3) as s:
        s.sendall(raw_src_packet(4, 2, b"list"))
        check(raw_src_read(s) == (-1, 2, b""), "command before auth")
        s.sendall(raw_src_packet(6, 200, b""))
        check(raw_src_read(s) == (6, 0, b"Unknown request c8"), "unknown request type")
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        pass  # game port accepts
    p.stdin.write(b"say from console\n")
    p.stdin.flush()
    wait_for("console say", lambda: "[Server] from console" in read(d, "logs/latest.log"))
    log = read(d, "logs/latest.log")
    for want in ["[Server thread/INFO]: Starting minecraft server version ",
                 "UUID of player Steve is 5627dd98-e6be-3c21-b8a8-e92344183641",
                 "[Server thread/INFO]: Steve joined the game", "[Server thread/INFO]: <Steve> hi there",
                 "[Server thread/INFO]: Alex left the game"]:
        check(want in log, f"latest.log lacks {want!r}")
    check(all(re.match(r"^\[\d\d:\d\d:\d\d\] \[[^\]]+/(INFO|WARN)\]: ", l) for l in log.splitlines()), "log line format")
    p.stdin.write(b"stop\n")
    p.stdin.flush()
    wait_exit(p, 0, "minecraft stop on stdin")
    print("minecraft: ok (EULA gate; rcon.source: auth ok/fail, list, help fragmentation, kick; raw: pre-auth, "
          "unknown type; stdin console; latest.log)")


# ---------------------------------------------------------------- Arma 3 / BattlEye
def be_packet(payload):
    body = b"\xff" + payload
    return b"BE" + struct.pack("<I", zlib.crc32(body)) + body


def be_recv(sock):
    data = sock.recv(65536)
    check(data[:2] == b"BE" and data[6] == 0xFF, f"bad BE header {data[:8]!r}")
    check(struct.unpack("<I", data[2:6])[0] == zlib.crc32(data[6:]), "bad CRC from server")
    return data[7:]


async def berconpy_session(rport):
    client = berconpy.ArmaClient()
    connected = asyncio.get_running_loop().create_future()

    def on_connect(player):
        if not connected.done():
            connected.set_result(player)

    client.add_listener("on_player_connect", on_connect)
    async with client.connect("127.0.0.1", rport, "be pass"):
        control(ARMA_DIR, "join Steve 76561198017965694\n")
        player = await asyncio.wait_for(connected, 5)
        check(player.name == "Steve", f"connect event name {player.name!r}")
        players = await client.fetch_players()
        check([(p.id, p.name, p.guid) for p in players] == [(0, "Steve", "f8960b9fd7cf711046c1df2ab8d534b2")],
              f"berconpy players: {players!r}")
        control(ARMA_DIR, "".join(f"join Player_With_A_Long_Name_{i:02}\n" for i in range(30)))
        raw = await client.send_command("players")
        check(len(raw.encode()) > 2000 and raw.endswith("(31 players in total)"), "multipart players reassembly")
        players = await client.fetch_players()
        check(len(players) == 31, f"berconpy parsed {len(players)} players")
        missions = await client.fetch_missions()
        check(missions == ["coop.Altis"], f"missions {missions!r}")
    bad = berconpy.ArmaClient()
    try:
        async with bad.connect("127.0.0.1", rport, "wrong"):
            raise Mismatch("BE: wrong password accepted")
    except berconpy.LoginFailure:
        pass


def check_arma():
    global ARMA_DIR
    d = ARMA_DIR = tempfile.mkdtemp(prefix="fg-arma-")
    port = free_port(tcp_too=False)
    rport = free_port(tcp_too=False)
    Path(d, "server.cfg").write_text(
        'hostname = "Cross ""Check"" Arma";\npassword = "";\npasswordAdmin = "adm";\nmaxPlayers = 40;\n'
        'class Missions { class M1 { template = "coop.Altis"; difficulty = "Regular"; }; };\n'
    )
    Path(d, "basic.cfg").write_text("MaxMsgSend = 128;\n")
    Path(d, "battleye").mkdir()
    Path(d, "battleye/beserver_x64.cfg").write_text(f"RConPassword be pass\nRConPort {rport}\nRConIP 127.0.0.1\n")
    args = [f"-port={port}", "-config=server.cfg", "-cfg=basic.cfg", "-profiles=profiles", "-name=server",
            "-bepath=battleye", "-world=empty", "-autoInit", "-mod=@a;@b"]
    p = start(d, "arma3server_x64", args)
    wait_for("Arma startup line", lambda: "Dedicated host created." in read(d))

    asyncio.run(berconpy_session(rport))
    ours.check_against_fakegame(LANGUARD, "battleye", rport, "be pass", ["players"],
                                lambda o: o.startswith("Players on server:\n") and o.endswith("(31 players in total)\n"))

    # rcon.battleye (if this rcon version ships it): its login needs the admin-login message.
    try:
        from rcon.battleye import Client as BeClient
        with BeClient("127.0.0.1", rport, passwd="be pass", timeout=3):
            pass
        be_note = "rcon.battleye login"
    except ImportError:
        be_note = "rcon.battleye not available"

    # Raw UDP: bad CRC dropped, keepalive echo, bans format, unknown command, multipart headers.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect(("127.0.0.1", rport))
        s.send(be_packet(b"\x00be pass"))
        check(be_recv(s) == b"\x00\x01", "raw login")
        check(be_recv(s).startswith(b"\x02\x00RCon admin #"), "admin login message")
        s.send(be_packet(b"\x02\x00"))
        bad = bytearray(be_packet(b"\x01\x00players"))
        bad[3] ^= 0xFF
        s.send(bytes(bad))
        s.send(be_packet(b"\x01\x01"))
        check(be_recv(s) == b"\x01\x01", "bad-CRC packet must be dropped; keepalive echoed")
        s.send(be_packet(b"\x01\x02bans"))
        bans = be_recv(s)[2:].decode()
        check(bans.startswith("GUID Bans:\n[#] [GUID] [Minutes left] [Reason]\n") and "IP Bans:\n" in bans, "bans")
        s.send(be_packet(b"\x01\x03frobnicate"))
        check(be_recv(s) == b"\x01\x03Unknown command", "unknown BE command")
        s.send(be_packet(b"\x01\x04players"))
        parts = {}
        while True:
            pkt = be_recv(s)
            if pkt[0] == 2:  # a server message slipped in: ack it
                s.send(be_packet(b"\x02" + pkt[1:2]))
                continue
            check(pkt[:3] == b"\x01\x04\x00", f"multipart header {pkt[:5]!r}")
            parts[pkt[4]] = pkt[5:]
            if len(parts) == pkt[3]:
                break
        text = b"".join(parts[i] for i in sorted(parts)).decode()
        row = re.compile(r"^(\d+)\s+([\d.]+:\d+)\s+(-?\d+)\s+([0-9a-f]{32})\((OK|\?)\) (.+)$")
        rows = [row.match(l) for l in text.splitlines()[3:-1]]
        check(len(rows) == 31 and all(rows), "players rows (§1 format)")

    rpt = wait_for("RPT file", lambda: list(Path(d, "profiles").glob("arma3server_x64_*.rpt")))
    check(re.fullmatch(r"arma3server_x64_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.rpt", rpt[0].name), f"RPT name {rpt[0].name}")
    text = rpt[0].read_text()
    for want in [r"^[ \d]\d:\d\d:\d\d BattlEye Server: Player #0 Steve \(203\.0\.113\.10:2304\) connected$",
                 r"^[ \d]\d:\d\d:\d\d Player Steve connected \(id=76561198017965694\)\.$"]:
        check(re.search(want, text, re.M), f"RPT lacks {want}")
    control(d, "leave Steve\n")
    wait_for("leave line", lambda: re.search(r"^[ \d]\d:\d\d:\d\d Player Steve disconnected\.$", rpt[0].read_text(), re.M))
    p.send_signal(signal.SIGTERM)
    wait_exit(p, 0, "arma SIGTERM")
    print(f"arma: ok (berconpy: login, connect event, players incl. multipart, missions, wrong password; {be_note}; "
          "raw: CRC drop, keepalive, bans, unknown, multipart; RPT; SIGTERM)")

    # hang: SIGTERM ignored and RCon silent; crash: exit code from the script.
    p = start(d, "arma3server_x64", args)
    wait_for("second start", lambda: read(d).count("Dedicated host created.") >= 1)
    time.sleep(0.3)
    control(d, "hang\n")
    p.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    if p.poll() is not None:
        raise Mismatch(f"hung server exited on SIGTERM (code {p.poll()}, stderr {p.stderr.read()!r})")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.7)
        s.sendto(be_packet(b"\x00be pass"), ("127.0.0.1", rport))
        try:
            s.recv(100)
            raise Mismatch("hung server answered RCon")
        except socket.timeout:
            pass
    Path(d, "fakegame.control").write_text("crash 7\n")  # never consumed: the process is gone
    wait_exit(p, 7, "crash 7")
    print("arma: ok (hang ignores SIGTERM and RCon; crash 7 exits 7)")


def check_config_errors():
    d = tempfile.mkdtemp(prefix="fg-bad-")
    Path(d, "server.cfg").write_text('hostname = "unterminated;\n')
    p = start(d, "arma3server_x64", ["-port=1", "-config=server.cfg"])
    wait_exit(p, 2, "bad server.cfg")
    p = start(d, "srcds_linux", ["-game", "nosuchdir", "-port", "1", "+map", "x"])
    wait_exit(p, 2, "missing game dir")
    print("config errors: ok (exit 2)")


# ---------------------------------------------------------------- players, kicks and bans
def recorded(d):
    """The commands fakegame recorded as received (fakegame.commands)."""
    return read(d, "fakegame.commands").splitlines()


async def bans_berconpy_session(d, rport):
    client = berconpy.ArmaClient()
    async with client.connect("127.0.0.1", rport, "pw"):
        control(d, "join Steve 76561198017965694\njoin Alex 76561198017965695\n")
        players = await client.fetch_players()
        check([p.name for p in players] == ["Steve", "Alex"], f"bans: players {players!r}")
        check(all(0 < p.ping < 200 for p in players), "bans: pings")
        await client.ban(0, 30, "cheating")
        players = await client.fetch_players()
        check([p.name for p in players] == ["Alex"], f"bans: Steve still online after ban: {players!r}")
        await client.ban("203.0.113.99", None, "proxy")
        check(await client.send_command("addBan nonsense 5") == "Invalid ban format", "addBan bad input")
        bans = await client.fetch_bans()
        got = [(b.index, b.id, b.reason) for b in bans]
        check(got == [(0, "f8960b9fd7cf711046c1df2ab8d534b2", "cheating"), (1, "203.0.113.99", "proxy")], f"bans {got}")
        check(bans[0].duration in (29, 30) and bans[1].duration is None, "ban durations")
        control(d, "join Steve 76561198017965694\n")
        players = await client.fetch_players()
        check([p.name for p in players] == ["Alex"], "banned GUID joined anyway")
        await client.unban(1)
        check(len(await client.fetch_bans()) == 1, "removeBan 1")
    for want in ["ban 0 30 cheating", "addBan 203.0.113.99 0 proxy", "addBan nonsense 5", "removeBan 1"]:
        check(want in recorded(d), f"fakegame.commands lacks {want!r}: {recorded(d)!r}")


def be_collect(sock, want):
    """Reads command-reply packets until `want` of them arrived, acking server messages."""
    got = []
    while len(got) < want:
        pkt = be_recv(sock)
        if pkt[0] == 2:
            sock.send(be_packet(b"\x02" + pkt[1:2]))
            continue
        got.append(pkt)
    return got


def check_arma_bans():
    d = tempfile.mkdtemp(prefix="fg-bans-")
    port, rport = free_port(tcp_too=False), free_port(tcp_too=False)
    Path(d, "server.cfg").write_text('hostname = "Bans";\nmaxPlayers = 10;\n')
    Path(d, "battleye").mkdir()
    Path(d, "battleye/beserver_x64.cfg").write_text(f"RConPassword pw\nRConPort {rport}\nRConIP 127.0.0.1\n")
    args = [f"-port={port}", "-config=server.cfg", "-profiles=profiles", "-bepath=battleye"]
    p = start(d, "arma3server_x64", args)
    wait_for("Arma startup line", lambda: "Dedicated host created." in read(d))
    asyncio.run(bans_berconpy_session(d, rport))
    txt = read(d, "battleye/bans.txt")
    check(re.fullmatch(r"f8960b9fd7cf711046c1df2ab8d534b2 \d{10} cheating\n", txt), f"bans.txt {txt!r}")
    rpt = next(Path(d, "profiles").glob("*.rpt")).read_text()
    check("Player Steve kicked off by BattlEye: Admin Ban (cheating)" in rpt, "RPT ban kick line")
    p.send_signal(signal.SIGTERM)
    wait_exit(p, 0, "arma bans SIGTERM")

    # Restart: the ban is back from bans.txt; then the delivery knobs, seen on a raw socket.
    control_file = Path(d, "fakegame.control")
    control_file.write_text("join Alex 76561198017965695\njoin Bob\nbe-part-size 40\nbe-reorder on\n")
    p = start(d, "arma3server_x64", args)
    wait_for("knobs applied", lambda: control_file.stat().st_size == 0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect(("127.0.0.1", rport))
        s.send(be_packet(b"\x00pw"))
        check(be_recv(s) == b"\x00\x01", "raw login after restart")
        s.send(be_packet(b"\x01\x00bans"))
        parts = be_collect(s, 1)
        check(parts[0][2] == 0 and parts[0][3] > 1, f"40-byte parts must make `bans` multipart: {parts[0]!r}")
        count = parts[0][3]
        parts += be_collect(s, count)  # the other parts, last first, then part 0 once more
        idx = [x[4] for x in parts]
        check(idx == list(range(count - 1, -1, -1)) + [0], f"reordered part indices {idx}")
        text = b"".join({x[4]: x[5:] for x in parts}[i] for i in range(count)).decode()
        check("\n0  f8960b9fd7cf711046c1df2ab8d534b2 " in text and " cheating\n" in text, f"ban reloaded: {text!r}")
        control(d, "be-reorder off\nbe-part-size 1000\nbe-duplicate on\nchat Alex dup\n")
        msgs = []
        while len(msgs) < 2:
            pkt = be_recv(s)
            if pkt[0] == 2 and pkt[2:] == b"(Global) Alex: dup":
                msgs.append(pkt[1])
        check(msgs[0] == msgs[1], f"duplicated message seqs {msgs}")
        s.send(be_packet(b"\x02" + bytes([msgs[0]])))
        wait_for("ack recorded", lambda: str(msgs[0]) in read(d, "fakegame.acks").split())
    p.send_signal(signal.SIGTERM)
    wait_exit(p, 0, "arma knobs SIGTERM")
    print("arma bans: ok (berconpy: ban, addBan, bad addBan, bans, refused join, removeBan; bans.txt reload; "
          "raw: be-part-size + be-reorder, be-duplicate, acks record)")


def check_source_bans():
    d = tempfile.mkdtemp(prefix="fg-srcbans-")
    port = free_port(udp_too=True)
    (Path(d) / "tf/cfg").mkdir(parents=True)
    (Path(d) / "tf/cfg/server.cfg").write_text('hostname "Bans"\nrcon_password "pw"\n')
    args = ["-game", "tf", "-port", str(port), "+map", "cp_badlands", "+maxplayers", "24"]
    p = start(d, "srcds_run", args)
    wait_for("Source startup line", lambda: "Connection to Steam servers successful." in read(d))
    control(d, "join Steve 76561197972611406\njoin Alex\njoin Bob\n")
    row = re.compile(r'^#\s+(\d+) "(.*)"\s+(\[U:1:\d+\])\s+(\d+:\d\d)\s+(\d+)\s+(\d+) active (\S+)$')
    with SourceClient("127.0.0.1", port, passwd="pw", timeout=3) as c:
        rows = [row.match(l) for l in c.run("status").splitlines() if l.startswith("# ") and "userid" not in l]
        check(len(rows) == 3 and all(rows), f"status rows {rows!r}")
        check(rows[0].group(2, 3) == ("Steve", "[U:1:12345678]"), "status Steve row")
        check(c.run("banid", "0", "2", "kick") == "", "banid reply")
        check(c.run("banid", "5", "STEAM_0:1:1") == "", "banid offline id")
        check(c.run("banid", "x", "2").startswith("Usage:  banid"), "banid usage")
        check(c.run("listid") == "ID filter list: 2 entries\n1 [U:1:12345678] : permanent\n2 [U:1:3] : 5.000 min\n",
              "listid")
        check(c.run("writeid") == "Writing cfg/banned_user.cfg.\n", "writeid reply")
        check(read(d, "tf/cfg/banned_user.cfg") == "banid 0 [U:1:12345678]\n", "banned_user.cfg")
        control(d, "join Steve 76561197972611406\n")
        check("players : 2 humans" in c.run("status"), "banned SteamID joined anyway")
        check(c.run("removeid", "[U:1:3]") == "removeid:  filter removed for [U:1:3]\n", "removeid")
        check(c.run("removeid", "[U:1:3]") == "removeid:  couldn't find [U:1:3]\n", "removeid twice")
    out = read(d)
    for want in ['"Steve<2><[U:1:12345678]><>" was banned "permanently" by "Console"',
                 'disconnected (reason "Kicked and banned")',
                 'Banid: "<><[U:1:3]><>" was banned "for 5.00 minutes" by "Console"',
                 'disconnected (reason "You have been banned from this server.")']:
        check(want in out, f"source stdout lacks {want!r}")
    check("banid 0 2 kick" in recorded(d) and "removeid [U:1:3]" in recorded(d), f"commands {recorded(d)!r}")
    with SourceClient("127.0.0.1", port, passwd="pw", timeout=3) as c:
        c.run("quit")
    wait_exit(p, 0, "source bans quit")
    p = start(d, "srcds_run", args)
    wait_for("Source restart", lambda: read(d).count("Connection to Steam servers successful.") >= 1)
    with SourceClient("127.0.0.1", port, passwd="pw", timeout=3) as c:
        check(c.run("listid") == "ID filter list: 1 entry\n1 [U:1:12345678] : permanent\n", "ban loaded at start")
        c.run("quit")
    wait_exit(p, 0, "source bans quit 2")
    print("source bans: ok (rcon.source: status rows, banid userid+kick / offline / usage, listid, writeid, "
          "refused join, removeid; banned_user.cfg loaded at start)")


def check_minecraft_bans():
    d = tempfile.mkdtemp(prefix="fg-mcbans-")
    port, rport = free_port(), free_port()
    Path(d, "server.properties").write_text(
        f"server-port={port}\nenable-rcon=true\nrcon.port={rport}\nrcon.password=pw\nmax-players=5\n")
    Path(d, "eula.txt").write_text("eula=true\n")
    mc = ["-jar", "server.jar", "nogui"]
    p = start(d, "java", mc, stdin=subprocess.PIPE)
    wait_for("RCON listener", lambda: "RCON running on" in read(d))
    steve_uuid = "5627dd98-e6be-3c21-b8a8-e92344183641"
    with SourceClient("127.0.0.1", rport, passwd="pw", timeout=3) as c:
        control(d, "join Steve\njoin Alex\n")
        listing = c.run("list", "uuids")
        check(listing.startswith(f"There are 2 of a max of 5 players online: Steve ({steve_uuid}), Alex ("), listing)
        check(c.run("ban", "Steve", "griefing") == "Banned Steve: griefing", "ban reply")
        check(c.run("ban", "Steve") == "Nothing changed. The player is already banned", "ban twice")
        check(c.run("list") == "There are 1 of a max of 5 players online: Alex", "banned player still listed")
        p.stdin.write(b"ban Herobrine\n")
        p.stdin.flush()
        wait_for("console ban", lambda: "Herobrine" in read(d, "banned-players.json"))
        check(c.run("banlist") == "There are 2 ban(s):\nSteve was banned by Rcon: griefing\n"
              "Herobrine was banned by Server: Banned by an operator.", "banlist")
        import json
        bans = json.loads(read(d, "banned-players.json"))
        check(list(bans[0]) == ["uuid", "name", "created", "source", "expires", "reason"], "json key order")
        check((bans[0]["uuid"], bans[0]["expires"], bans[0]["source"]) == (steve_uuid, "forever", "Rcon"), "json")
        check(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", bans[0]["created"]), "created format")
        control(d, "join Steve\n")
        check(c.run("list") == "There are 1 of a max of 5 players online: Alex", "banned player joined anyway")
        check(c.run("pardon", "Steve") == "Unbanned Steve", "pardon")
        check(c.run("pardon", "Steve") == "Nothing changed. The player isn't banned", "pardon twice")
    log = read(d, "logs/latest.log")
    for want in ["[Server thread/INFO]: Steve lost connection: You are banned from this server.",
                 "[Server thread/INFO]: [Rcon: Banned Steve: griefing]",
                 "[Server thread/INFO]: Disconnecting Steve (/127.0.0.1:"]:
        check(want in log, f"latest.log lacks {want!r}")
    check("ban Steve griefing" in recorded(d) and "ban Herobrine" in recorded(d), f"commands {recorded(d)!r}")
    p.stdin.write(b"stop\n")
    p.stdin.flush()
    wait_exit(p, 0, "minecraft bans stop")
    p = start(d, "java", mc, stdin=subprocess.PIPE)
    wait_for("RCON listener after restart", lambda: "RCON running on" in read(d))
    with SourceClient("127.0.0.1", rport, passwd="pw", timeout=3) as c:
        check(c.run("banlist") == "There are 1 ban(s):\nHerobrine was banned by Server: Banned by an operator.",
              "bans loaded at start")
    p.stdin.write(b"stop\n")
    p.stdin.flush()
    wait_exit(p, 0, "minecraft bans stop 2")
    print("minecraft bans: ok (rcon.source + stdin: list uuids, ban, banlist, refused join, pardon; "
          "banned-players.json format and reload)")


def check_player_admin():
    check_arma_bans()
    check_source_bans()
    check_minecraft_bans()


def main():
    check(FAKEGAME.is_file(), f"{FAKEGAME} not found: run `cargo build -p languard-tests --bin fakegame` first")
    check(LANGUARD.is_file(), f"{LANGUARD} not found: run `cargo build -p languard --bin languard` first")
    t0 = time.time()
    try:
        check_config_errors()
        check_source()
        check_minecraft()
        check_arma()
        check_player_admin()
        ours.check_battleye(LANGUARD)
        ours.check_source(LANGUARD)
    except Mismatch as e:
        print(f"CROSSCHECK FAILED: {e}", file=sys.stderr)
        return 1
    except Exception:  # a client error (timeout, protocol error) is a mismatch too
        import traceback

        traceback.print_exc()
        print("CROSSCHECK FAILED: unexpected client error (see traceback above)", file=sys.stderr)
        return 1
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
    print(f"crosscheck: all passed in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
