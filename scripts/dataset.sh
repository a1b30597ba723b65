#!/usr/bin/env bash
# Generates (or reuses) a challenge-style Fashion-MNIST dataset with the project's generator and prints
# its directory on stdout. The generator's own progress goes to stderr.
#
# Usage: scripts/dataset.sh SDNN_BINARY [NEURONS] [LAYERS] [IMAGES] [ORDER]     (defaults 1024 120 60000 source)
#   ORDER   source, or survivors-last (the straggler case: sdnn generate --order)
# Environment: SDNN_DATA_DIR (datasets; default ~/.cache/sdnn-data), SDNN_THREADS (default: all cores)
set -euo pipefail
sdnn="${1:?usage: scripts/dataset.sh SDNN_BINARY [NEURONS] [LAYERS] [IMAGES] [ORDER]}"
neurons="${2:-1024}" layers="${3:-120}" images="${4:-60000}" order="${5:-source}"
data="${SDNN_DATA_DIR:-$HOME/.cache/sdnn-data}/fmnist-n$neurons-l$layers-$images"
[[ "$order" == source ]] || data="$data-$order"
"$sdnn" generate --out "$data" --neurons "$neurons" --layers "$layers" --images fashion-mnist \
  --num-images "$images" --order "$order" --threads "${SDNN_THREADS:-$(nproc)}" >&2
echo "$data"
