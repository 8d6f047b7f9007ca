/**
 * `--timeout-ms` is a whole-exchange deadline. A real node:http server (the fake Ollama's `trickle`
 * fault) sends its headers at once and then one byte every 500 ms: an idle timeout never fires, so
 * only a deadline over the whole exchange ends it. Every exchange (request(), a session request,
 * stream()) and the built CLI (`test`, `configure-ailice`) must end within its limit plus a margin,
 * with the timeout cause; also under heavy garbage collection, which used to drop the timer of
 * `AbortSignal.timeout` inside `AbortSignal.any` so the request never ended.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {NetError} from '../../source/core/context.js';
import {createHttpClient} from '../../source/core/real-context.js';
import {runCli} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

/** The bound asserted: the deadline plus 2 s of slack on a loaded machine (a bound, not a performance target). */
const MARGIN_MS = 2000;

async function timed<T>(fn: () => Promise<T>): Promise<{value: T | undefined; error: unknown; ms: number}> {
	const t0 = performance.now();
	try {
		const value = await fn();
		return {value, error: undefined, ms: performance.now() - t0};
	} catch (error) {
		return {value: undefined, error, ms: performance.now() - t0};
	}
}

function expectTimeout(error: unknown): void {
	expect(error).toBeInstanceOf(NetError);
	expect((error as NetError).code).toBe('ETIMEDOUT');
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
	const end = Date.now() + ms;
	while (!cond()) {
		if (Date.now() > end) return false;
		await new Promise((r) => setTimeout(r, 20));
	}
	return true;
}

/** A preload that forces a full garbage collection every 10 ms in the CLI process. */
function gcPressure(): string {
	const file = path.join(tempDir('otw-gc-'), 'gc-pressure.mjs');
	writeFileSync(
		file,
		["import v8 from 'node:v8';", "import vm from 'node:vm';", "v8.setFlagsFromString('--expose-gc');", "const gc = vm.runInNewContext('gc');", 'setInterval(() => gc(), 10).unref();', ''].join('\n'),
	);
	return file;
}

describe('HTTP exchanges end within their deadline against a trickling server', () => {
	let server: FakeOllama;
	const app = new AbortController();
	const http = createHttpClient(app.signal);
	beforeAll(async () => {
		server = await startFakeOllama({fault: 'trickle', trickleMs: 500});
	});
	afterAll(async () => {
		app.abort();
		await server.close();
	});

	it('request(): timeoutMs bounds connect, headers and the whole body', async () => {
		const r = await timed(() => http.request(`${server.url}/api/tags`, {timeoutMs: 1000}));
		expectTimeout(r.error);
		expect((r.error as Error).message).toMatch(/no complete reply within 1000 ms/);
		expect(r.ms).toBeGreaterThanOrEqual(900);
		expect(r.ms).toBeLessThan(1000 + MARGIN_MS);
		// The connection was closed: the server stops trickling.
		expect(await until(() => server.activeRequests() === 0, 2000)).toBe(true);
	});

	it('request(): a longer bodyTimeoutMs is the limit of the whole exchange', async () => {
		const r = await timed(() => http.request(`${server.url}/api/version`, {timeoutMs: 300, bodyTimeoutMs: 1500}));
		expectTimeout(r.error);
		expect(r.ms).toBeGreaterThanOrEqual(1400);
		expect(r.ms).toBeLessThan(1500 + MARGIN_MS);
	});

	it('request(): a body that arrives within the deadline is read whole', async () => {
		server.set({trickleMs: 5});
		try {
			const r = await http.request(`${server.url}/api/version`, {timeoutMs: 3000});
			expect(r.status).toBe(200);
			expect(JSON.parse(r.text)).toEqual({version: '0.17.2'});
		} finally {
			server.set({trickleMs: 500});
		}
	});

	it('a session request (latency samples) ends within its deadline', async () => {
		const session = http.session(server.url, {timeoutMs: 800});
		try {
			const r = await timed(() => session.request('/api/version', {timeoutMs: 800}));
			expectTimeout(r.error);
			expect(r.ms).toBeLessThan(800 + MARGIN_MS);
		} finally {
			await session.close();
		}
	});

	it('stream(): the headers within timeoutMs, then the whole body within bodyTimeoutMs', async () => {
		const started = performance.now();
		const res = await http.stream(`${server.url}/api/chat`, {
			method: 'POST',
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({model: 'llama3.2', messages: [{role: 'user', content: 'hi'}]}),
			timeoutMs: 1000,
			bodyTimeoutMs: 1500,
		});
		expect(res.status).toBe(200);
		const lines: string[] = [];
		const r = await timed(async () => {
			for await (const line of res.lines()) lines.push(line);
		});
		expectTimeout(r.error);
		expect(lines).toEqual([]); // not one whole line in 1.5 s at 2 bytes a second
		expect(performance.now() - started).toBeLessThan(1000 + 1500 + MARGIN_MS);
		expect(await until(() => server.activeRequests() === 0, 2000)).toBe(true);
	});

	it('stream(): a healthy stream slower than timeoutMs keeps streaming within bodyTimeoutMs', async () => {
		const normal = await startFakeOllama({tokens: 6, tokenDelayMs: 150});
		try {
			const res = await http.stream(`${normal.url}/api/chat`, {
				method: 'POST',
				headers: {'content-type': 'application/json'},
				body: JSON.stringify({model: 'llama3.2', messages: [{role: 'user', content: 'hi'}]}),
				timeoutMs: 300,
				bodyTimeoutMs: 5000,
			});
			const lines: string[] = [];
			for await (const line of res.lines()) lines.push(line);
			expect(lines).toHaveLength(7); // 6 tokens over ~750 ms, then the final chunk
			expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({done: true});
		} finally {
			await normal.close();
		}
	});
});

describe('the CLI ends within --timeout-ms against a trickling server', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({fault: 'trickle', trickleMs: 500});
	});
	afterAll(async () => {
		await server.close();
	});

	it('test --timeout-ms 1500 --json: exit 1 with the timeout cause, within the deadline, also under heavy GC', async () => {
		for (const env of [{}, {NODE_OPTIONS: `--import ${gcPressure()}`}] as Record<string, string>[]) {
			const t0 = performance.now();
			const r = await runCli(['test', '--url', server.url, '--timeout-ms', '1500', '--json'], {env, timeoutMs: 60_000});
			const ms = performance.now() - t0;
			expect(r.code, r.stderr).toBe(1);
			const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {cause?: string; message?: string};
			expect(summary.cause).toBe('timeout');
			expect(summary.message).toMatch(/no complete reply within 1500 ms/);
			expect(ms, JSON.stringify(env)).toBeLessThan(1500 + MARGIN_MS);
		}
	});

	it('configure-ailice --timeout-ms 2000: the model list is read once, and the run ends at that deadline with the timeout cause, also under heavy GC', async () => {
		for (const env of [{}, {NODE_OPTIONS: `--import ${gcPressure()}`}] as Record<string, string>[]) {
			const before = server.requests.length;
			const t0 = performance.now();
			const r = await runCli(['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--timeout-ms', '2000', '--yes'], {env, timeoutMs: 60_000});
			const ms = performance.now() - t0;
			expect(r.code, r.stderr).toBe(1);
			expect(`${r.stdout}${r.stderr}`).toMatch(/did not answer in time \(GET \/api\/tags: no complete reply within 2000 ms\)/);
			expect(`${r.stdout}${r.stderr}`).toMatch(/Nothing was changed/);
			// One read for the whole run: the --model check before the step and the step's check share it.
			expect(server.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/tags']);
			expect(ms, JSON.stringify(env)).toBeLessThan(2000 + MARGIN_MS);
		}
	}, 60_000);
});
