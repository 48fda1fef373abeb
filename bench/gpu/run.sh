#!/usr/bin/env bash
# The GPU check, on a machine with an NVIDIA GPU and no network, from the working tree and
# bench/gpu/carry (built here by bench/gpu/pack.sh): no npm, no download. Prints the GPU and the
# Vulkan/WebGPU adapter, runs the GPU backends' agreement checks (gpu.js and WebGPU against
# compile-js), then the backends bench (500-tree forest and an MLP at 10k, 100k and 1M rows;
# WebGPU, compile-js and onnxruntime CPU in the same run) and each GPU backend's break-even.
# Without a GPU it runs the same steps small, in seconds. Bounded to 7.5 minutes.
#
#   bash bench/gpu/pack.sh && bash bench/gpu/run.sh          # here
#   device run: carry ["bench/gpu/carry"], command "bash bench/gpu/run.sh"
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
carry="$here/carry"
work="${TMPDIR:-/tmp}/porta-gpu-bench"
[ -f "$carry/bench.mjs" ] || { echo "run.sh: $carry/bench.mjs missing: run bash bench/gpu/pack.sh first (and carry bench/gpu/carry)"; exit 2; }
rm -rf "$work" && mkdir -p "$work"
xz -dc "$carry/node.xz" >"$work/node" && chmod +x "$work/node"
xz -dc "$carry/modules.tar.xz" | tar -C "$work" -xf -
cp "$carry/bench.mjs" "$work/bench.mjs"
# The Vulkan loader: the image's, else the carried Debian package unpacked beside the bench.
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  for d in "$carry"/debs/*.deb; do [ -f "$d" ] && dpkg -x "$d" "$work/root"; done
  export LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# The NVIDIA Vulkan driver manifest where the image keeps it under /usr/local/nvidia.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$icd"; fi
done
echo "== GPU"; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi / no NVIDIA GPU")
echo "== Vulkan loader: $(ldconfig -p 2>/dev/null | grep -m1 libvulkan.so.1 || ls "$work"/root/usr/lib/x86_64-linux-gnu/libvulkan.so.1 2>/dev/null || echo none); ICD: ${VK_DRIVER_FILES:-default search}"
echo "== node $("$work/node" --version)"
# Imported, not run as the main script: the bundled fixture generators would take it for their own CLI.
cd "$work" && PORTA_CACHE_DIR="$work/cache" timeout 450 "$work/node" --max-old-space-size=16384 --input-type=module -e 'await import("./bench.mjs")' 
rc=$?
[ $rc -eq 124 ] && echo "run.sh: stopped at its 7.5-minute bound"
exit $rc
