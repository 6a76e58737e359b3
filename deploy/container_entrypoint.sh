#!/bin/sh
# Starts the controller as the container does: `deno run` with the permissions listed in
# deno_permissions.txt, only what was cached at build time (no download at start-up), the lockfile
# frozen, and no V8 code cache (the root filesystem is read-only). Arguments go to main.ts.
set -euf
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
root=$(dirname -- "$here")
permissions=$(sed -e 's/#.*//' "$here/deno_permissions.txt")
# V8 sizes its heap from the host's memory, not the container's limit. The Deployment passes its
# memory limit as MEMORY_LIMIT_MB (downward API); the heap gets 3/4 of it, the rest is left for
# the runtime, so V8 collects before the kernel's OOM killer steps in.
heap=""
if [ -n "${MEMORY_LIMIT_MB:-}" ]; then
  case "$MEMORY_LIMIT_MB" in
    *[!0-9]*)
      echo "Cannot start: MEMORY_LIMIT_MB is \"$MEMORY_LIMIT_MB\"; expected a number of MiB" >&2
      exit 2
      ;;
  esac
  heap="--v8-flags=--max-old-space-size=$((MEMORY_LIMIT_MB * 3 / 4))"
fi
# shellcheck disable=SC2086 # one flag per word, on purpose
exec deno run --cached-only --frozen --no-code-cache --config "$root/deno.json" \
  $heap $permissions "$root/main.ts" "$@"
