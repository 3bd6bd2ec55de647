#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ (the image's Node 24): V8 keeps the compiled code of every module on disk, so the next
// run skips most of the compiling (a CLI spends most of its time loading). A no-op on Node 20.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const [{ runCli }, { processIo }] = await Promise.all([import('./run-cli.js'), import('./process-io.js')]);

process.exitCode = await runCli(process.argv.slice(2), processIo());

// `dbpool serve`: an attempt to reach Slack still under way when the bot stopped must not keep the process alive.
if (process.argv[2] === 'serve') setTimeout(() => process.exit(), 2000).unref();
