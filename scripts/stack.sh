#!/usr/bin/env bash
# The local stack as plain processes (no Docker here): Azurite's table service and a private RabbitMQ node with AMQP 1.0.
#
#   scripts/stack.sh up [azurite|rabbitmq ...]     install what is missing, start (idempotent), wait until ready
#   scripts/stack.sh down [azurite|rabbitmq ...]   stop what 'up' started, by pid file and node name, nothing else
#   scripts/stack.sh status
#   scripts/stack.sh kick                          close every client connection to the broker (tests of reconnection)
#
# Settings (environment), so that a second stack (the tests') can run beside the developer's:
#   STACK_HOME   folder for data, logs and pid files   (default .stack/dev, git-ignored)
#   AMQP_PORT    RabbitMQ AMQP listener on 127.0.0.1   (default 5672; Erlang distribution on AMQP_PORT+20000,
#                                                       a private epmd on AMQP_PORT-1300)
#   TABLE_PORT   Azurite table service on 127.0.0.1    (default 10002)
#   STACK_EXTRA_DEFINITIONS  a RabbitMQ definitions file loaded besides scripts/stack/definitions.json (tests' queues)
#   STACK_PURGE=1            'down' also deletes STACK_HOME (queues and tables start empty next time)
#   AZURITE_ACCESS_LOG=1     Azurite logs every request to STACK_HOME/azurite/azurite.log (off: it writes each line
#                            synchronously, a tenth of its CPU under load)
#   AZURITE_IN_MEMORY=1      Azurite keeps tables in memory only (the benchmark: no rewrite of the whole store to disk
#                            every 5 s; everything is lost when it stops)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_HOME=${STACK_HOME:-$ROOT/.stack/dev}
AMQP_PORT=${AMQP_PORT:-5672}
TABLE_PORT=${TABLE_PORT:-10002}
DIST_PORT=$((AMQP_PORT + 20000))
EPMD_PORT=$((AMQP_PORT - 1300))
NODE_NAME="crm${AMQP_PORT}@localhost"
RABBIT_HOME=$STACK_HOME/rabbitmq
AZURITE_HOME=$STACK_HOME/azurite
RABBIT_BIN=/usr/lib/rabbitmq/bin

say() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # description seconds command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
  say "$what"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

apt_updated=
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get)"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- Azurite
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || { say "installing Node.js"; apt_install nodejs npm; }
}

ensure_azurite() {
  ensure_node
  # npm records what it installed in node_modules/.package-lock.json; a newer package-lock.json means tools changed.
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing Azurite and the Node tools (package-lock.json)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

azurite_up() {
  if pid_alive "$AZURITE_HOME/azurite.pid" && port_open "$TABLE_PORT"; then
    say "azurite already running on 127.0.0.1:$TABLE_PORT"; return
  fi
  port_open "$TABLE_PORT" && die "port $TABLE_PORT is taken by a process this script did not start"
  ensure_azurite
  mkdir -p "$AZURITE_HOME/data"
  # Telemetry off: a local emulator has no business reporting to anyone (and no network to do it with here).
  local flags=(--tableHost 127.0.0.1 --tablePort "$TABLE_PORT" --skipApiVersionCheck --disableTelemetry)
  [ "${AZURITE_ACCESS_LOG:-}" = 1 ] || flags+=(--silent)
  if [ "${AZURITE_IN_MEMORY:-}" = 1 ]; then flags+=(--inMemoryPersistence); else flags+=(--location "$AZURITE_HOME/data"); fi
  nohup "$ROOT/node_modules/.bin/azurite-table" "${flags[@]}" \
    >"$AZURITE_HOME/azurite.log" 2>&1 </dev/null 9>&- &
  echo $! >"$AZURITE_HOME/azurite.pid"
  wait_for "azurite ready on 127.0.0.1:$TABLE_PORT" 60 port_open "$TABLE_PORT" \
    || { tail -20 "$AZURITE_HOME/azurite.log" >&2; die "azurite did not start"; }
}

azurite_down() {
  local pidfile=$AZURITE_HOME/azurite.pid
  if pid_alive "$pidfile"; then
    kill "$(cat "$pidfile")"
    wait_for "azurite stopped" 20 bash -c "! kill -0 $(cat "$pidfile") 2>/dev/null" || kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- RabbitMQ
# Started as root, the node runs as the rabbitmq user (its files are chowned to it); otherwise as the caller.
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u rabbitmq --)
as_rabbit() {
  "${RUN_AS[@]}" env HOME="$RABBIT_HOME/home" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_NODENAME="$NODE_NAME" "$@"
}

# The rabbitmq user must reach the node's folder. A clone under a private directory (mktemp -d makes it 0700) is out
# of its reach; the node's folder then lives under /tmp, named after this stack, so up, down and status agree.
resolve_rabbit_home() {
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1 && ! runuser -u rabbitmq -- test -x "$STACK_HOME" 2>/dev/null; then
    RABBIT_HOME=/tmp/crm-stack-$(printf '%s' "$STACK_HOME" | sha256sum | cut -c1-16)/rabbitmq
  fi
}

ctl() { as_rabbit "$RABBIT_BIN/rabbitmqctl" -n "$NODE_NAME" "$@"; }

ensure_rabbitmq() {
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || { say "installing rabbitmq-server"; apt_install rabbitmq-server; }
}

rabbitmq_configure() {
  mkdir -p "$RABBIT_HOME"/{home,mnesia,log}
  # RabbitMQ 3.10 imports one definitions file at boot: the hub's, with the extra file's lists appended.
  local definitions=("$ROOT/scripts/stack/definitions.json")
  [ -z "${STACK_EXTRA_DEFINITIONS:-}" ] || definitions+=("$STACK_EXTRA_DEFINITIONS")
  node -e '
    const fs = require("fs"); const [out, ...files] = process.argv.slice(1); const merged = {};
    for (const file of files) for (const [key, value] of Object.entries(JSON.parse(fs.readFileSync(file, "utf8"))))
      merged[key] = Array.isArray(value) ? (merged[key] || []).concat(value) : value;
    fs.writeFileSync(out, JSON.stringify(merged, null, 1));' "$RABBIT_HOME/definitions.json" "${definitions[@]}"
  echo '[rabbitmq_amqp1_0].' >"$RABBIT_HOME/enabled_plugins"
  cat >"$RABBIT_HOME/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
definitions.import_backend = local_filesystem
definitions.local.path = $RABBIT_HOME/definitions.json
amqp1_0.default_vhost = /
log.console = false
log.file.level = info
CONF
  if [ ! -f "$RABBIT_HOME/home/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RABBIT_HOME/home/.erlang.cookie"
    chmod 400 "$RABBIT_HOME/home/.erlang.cookie"
  fi
  [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$RABBIT_HOME"
  return 0
}

rabbitmq_ready() {
  ctl await_startup --timeout 5 && ctl list_queues -q name | grep -qx 'auth0-log-events' && port_open "$AMQP_PORT"
}

rabbitmq_up() {
  if pid_alive "$RABBIT_HOME/server.pid" && port_open "$AMQP_PORT"; then
    say "rabbitmq already running as $NODE_NAME on 127.0.0.1:$AMQP_PORT"; return
  fi
  port_open "$AMQP_PORT" && die "port $AMQP_PORT is taken by a process this script did not start"
  ensure_rabbitmq
  ensure_node
  resolve_rabbit_home
  rabbitmq_configure
  # Run the server script itself in the foreground: the /usr/sbin wrapper would switch user and daemonise.
  local server_env=(
    RABBITMQ_CONFIG_FILE="$RABBIT_HOME/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_HOME/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$RABBIT_HOME/mnesia" RABBITMQ_LOG_BASE="$RABBIT_HOME/log" RABBITMQ_PID_FILE="$RABBIT_HOME/rabbit.pid"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
  nohup "${RUN_AS[@]}" env HOME="$RABBIT_HOME/home" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_NODENAME="$NODE_NAME" \
    "${server_env[@]}" "$RABBIT_BIN/rabbitmq-server" \
    >"$RABBIT_HOME/server.out" 2>&1 </dev/null 9>&- &
  echo $! >"$RABBIT_HOME/server.pid"
  wait_for "rabbitmq ready as $NODE_NAME on 127.0.0.1:$AMQP_PORT, queues declared" 120 rabbitmq_ready \
    || { tail -30 "$RABBIT_HOME/server.out" >&2; die "rabbitmq did not start; logs in $RABBIT_HOME/log"; }
}

rabbitmq_down() {
  local pidfile=$RABBIT_HOME/server.pid
  if pid_alive "$pidfile"; then
    ctl stop >/dev/null 2>&1 || kill "$(cat "$pidfile")" 2>/dev/null || true
    wait_for "rabbitmq stopped" 60 bash -c "! kill -0 $(cat "$pidfile") 2>/dev/null" || kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  # The private epmd (its own port) was started by this node; it ends once no node is registered.
  as_rabbit epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- commands
status() {
  if pid_alive "$AZURITE_HOME/azurite.pid" && port_open "$TABLE_PORT"; then
    say "azurite: running on 127.0.0.1:$TABLE_PORT (pid $(cat "$AZURITE_HOME/azurite.pid"))"
  else say "azurite: stopped"; fi
  if pid_alive "$RABBIT_HOME/server.pid" && port_open "$AMQP_PORT"; then
    say "rabbitmq: running as $NODE_NAME on 127.0.0.1:$AMQP_PORT"
    ctl list_queues -q name type messages 2>/dev/null | sed 's/^/[stack]   /'
  else say "rabbitmq: stopped"; fi
}

command=${1:-}
shift || true
# One caller at a time per stack: test runs started side by side must not both start the same node.
mkdir -p "$STACK_HOME"
exec 9>"$STACK_HOME/.lock"
flock 9
resolve_rabbit_home
components=("$@")
[ ${#components[@]} -gt 0 ] || components=(azurite rabbitmq)
case "$command" in
  up)     for c in "${components[@]}"; do "${c}_up"; done ;;
  down)
    for c in "${components[@]}"; do "${c}_down"; done
    say "stopped: ${components[*]}"
    if [ "${STACK_PURGE:-}" = 1 ]; then
      for c in "${components[@]}"; do
        case $c in azurite) rm -rf "$AZURITE_HOME" ;; rabbitmq) rm -rf "$RABBIT_HOME"; rmdir "$(dirname "$RABBIT_HOME")" 2>/dev/null || true ;; esac
      done
      rm -f "$STACK_HOME/.lock"; rmdir "$STACK_HOME" 2>/dev/null || true
      say "purged data of: ${components[*]}"
    fi ;;
  status) status ;;
  kick)   ctl close_all_connections "closed by scripts/stack.sh kick" >/dev/null; say "closed all broker connections" ;;
  *) echo "usage: $0 up|down|status|kick [azurite|rabbitmq ...]" >&2; exit 2 ;;
esac
