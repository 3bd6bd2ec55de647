#!/bin/sh
# dbpool's command. Starts Node from the CLI's startup snapshot (see build-snapshot.ts) when one was
# built by this very node binary (the same file: -ef) and is newer than it and no older than the compiled
# CLI, with the V8 flags it was built with; otherwise, and for the bot (`dbpool serve`), loads the
# modules as usual. Only shell built-ins decide: asking `node --version` would cost a process start of
# its own.
self=$0
if [ -L "$self" ]; then self=$(readlink -f "$self"); fi
dir=${self%/*}
if [ "$1" != serve ]; then
  node=$(command -v node)
  for built_by in "$dir"/snapshot/dbpool-*.node; do
    blob=${built_by%.node}.blob
    flags_file=${built_by%.node}.flags
    # "Not older than the CLI" rather than "newer": an image layer keeps whole seconds, and a build
    # within one second leaves both with the same time.
    if [ "$built_by" -ef "$node" ] && [ "$blob" -nt "$node" ] && ! [ "$dir/run-cli.js" -nt "$blob" ] && [ -r "$flags_file" ] && read -r flags < "$flags_file"; then
      # $flags unquoted: one word per flag.
      exec node $flags --snapshot-blob "$blob" -- "$@"
    fi
  done
fi
exec node "$dir/main.js" "$@"
