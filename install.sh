#!/usr/bin/env bash
# Installs polaris-k8s-sync into the cluster of the current kubectl context; the work is done by
# deploy/install.sh (see `./install.sh --help`).
exec "$(dirname -- "${BASH_SOURCE[0]}")/deploy/install.sh" "$@"
