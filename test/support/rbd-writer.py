"""A librbd client standing in for a VM's QEMU: opens an RBD image as a chosen CephX user, writes 4 KiB
(the first write takes the image's exclusive lock, as QEMU's first guest write does), then stays up with
the image open (its watch registered) until it is killed.

Usage: /usr/bin/python3 rbd-writer.py CONF ID POOL IMAGE
Reports one JSON object per line on stdout:
  {"event": "connected", "client": "client.N", "address": "IP:port/nonce"}
  {"event": "opened"}
  {"event": "locked"}                                   the write succeeded and we own the lock
  {"event": "write-error", "errno": 13, "message": ...}  the write failed (EACCES: could not blocklist)
  {"event": "error", "errno": N, "message": ...}         could not connect or open (then exit 1)
  {"event": "closed"}                                   SIGTERM: image closed cleanly (lock released)
Needs /usr/bin/python3 (python3-rbd, python3-rados): a pyenv `python3` lacks these modules.
"""
import json
import re
import signal
import sys
import threading

import rados
import rbd


def report(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def errno_of(exc):
    return abs(getattr(exc, "errno", 0) or 0)


def client_address(cluster):
    # get_addrs() gives the messenger's address vector, e.g. "[v2:...,any:127.0.0.1:0/3871]" or
    # "127.0.0.1:0/3871"; `rbd lock ls` prints the same IP:port/nonce without the type prefix.
    m = re.search(r"(\d+\.\d+\.\d+\.\d+:\d+/\d+)", cluster.get_addrs())
    return m.group(1) if m else ""


def main():
    conf, cid, pool, name = sys.argv[1:5]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    cluster = rados.Rados(conffile=conf, rados_id=cid)
    # bounded connect: a lab that is down must not leave a writer hanging for 300 s
    cluster.conf_set("client_mount_timeout", "15")
    try:
        cluster.connect()
        report("connected", client="client.%d" % cluster.get_instance_id(), address=client_address(cluster))
        ioctx = cluster.open_ioctx(pool)
        image = rbd.Image(ioctx, name)
        report("opened")
    except (rados.Error, rbd.Error) as exc:
        report("error", errno=errno_of(exc), message=str(exc))
        sys.exit(1)
    try:
        image.write(b"\xab" * 4096, 0)
        report("locked")
    except rbd.Error as exc:
        # stays up with the image open, as QEMU does after an I/O error: its watch remains
        report("write-error", errno=errno_of(exc), message=str(exc))
    stop.wait()
    image.close()
    ioctx.close()
    cluster.shutdown()
    report("closed")


if __name__ == "__main__":
    main()
