#!/usr/bin/env bash
# Makes sure the RabbitMQ server (and the Erlang runtime it needs) is installed, for the northbound tests, which start
# a private node of their own (tests/Meterline.Northbound.Amqp.Tests/Support/RabbitMqNode.cs) on free ports in a
# temporary directory. The package's own service is not used: where the package starts it (systemd), it is stopped
# and disabled so that no broker is left running on the default port.
set -euo pipefail

if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ -x /usr/lib/rabbitmq/bin/rabbitmqctl ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-rabbitmq: RabbitMQ is missing; install the rabbitmq-server package (apt-get install -y rabbitmq-server) as root." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-rabbitmq: installing RabbitMQ from Debian's packages"
apt-get update -qq
# Keep the package's maintainer scripts from starting the service (policy-rc.d 101: action forbidden).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
if [ "$created_policy" -eq 1 ]; then
  rm -f "$policy"
fi
if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
fi
test -x /usr/lib/rabbitmq/bin/rabbitmq-server
