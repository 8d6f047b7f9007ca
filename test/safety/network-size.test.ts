/**
 * A large /api/tags: 10,000 models fit (the read limit is 16 MiB), and a longer reply is reported as
 * too large with the size it reached, never as "not Ollama" or "not running". A real node:http fake
 * Ollama on 127.0.0.1 serves the lists; the connection test, the doctor and the built CLI read them.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {testConnection} from '../../source/core/connection-test.js';
import {TAGS_MAX_BYTES} from '../../source/core/ollama-api.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {DOCTOR_CHECKS} from '../../source/doctor/checks.js';
import {diagnose} from '../../source/doctor/diagnose.js';
import {runChecks} from '../../source/doctor/run.js';
import {EventBus} from '../../source/core/events.js';
import {runCli} from '../support/cli.js';
import {makeCtx} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeModel, type FakeOllama} from '../support/fake-ollama.js';

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

function models(n: number, nameLength = 0): FakeModel[] {
	return Array.from({length: n}, (_, i) => ({name: `m${String(i).padStart(5, '0')}${'x'.repeat(nameLength)}:latest`}));
}

async function tagsBytes(server: FakeOllama): Promise<number> {
	const res = await fetch(`${server.url}/api/tags`);
	return (await res.arrayBuffer()).byteLength;
}

describe('/api/tags with 10,000 models', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({models: models(10_000), tokens: 2});
	});
	afterAll(async () => {
		await server.close();
	});

	it('is read whole by the connection test and the doctor', async () => {
		// About 3 MiB here; a real server's entries are larger (about 500 bytes), still far below the limit.
		expect(await tagsBytes(server)).toBeGreaterThan(2 * 1024 * 1024);
		expect(10_000 * 500).toBeLessThan(TAGS_MAX_BYTES);
		const ctx = makeCtx({env: {OLLAMA_HOST: server.url}});
		try {
			const r = await testConnection(ctx, {url: url(server.url), model: 'm09999', samples: 1, timeoutMs: 10_000, chatTimeoutMs: 10_000});
			expect(r.cause, r.message).toBeNull();
			expect(r.models).toHaveLength(10_000);
			expect(r.model).toBe('m09999:latest');
			const records = await runChecks(DOCTOR_CHECKS.filter((c) => c.id === 'ollama.local'), ctx, {role: 'server', timeoutMs: 10_000, samples: 1, perf: false}, new EventBus());
			expect(records[0]?.status, records[0]?.detail).toBe('ok');
			expect(records[0]?.detail).toMatch(/10000 local models/);
		} finally {
			ctx.controller.abort();
		}
	});

	it('test --json works with 10,000 models, and a missing model lists only a few names', async () => {
		const ok = await runCli(['test', '--url', server.url, '--model', 'm00042', '--json', '--timeout-ms', '10000'], {timeoutMs: 60_000});
		expect(ok.code, ok.stderr).toBe(0);
		const missing = await runCli(['test', '--url', server.url, '--model', 'nope', '--json', '--timeout-ms', '10000'], {timeoutMs: 60_000});
		expect(missing.code).toBe(1);
		const summary = JSON.parse(missing.stdout.trim().split('\n').at(-1) ?? '{}') as {cause?: string; message?: string};
		expect(summary.cause).toBe('model-missing');
		expect(summary.message).toMatch(/… and 9980 more\./);
		expect(summary.message!.length).toBeLessThan(2000);
	}, 60_000);
});

describe('/api/tags larger than the read limit', () => {
	let server: FakeOllama;
	let size = 0;
	beforeAll(async () => {
		// 30,000 entries with 200-character names: about 19 MiB, with a Content-Length.
		server = await startFakeOllama({models: models(30_000, 200)});
		size = await tagsBytes(server);
	});
	afterAll(async () => {
		await server.close();
	});

	it('the connection test says too large, with the size, not "not Ollama"', async () => {
		expect(size).toBeGreaterThan(TAGS_MAX_BYTES);
		const ctx = makeCtx();
		try {
			const r = await testConnection(ctx, {url: url(server.url), samples: 1, timeoutMs: 10_000, chatTimeoutMs: 10_000});
			expect(r.cause).toBe('too-large');
			const mib = Number((size / (1024 * 1024)).toFixed(1));
			expect(r.message).toContain(`/api/tags is too large to read (${mib} MiB, more than the 16 MiB the wizard reads)`);
			expect(r.message).not.toMatch(/not Ollama/);
			expect(r.fix).toMatch(/ollama rm/);
		} finally {
			ctx.controller.abort();
		}
	});

	it('the doctor says too large (not "not running"), and its diagnosis names it', async () => {
		const ctx = makeCtx({env: {OLLAMA_HOST: server.url}});
		try {
			const records = await runChecks(DOCTOR_CHECKS.filter((c) => c.id === 'ollama.local'), ctx, {role: 'server', timeoutMs: 10_000, samples: 1, perf: false}, new EventBus());
			expect(records[0]?.status).toBe('fail');
			expect(records[0]?.cause).toBe('too-large');
			expect(records[0]?.detail).toMatch(/too large to read \(\d+(\.\d)? MiB, more than the 16 MiB the wizard reads\)/);
			const d = diagnose(records, 'server');
			expect(d.cause).toBe('too-large');
			expect(d.message).toMatch(/larger than the wizard reads/);
		} finally {
			ctx.controller.abort();
		}
	});

	it('test --json: exit 1, cause too-large, the size in the message', async () => {
		const r = await runCli(['test', '--url', server.url, '--json', '--timeout-ms', '10000'], {timeoutMs: 60_000});
		expect(r.code).toBe(1);
		const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {cause?: string; message?: string};
		expect(summary.cause).toBe('too-large');
		expect(summary.message).toMatch(/\/api\/tags is too large to read \(\d+(\.\d)? MiB, more than the 16 MiB the wizard reads\)/);
	}, 60_000);
});
