import { createServer, type Server, type Socket } from 'node:net';
import { createMysqlConnector } from '../../connectors/mysql/mysql-client';
import { createPostgresConnector } from '../../connectors/postgres/postgres-client';
import { ConnectionError } from '../../core/model/errors';
import { mysqlSettings, postgresSettings } from '../helpers/services';

/**
 * A server that cannot be reached is named with host:port and the cause in words, never
 * "Connection terminated unexpectedly" alone: refused (nothing listens), closed by the other
 * end (a port that is not this kind of server), and no answer in time.
 */
function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
	return new Promise((resolve) => {
		const server = createServer(onSocket).listen(0, '127.0.0.1', () => {
			resolve({ server, port: (server.address() as { port: number }).port });
		});
	});
}

const systems = [
	{
		name: 'PostgreSQL',
		connect: (port: number) => createPostgresConnector({ ...postgresSettings, port, password: 'Pw-Zq81' }),
	},
	{
		name: 'MySQL/MariaDB',
		connect: (port: number) => createMysqlConnector({ ...mysqlSettings, port, password: 'Pw-Zq81' }),
	},
];

describe.each(systems)('$name that cannot be reached', ({ name, connect }) => {
	async function failure(port: number): Promise<ConnectionError> {
		const connector = connect(port);
		try {
			const error = await connector.ping().then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(error).toBeInstanceOf(ConnectionError);
			expect((error as Error).message).not.toContain('Pw-Zq81');
			return error as ConnectionError;
		} finally {
			// Closing after the failure must not throw: a close in a finally would hide the error above.
			await connector.close();
		}
	}

	it('refused: nothing listens on the port', async () => {
		const { server, port } = await listen(() => undefined);
		server.close();
		await new Promise((r) => setTimeout(r, 100));
		expect((await failure(port)).message).toMatch(
			new RegExp(`^${name.replace('/', '\\/')} at 127\\.0\\.0\\.1:${port}: connection refused`),
		);
	});

	it('closed by the other end: the port is not this kind of server', async () => {
		const { server, port } = await listen((socket) => socket.destroy());
		try {
			const error = await failure(port);
			expect(error.message).toContain(`at 127.0.0.1:${port}: `);
			expect(error.message).toMatch(/closed the connection|reset by the server/);
			// Introspection opens several connections at once; each is lost, and the close after says nothing.
			const connector = connect(port);
			try {
				await expect(connector.introspect()).rejects.toBeInstanceOf(ConnectionError);
			} finally {
				await connector.close();
			}
		} finally {
			server.close();
		}
	});

	it('no answer in time', async () => {
		const sockets: Socket[] = [];
		const { server, port } = await listen((socket) => sockets.push(socket));
		try {
			expect((await failure(port)).message).toContain(`at 127.0.0.1:${port}: no answer in time`);
		} finally {
			sockets.forEach((s) => s.destroy());
			server.close();
		}
	}, 30_000);
});
