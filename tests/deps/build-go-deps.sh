#!/usr/bin/env bash
# Builds the test dependencies pinned by the wrapper Go modules beside this script, into a cache
# outside the checkout:
#
#   polaris-server/  ->  $CACHE/polaris-server-<version>/polaris-server (+ i18n/*.toml)
#   kubernetes/      ->  $CACHE/kubernetes-<version>/{kube-apiserver,kube-controller-manager,etcd,etcdctl}
#   prometheus-rules/ -> $CACHE/prometheus-rules-<version>/check-rules (Prometheus' rule-file check)
#   helm/            ->  $CACHE/helm-<version>/helm (the deploy tier's chart test)
#
# Each folder holds a stamp: the sha256 of its wrapper's go.mod and go.sum. A build runs only when
# the stamp is missing or differs, so a pinned version that changes is rebuilt and nothing else is.
# Modules come from the Go module proxy into GOMODCACHE (default ~/go/pkg/mod); both it and GOCACHE
# are outside the checkout.
#
#   CACHE   default ${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync
#   usage   build-go-deps.sh [polaris-server|kubernetes|prometheus-rules|helm]...   (default: all)
#
# Prints one line per dependency: "<name> <folder>". Measured on the 2-core build machine from an
# empty module and build cache: see the README's Tests section.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polaris-k8s-sync}
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
log() { printf '[build-go-deps] %s\n' "$*" >&2; }

command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { log "go is not on PATH: the real test dependencies need Go >= 1.26"; exit 1; }

# The version a wrapper's go.mod requires of a module.
required() { awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"; }
stamp_of() { cat "$1/go.mod" "$1/go.sum" | sha256sum | cut -d' ' -f1; }

# build_one NAME OUT_DIR BUILD_FUNCTION: skips when OUT_DIR/.stamp matches the wrapper's.
build_one() {
  local name=$1 out=$2 fn=$3 want
  want=$(stamp_of "$here/$name")
  if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$want" ]; then
    log "$name already built in $out"
  else
    log "building $name into $out"
    local started=$SECONDS
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    (cd "$here/$name" && go mod download) # fetch first: a proxy failure is told apart from a compile error
    (cd "$here/$name" && "$fn" "$out.tmp")
    echo "$want" >"$out.tmp/.stamp"
    rm -rf "$out" && mv "$out.tmp" "$out"
    log "$name built in $((SECONDS - started)) s"
  fi
  echo "$name $out"
}

build_polaris() {
  local out=$1 version dir
  version=$(required . github.com/polarismesh/polaris)
  go build -ldflags "-X github.com/polarismesh/polaris/common/version.Version=$version" \
    -o "$out/polaris-server" github.com/polarismesh/polaris
  # The server reads its messages from <config dir>/i18n at run time; they ship in the module zip.
  dir=$(go list -m -f '{{.Dir}}' github.com/polarismesh/polaris)
  mkdir -p "$out/i18n" && cp "$dir"/release/conf/i18n/*.toml "$out/i18n/"
  "$out/polaris-server" version >&2 || true
}

build_kubernetes() {
  local out=$1 version minor
  version=$(required . k8s.io/kubernetes)
  minor=$(cut -d. -f2 <<<"$version")
  go build -ldflags "-X k8s.io/component-base/version.gitVersion=$version \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    -o "$out/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
  go build -o "$out/etcd" go.etcd.io/etcd/server/v3
  go build -o "$out/etcdctl" go.etcd.io/etcd/etcdctl/v3
  "$out/kube-apiserver" --version >&2
  "$out/etcd" --version | head -1 >&2
}

# The module's own main package: Prometheus' rulefmt, as `promtool check rules` uses it.
build_prometheus_rules() {
  go build -o "$1/check-rules" .
}

# Helm's own command, from its module (about 90 s on 2 cores).
build_helm() {
  go build -o "$1/helm" helm.sh/helm/v4/cmd/helm
  "$1/helm" version >&2
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(polaris-server kubernetes prometheus-rules helm)
for target in "${targets[@]}"; do
  case $target in
    polaris-server)
      build_one polaris-server "$CACHE/polaris-server-$(required "$here/polaris-server" github.com/polarismesh/polaris)" build_polaris ;;
    kubernetes)
      build_one kubernetes "$CACHE/kubernetes-$(required "$here/kubernetes" k8s.io/kubernetes)" build_kubernetes ;;
    prometheus-rules)
      build_one prometheus-rules "$CACHE/prometheus-rules-$(required "$here/prometheus-rules" github.com/prometheus/prometheus)" build_prometheus_rules ;;
    helm)
      build_one helm "$CACHE/helm-$(required "$here/helm" helm.sh/helm/v4)" build_helm ;;
    *) log "unknown dependency \"$target\" (polaris-server, kubernetes, prometheus-rules or helm)"; exit 2 ;;
  esac
done
