// Preloaded (node --import) by test/cli/loaded-modules.test.ts: at exit, writes every module the
// process loaded to LOADED_MODULES_FILE, one per line: ES modules as the loader hook saw them, and
// CommonJS ones from require's cache (a package's own requires never pass the ESM hook).
import { appendFileSync, writeFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const file = process.env.LOADED_MODULES_FILE;
if (file) {
  writeFileSync(file, '');
  register('./record-loaded-modules-hook.mjs', import.meta.url, { data: { file } });
  process.on('exit', () => appendFileSync(file, Object.keys(Module._cache).join('\n') + '\n'));
}
