#!/usr/bin/env bash
# Vendor axe-core (MPL-2.0) from npm for the browser tests: tests/vendor/axe.min.js, its licence,
# and a README line naming the version. Run again to update: scripts/vendor_axe.sh [VERSION-SPEC]
set -euo pipefail
spec="${1:-4}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tests/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tarball="$(npm pack --silent "axe-core@$spec" | tail -n1)"
tar -xzf "$tarball"
version="$(node -p 'require("./package/package.json").version')"
mkdir -p "$dest"
cp package/axe.min.js "$dest/axe.min.js"
cp package/LICENSE "$dest/axe-core.LICENSE.txt"
sha="$(sha256sum "$dest/axe.min.js" | cut -d' ' -f1)"
cat > "$dest/README.md" <<README
# Vendored test tools

- \`axe.min.js\`: axe-core $version from npm (\`npm pack axe-core@$spec\`), licence MPL-2.0
  (\`axe-core.LICENSE.txt\`). Used only by tests/browser; update with \`scripts/vendor_axe.sh\`.
  sha256 \`$sha\`
README
echo "vendored axe-core $version into $dest"
