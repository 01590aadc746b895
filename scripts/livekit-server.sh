#!/usr/bin/env bash
# Builds the open-source LiveKit server (a Go program) at a pinned released version into a cache
# dir and prints the binary's path. Usage: bash scripts/livekit-server.sh [version]
# (default below). Cache: ${DEADAIR_LIVEKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deadair}/
# livekit-server-<version>/livekit-server; reused once built.
#
# `go install github.com/livekit/livekit-server/cmd/server@<version>` is refused by Go: the
# server's go.mod carries replace directives (its pion forks). So this fetches the released module
# from the Go module proxy (`go mod download`, checksummed against sum.golang.org), copies its
# source to a scratch dir and builds ./cmd/server there as the main module, which honours them.
# Needs Go >= the go.mod's `go` line (1.26 for v1.13.x); $GO or `go` on PATH or /usr/local/go.
#
# Pinned to v1.13.5, the last release before the server swapped pion's webrtc/ice/dtls for its
# own forks (v1.13.6+: `replace github.com/pion/webrtc/v4 => github.com/livekit/webrtc-pion/v4
# v4.2.18-warp.N`): the Go module proxy answers those forks with `403 Forbidden: This module
# version is not available`, so v1.13.6 and later cannot be built from the proxy alone.
set -euo pipefail

version="${1:-${DEADAIR_LIVEKIT_VERSION:-v1.13.5}}"
[[ "$version" == v* ]] || version="v$version"
cache="${DEADAIR_LIVEKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deadair}"
dir="$cache/livekit-server-$version"
bin="$dir/livekit-server"

fail() {
  echo "livekit-server.sh: $*" >&2
  exit 1
}

[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "not a released version: $version"

if [ -x "$bin" ] && [ -f "$dir/.built" ]; then
  echo "$bin"
  exit 0
fi

go="${GO:-}"
if [ -z "$go" ]; then
  if command -v go >/dev/null 2>&1; then
    go=go
  elif [ -x /usr/local/go/bin/go ]; then
    go=/usr/local/go/bin/go
  else
    # No Go here: the toolchain itself, as Go's own GOTOOLCHAIN downloads do it, from the module
    # proxy (golang.org/toolchain), cached beside the server.
    toolchain="go1.26.0"
    arch=$(uname -m)
    case "$arch" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; esac
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    gohome="$cache/go-$toolchain.$os-$arch"
    if [ ! -x "$gohome/bin/go" ]; then
      command -v curl >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 ||
        fail "Go not found, and curl + unzip are needed to fetch it: install Go 1.26 or newer or set GO=/path/to/go"
      echo "livekit-server.sh: Go not found; fetching $toolchain from the Go module proxy" >&2
      zip=$(mktemp "${TMPDIR:-/tmp}/go-toolchain.XXXXXX.zip")
      curl -fsSL "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-$toolchain.$os-$arch.zip" -o "$zip" ||
        fail "cannot fetch the Go toolchain $toolchain ($os-$arch) from the module proxy"
      unpack=$(mktemp -d "${TMPDIR:-/tmp}/go-toolchain.XXXXXX")
      unzip -q "$zip" -d "$unpack"
      rm -f "$zip"
      mkdir -p "$cache"
      rm -rf "$gohome"
      mv "$unpack/golang.org/toolchain@v0.0.1-$toolchain.$os-$arch" "$gohome"
      rm -rf "$unpack"
      chmod +x "$gohome/bin/"* "$gohome/pkg/tool/"*/* 2>/dev/null || true
    fi
    go="$gohome/bin/go"
  fi
fi

# An older Go (>= 1.21) fetches the toolchain the go.mod asks for, unless told not to.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

start=$(date +%s)
echo "livekit-server.sh: building livekit-server $version with $("$go" version)" >&2
src=$(cd /tmp && GOFLAGS=-mod=mod "$go" mod download -json "github.com/livekit/livekit-server@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') ||
  fail "go mod download github.com/livekit/livekit-server@$version failed"
[ -n "$src" ] && [ -d "$src/cmd/server" ] || fail "no cmd/server in the downloaded module ($src)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/livekit-server-src.XXXXXX")
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
cp -R "$src/." "$scratch/"
chmod -R u+w "$scratch"

mkdir -p "$dir"
# -p=1 by default: the machines that run this are shared; DEADAIR_GO_P overrides.
(cd "$scratch" && GOFLAGS="-p=${DEADAIR_GO_P:-1}" CGO_ENABLED=0 "$go" build -trimpath \
  -ldflags "-s -w" -o "$bin.tmp" ./cmd/server) ||
  fail "go build ./cmd/server (livekit-server $version) failed"
mv "$bin.tmp" "$bin"
"$bin" --version >/dev/null 2>&1 || fail "$bin does not run (--version)"
echo "$version built in $(($(date +%s) - start))s with $("$go" version)" >"$dir/.built"
echo "livekit-server.sh: built in $(($(date +%s) - start))s" >&2
echo "$bin"
