/** Slack's documented Block Kit limits, checked on what was actually posted (written apart from the renderer's own constants). */
import { expect } from 'vitest';

type Json = Record<string, unknown>;

export function blockKitViolations(blocks: unknown): string[] {
  const out: string[] = [];
  const bad = (cond: boolean, what: string) => cond || out.push(what);
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  bad(blocks.length <= 50, `${blocks.length} blocks (max 50)`);
  const text = (o: unknown) => ((o as Json | undefined)?.text as string | undefined) ?? '';
  blocks.forEach((b: Json, i) => {
    const at = `block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string') bad(b.block_id.length <= 255, `${at}: block_id too long`);
    switch (b.type) {
      case 'header':
        bad(text(b.text).length <= 150, `${at}: header ${text(b.text).length} > 150`);
        bad((b.text as Json).type === 'plain_text', `${at}: header must be plain_text`);
        break;
      case 'section': {
        bad(text(b.text).length <= 3000, `${at}: text ${text(b.text).length} > 3000`);
        bad(b.text !== undefined || b.fields !== undefined, `${at}: no text and no fields`);
        const fields = (b.fields as unknown[] | undefined) ?? [];
        bad(fields.length <= 10, `${at}: ${fields.length} fields > 10`);
        fields.forEach((f, j) => bad(text(f).length <= 2000, `${at}: field ${j} ${text(f).length} > 2000`));
        break;
      }
      case 'context': {
        const elements = (b.elements as unknown[]) ?? [];
        bad(elements.length >= 1 && elements.length <= 10, `${at}: ${elements.length} elements (1..10)`);
        elements.forEach((e, j) => bad(text(e).length <= 3000, `${at}: element ${j} too long`));
        break;
      }
      case 'actions': {
        const elements = (b.elements as Json[]) ?? [];
        bad(elements.length >= 1 && elements.length <= 25, `${at}: ${elements.length} elements (1..25)`);
        for (const e of elements) {
          const id = String(e.action_id ?? '');
          bad(id.length >= 1 && id.length <= 255, `${at}: action_id length ${id.length}`);
          if (e.type === 'button') {
            bad(text(e.text).length <= 75, `${at}: button text ${text(e.text).length} > 75`);
            bad(typeof e.value !== 'string' || e.value.length <= 2000, `${at}: button value > 2000`);
            const confirm = e.confirm as Json | undefined;
            if (confirm) {
              bad(text(confirm.title).length <= 100, `${at}: confirm title > 100`);
              bad(text(confirm.text).length <= 300, `${at}: confirm text > 300`);
              bad(text(confirm.confirm).length <= 30 && text(confirm.deny).length <= 30, `${at}: confirm buttons > 30`);
            }
          }
        }
        break;
      }
      case 'divider':
        break;
      default:
        out.push(`${at}: unexpected block type`);
    }
  });
  return out;
}

export function assertBlockKitLimits(blocks: unknown): void {
  expect(blockKitViolations(blocks)).toEqual([]);
}

/** All the visible text of a message, for assertions on language and digits. */
export function messageText(body: Record<string, unknown>): string {
  return JSON.stringify(body.blocks ?? []) + '\n' + String(body.text ?? '');
}
