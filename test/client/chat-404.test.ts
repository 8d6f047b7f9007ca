/**
 * The connection test's `/api/chat` 404 branch (source/core/connection-test.ts `chat()`): a server
 * whose /api/tags lists the model but whose /api/chat answers 404 `{"error":"model 'x' not found"}`
 * (Ollama's reply when the model was removed between the two requests, or the name resolves
 * differently) is diagnosed as `model-missing`, not as a wrong path (`not-found`).
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {testConnection} from '../../source/core/connection-test.js';
import {parseOllamaUrl} from '../../source/core/url.js';
import {makeCtx} from './helpers.js';

const MODEL = 'x:latest';

let server: http.Server;
let origin = '';
const seen: string[] = [];

function json(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text)});
	res.end(text);
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0] ?? '/';
		seen.push(`${req.method ?? ''} ${path}`);
		req.resume();
		req.on('end', () => {
			if (path === '/') {
				res.writeHead(200, {'content-type': 'text/plain; charset=utf-8'});
				res.end('Ollama is running');
			} else if (path === '/api/version') json(res, 200, {version: '0.17.2'});
			else if (path === '/api/tags') json(res, 200, {models: [{name: MODEL, model: MODEL, details: {family: 'llama', parameter_size: '1B'}}]});
			else if (path === '/v1/models') json(res, 200, {object: 'list', data: [{id: MODEL, object: 'model', owned_by: 'library'}]});
			else if (path === '/api/ps') json(res, 200, {models: []});
			else if (path === '/api/chat') json(res, 404, {error: "model 'x' not found"});
			else {
				res.writeHead(404, {'content-type': 'text/plain'});
				res.end('404 page not found');
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('connection test: /api/chat answers 404 with a JSON "model not found"', () => {
	it('reports cause model-missing (the model is listed, but the chat cannot load it)', async () => {
		const u = parseOllamaUrl(origin);
		if (!u.ok) throw new Error(u.problem);
		const ctx = makeCtx();
		const report = await testConnection(ctx, {url: u.url, model: 'x', samples: 1, timeoutMs: 2000, chatTimeoutMs: 5000});
		expect(seen).toContain('POST /api/chat'); // the failure really came from the chat, not from /api/tags
		expect(report.models).toEqual([MODEL]);
		expect(report.model).toBe(MODEL);
		expect(report).toMatchObject({status: 'fail', cause: 'model-missing'});
		expect(report.message).toContain('x');
		expect(report.latencyMs).toBeNull(); // nothing after the chat ran
	});
});
