/**
 * The run log of configure-ailice on a large AIlice config.json holds no file content: it stays
 * small however big the config is, and still says which keys changed.
 */
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../support/fake-ctx.js';
import {runBuiltCli, snapshotCli, useFakeOllama} from '../client/helpers.js';

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

describe('the run log of a large config', () => {
	it('a 2 MB config.json gives a log of a few KB with sizes, hashes and the changed key paths', async () => {
		const home = tempDir('otw-logsize-');
		const config = path.join(home, '.config', 'ailice', 'config.json');
		mkdirSync(path.dirname(config), {recursive: true});
		const modelList: Record<string, unknown> = {};
		for (let i = 0; i < 12_000; i++) modelList[`padding-model-${i}:latest`] = {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}};
		const text = `${JSON.stringify({modelID: '', models: {big: {modelWrapper: 'AModelChatGPT', apikey: 'big-provider-key-0123456789', baseURL: 'https://big.example/v1', modelList}}}, null, 2)}\n`;
		writeFileSync(config, text);
		expect(text.length).toBeGreaterThan(2_000_000);
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--set-default', '--yes', '--json'], {home, timeoutMs: 60_000});
		expect({code: r.code, err: r.stderr}).toEqual({code: 0, err: ''});
		const logDir = path.join(home, 'wizard-state', 'logs');
		const logs = readdirSync(logDir).map((f) => path.join(logDir, f));
		expect(logs).toHaveLength(1);
		const log = readFileSync(logs[0] ?? '', 'utf8');
		expect(statSync(logs[0] ?? '').size).toBeLessThan(64 * 1024);
		expect(log).not.toContain('padding-model-1');
		expect(log).not.toContain('big-provider-key-0123456789');
		const plan = log.split('\n').find((l) => l.includes('event step:plan')) ?? '';
		expect(plan).toContain(`"bytes":${Buffer.byteLength(text)}`);
		expect(plan).toMatch(/"sha256":"[0-9a-f]{64}"/);
		expect(plan).toContain('"changed":["modelID","models.ollama","agentModelConfig"]');
	}, 120_000);
});
