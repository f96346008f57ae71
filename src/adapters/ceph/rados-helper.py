#!/usr/bin/python3
"""vmlocks' Ceph read helper: ONE long-lived librados connection, reads only, JSON lines over stdio.

Started and supervised by rados-helper-process.ts (the bot's Node process); never run by hand in production.
It uses Ceph's official Python bindings (Debian python3-rados, python3-rbd: the libraries the `ceph` CLI uses)
and must run under the system Python that has them (/usr/bin/python3; a pyenv python3 lacks them).

Usage: rados-helper.py --id ID [--conf PATH] [--keyring PATH] [--timeout SECONDS] [--threads N]
  CEPH_CONF / CEPH_KEYRING from the environment are read as the rbd/ceph CLIs read them.

Requests, one JSON object per line on stdin:
  {"id": 7, "op": "ls", "pool": "vms"}                        like `rbd ls vms --format json`
  {"id": 8, "op": "lock_ls", "pool": "vms", "image": "x"}     like `rbd lock ls vms/x --format json`
  {"id": 9, "op": "status", ...}, {"op": "info", ...}          like `rbd status` / `rbd info`
  {"id": 10, "op": "blocklist_ls"}                             like `ceph osd blocklist ls --format json`
  {"id": 11, "op": "ping"}                                     connects (if needed) and answers
Answers, one line each, in any order (calls run on a thread pool; librados releases the GIL while it waits):
  {"id": 8, "ok": true, "out": "<the CLI's JSON output, as text>"}
  {"id": 8, "ok": false, "errno": 2, "stage": "connect|pool|image|call", "error": "<librados message>"}
"out" is text so that 64-bit cookies keep every digit: Node decodes it as it decodes the CLI's output.
Images are opened read-only: no watch is registered, the lock is never taken (as `rbd lock ls`/`rbd status` do).
The helper exits when stdin closes.
"""
import argparse
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import rados
import rbd

# rbd's feature and flag names, in bit order (src/include/rbd/features.h, src/tools/rbd/Utils.cc)
FEATURES = [
    (rbd.RBD_FEATURE_LAYERING, "layering"), (rbd.RBD_FEATURE_STRIPINGV2, "striping"),
    (rbd.RBD_FEATURE_EXCLUSIVE_LOCK, "exclusive-lock"), (rbd.RBD_FEATURE_OBJECT_MAP, "object-map"),
    (rbd.RBD_FEATURE_FAST_DIFF, "fast-diff"), (rbd.RBD_FEATURE_DEEP_FLATTEN, "deep-flatten"),
    (rbd.RBD_FEATURE_JOURNALING, "journaling"), (rbd.RBD_FEATURE_DATA_POOL, "data-pool"),
    (rbd.RBD_FEATURE_OPERATIONS, "operations"), (rbd.RBD_FEATURE_MIGRATING, "migrating"),
    (rbd.RBD_FEATURE_NON_PRIMARY, "non-primary"),
]
FLAGS = [(rbd.RBD_FLAG_OBJECT_MAP_INVALID, "object map invalid"), (rbd.RBD_FLAG_FAST_DIFF_INVALID, "fast diff invalid")]
# errors after which the connection is not trusted any more: timed out, blocklisted (ESHUTDOWN), not connected
DROP_CONNECTION = {110, 108, 107}


class Failure(Exception):
    def __init__(self, stage, exc):
        super().__init__(str(exc))
        self.stage = stage
        self.errno = abs(getattr(exc, "errno", None) or 0) or 5


class Connection:
    """The cluster handle, opened on first use, shared by every call, re-opened after a failure."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.cluster = None
        self.ioctxs = {}
        self.attempt = None  # (threading.Event, result) of the connect in progress

    def _connect(self):
        a = self.args
        c = rados.Rados(rados_id=a.id, conffile=a.conf or "")
        if not a.conf:
            c.conf_read_file()  # CEPH_CONF, else /etc/ceph/ceph.conf, as the CLIs do
        c.conf_parse_env()  # CEPH_ARGS; CEPH_KEYRING is read by the config itself
        if a.keyring:
            c.conf_set("keyring", a.keyring)
        for option in ("client_mount_timeout", "rados_mon_op_timeout", "rados_osd_op_timeout"):
            c.conf_set(option, str(a.timeout))
        c.connect()
        return c

    def cluster_handle(self):
        """The connected handle; concurrent callers share one connect attempt and its failure."""
        with self.lock:
            if self.cluster is not None:
                return self.cluster
            mine = self.attempt is None
            if mine:
                self.attempt = [threading.Event(), None]
            attempt = self.attempt
        if mine:
            try:
                attempt[1] = self._connect()
            except (rados.Error, rbd.Error) as exc:
                attempt[1] = Failure("connect", exc)
            with self.lock:
                self.attempt = None
                if not isinstance(attempt[1], Failure):
                    self.cluster = attempt[1]
            attempt[0].set()
        attempt[0].wait()
        if isinstance(attempt[1], Failure):
            raise attempt[1]
        return attempt[1]

    def ioctx(self, pool):
        cluster = self.cluster_handle()
        with self.lock:
            io = self.ioctxs.get(pool)
        if io is None:
            try:
                io = cluster.open_ioctx(pool)
            except (rados.Error, rbd.Error) as exc:
                raise Failure("pool", exc) from exc
            with self.lock:
                self.ioctxs.setdefault(pool, io)
        return io

    def drop(self, cluster):
        """Forgets a connection that failed; its shutdown runs aside (it may block on a dead cluster)."""
        with self.lock:
            if self.cluster is not cluster or cluster is None:
                return
            self.cluster = None
            self.ioctxs = {}
        threading.Thread(target=cluster.shutdown, daemon=True).start()


def names(value, table):
    out = [name for bit, name in table if value & bit]
    known = 0
    for bit, _ in table:
        known |= bit
    return out + (["unknown"] if value & ~known else [])


def with_image(conn, req, read):
    io = conn.ioctx(req["pool"])
    try:
        image = rbd.Image(io, req["image"], read_only=True)
    except (rados.Error, rbd.Error) as exc:
        raise Failure("image", exc) from exc
    try:
        return read(image)
    except (rados.Error, rbd.Error) as exc:
        raise Failure("call", exc) from exc
    finally:
        image.close()


def lock_ls(image):
    held = image.list_lockers()
    lockers = held["lockers"] if held else []
    return [{"id": cookie, "locker": client, "address": addr} for client, cookie, addr in lockers]


def status(image):
    return {"watchers": [{"address": w["addr"], "client": w["id"], "cookie": w["cookie"]} for w in image.watchers_list()]}


def info(image, name):
    return {"name": name, "features": names(image.features(), FEATURES), "flags": names(image.flags(), FLAGS)}


def blocklist_ls(conn):
    cluster = conn.cluster_handle()
    # Pacific renamed blacklist to blocklist; an older cluster answers EINVAL to the new spelling
    for spelling in ("blocklist", "blacklist"):
        ret, out, outs = cluster.mon_command(json.dumps({"prefix": "osd %s ls" % spelling, "format": "json"}), b"")
        if ret != -22 or spelling == "blacklist":
            break
    if ret < 0:
        err = rados.OSError(outs or os.strerror(-ret), errno=-ret)
        raise Failure("call", err)
    return out.decode("utf-8", "replace"), spelling


def handle(conn, req):
    op = req.get("op")
    if op == "ping":
        conn.cluster_handle()
        return "{}", None
    if op == "blocklist_ls":
        return blocklist_ls(conn)
    if op == "ls":
        try:
            return json.dumps(rbd.RBD().list(conn.ioctx(req["pool"]))), None
        except (rados.Error, rbd.Error) as exc:
            raise Failure("call", exc) from exc
    readers = {"lock_ls": lock_ls, "status": status, "info": lambda image: info(image, req["image"])}
    if op not in readers:
        raise Failure("call", rados.OSError("unknown op %r" % op, errno=22))
    return json.dumps(with_image(conn, req, readers[op])), None


class Replies:
    """Writes answers one line at a time and counts the calls still running."""

    def __init__(self):
        self.lock = threading.Condition()
        self.running = 0

    def started(self):
        with self.lock:
            self.running += 1

    def send(self, reply, finished=True):
        line = json.dumps(reply) + "\n"
        with self.lock:
            sys.stdout.write(line)
            sys.stdout.flush()
            if finished:
                self.running -= 1
                self.lock.notify_all()

    def drain(self, seconds):
        with self.lock:
            self.lock.wait_for(lambda: self.running == 0, timeout=seconds)


def serve(conn, replies, req):
    rid = req.get("id")
    cluster = conn.cluster
    try:
        out, spelling = handle(conn, req)
        reply = {"id": rid, "ok": True, "out": out}
        if spelling:
            reply["spelling"] = spelling
    except Failure as f:
        if f.stage == "connect" or f.errno in DROP_CONNECTION:
            conn.drop(cluster if cluster is not None else conn.cluster)
        reply = {"id": rid, "ok": False, "errno": f.errno, "stage": f.stage, "error": str(f)}
    except Exception as exc:  # a bug here must answer the call, not leave it hanging
        reply = {"id": rid, "ok": False, "errno": 5, "stage": "call", "error": "helper error: %r" % exc}
    replies.send(reply)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--id", required=True)
    p.add_argument("--conf")
    p.add_argument("--keyring")
    p.add_argument("--timeout", type=int, default=8)
    p.add_argument("--threads", type=int, default=8)
    args = p.parse_args()
    conn = Connection(args)
    replies = Replies()
    pool = ThreadPoolExecutor(max_workers=args.threads)
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            replies.send({"id": None, "ok": False, "errno": 22, "stage": "call", "error": "bad request line"}, finished=False)
            continue
        replies.started()
        pool.submit(serve, conn, replies, req)
    # stdin closed: answer the calls still running, within their timeout; never wait on a call stuck in librados
    replies.drain(args.timeout + 1)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
