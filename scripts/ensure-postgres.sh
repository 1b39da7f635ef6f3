#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) are installed, for the storage tests, which
# start a private cluster of their own (tests/Meterline.Storage.Tests/Postgres/PostgresCluster.cs). Debian 12 ships
# PostgreSQL 15. The package's default "main" cluster is not created: the tests need none and no server is left running.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-postgres: PostgreSQL server binaries are missing; install the postgresql package (apt-get install -y postgresql) as root." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-postgres: installing PostgreSQL from Debian's packages"
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
sed -i -E 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
