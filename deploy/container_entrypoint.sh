#!/bin/sh
# Starts the controller as the container does: `deno run` with the permissions listed in
# deno_permissions.txt, only what was cached at build time (no download at start-up), the lockfile
# frozen, and no V8 code cache (the root filesystem is read-only). Arguments go to main.ts.
set -euf
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
root=$(dirname -- "$here")
permissions=$(sed -e 's/#.*//' "$here/deno_permissions.txt")
# shellcheck disable=SC2086 # one flag per word, on purpose
exec deno run --cached-only --frozen --no-code-cache --config "$root/deno.json" \
  $permissions "$root/main.ts" "$@"
