#!/usr/bin/env bash
# Makes sure libcoap's example programs (coap-client-notls, coap-server-notls from Debian's libcoap3-bin) are
# installed, for the CoAP interop tests, which start private instances of their own on free ports.
set -euo pipefail

if command -v coap-client-notls >/dev/null && command -v coap-server-notls >/dev/null; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-libcoap: coap-client-notls/coap-server-notls are missing; install libcoap3-bin (apt-get install -y libcoap3-bin) as root." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-libcoap: installing libcoap3-bin from Debian's packages"
apt-get update -qq
apt-get install -y -qq --no-install-recommends libcoap3-bin >/dev/null
command -v coap-client-notls >/dev/null
