import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const at = (pg: { clientConnections: number; appConnections: number; ownConnections: number }) =>
  buildReport('status', { ...facts({ maxConnections: 20, ...pg, databaseConnections: pg.clientConnections }, [instance()]), observedAt: '2026-12-01T00:00:00.000Z' }, settings());

describe('the headline of a full server', () => {
  it("counts dbpool's own connection where it sits: in a usable slot, the server is 17/17, not 16/17", () => {
    // A dbpool role without superuser (the demo's): its connection took the 17th usable slot.
    const report = at({ clientConnections: 17, appConnections: 16, ownConnections: 1 });
    expect(report.headline.cause).toEqual({ code: 'server_full', connections: 17, usable: 17 });
  });

  it("in a reserved slot (superuser, the seed incident's 38 of 37), the app's 17 fill the usable 17", () => {
    const report = at({ clientConnections: 18, appConnections: 17, ownConnections: 1 });
    expect(report.headline.cause).toEqual({ code: 'server_full', connections: 17, usable: 17 });
  });
});
