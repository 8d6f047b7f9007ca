/**
 * Issue 4: refuse localhost/127.0.0.1 when the role says Ollama is on another machine. The rule
 * (client-flows.ts interviewAiliceConfig): `setup --role client` is the AIlice side; without a
 * terminal a loopback --url is refused (exit 2 naming --url and the Resource alias, nothing written)
 * unless --ollama-here says Ollama runs on this same machine. `configure-ailice`, which also runs
 * inside the container, keeps its own rule: a loopback URL is accepted.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {encodeCard} from '../../source/core/card.js';
import {tempDir} from '../support/fake-ctx.js';
import {runBuiltCli, snapshotCli, useFakeOllama, type CliRun} from './helpers.js';

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
});
const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');
const summaryOf = (r: CliRun) => JSON.parse(r.stdout.trim().split('\n').filter(Boolean).at(-1) ?? '{}') as Record<string, unknown>;

describe('setup --role client without a terminal: a loopback --url', () => {
	it.each([
		['127.0.0.1', () => fake.server().url],
		['localhost', () => fake.server().url.replace('127.0.0.1', 'localhost')],
	])('%s is refused (exit 2 naming --url, the Resource alias and --ollama-here), nothing written', async (_name, urlOf) => {
		const home = tempDir('otw-loop-');
		const r = await runBuiltCli(cli, ['setup', '--role', 'client', '--url', urlOf(), '--model', 'llama3.2', '--json', '--yes'], {home});
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--url http:\/\/(127\.0\.0\.1|localhost):\d+: .* is this machine, but --role client is the AIlice side/);
		expect(r.stderr).toMatch(/Resource alias/);
		expect(r.stderr).toContain('--ollama-here');
		expect(r.stderr).not.toMatch(/\n\s+at /);
		expect(existsSync(configOf(home))).toBe(false);
	});

	it('a card with a loopback address is refused the same way', async () => {
		const home = tempDir('otw-loop-card-');
		const card = encodeCard({url: fake.server().url, models: ['llama3.2:latest'], version: '0.17.2'});
		const r = await runBuiltCli(cli, ['setup', '--role', 'client', '--card', card, '--json', '--yes'], {home});
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--url');
		expect(existsSync(configOf(home))).toBe(false);
	});

	it('with --ollama-here it is accepted: step 4 writes the config with that address, no loopback warning', async () => {
		const home = tempDir('otw-loop-here-');
		const r = await runBuiltCli(cli, ['setup', '--role', 'client', '--url', fake.server().url, '--ollama-here', '--model', 'llama3.2', '--json', '--yes', '--samples', '1'], {home});
		expect({code: r.code, err: r.stderr}).toEqual({code: 0, err: ''});
		const steps = summaryOf(r).steps as {id: string; status: string}[];
		expect(steps.find((s) => s.id === 'ailice-config')?.status).toBe('ok');
		const doc = JSON.parse(readFileSync(configOf(home), 'utf8')) as {models: Record<string, {baseURL: string}>};
		expect(doc.models.ollama?.baseURL).toBe(`${fake.server().url}/v1`);
	});

	it('configure-ailice keeps its rule: a loopback --url is accepted (and --ollama-here is not its flag)', async () => {
		const home = tempDir('otw-loop-cfg-');
		const r = await runBuiltCli(cli, ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect({code: r.code, err: r.stderr}).toEqual({code: 0, err: ''});
		expect(existsSync(configOf(home))).toBe(true);
		const help = await runBuiltCli(cli, ['configure-ailice', '--ollama-here'], {home});
		expect(help.code).toBe(2);
		expect(help.stderr).toMatch(/does not apply to the configure-ailice command/);
	});
});
