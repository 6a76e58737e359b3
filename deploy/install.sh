#!/usr/bin/env bash
# Installs polaris-k8s-sync into the cluster of the current kubectl context (README): applies the
# manifests of deploy/ through a generated kustomize overlay that carries this cluster's values (the
# `mesh` ConfigMap, the token Secret, the image), waits for the rollout and shows the Pods.
# Running it again with the same values changes nothing. See `deploy/install.sh --help`.
set -euo pipefail

readonly NAMESPACE=polaris-system
readonly APP=polaris-k8s-sync
readonly CONFIG_MAP=polaris-k8s-sync-config
readonly SECRET=polaris-k8s-sync-token
readonly DEFAULT_IMAGE=polaris-k8s-sync:latest
here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
kubectl_bin=${KUBECTL:-kubectl}

usage() {
  cat <<EOF
Usage: $(basename "$0") [options]

Installs polaris-k8s-sync into namespace $NAMESPACE of the current kubectl context.

  --polaris-address ADDRESS  Polaris HTTP API: host, host:port or URL (env POLARIS_ADDRESS)
  --token TOKEN              Polaris access token, kept in Secret $SECRET (env POLARIS_TOKEN;
                             prefer the variable: a flag shows in the process list)
  --cluster-name NAME        clusterName written into every instance (env CLUSTER_NAME)
  --mode all|demand          serviceSync.mode (env SYNC_MODE; default all)
  --image IMAGE              controller image (env POLARIS_K8S_SYNC_IMAGE; default $DEFAULT_IMAGE)
  --context NAME             kubectl context to use (default: the current one)
  --timeout DURATION         how long to wait for the rollout (default 180s)
  --no-wait                  apply and return without waiting for the rollout
  --dry-run                  print the manifests that would be applied; change nothing
  --uninstall                remove what the install added (the namespace only when nothing else
                             runs in it)
  -y, --yes                  never ask: fail when a value is missing
  -h, --help                 show this help

Values not given are taken from an earlier install (the ConfigMap in the cluster), then asked for
when a terminal is attached. Needs kubectl (KUBECTL names another binary).
EOF
}

die() {
  echo "$(basename "$0"): $*" >&2
  exit "${EXIT_CODE:-1}"
}
usage_error() {
  EXIT_CODE=2 die "$*"
}
kc() {
  "$kubectl_bin" ${context:+--context "$context"} "$@"
}
# kubectl and its kustomize, without the notice that `bases` is deprecated (see the overlay).
kc_quiet_bases() {
  kc "$@" 2> >(grep -v "'bases' is deprecated" >&2)
}

address=${POLARIS_ADDRESS:-}
token=${POLARIS_TOKEN:-}
cluster_name=${CLUSTER_NAME:-}
mode=${SYNC_MODE:-}
image=${POLARIS_K8S_SYNC_IMAGE:-}
context=""
timeout=180s
wait=true
dry_run=false
uninstall=false
interactive=true

while [ $# -gt 0 ]; do
  flag=$1
  case $flag in
    --*=*) value=${flag#*=} flag=${flag%%=*} inline=true ;;
    *) value=${2-} inline=false ;;
  esac
  needs_value=true
  case $flag in
    --polaris-address) address=$value ;;
    --token) token=$value ;;
    --cluster-name) cluster_name=$value ;;
    --mode) mode=$value ;;
    --image) image=$value ;;
    --context) context=$value ;;
    --timeout) timeout=$value ;;
    --no-wait) wait=false needs_value=false ;;
    --dry-run) dry_run=true needs_value=false ;;
    --uninstall) uninstall=true needs_value=false ;;
    -y | --yes) interactive=false needs_value=false ;;
    -h | --help) usage && exit 0 ;;
    *) usage_error "unknown option \"$flag\"; see --help" ;;
  esac
  if [ "$needs_value" = true ]; then
    if [ "$inline" = false ]; then
      [ $# -ge 2 ] || usage_error "$flag needs a value; see --help"
      shift
    fi
  elif [ "$inline" = true ]; then
    usage_error "$flag takes no value"
  fi
  shift
done
[ -t 0 ] || interactive=false

command -v "$kubectl_bin" >/dev/null 2>&1 ||
  die "Cannot find kubectl (\"$kubectl_bin\"): install it or set KUBECTL to its path"

check_cluster() {
  local output
  if ! output=$(kc version 2>&1); then
    die "Cannot reach the cluster of kubectl context \"$(kc config current-context 2>/dev/null ||
      echo none)\": kubectl version failed:
$output"
  fi
  echo "Cluster: context \"$(kc config current-context 2>/dev/null || echo "$context")\", $(
    kc cluster-info 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'
  )"
}

# Removes every object the install creates, by kind and name; the namespace goes too unless other
# workloads live in it (PolarisMesh's own charts install into polaris-system as well).
do_uninstall() {
  local namespaced=(
    deployment/$APP service/$APP-metrics configmap/$CONFIG_MAP secret/$SECRET
    lease.coordination.k8s.io/$APP rolebinding/$APP-leader-election role/$APP-leader-election
    serviceaccount/$APP
  )
  local cluster_wide=(clusterrolebinding/$APP clusterrole/$APP)
  if [ "$dry_run" = true ]; then
    printf 'Would delete in namespace %s: %s\n' "$NAMESPACE" "${namespaced[*]}"
    printf 'Would delete: %s\n' "${cluster_wide[*]}"
    echo "Would delete namespace $NAMESPACE if no other workload runs in it"
    return
  fi
  check_cluster
  if kc get namespace "$NAMESPACE" >/dev/null 2>&1; then
    kc delete -n "$NAMESPACE" --ignore-not-found --timeout="$timeout" "${namespaced[@]}"
  fi
  kc delete --ignore-not-found --timeout="$timeout" "${cluster_wide[@]}"
  if ! kc get namespace "$NAMESPACE" >/dev/null 2>&1; then
    echo "namespace/$NAMESPACE is already gone"
    return
  fi
  local others
  others=$(kc get deployments,statefulsets,daemonsets,jobs,pods,services -n "$NAMESPACE" \
    -l "app.kubernetes.io/name!=$APP" -o name 2>/dev/null | tr '\n' ' ')
  if [ -n "$others" ]; then
    echo "Kept namespace/$NAMESPACE: other workloads live in it: $others"
  else
    kc delete namespace "$NAMESPACE" --ignore-not-found --timeout="$timeout"
  fi
  echo "polaris-k8s-sync is uninstalled. Its instances stay registered in Polaris."
}

if [ "$uninstall" = true ]; then
  do_uninstall
  exit 0
fi

[ "$dry_run" = true ] || check_cluster

# Values of an earlier install, from the ConfigMap this script wrote.
previous_mesh=""
if [ "$dry_run" = false ]; then
  previous_mesh=$(kc get configmap "$CONFIG_MAP" -n "$NAMESPACE" \
    -o 'jsonpath={.data.mesh}' 2>/dev/null || true)
fi
previous() {
  sed -n "s/^$1: *\"\{0,1\}\([^\"]*\)\"\{0,1\} *\$/\1/p" <<<"$previous_mesh" | head -1
}
previous_image() {
  [ "$dry_run" = false ] || return 0
  kc get deployment "$APP" -n "$NAMESPACE" \
    -o 'jsonpath={.spec.template.spec.containers[0].image}' 2>/dev/null || true
}
has_secret() {
  [ "$dry_run" = false ] && kc get secret "$SECRET" -n "$NAMESPACE" >/dev/null 2>&1
}
ask() {
  local prompt=$1 default=${2:-} answer
  read -r -p "$prompt${default:+ [$default]}: " answer </dev/tty
  echo "${answer:-$default}"
}

[ -n "$address" ] || address=$(previous serverAddress)
[ -n "$cluster_name" ] || cluster_name=$(previous clusterName)
# The placeholder of deploy/config_map.yaml (applied with kubectl apply -k) is no earlier value.
[[ $cluster_name != "<"*">" ]] || cluster_name=""
[ -n "$mode" ] || mode=$(previous '  mode')
if [ "$interactive" = true ]; then
  [ -n "$address" ] || address=$(ask "Polaris address (host, host:port or URL)")
  [ -n "$cluster_name" ] || cluster_name=$(ask "Name of this cluster in Polaris (clusterName)")
  [ -n "$mode" ] || mode=$(ask "Sync mode, all or demand" all)
  if [ -z "$token" ] && ! has_secret; then
    read -r -s -p "Polaris access token (empty for none): " token </dev/tty
    echo >&2
  fi
fi
mode=${mode:-all}
[ -n "$image" ] || image=$(previous_image)
image=${image:-$DEFAULT_IMAGE}

[ -n "$address" ] || usage_error "--polaris-address is missing; expected the Polaris HTTP API address (or POLARIS_ADDRESS)"
[ -n "$cluster_name" ] || usage_error "--cluster-name is missing; expected the name of this cluster in Polaris (or CLUSTER_NAME)"
[[ $address =~ ^[][A-Za-z0-9._:/%-]+$ ]] ||
  usage_error "--polaris-address is \"$address\"; expected host, host:port or http(s)://host[:port]"
[[ $cluster_name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
  usage_error "--cluster-name is \"$cluster_name\"; expected letters, digits, '.', '_' and '-'"
[[ $mode =~ ^(all|demand)$ ]] || usage_error "--mode is \"$mode\"; expected \"all\" or \"demand\""
[[ $image =~ ^[A-Za-z0-9][A-Za-z0-9._/:@-]*$ ]] || usage_error "--image is \"$image\"; expected an image reference"
[[ $token != *$'\n'* ]] || usage_error "--token holds a line break; expected one line"

# The overlay: a copy of deploy/ as its base (kustomize refuses absolute paths), the ConfigMap
# replaced, the Secret generated, the image set. Kustomize only, no template language.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/base"
cp "$here"/*.yaml "$work/base/"
cat >"$work/mesh.yaml" <<EOF
serverAddress: "$address"
clusterName: "$cluster_name"
serviceSync:
  mode: $mode
leaderElection:
  enabled: true
  namespace: $NAMESPACE
  name: $APP
EOF
image_name=$image image_tag="" image_digest=""
if [[ $image == *@* ]]; then
  image_name=${image%%@*} image_digest=${image#*@}
elif [[ ${image##*/} == *:* ]]; then
  image_name=${image%:*} image_tag=${image##*:}
else
  image_tag=latest
fi
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  # `bases` rather than `resources`: the kustomize inside kubectl 1.20 reads directories only there.
  echo "bases: [base]"
  echo "generatorOptions:"
  echo "  disableNameSuffixHash: true"
  echo "  labels: {app.kubernetes.io/name: $APP, app.kubernetes.io/part-of: $APP}"
  echo "configMapGenerator:"
  echo "- {name: $CONFIG_MAP, namespace: $NAMESPACE, behavior: replace, files: [mesh=mesh.yaml]}"
  if [ -n "$token" ]; then
    echo "secretGenerator:"
    echo "- {name: $SECRET, namespace: $NAMESPACE, files: [token=token]}"
  fi
  echo "images:"
  if [ -n "$image_digest" ]; then
    echo "- {name: polaris-k8s-sync, newName: \"$image_name\", digest: \"$image_digest\"}"
  else
    echo "- {name: polaris-k8s-sync, newName: \"$image_name\", newTag: \"$image_tag\"}"
  fi
} >"$work/kustomization.yaml"
if [ "$dry_run" = true ]; then
  printf '%s' "${token:+REDACTED}" >"$work/token"
  echo "# polaris-k8s-sync manifests that would be applied (the token is shown as REDACTED)"
  kc_quiet_bases kustomize "$work"
  exit 0
fi
printf '%s' "$token" >"$work/token"
[ -n "$token" ] || has_secret ||
  echo "Note: no token given; Polaris must accept requests without X-Polaris-Token" >&2

applied=$(kc_quiet_bases apply -k "$work" 2>&1) || die "Cannot apply the manifests: $applied"
echo "$applied"
# The controller reads its configuration once at start-up: restart it when that changed.
if grep -Eq "^(configmap/$CONFIG_MAP|secret/$SECRET) configured" <<<"$applied" &&
  ! grep -Eq "^deployment.apps/$APP created" <<<"$applied"; then
  kc rollout restart deployment/"$APP" -n "$NAMESPACE"
fi

if [ "$wait" = true ]; then
  if ! kc rollout status deployment/"$APP" -n "$NAMESPACE" --timeout="$timeout"; then
    kc get pod -n "$NAMESPACE" -l app.kubernetes.io/name="$APP" || true
    die "Cannot see the rollout finish within $timeout; look at: kubectl describe pod -n $NAMESPACE -l app.kubernetes.io/name=$APP, and kubectl logs -n $NAMESPACE deployment/$APP"
  fi
fi
kc get pod -n "$NAMESPACE" -l app.kubernetes.io/name="$APP"
