#!/usr/bin/env bash
# Keep the interface translations in step with the code.
#   scripts/translations.sh update   # extract marked text, merge it into every language's .po
#   scripts/translations.sh compile  # build the .mo files the app reads (commit both)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  update)
    pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output \
      --project Appreciate -o translations/messages.pot .
    pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
    ;;
  compile)
    pybabel compile -d translations --statistics
    ;;
  *)
    echo "usage: $0 update|compile" >&2
    exit 2
    ;;
esac
