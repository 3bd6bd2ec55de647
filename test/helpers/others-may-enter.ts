import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Whether a user other than the owner may traverse every directory down to `dir`. */
export async function othersMayEnter(dir: string): Promise<boolean> {
  for (let d = dir; ; d = path.dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}
