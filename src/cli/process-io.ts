import { createInterface } from 'node:readline/promises';
import type { CliIo } from './run-cli.js';

/** The CLI's terminal: stdout, stderr and the one answer a confirmation reads. */
export function processIo(): CliIo {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTerminal: Boolean(process.stdout.isTTY),
    ask: async (question) => {
      process.stdout.write(question);
      return process.stdin.isTTY ? askTerminal() : readOneLine();
    },
  };
}

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
