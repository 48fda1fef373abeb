#!/usr/bin/env bash
# Builds bench/gpu/carry/ (ignored by git), what a GPU machine with no network needs beside the
# working tree to run bench/gpu/run.sh: no `npm ci` there. Run it here, after `npm ci`:
#
#   bash bench/gpu/pack.sh          # then carry "bench/gpu/carry" (about 45 MB, see README)
#
# It holds:
#   bench.mjs       bench/gpu/main.ts and every Porta package it reaches, bundled by esbuild
#   node.xz         this machine's node binary (the GPU image has Python and CUDA, no Node)
#   modules.tar.xz  the packages the bundle loads at run time: onnxruntime-node (+ onnxruntime-common,
#                   its Linux x64 binaries only), webgpu (Dawn: linux-x64 dawn.node only), gpu.js
#                   (+ acorn, gpu-mock.js) and the `gl` stand-in
#   debs/           libvulkan1 (the Vulkan loader Dawn opens), when apt-get can download it here
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/gpu/carry"
rm -rf "$out" && mkdir -p "$out/stage/node_modules" "$out/debs"
cd "$root"
node_modules/.bin/esbuild bench/gpu/main.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@porta/source --external:onnxruntime-node --external:webgpu --external:gpu.js \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$out/bench.mjs" --log-level=warning
xz -T0 -6 -c "$(command -v node)" >"$out/node.xz"
nm="$out/stage/node_modules"
mkdir -p "$nm/onnxruntime-node/bin/napi-v6/linux" "$nm/webgpu/dist"
cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist "$nm/onnxruntime-node/"
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$nm/onnxruntime-node/bin/napi-v6/linux/"
cp -r node_modules/onnxruntime-common "$nm/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$nm/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$nm/webgpu/dist/"
cp -r node_modules/gpu.js node_modules/acorn node_modules/gpu-mock.js "$nm/"
rm -rf "$nm/gpu.js/dist" "$nm/gpu.js/node_modules"
cp -rL node_modules/gl "$nm/gl"
tar -C "$out/stage" -cf - node_modules | xz -T0 -6 >"$out/modules.tar.xz"
rm -rf "$out/stage"
# The Vulkan loader, if this machine can download Debian packages (the GPU image may lack it).
(cd "$out/debs" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "pack: libvulkan1 not downloaded (run apt-get update?); run.sh then relies on the GPU image's loader"
du -sh "$out" "$out"/* | sed 's/^/pack: /'
