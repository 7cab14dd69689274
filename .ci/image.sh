#!/usr/bin/env bash
# Builds the Dockerfile with podman on a Node.js base image made from Debian packages (no registry is reachable
# here, no Docker daemon runs), then smoke-tests what the image holds: the migration, the API and the relay started
# from the image's own files against the local MariaDB and RabbitMQ (.ci/image-smoke.js).
#
# Timings on 2 cores: the base image ~40 s once (then cached in podman's storage); the image build ~7 min cold,
# under a minute when only the sources changed (podman keeps the toolchain and `npm ci` layers while
# package-lock.json is unchanged), seconds when nothing changed; the smoke test ~30 s.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${CUSTOMERFLOW_IMAGE:-localhost/customerflow:ci}
# crun fails on cgroups here, so runc; and cgroupfs, since no systemd runs.
podman_=(podman --runtime runc --cgroup-manager cgroupfs)

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null; then
  echo "ci: installing podman, runc, debootstrap"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

start=$(date +%s)
base=$(bash .ci/node-base-image.sh)
echo "ci: base image $base ready after $(($(date +%s) - start)) s"

# npm inside the build must trust what this machine's Node.js trusts (a TLS-inspecting proxy's CA, say).
ca_args=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/extra-ca.pem:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/extra-ca.pem)
fi
build_start=$(date +%s)
timeout 1800 "${podman_[@]}" build --isolation chroot --layers --build-arg "BASE=$base" "${ca_args[@]}" -t "$image" . \
  >/tmp/customerflow-image-build.log 2>&1 || {
  tail -40 /tmp/customerflow-image-build.log >&2
  echo "ci: image build failed (log: /tmp/customerflow-image-build.log)" >&2
  exit 1
}
echo "ci: built $image in $(($(date +%s) - build_start)) s ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"

mnt=$(podman image mount "$image")
trap 'podman image unmount "$image" >/dev/null 2>&1 || true' EXIT
smoke_start=$(date +%s)
IMAGE_ROOT="$mnt" \
  IMAGE_USER="$(podman image inspect --format '{{.Config.User}}' "$image")" \
  IMAGE_WORKDIR="$(podman image inspect --format '{{.Config.WorkingDir}}' "$image")" \
  IMAGE_ENV="$(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image")" \
  IMAGE_CMD="$(podman image inspect --format '{{json .Config.Cmd}}' "$image")" \
  timeout 300 node .ci/image-smoke.js
echo "ci: image smoke test passed in $(($(date +%s) - smoke_start)) s"
