#!/usr/bin/env bash
# Makes the Node.js base image the Dockerfile builds on (its BASE argument) without a container registry: a minimal
# Debian bookworm from the Debian mirror apt already uses, plus this machine's own Node.js and npm (Debian's nodejs
# is 18, too old for NestJS 12). Prints the image's name. The image is kept in podman's storage between runs and
# rebuilt only when this machine's Node.js version changes: debootstrap takes about half a minute, a cached run none.
set -euo pipefail

node_version=$(node -p 'process.versions.node')
image="localhost/customerflow-node-base:${node_version}"
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/customerflow-node-base.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "ci: debootstrap bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/customerflow-debootstrap.log 2>&1 ||
  { tail -20 /tmp/customerflow-debootstrap.log >&2; exit 1; }

# Node.js, npm and Node's headers (node-gyp builds better-sqlite3 against them: it cannot download them here).
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
install -D -m 0755 "$(readlink -f "$(command -v node)")" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
cp -a "$node_prefix/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
cp -a "$node_prefix/include/node" "$root/usr/local/include/node"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
mkdir -p "$root/usr/local/etc"
printf 'nodedir=/usr/local\nupdate-notifier=false\nfund=false\naudit=false\n' >"$root/usr/local/etc/npmrc"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "$image"
