#!/usr/bin/env bash
# Checks what the Dockerfile promises: a static binary that runs as a non-root user in a
# root file system holding nothing else.
#
# With a Docker engine, it builds the image and runs it on the demo. Without one (CI
# machines and sandboxes often have only the client), it does the Dockerfile's work by
# hand, on the same committed tree: builds the release binary for the musl target with
# the same flags, checks that it links nothing at run time, puts it alone in an empty
# root file system at the image's path, and runs it there as the image's user (65532)
# through chroot, on the demo manifests. What this path cannot show is the base image
# itself (distroless `static` adds CA certificates, /etc/passwd and time zones, none of
# which k8lint reads).
#
#   scripts/check-image.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
demo="$root/tests/data/demo"

if docker info >/dev/null 2>&1; then
    echo "== docker build (engine found)"
    docker build -t k8lint:check "$root"
    echo "== docker run on the demo (exit status 1: the demo has errors)"
    status=0
    docker run --rm -v "$demo:/work:ro" k8lint:check check . --color never || status=$?
    [[ $status -eq 1 ]] || { echo "unexpected exit status $status"; exit 1; }
    docker run --rm k8lint:check --version
    echo "== image user: $(docker image inspect -f '{{.Config.User}}' k8lint:check)"
    exit 0
fi

echo "== no Docker engine: the Dockerfile's steps by hand"
target=x86_64-unknown-linux-musl
if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi
command -v musl-gcc >/dev/null || {
    echo "musl-gcc is missing (Debian: apt-get install musl-tools)"
    exit 1
}

echo "== clean copy of $(git -C "$root" rev-parse --short HEAD) (what COPY . . sees)"
mkdir "$work/src"
git -C "$root" archive HEAD | tar -x -C "$work/src"

echo "== cargo build --release --locked --target $target"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/image}"
(cd "$work/src" && CC_x86_64_unknown_linux_musl=musl-gcc \
    cargo build --release --locked --target "$target" --quiet)
bin="$CARGO_TARGET_DIR/$target/release/k8lint"
strip "$bin"

echo "== static: no dynamic section, no interpreter"
if readelf -d "$bin" 2>/dev/null | grep -q NEEDED || readelf -l "$bin" | grep -q INTERP; then
    echo "the binary needs a dynamic loader"
    readelf -d "$bin" | grep NEEDED || true
    exit 1
fi
ls -l "$bin"

echo "== an empty root with the binary at /usr/local/bin/k8lint, run as 65532:65532"
rootfs="$work/rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/work"
cp "$bin" "$rootfs/usr/local/bin/k8lint"
cp -r "$demo/." "$rootfs/work/"
chmod -R a+rX "$rootfs"
run() {
    chroot --userspec=65532:65532 "$rootfs" /usr/local/bin/k8lint "$@"
}
run --version
status=0
(cd "$rootfs/work" && run check /work --color never) || status=$?
echo "== exit status $status (1 expected: the demo has errors)"
[[ $status -eq 1 ]]
echo "ok: the image's binary is static and runs as a non-root user in an empty root"
