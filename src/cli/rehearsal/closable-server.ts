import net from 'node:net';

/** A stand-in's server, whose close also ends the connections still open: a snapshot holds no socket. */
export function closableServer(onConnection: (socket: net.Socket) => void): { server: net.Server; close(): Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
