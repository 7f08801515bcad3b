#!/usr/bin/env bash
# Makes sure MariaDB answers on 127.0.0.1:3306 (root, no password) for the MySQL-backed
# tests: installs it with apt-get when missing, starts it when down, waits until it
# answers, then creates a fresh database named by $1. Prints nothing on success but the
# steps it had to take.
set -euo pipefail
db="${1:-mzflow_test}"
admin() { mariadb-admin --protocol=tcp -h127.0.0.1 -uroot "$@"; }

if [ ! -x /usr/sbin/mariadbd ]; then
  echo "mariadb: not installed, installing with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq mariadb-server >/dev/null
fi
if ! admin ping >/dev/null 2>&1; then
  echo "mariadb: not answering, starting it" >&2
  install -d -o mysql -g mysql /run/mysqld 2>/dev/null || mkdir -p /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 120); do
    admin ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  admin ping >/dev/null || { echo "mariadb: did not start within 60 s" >&2; exit 1; }
fi
mariadb --protocol=tcp -h127.0.0.1 -uroot -e \
  "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
