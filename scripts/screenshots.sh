#!/usr/bin/env bash
# Takes the screenshots of the operator app shown in the README (docs/screenshots/*.png): a real node with a
# simulated fleet, driven by Chromium through the screenshot test of tests/Meterline.Web.Tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-chromium.sh
METERLINE_SCREENSHOTS="$PWD/docs/screenshots" dotnet test tests/Meterline.Web.Tests -c Release \
  --filter "FullyQualifiedName~ScreenshotTests|FullyQualifiedName~PortalTests.Portal_PhoneWidth" --logger "console;verbosity=minimal"
