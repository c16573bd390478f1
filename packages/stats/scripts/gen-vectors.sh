#!/usr/bin/env bash
# Regenerates every test vector in test/vectors/ from scipy / numpy / scikit-learn.
# Needs Debian's python3-scipy and python3-sklearn (apt-get install python3-scipy python3-sklearn);
# the tests themselves only read the committed JSON and need no Python.
set -euo pipefail
cd "$(dirname "$0")/vectors"
python=${PYTHON:-/usr/bin/python3}
for script in *.py; do
  [ "$script" = "common.py" ] && continue
  echo "vectors: $script"
  "$python" "$script"
done
