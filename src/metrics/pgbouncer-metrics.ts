import { Gauge, type Registry } from 'prom-client';
import type { Report } from '../core/report.js';

/**
 * The PgBouncer layer on /metrics, one series per PgBouncer (label `pgbouncer`, its host:port):
 * clients against max_client_conn, waiting clients, server connections against the server pools' limit.
 */
export function createPgBouncerMetrics(registry: Registry): (report: Report) => void {
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['pgbouncer'], registers: [registry] });
  const up = gauge('dbpool_pgbouncer_up', '1 when the last look at the admin console succeeded');
  const clients = gauge('dbpool_pgbouncer_client_connections', 'Client connections PgBouncer holds (they count against max_client_conn)');
  const maxClients = gauge('dbpool_pgbouncer_max_client_connections', 'max_client_conn');
  const demand = gauge('dbpool_pgbouncer_app_pool_demand_connections', "Client connections the app's full pools routed to this PgBouncer can open");
  const waiting = gauge('dbpool_pgbouncer_waiting_client_connections', 'Clients waiting for a server connection (cl_waiting, summed)');
  const maxWait = gauge('dbpool_pgbouncer_max_wait_seconds', 'How long the oldest waiting client has waited');
  const servers = gauge('dbpool_pgbouncer_server_connections', 'Server connections PgBouncer holds to PostgreSQL');
  const serverLimit = gauge('dbpool_pgbouncer_max_server_connections', 'Server connections its pools may open (pool size x pairs + reserve, capped)');
  const all = [up, clients, maxClients, demand, waiting, maxWait, servers, serverLimit];

  return (report) => {
    // A PgBouncer no longer configured or seen leaves no stale series behind.
    for (const g of all) g.reset();
    for (const layer of report.pgbouncer.bouncers) {
      const labels = { pgbouncer: layer.address };
      up.set(labels, layer.read ? 1 : 0);
      if (!layer.read) continue;
      if (layer.clients !== null) clients.set(labels, layer.clients);
      if (layer.settings) maxClients.set(labels, layer.settings.maxClientConn);
      if (layer.clientDemand !== null) demand.set(labels, layer.clientDemand);
      if (layer.waiting !== null) waiting.set(labels, layer.waiting);
      if (layer.maxWaitSeconds !== null) maxWait.set(labels, layer.maxWaitSeconds);
      if (layer.serverConnections !== null) servers.set(labels, layer.serverConnections);
      if (layer.serverLimit !== null) serverLimit.set(labels, layer.serverLimit);
    }
  };
}
