#!/usr/bin/env bash
# Fails when a tracked file names an absolute path of one machine (a home or
# work folder). Paths under /tmp and /usr are fine (scratch files, system tools).
set -euo pipefail
cd "$(dirname "$0")/.."
# The folder names are assembled so this script does not contain the paths it looks for.
w=work; r=root; h=home; u=Users
hits=$(git grep -nIE "(^|[^A-Za-z0-9_.])(/$w/|/$r/|/$h/[a-z]|/$u/[A-Za-z])" -- . || true)
if [ -n "$hits" ]; then
  echo "absolute machine paths in tracked files:"; echo "$hits"; exit 1
fi
echo "ok: no absolute machine paths"
