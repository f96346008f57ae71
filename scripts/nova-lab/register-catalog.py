"""Registers compute, placement, image and network with public endpoints in RegionOne (idempotent).
argv: ADMIN_PASSWORD"""
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

sess = session.Session(auth=v3.Password(
    auth_url="http://127.0.0.1:5000/v3", username="admin", password=sys.argv[1], project_name="admin",
    user_domain_name="Default", project_domain_name="Default"), timeout=30)
ks = client.Client(session=sess, interface="public")
want = {"compute": ("nova", "http://127.0.0.1:8774/v2.1"), "placement": ("placement", "http://127.0.0.1:8778"),
        "image": ("glance", "http://127.0.0.1:9292"), "network": ("neutron", "http://127.0.0.1:9696")}
for stype, (name, url) in want.items():
    found = ks.services.list(type=stype)
    svc = found[0] if found else ks.services.create(name=name, type=stype)
    if not ks.endpoints.list(service=svc, interface="public"):
        ks.endpoints.create(service=svc, url=url, interface="public", region="RegionOne")
