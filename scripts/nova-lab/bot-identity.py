"""Creates vmlocks' own identity (idempotent): project `vmlocks`, role ROLE, user `vmlocks` with ROLE on that
project and ROLE inherited by every project of the Default domain (and no other role), and an application
credential `vmlocks-lab` of that user, written to OUT_JSON. Nova's policy.yaml (beside this file) grants ROLE
exactly what vmlocks needs. Why the inherited role: Nova finds another project's server by id only for
admins or for a token scoped to the server's project (docs/openstack-policy.md).
argv: ADMIN_PASSWORD BOT_PASSWORD ROLE OUT_JSON"""
import json
import os
import sys
import time

from keystoneauth1 import exceptions, session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

admin_pass, bot_pass, role_name, out = sys.argv[1:5]
AUTH_URL = "http://127.0.0.1:5000/v3"


def connect(user, password, project):
    auth = v3.Password(auth_url=AUTH_URL, username=user, password=password, project_name=project,
                       user_domain_name="Default", project_domain_name="Default")
    return client.Client(session=session.Session(auth=auth, timeout=30), interface="public")


def retried(step):
    # A password change or a grant writes a revocation event; keystone compares it with token issue times to
    # the second, so a token issued in that same second is refused (401). Wait, then start over.
    for attempt in range(4):
        try:
            return step()
        except exceptions.Unauthorized:
            if attempt == 3:
                raise
            time.sleep(1.5)


def ensure_identity():
    ks = connect("admin", admin_pass, "admin")
    domain = ks.domains.get("default")
    project = next(iter(ks.projects.list(name="vmlocks", domain=domain)), None) or ks.projects.create(
        "vmlocks", domain, description="vmlocks ChatOps bot")
    role = next(iter(ks.roles.list(name=role_name)), None) or ks.roles.create(role_name)
    user = next(iter(ks.users.list(name="vmlocks", domain=domain)), None)
    if user is None:
        user = ks.users.create("vmlocks", domain=domain, password=bot_pass, default_project=project,
                               description="vmlocks bot (least privilege, see docs/openstack-policy.md)")
    else:
        ks.users.update(user, password=bot_pass)
    ks.roles.grant(role, user=user, project=project)
    ks.roles.grant(role, user=user, domain=domain, os_inherit_extension_inherited=True)
    return user, project


def create_appcred(user):
    # Application credentials are created by their owner (keystone's default policy: rule:owner).
    bot = connect("vmlocks", bot_pass, "vmlocks")
    for old in bot.application_credentials.list(user=user.id):
        if old.name == "vmlocks-lab":
            bot.application_credentials.delete(old)
    return bot.application_credentials.create("vmlocks-lab", user=user.id,
                                              description="vmlocks lab tests (restricted, no expiry)")


user, project = retried(ensure_identity)
time.sleep(1.5)
cred = retried(lambda: create_appcred(user))
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump({"id": cred.id, "name": cred.name, "secret": cred.secret, "user_id": user.id,
               "project_id": project.id}, f)
os.chmod(tmp, 0o600)
os.replace(tmp, out)
