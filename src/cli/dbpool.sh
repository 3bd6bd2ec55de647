#!/bin/sh
# dbpool's command. Starts Node from the CLI's startup snapshot (see build-snapshot.ts) when one was
# built for this Node and is newer than the compiled CLI; otherwise, and for the bot (`dbpool serve`),
# loads the modules as usual. `node --version` costs a few milliseconds; loading the modules ~100.
self=$(readlink -f "$0")
dir=${self%/*}
if [ "$1" != serve ]; then
  blob="$dir/snapshot/dbpool-$(node --version).blob"
  if [ "$blob" -nt "$dir/run-cli.js" ]; then exec node --snapshot-blob "$blob" -- "$@"; fi
fi
exec node "$dir/main.js" "$@"
