#!/usr/bin/env bash
# Makes sure mosquitto (the broker) and mosquitto-clients are installed, for the MQTT tests, which start a private
# broker of their own on a free port with a generated configuration (tests/Meterline.HeadEnd.Mqtt.Tests/Mosquitto.cs).
# Debian 12 ships mosquitto 2.0.11. The package's system service is stopped and disabled: the tests need none.
set -euo pipefail

if command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-mosquitto: mosquitto is missing; install the mosquitto and mosquitto-clients packages (apt-get install -y mosquitto mosquitto-clients) as root." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-mosquitto: installing mosquitto from Debian's packages"
apt-get update -qq
apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients >/dev/null
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi
[ -x /usr/sbin/mosquitto ]
