/**
 * The connection test and the doctor match model names exactly as Ollama does (`name` means
 * `name:latest`, ASCII letters case-insensitive) and nothing more: a server listing only
 * `llama3.2:latest ` (trailing space) or a no-break-space variant does not have `llama3.2`, so the
 * model is reported missing, never matched. A real fake Ollama serves the lists; the built CLI asks.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {findModel, matchModel} from '../../source/core/ollama-api.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {jsonSummary, runBuiltCli, snapshotCli} from '../client/helpers.js';

const LOOK_ALIKES = [
	{label: 'a trailing space', name: 'llama3.2:latest '},
	{label: 'a no-break space', name: 'llama3.2:latest\u00a0'},
	{label: 'a no-break space before the tag', name: 'llama3.2\u00a0:latest'},
];

let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

describe.each(LOOK_ALIKES)('a server that lists only the model with $label', ({name}) => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({models: [{name}], tokens: 2});
	});
	afterAll(async () => {
		await server.close();
	});

	it('test --model llama3.2: the model is missing (exit 1, cause model-missing), no chat is sent', async () => {
		const r = await runBuiltCli(cli, ['test', '--url', server.url, '--model', 'llama3.2', '--json', '--timeout-ms', '5000'], {timeoutMs: 30_000});
		expect(r.code, r.stderr).toBe(1);
		const summary = jsonSummary(r) as {cause?: string; message?: string};
		expect(summary.cause).toBe('model-missing');
		expect(summary.message).toMatch(/^The model llama3\.2 is not on the server at 127\.0\.0\.1:\d+; it has: /);
		expect(server.requests.some((q) => q.path === '/api/chat' || q.path === '/v1/chat/completions')).toBe(false);
	});

	it('doctor: AIlice configured for llama3.2 is "not on the server"', async () => {
		const dir = tempDir('otw-loose-names-');
		const config = path.join(dir, 'config.json');
		writeFileSync(
			config,
			`${JSON.stringify({modelID: 'ollama:llama3.2', models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: `${server.url}/v1`, modelList: {'llama3.2': {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false}}}}}, null, 2)}\n`,
		);
		const r = await runBuiltCli(cli, ['doctor', '--role', 'client', '--url', server.url, '--model', 'llama3.2', '--ailice-config', config, '--json', '--timeout-ms', '3000'], {timeoutMs: 30_000});
		const results = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as {type: string; check?: string; status?: string; detail?: string})
			.filter((e) => e.type === 'check:result');
		const model = results.find((e) => e.check === 'ailice.model');
		expect(model?.status).toBe('fail');
		expect(model?.detail).toMatch(/^llama3\.2 not on the server, which has: /);
	});
});

describe('a clean name next to its look-alikes', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		// The look-alikes come first: a lookup that trims or folds Unicode would pick one of them.
		server = await startFakeOllama({models: [...LOOK_ALIKES.map((l) => ({name: l.name})), {name: 'Llama3.2:Latest'}], tokens: 2});
	});
	afterAll(async () => {
		await server.close();
	});

	it('test --model llama3.2 picks the server spelling of the exact name (ASCII case-insensitive)', async () => {
		const r = await runBuiltCli(cli, ['test', '--url', server.url, '--model', 'llama3.2', '--json', '--timeout-ms', '5000'], {timeoutMs: 30_000});
		expect(r.code, r.stdout).toBe(0);
		expect(jsonSummary(r)).toMatchObject({model: 'Llama3.2:Latest'});
	});

	it('one implementation: findModel is matchModel, which neither trims nor folds Unicode', () => {
		expect(findModel).toBe(matchModel);
		expect(matchModel(['llama3.2:latest '], ' llama3.2')).toBeUndefined();
		expect(matchModel(['İx:latest'], 'i̇x')).toBeUndefined();
		expect(matchModel(['ns/Model:Q4'], 'NS/model:q4')).toBe('ns/Model:Q4');
	});
});
