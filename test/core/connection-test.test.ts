/**
 * Step 6 against a real node:http fake Ollama on 127.0.0.1: each fault mode maps to exactly one cause
 * code, and the ok path reports models, version and ordered latency.
 */
import http from 'node:http';
import net from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {testConnection, type ConnectionReport} from '../../source/core/connection-test.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {NetError} from '../../source/core/context.js';
import {closedPort, startFakeOllama, type Fault, type FakeOllama} from '../support/fake-ollama.js';
import {makeCtx} from '../support/fake-ctx.js';

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

const TIMEOUT = 400;

async function probe(u: string, extra: {model?: string; chatTimeoutMs?: number; samples?: number} = {}): Promise<ConnectionReport> {
	const ctx = makeCtx();
	const progress: string[] = [];
	const report = await testConnection({...ctx, progress: () => undefined}, {
		url: url(u),
		model: extra.model,
		samples: extra.samples ?? 5,
		timeoutMs: TIMEOUT,
		chatTimeoutMs: extra.chatTimeoutMs ?? 2000,
		onProgress: (check, status) => progress.push(`${check}:${status}`),
	});
	ctx.controller.abort();
	return report;
}

describe('connection test against a fake Ollama', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({tokens: 6, tokenDelayMs: 2});
	});
	afterEach(() => {
		server.setFault('none');
		server.set({firstTokenDelayMs: 0, midStreamError: false});
	});
	afterAll(async () => {
		await server.close();
	});

	it('ok: lists models and version, streams a chat, reports ordered latency', async () => {
		const r = await probe(`${server.url}/v1/`);
		expect(r.status).toBe('ok');
		expect(r.cause).toBeNull();
		expect(r.version).toBe('0.17.2');
		expect(r.models).toEqual(expect.arrayContaining(['llama3.2:latest', 'qwen2.5-coder:7b']));
		expect(r.model).toBe(r.models.find((m) => !/cloud/.test(m)));
		expect(r.addresses).toEqual([{address: '127.0.0.1', family: 4, tunnel: false}]);
		expect(r.connectMs).toBeGreaterThanOrEqual(0);
		expect(r.firstTokenMs).not.toBeNull();
		expect(r.tokensPerSecond).toBeGreaterThan(0);
		const l = r.latencyMs;
		expect(l).not.toBeNull();
		expect(l!.min).toBeGreaterThan(0);
		expect(l!.min).toBeLessThanOrEqual(l!.p50);
		expect(l!.p50).toBeLessThanOrEqual(l!.p95);
		// The chat really went to /api/chat with the chosen model, and /v1/models was asked (what AIlice uses).
		const chat = server.requests.filter((q) => q.path === '/api/chat').at(-1);
		expect(JSON.parse(chat?.body ?? '{}')).toMatchObject({model: r.model, stream: true});
		expect(server.requests.some((q) => q.path === '/v1/models')).toBe(true);
	});

	it('normalises the model name like Ollama (name → name:latest, case-insensitive)', async () => {
		const r = await probe(server.url, {model: 'LLAMA3.2'});
		expect(r.status).toBe('ok');
		expect(r.model).toBe('llama3.2:latest');
	});

	it('model-missing: names the missing model and lists what the server has', async () => {
		const r = await probe(server.url, {model: 'llama3:2'});
		expect(r.cause).toBe('model-missing');
		expect(r.message).toContain('llama3:2');
		expect(r.message).toContain('llama3.2:latest');
	});

	it('warns when the first token takes longer than AIlice waits (cold load)', async () => {
		server.set({firstTokenDelayMs: 150});
		const ctx = makeCtx();
		// Pretend 61 s passed: a clock that jumps 61 s on every reading.
		let t = 0;
		const clock = {now: () => (t += 61_000), sleep: ctx.clock.sleep};
		const r = await testConnection({...ctx, clock}, {url: url(server.url), samples: 2, timeoutMs: TIMEOUT, chatTimeoutMs: 2000});
		expect(r.status).toBe('warn');
		expect(r.warnings.join(' ')).toMatch(/AIlice gives up after 60 s.*OLLAMA_KEEP_ALIVE/);
	});

	it.each<[Fault, string]>([
		['hang', 'timeout'],
		['reset', 'reset'],
		['forbidden', 'forbidden'],
		['notfound-all', 'not-found'],
		['html', 'not-ollama'],
		['malformed-json', 'not-ollama'],
		['wrong-types', 'not-ollama'],
		['server-error', 'server-error'],
		['huge-body', 'not-ollama'],
		['trickle', 'timeout'],
	])('fault %s → cause %s, with one sentence and a fix', async (fault, cause) => {
		server.setFault(fault);
		const started = Date.now();
		const r = await probe(server.url);
		// Each exchange ends within its limit (a trickling body too): the whole test stays bounded.
		expect(Date.now() - started).toBeLessThan(TIMEOUT * 6 + 2000);
		expect(r.status).toBe('fail');
		expect(r.cause).toBe(cause);
		expect(r.message.length).toBeGreaterThan(20);
		expect(r.fix).toBeTruthy();
	});

	it('an endless chat stream ends as timeout within the chat time limit, memory bounded', async () => {
		server.setFault('endless-stream');
		const started = Date.now();
		const r = await probe(server.url, {chatTimeoutMs: 500});
		expect(r.cause).toBe('timeout');
		expect(r.message).toMatch(/did not answer in time/);
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('hostile replies end classified, within the timeout, with bounded memory', async () => {
		for (const fault of ['huge-body', 'invalid-utf8', 'wrong-types'] as Fault[]) {
			server.setFault(fault);
			const before = process.memoryUsage().rss;
			const started = Date.now();
			const r = await probe(server.url, {chatTimeoutMs: 1000});
			expect(Date.now() - started).toBeLessThan(TIMEOUT * 6 + 1000);
			expect(r.status, fault).toBe('fail');
			expect(r.cause, fault).toBe('not-ollama');
			// Bodies are read up to a fixed cap (2 MB), never whole.
			expect(process.memoryUsage().rss - before, fault).toBeLessThan(64 * 1024 * 1024);
		}
	});

	it('a mid-stream error line (status 200) is a server-error', async () => {
		server.set({midStreamError: true});
		const r = await probe(server.url);
		expect(r.cause).toBe('server-error');
		expect(r.message).toContain('mid-stream');
	});

	it('a chat that never finishes ends as timeout within the chat time limit', async () => {
		server.set({firstTokenDelayMs: 5000});
		const started = Date.now();
		const r = await probe(server.url, {chatTimeoutMs: 300});
		expect(r.cause).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('not-ollama: something that is not HTTP answers (an SSH banner), although TCP connects', async () => {
		const banner = net.createServer((socket) => {
			// The client resets the connection after the parse error: that is expected here.
			socket.on('error', () => undefined);
			socket.end('SSH-2.0-OpenSSH_9.6\r\n');
		});
		await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
		const port = (banner.address() as net.AddressInfo).port;
		try {
			const r = await probe(`http://127.0.0.1:${port}`);
			expect(r.connectMs).not.toBeNull();
			expect(r.cause).toBe('not-ollama');
		} finally {
			banner.close();
		}
	});

	it('an HTML 403 page is another server (not-ollama), not Ollama’s empty-body 403', async () => {
		const proxy = http.createServer((_req, res) => {
			res.writeHead(403, {'content-type': 'text/html'});
			res.end('<html><body><h1>403 Forbidden</h1>nginx</body></html>');
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		const port = (proxy.address() as net.AddressInfo).port;
		try {
			const r = await probe(`http://127.0.0.1:${port}`);
			expect(r.cause).toBe('not-ollama');
		} finally {
			proxy.close();
		}
	});

	it('refused: a closed port', async () => {
		const port = await closedPort();
		const r = await probe(`http://127.0.0.1:${port}`);
		expect(r.cause).toBe('refused');
		expect(r.message).toMatch(/Nothing is listening/);
	});

	it('dns: a name that does not resolve', async () => {
		const r = await probe('http://ollama.invalid:11434');
		expect(r.cause).toBe('dns');
	});

	it('flags a 100.64.0.0/10 address as a tunnel handle, without contacting it', async () => {
		const ctx = makeCtx();
		const net = {
			lookup: async () => [{address: '100.96.0.7', family: 4 as const}],
			tcpConnect: async () => {
				throw new NetError('no TCP connection within 400 ms', 'ETIMEDOUT');
			},
		};
		const r = await testConnection({...ctx, net}, {url: url('http://ollama.home.internal:11434'), samples: 1, timeoutMs: TIMEOUT, chatTimeoutMs: 1000});
		expect(r.addresses).toEqual([{address: '100.96.0.7', family: 4, tunnel: true}]);
		expect(r.cause).toBe('timeout');
	});

	it('warns that a 100.x address typed as the URL is a local tunnel handle', async () => {
		const ctx = makeCtx();
		const net = {
			lookup: async () => [],
			tcpConnect: async () => {
				throw new NetError('no route', 'EHOSTUNREACH');
			},
		};
		const r = await testConnection({...ctx, net}, {url: url('http://100.64.1.25:11434/v1'), samples: 1, timeoutMs: TIMEOUT, chatTimeoutMs: 1000});
		expect(r.cause).toBe('unreachable');
		expect(r.message).toMatch(/100\.x address copied from the Mac/);
		expect(r.addresses[0]).toMatchObject({tunnel: true});
	});
});
