#!/usr/bin/env bash
# Refresh the translation catalogs after changing a text: extract every marked text into
# i18n/nahbar.pot (not kept in git), merge it into each language's .po file (new texts come in untranslated,
# and tests/test_i18n.py fails until they are translated). Run from anywhere.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYBABEL="${NAHBAR_VENV:-$ROOT/.venv}/bin/pybabel"
cd "$ROOT"
"$PYBABEL" -q extract -F i18n/babel.cfg -k translate:2 -k N_ --no-location --sort-output \
  --project Nahbar --copyright-holder "Nahbar contributors" --width 100 \
  -o i18n/nahbar.pot actions bot bridge helpdesk i18n knowledge nahbar staff
for po in i18n/locale/*/LC_MESSAGES/nahbar.po; do
  "$PYBABEL" -q update -i i18n/nahbar.pot -D nahbar -d i18n/locale -l "$(basename "$(dirname "$(dirname "$po")")")" \
    --no-fuzzy-matching --width 100 --ignore-obsolete
done
echo "catalogs updated: $(ls i18n/locale/*/LC_MESSAGES/nahbar.po | tr '\n' ' ')"
