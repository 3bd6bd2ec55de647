#!/usr/bin/env node
import module from 'node:module';
import { createInterface } from 'node:readline/promises';

// Node 22.1+ (the image's Node 24): V8 keeps the compiled code of every module on disk, so the next
// run skips most of the compiling (a CLI spends most of its time loading). A no-op on Node 20.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runCli } = await import('./run-cli.js');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTerminal: Boolean(process.stdout.isTTY),
  ask: async (question) => {
    process.stdout.write(question);
    return process.stdin.isTTY ? askTerminal() : readOneLine();
  },
});

// `dbpool serve`: an attempt to reach Slack still under way when the bot stopped must not keep the process alive.
if (process.argv[2] === 'serve') setTimeout(() => process.exit(), 2000).unref();

async function askTerminal(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  try {
    return await rl.question('');
  } finally {
    rl.close();
  }
}

/** A piped answer (`echo y | dbpool …`); null when stdin ends without one. */
function readOneLine(): Promise<string | null> {
  return new Promise((resolve) => {
    let buffer = '';
    const done = (answer: string | null) => {
      process.stdin.removeAllListeners();
      process.stdin.pause();
      resolve(answer);
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) done(buffer.slice(0, nl));
    });
    process.stdin.on('end', () => done(buffer.length > 0 ? buffer : null));
    process.stdin.on('error', () => done(null));
  });
}
