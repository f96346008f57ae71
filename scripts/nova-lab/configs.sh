# Config writers of scripts/nova-lab.sh (sourced; uses its variables). Rewritten on every start, so that a
# changed script takes effect after a restart; the running services keep what they read at their start.

write_configs() {
  local auth="auth_type = password
auth_url = $KS/v3
project_domain_name = Default
user_domain_name = Default
project_name = admin
username = admin
password = $ADMIN_PASS
region_name = RegionOne"

  cat >"$S/etc/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $S/log/keystone-app.log
[identity]
# bcrypt cost 4 instead of 12: a password token takes ~120 ms instead of ~310 ms (for passwords set after this)
password_hash_rounds = 4
[database]
connection = $(dburl keystone)
[token]
provider = fernet
[fernet_tokens]
key_repository = $S/keystone/fernet-keys
[fernet_receipts]
key_repository = $S/keystone/fernet-keys
[credential]
key_repository = $S/keystone/credential-keys
EOF

  cat >"$S/etc/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $S/log/placement-app.log
[placement_database]
connection = $(dburl placement)
[api]
auth_strategy = keystone
[keystone_authtoken]
www_authenticate_uri = $KS
$auth
EOF

  # glance-common's paste file, trimmed (the library package does not ship it)
  cat >"$S/etc/glance/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api-keystone]
pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation authtoken context rootapp
[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app
[app:apiversions]
paste.app_factory = glance.api.versions:create_resource
[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory
[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory
[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory
[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
[filter:cors]
paste.filter_factory =  oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOF

  cat >"$S/etc/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
graceful_shutdown_timeout = 2
log_file = $S/log/glance-app.log
[database]
connection = $(dburl glance)
[glance_store]
stores = file
default_store = file
filesystem_store_datadir = $S/glance/images
[paste_deploy]
flavor = keystone
config_file = $S/etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $S/glance/lock
[keystone_authtoken]
www_authenticate_uri = $KS
$auth
EOF

  # nova-common's api-paste.ini, trimmed to the v2.1 API with keystone auth
  cat >"$S/etc/nova/api-paste.ini" <<'EOF'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2.1: oscomputeversion_v2
/v2.1/+: openstack_compute_api_v21
[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21
[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory
[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory
[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory
[pipeline:oscomputeversions]
pipeline = cors faultwrap request_log http_proxy_to_wsgi oscomputeversionapp
[pipeline:oscomputeversion_v2]
pipeline = cors compute_req_id faultwrap request_log http_proxy_to_wsgi oscomputeversionapp_v2
[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory
[app:oscomputeversionapp_v2]
paste.app_factory = nova.api.openstack.compute.versions:VersionsV2.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova
[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
EOF

  # oslo.policy re-reads the file when its mtime changes: replace it only when the content differs
  cmp -s "$LIB/policy.yaml" "$S/etc/nova/policy.yaml" || cp "$LIB/policy.yaml" "$S/etc/nova/policy.yaml"

  cat >"$S/etc/nova/nova.conf" <<EOF
[DEFAULT]
host = controller
my_ip = 127.0.0.1
state_path = $S/nova
transport_url = rabbit://guest:guest@127.0.0.1:5672/
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = 8774
# one API worker per core of the 2-core lab machine: 48 lookups at once take ~4.0 s on one worker, ~2.8 s on two
# (npm run bench, BENCH_ONLY=many); production runs several per controller
osapi_compute_workers = 2
use_rootwrap_daemon = false
heal_instance_info_cache_interval = -1
# oslo.service: do not wait 60 s for in-flight work on SIGTERM
graceful_shutdown_timeout = 2
# heartbeat every 5 s; silent for 20 s = "down" (upstream 10/60), so that a killed compute shows quickly
report_interval = 5
service_down_time = 20
# The tests and the bench boot more servers at once than the default project quota (10 instances) allows
[quota]
instances = 100
cores = 400
ram = 1024000
[wsgi]
api_paste_config = $S/etc/nova/api-paste.ini
[oslo_policy]
policy_file = $S/etc/nova/policy.yaml
# The defaults of later releases: without them, Zed ORs in the deprecated "admin_or_owner" rules, and any
# role in a project (vmlocks-operator too) may delete or stop that project's servers.
enforce_new_defaults = true
enforce_scope = true
[api]
auth_strategy = keystone
[api_database]
connection = $(dburl nova_api)
[database]
connection = $(dburl nova_cell1)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[oslo_concurrency]
lock_path = $S/nova/lock
[vnc]
enabled = false
[keystone_authtoken]
www_authenticate_uri = $KS
$auth
[placement]
$auth
valid_interfaces = public
[glance]
$auth
valid_interfaces = public
[neutron]
$auth
endpoint_override = http://127.0.0.1:9696
EOF
  local h
  for h in $COMPUTE_HOSTS; do
    mkdir -p "$S/nova/$h"
    cat >"$S/etc/nova/$h.conf" <<EOF
[DEFAULT]
host = $h
my_ip = $(compute_ip "$h")
state_path = $S/nova/$h
instances_path = $S/nova/$h/instances
EOF
  done
}

# clouds.yaml as python-openstackclient reads it: the admin (set-up), the bot by password, the bot by
# application credential.
write_clouds_yaml() {
  local appcred_id appcred_secret
  appcred_id=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$S/run/appcred.json")
  appcred_secret=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret"])' "$S/run/appcred.json")
  umask 077
  cat >"$S/clouds.yaml.tmp" <<EOF
# Written by scripts/nova-lab.sh (lab credentials only).
clouds:
  nova-lab-admin:
    auth:
      auth_url: $KS/v3
      username: admin
      password: $ADMIN_PASS
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  nova-lab-vmlocks:
    auth:
      auth_url: $KS/v3
      username: vmlocks
      password: $BOT_PASS
      project_name: vmlocks
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  nova-lab-vmlocks-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: $KS/v3
      application_credential_id: $appcred_id
      application_credential_secret: $appcred_secret
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
  mv "$S/clouds.yaml.tmp" "$S/clouds.yaml"
  umask 022
}
