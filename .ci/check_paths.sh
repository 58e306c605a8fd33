#!/usr/bin/env bash
# Fails when a tracked file names an absolute path of one machine (a home or
# work folder). Paths under /tmp and /usr are fine (scratch files, system tools).
set -euo pipefail
cd "$(dirname "$0")/.."
hits=$(git grep -nIE '(^|[^A-Za-z0-9_.])(/work/|/root/|/home/[a-z]|/Users/[A-Za-z])' -- . ':!.ci/check_paths.sh' || true)
if [ -n "$hits" ]; then
  echo "absolute machine paths in tracked files:"; echo "$hits"; exit 1
fi
echo "ok: no absolute machine paths"
