"""Runs MODULE.main() as ARGV0: Debian's python3-nova/python3-glance ship no console scripts (those come
with the daemon packages, which the lab does not install)."""
import importlib
import sys

mod, argv0 = sys.argv[1], sys.argv[2]
sys.argv = [argv0] + sys.argv[3:]
sys.exit(importlib.import_module(mod).main())
