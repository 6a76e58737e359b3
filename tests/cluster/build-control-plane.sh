#!/usr/bin/env bash
# Builds the test control plane: kube-apiserver and kube-controller-manager v1.20.2 compiled from
# Debian bookworm's own `kubernetes` source package with Debian's Go 1.19, plus Debian's etcd 3.4.
# Everything comes through apt into a private folder; nothing is installed system-wide except rsync
# (the Kubernetes Makefile needs it). Skips all work when the binaries are already in the cache.
#
#   BIN   where the four binaries end up (default: $CACHE/bin)
#   CACHE default ${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync
#
# Prints the bin folder on its last line. About 4 minutes and 1.4 GB of memory on 2 cores.
set -euo pipefail
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync}
BIN=${BIN:-$CACHE/bin}
WANT=(kube-apiserver kube-controller-manager etcd etcdctl)

have_all() { for b in "${WANT[@]}"; do [ -x "$BIN/$b" ] || return 1; done; }
if have_all; then
  echo "control plane binaries already built in $BIN" >&2
  echo "$BIN"
  exit 0
fi

WORK="$CACHE/build"
mkdir -p "$BIN" "$WORK"/apt/lists/partial "$WORK"/apt/cache/archives/partial "$WORK"/root "$WORK"/src "$WORK"/home
log() { printf '[build-control-plane] %s\n' "$*" >&2; }

if ! command -v rsync >/dev/null; then
  log "installing rsync (needed by the Kubernetes Makefile)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync >/dev/null; }
fi

# A private apt configuration pinned to the bookworm suite, using the mirror this machine already has,
# so the recipe also works on a Debian 13 machine whose kubernetes source is stripped to kubectl.
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { log "no Debian mirror found in /etc/apt"; exit 1; }
key=/usr/share/keyrings/debian-archive-keyring.gpg
printf 'deb [signed-by=%s] %s bookworm main\ndeb-src [signed-by=%s] %s bookworm main\n' \
  "$key" "$mirror" "$key" "$mirror" >"$WORK/apt/sources.list"
: >"$WORK/apt/status"
APT=(-o "Dir::Etc::SourceList=$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$WORK/apt/lists" -o "Dir::Cache=$WORK/apt/cache" -o "Dir::State::status=$WORK/apt/status")

log "fetching sources and packages through apt (bookworm)"
apt-get "${APT[@]}" -qq update
if ! ls "$WORK"/src/kubernetes_*.orig.tar.gz >/dev/null 2>&1; then
  (cd "$WORK/src" && apt-get "${APT[@]}" -qq source --download-only kubernetes)
fi
(cd "$WORK" && apt-get "${APT[@]}" -qq download golang-1.19-go golang-1.19-src etcd-server etcd-client \
  golang-github-modern-go-reflect2-dev)
for deb in "$WORK"/*.deb; do dpkg -x "$deb" "$WORK/root"; done

log "unpacking the kubernetes source"
rm -rf "$WORK"/src/kubernetes-*/
tar xzf "$(ls "$WORK"/src/kubernetes_*.orig.tar.gz | head -1)" -C "$WORK/src"
tree=$(ls -d "$WORK"/src/kubernetes-*/ | head -1)
tree=${tree%/}

# The vendored reflect2 1.0.1 panics under Go >= 1.18 whenever a map is decoded (every ConfigMap
# request, for one). Debian ships 1.0.2 as Go source; put it in vendor/ in its place.
r="$tree/vendor/github.com/modern-go/reflect2"
src=$WORK/root/usr/share/gocode/src/github.com/modern-go/reflect2
rm -rf "$r" && mkdir -p "$r"
cp "$src"/*.go "$src"/*.s "$r/"
rm -f "$r"/*_test.go

log "compiling kube-apiserver and kube-controller-manager (about 4 minutes)"
export GOROOT="$WORK/root/usr/lib/go-1.19" PATH="$WORK/root/usr/lib/go-1.19/bin:$PATH"
export GOPATH="$WORK/gopath" GOCACHE="$WORK/gocache" HOME="$WORK/home"
export CGO_ENABLED=0 GOFLAGS= GOPROXY=off GOTOOLCHAIN=local
make -C "$tree" WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >"$WORK/make.log" 2>&1 \
  || { tail -40 "$WORK/make.log" >&2; exit 1; }

cp "$tree/_output/bin/kube-apiserver" "$tree/_output/bin/kube-controller-manager" \
  "$WORK/root/usr/bin/etcd" "$WORK/root/usr/bin/etcdctl" "$BIN/"
"$BIN/kube-apiserver" --version >&2
# The source tree and Go caches are 2+ GB; only the binaries are worth keeping.
rm -rf "$tree" "$WORK/gopath" "$WORK/gocache"
echo "$BIN"
