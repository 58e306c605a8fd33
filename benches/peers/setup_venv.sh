#!/usr/bin/env bash
# Creates the Python virtualenv holding the peer libraries that shopml is
# compared against. Versions are pinned so that the numbers in
# docs/PERFORMANCE.md can be reproduced.
#
#   bash benches/peers/setup_venv.sh            # creates $SHOPML_VENV
#   source "${SHOPML_VENV:-$HOME/.cache/shopml-peers}/bin/activate"
set -euo pipefail
VENV="${SHOPML_VENV:-$HOME/.cache/shopml-peers}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip wheel setuptools
"$VENV/bin/pip" install --quiet -r "$(dirname "$0")/requirements.txt"
# scikit-surprise ships only a source distribution; it builds against the numpy
# installed above, so it goes in a second step without build isolation.
"$VENV/bin/pip" install --quiet --no-build-isolation "scikit-surprise==${SURPRISE_VERSION:-1.1.5}"
"$VENV/bin/python" -c "import sklearn, implicit, surprise, statsmodels, statsforecast, pandas, polars, scipy; print('peer venv ready:', '$VENV')"
