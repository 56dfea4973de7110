#!/usr/bin/env bash
# Keep the interface translations in step with the code.
#   scripts/translations.sh update   # extract marked text, merge it into every language's .po
#   scripts/translations.sh compile  # build the .mo files the app reads (commit both)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  update)
    # Besides _() and N_(), the first argument of every service error is a message, and so is
    # the field's name handed to clean(), parse_day() and _optional_link().
    pybabel extract -F babel.cfg -k _ -k N_ -k Invalid -k Forbidden -k NotFound -k Conflict \
      -k TooMany -k CycleError -k translate -k translate_plural:1,2 -k count_people:1,2 -k clean:3 -k parse_day:2 -k _optional_link:5 \
      --no-location --sort-output \
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
