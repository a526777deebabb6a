#!/usr/bin/env bash
# Renders every docs/*.puml to PNG and SVG beside it with PlantUML (installed from Debian when
# missing: needs root or sudo). Usage: scripts/render-diagrams.sh [FILE.puml...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v plantuml >/dev/null 2>&1; then
  echo "render-diagrams: installing plantuml and graphviz (apt-get)..." >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -q >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q plantuml graphviz >&2
fi

if [ "$#" -gt 0 ]; then
  sources=("$@")
else
  sources=("$here"/docs/*.puml)
fi

for src in "${sources[@]}"; do
  # -failfast2 stops on syntax errors instead of drawing an error image.
  plantuml -failfast2 -charset UTF-8 -tpng "$src"
  plantuml -failfast2 -charset UTF-8 -tsvg "$src"
  echo "rendered ${src%.puml}.png and ${src%.puml}.svg"
done
