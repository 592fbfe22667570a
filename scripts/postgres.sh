#!/usr/bin/env bash
# A throwaway PostgreSQL for the service's tests (PostgresRegistry, two replicas):
#   scripts/postgres.sh start   installs Debian's postgresql when missing, creates a cluster in
#                               $HEF_PG_DIR (default /tmp/hef-postgres), starts it on 127.0.0.1:$HEF_PG_PORT
#                               (default 55432), creates the role and database hef (password hef,
#                               CREATEDB: the tests make one database per test), prints the URL
#   scripts/postgres.sh url     prints postgres://hef:hef@127.0.0.1:PORT/hef
#   scripts/postgres.sh stop    stops the server (the cluster folder stays; `stop --clean` removes it)
# Run as root (CI), the server runs as the `postgres` user. Typical use:
#   export HEF_TEST_POSTGRES_URL=$(scripts/postgres.sh start); trap 'scripts/postgres.sh stop' EXIT
set -euo pipefail
dir=${HEF_PG_DIR:-/tmp/hef-postgres}
port=${HEF_PG_PORT:-55432}
url="postgres://hef:hef@127.0.0.1:$port/hef"

log() { echo "postgres.sh: $*" >&2; }

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; fi
}

# As the server's owner: `postgres` when we are root (PostgreSQL refuses to run as root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_server() {
    [ -n "$(bindir)" ] && return 0
    log "installing Debian's postgresql"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # No cluster of its own: ours lives in $dir on its own port.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
    [ -n "$(bindir)" ] || { log "postgresql installed but no initdb under /usr/lib/postgresql"; exit 1; }
}

start() {
    install_server
    local bin
    bin=$(bindir)
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" = 0 ] && chown postgres: "$dir"
        chmod 700 "$dir"
        log "initdb $dir"
        local pwfile
        pwfile=$(mktemp)
        echo "postgres-$RANDOM$RANDOM" >"$pwfile"
        [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
        # Local socket: trust (this script's own psql); TCP: passwords (what the tests use).
        as_owner "$bin/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >&2
        rm -f "$pwfile"
    fi
    if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        log "already running"
    else
        log "starting on 127.0.0.1:$port"
        as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >&2 ||
            { log "the server did not start:"; tail -20 "$dir/server.log" >&2 || true; exit 1; }
    fi
    as_owner "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >&2 <<'SQL'
SELECT 'CREATE ROLE hef LOGIN CREATEDB PASSWORD ''hef'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hef') \gexec
SELECT 'CREATE DATABASE hef OWNER hef'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'hef') \gexec
SQL
    echo "$url"
}

stop() {
    local bin
    bin=$(bindir)
    if [ -n "$bin" ] && [ -f "$dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2
    fi
    if [ "${1:-}" = "--clean" ]; then rm -rf "$dir"; fi
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    url) echo "$url" ;;
    *)
        echo "usage: scripts/postgres.sh start|stop [--clean]|url" >&2
        exit 2
        ;;
esac
