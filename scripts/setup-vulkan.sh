#!/usr/bin/env bash
# Vulkan on a CPU-only machine, so Dawn's Vulkan backend finds lavapipe (llvmpipe). Debian bookworm's Mesa
# 22.3 is refused by Dawn; Mesa 25 from bookworm-backports works. Idempotent; needs root.
set -euo pipefail
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && dpkg -s mesa-vulkan-drivers 2>/dev/null | grep -q '^Version: 25'; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SRC=/etc/apt/sources.list.d/debian.sources
BP=/etc/apt/sources.list.d/wgllama-backports.sources
if [ -f "$SRC" ] && [ ! -f "$BP" ]; then
  # Same URI and key as the machine's own Debian source; only the suite differs.
  awk 'BEGIN{RS=""; ORS="\n\n"} /Suites:[^\n]*bookworm( |$|\n)/ {print}' "$SRC" \
    | sed -E 's/^Suites:.*/Suites: bookworm-backports/' > "$BP"
  [ -s "$BP" ] || rm -f "$BP"
fi
apt-get update -q
apt-get install -y -q libvulkan1
apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers
