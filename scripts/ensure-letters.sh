#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint 70 loads at run time are installed (letters as PDF,
# docs/letters.md): Pango >= 1.44 with its FreeType backend, HarfBuzz's subsetter (without it
# WeasyPrint warns at import, which the tests treat as an error) and a font with the glyphs the
# letters use. Installed from Debian's packages when missing.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-letters: installing ${missing[*]} from Debian's packages" >&2
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
