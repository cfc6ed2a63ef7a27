import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that can refuse connections, standing for the new database going away and coming
 * back; `downstream`, when given, may change what the server sends (a fault on the wire).
 */
export async function tcpProxy<S extends object>(targetPort: number, downstream?: (chunk: Buffer, state: S) => Buffer) {
	const state = {} as S;
	let accepting = true;
	const sockets = new Set<Socket>();
	const server: Server = createServer((client) => {
		if (!accepting) {
			client.destroy();
			return;
		}
		const upstream = connect(targetPort, '127.0.0.1');
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('error', () => undefined);
			s.on('close', () => sockets.delete(s));
		}
		client.pipe(upstream);
		if (downstream) upstream.on('data', (chunk: Buffer) => client.write(downstream(chunk, state)));
		else upstream.pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	return {
		port,
		down() {
			accepting = false;
			for (const s of sockets) s.destroy();
		},
		up() {
			accepting = true;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
