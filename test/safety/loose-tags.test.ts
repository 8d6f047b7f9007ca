/**
 * Step 4 and the server's own look at Ollama read /api/tags like the connection test: up to 16 MiB
 * (10,000 models fit), a longer list reported as too large with its size (never "not Ollama"), and
 * configure-ailice reads it once per run. Real fake Ollama servers on 127.0.0.1 serve the lists.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fetchModels} from '../../source/ailice/models.js';
import {TAGS_MAX_BYTES} from '../../source/core/ollama-api.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {localInfo} from '../../source/server/detect.js';
import {makeCtx, tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeModel, type FakeOllama} from '../support/fake-ollama.js';
import {folderState, jsonSummary, runBuiltCli, snapshotCli} from '../client/helpers.js';

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

function models(n: number, nameLength = 0): FakeModel[] {
	return Array.from({length: n}, (_, i) => ({name: `m${String(i).padStart(5, '0')}${'x'.repeat(nameLength)}:latest`}));
}

const tagsReads = (server: FakeOllama, from = 0) => server.requests.slice(from).filter((q) => q.path === '/api/tags').length;
const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');

let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

describe('configure-ailice reads /api/tags once per run', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	it('a run that checks --model, checks, plans, writes and verifies asks for the list once', async () => {
		const home = tempDir('otw-loose-tags-');
		const before = server.requests.length;
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect(r.code, r.stdout).toBe(0);
		expect(jsonSummary(r)).toMatchObject({status: 'ok', changed: true});
		expect(tagsReads(server, before)).toBe(1);
		// A second run is a new run: it reads the list again (once), and changes nothing.
		const mark = server.requests.length;
		const again = await runBuiltCli(cli, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect(again.code).toBe(0);
		expect(jsonSummary(again)).toMatchObject({changed: false});
		expect(tagsReads(server, mark)).toBe(1);
	});

	it('the memo: shared by the flag check and the step run that follows; a new run of the step (a retry) reads again', async () => {
		const ctx = makeCtx();
		try {
			const u = url(server.url);
			const run = {};
			const stepA = {};
			const before = server.requests.length;
			const first = await fetchModels(ctx, u, 5000, {run});
			expect(first.ok).toBe(true);
			expect(await fetchModels(ctx, u, 5000, {run, step: stepA})).toBe(first); // check
			expect(await fetchModels(ctx, u, 5000, {run, step: stepA})).toBe(first); // plan, verification
			expect(tagsReads(server, before)).toBe(1);
			// A retry of the step (its own ctx): the server may have changed (a model pulled).
			server.set({models: [{name: 'llama3.2:latest'}, {name: 'phi4:latest'}]});
			const retry = await fetchModels(ctx, u, 5000, {run, step: {}});
			expect(tagsReads(server, before)).toBe(2);
			expect(retry.ok && retry.value.names).toEqual(['llama3.2:latest', 'phi4:latest']);
			// Another run (another answers object) never sees this run's read.
			await fetchModels(ctx, u, 5000, {run: {}, step: stepA});
			expect(tagsReads(server, before)).toBe(3);
		} finally {
			ctx.controller.abort();
		}
	});
});

describe('configure-ailice with 10,000 models', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({models: models(10_000)});
	});
	afterAll(async () => {
		await server.close();
	});

	it('the list (over 2 MiB here) is read whole and the last model is configured', async () => {
		const res = await fetch(`${server.url}/api/tags`);
		expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(2 * 1024 * 1024);
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', server.url, '--model', 'm09999', '--yes', '--json'], {timeoutMs: 60_000});
		expect(r.code, r.stdout).toBe(0);
		const doc = JSON.parse(readFileSync(configOf(r.home), 'utf8')) as {models: {ollama: {modelList: Record<string, unknown>}}};
		expect(Object.keys(doc.models.ollama.modelList)).toEqual(['m09999:latest']);
	}, 60_000);

	it("the server's own look (localInfo) lists all 10,000", async () => {
		const ctx = makeCtx();
		try {
			const info = await localInfo(ctx, '127.0.0.1', server.port, 10_000);
			expect(info.models).toHaveLength(10_000);
			expect(info.modelsProblem).toBeNull();
		} finally {
			ctx.controller.abort();
		}
	});
});

describe('/api/tags larger than the wizard reads (about 19 MiB)', () => {
	let server: FakeOllama;
	let mib = 0;
	beforeAll(async () => {
		// 30,000 entries with 200-character names, sent with a Content-Length.
		server = await startFakeOllama({models: models(30_000, 200)});
		const size = (await (await fetch(`${server.url}/api/tags`)).arrayBuffer()).byteLength;
		expect(size).toBeGreaterThan(TAGS_MAX_BYTES);
		mib = Number((size / (1024 * 1024)).toFixed(1));
	}, 60_000);
	afterAll(async () => {
		await server.close();
	});

	it('configure-ailice: exit 1, cause too-large with the size, never "not Ollama", nothing written', async () => {
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', server.url, '--model', 'm00001', '--yes', '--json', '--timeout-ms', '20000'], {timeoutMs: 60_000});
		expect(r.code, r.stdout).toBe(1);
		const summary = jsonSummary(r) as {cause?: string; message?: string; fix?: string};
		expect(summary.cause).toBe('too-large');
		expect(summary.message).toContain(`The model list could not be read from ${server.url}: The reply of 127.0.0.1:${server.port} to /api/tags is too large to read (${mib} MiB, more than the 16 MiB the wizard reads). Nothing was changed.`);
		expect(summary.message).not.toMatch(/not Ollama/);
		expect(summary.fix).toMatch(/ollama rm/);
		expect(existsSync(configOf(r.home))).toBe(false);
		expect(Object.keys(folderState(r.home)).filter((k) => !k.startsWith('wizard-state'))).toEqual([]);
	}, 60_000);

	it("the server's own look (localInfo) says too large with the size, instead of no answer", async () => {
		const ctx = makeCtx();
		try {
			const info = await localInfo(ctx, '127.0.0.1', server.port, 20_000);
			expect(info.models).toBeNull();
			expect(info.modelsProblem).toBe(`/api/tags is too large to read (${mib} MiB, more than the 16 MiB the wizard reads)`);
		} finally {
			ctx.controller.abort();
		}
	}, 60_000);
});
