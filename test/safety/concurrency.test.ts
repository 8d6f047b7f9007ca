/**
 * Two runs at once on the same files: nothing is silently lost. Every run either lands (its provider
 * is in config.json, its run in the journal) or stops with a sentence naming the lock's holder
 * (exit 1). Proven with real concurrent processes of the built CLI.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {acquireLock} from '../../source/core/lock.js';
import {runCli} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

let fake: FakeOllama;
beforeAll(async () => {
	fake = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}]});
});
afterAll(async () => {
	await fake.close();
});

const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');

describe('concurrent runs', () => {
	it('pairs of runs on one state folder and one config: every run lands or says who holds the lock', async () => {
		const home = tempDir('otw-conc-');
		const landed: string[] = [];
		const refused: string[] = [];
		for (let pair = 0; pair < 6; pair++) {
			const names = [`p${pair}a`, `p${pair}b`];
			const results = await Promise.all(names.map((provider) => runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--provider', provider, '--yes'], {home, timeoutMs: 30_000})));
			results.forEach((r, i) => {
				const name = names[i] ?? '';
				if (r.code === 0) landed.push(name);
				else {
					expect({name, code: r.code, output: r.stdout + r.stderr}).toMatchObject({code: 1, output: expect.stringMatching(/is in use by another run of the wizard \(process \d+/)});
					refused.push(name);
				}
			});
		}
		const doc = JSON.parse(readFileSync(configOf(home), 'utf8')) as {models: Record<string, unknown>};
		// Nothing silently lost: every run that said it landed is in the file.
		expect(Object.keys(doc.models).sort()).toEqual(landed.sort());
		const journal = JSON.parse(readFileSync(path.join(home, 'wizard-state', 'journal.json'), 'utf8')) as {runs: {command: string}[]};
		expect(journal.runs).toHaveLength(landed.length);
		expect(landed.length + refused.length).toBe(12);
	});

	it('two state folders, one config file: the file lock and the changed-since check keep both providers or refuse one', async () => {
		const home = tempDir('otw-conc-');
		const config = configOf(home);
		mkdirSync(path.dirname(config), {recursive: true});
		writeFileSync(config, '{\n  "models": {}\n}\n');
		const landed: string[] = [];
		for (let pair = 0; pair < 5; pair++) {
			const names = [`x${pair}a`, `x${pair}b`];
			const results = await Promise.all(
				names.map((provider, i) =>
					runCli(['configure-ailice', '--ailice-config', config, '--url', fake.url, '--model', 'llama3.2', '--provider', provider, '--yes'], {
						home: tempDir('otw-conc-home-'),
						env: {OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, `state-${i}`)},
						timeoutMs: 30_000,
					}),
				),
			);
			results.forEach((r, i) => {
				if (r.code === 0) landed.push(names[i] ?? '');
				else {
					expect(r.code).toBe(1);
					expect(r.stdout + r.stderr).toMatch(/changed while the wizard was running|is in use by another run/);
				}
			});
		}
		const doc = JSON.parse(readFileSync(config, 'utf8')) as {models: Record<string, unknown>};
		expect(Object.keys(doc.models).sort()).toEqual(landed.sort());
		expect(landed.length).toBeGreaterThan(0);
	});

	it('a run while another holds the state lock waits briefly, then names the process, exit 1, nothing written', async () => {
		const home = tempDir('otw-conc-');
		const release = await acquireLock(path.join(home, 'wizard-state', 'state'), {command: 'setup'});
		try {
			const started = Date.now();
			const r = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--yes'], {home, timeoutMs: 30_000});
			const waited = Date.now() - started;
			expect(r.code).toBe(1);
			expect(r.stderr).toContain(`is in use by another run of the wizard (process ${process.pid}, \`setup\``);
			expect(r.stderr).not.toMatch(/\n\s+at /);
			expect(waited).toBeGreaterThanOrEqual(4000); // it waited for the lock before giving up
			expect(() => readFileSync(configOf(home))).toThrow();
		} finally {
			await release();
		}
		// Released: the same command now runs.
		const ok = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--yes'], {home});
		expect(ok.code).toBe(0);
	});

	it('doctor (read-only) and --dry-run take no lock: they run while another run holds it', async () => {
		const home = tempDir('otw-conc-');
		const release = await acquireLock(path.join(home, 'wizard-state', 'state'), {command: 'setup'});
		try {
			const dry = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--dry-run'], {home});
			expect(dry.code).toBe(0);
			expect(dry.stderr).not.toContain('in use');
		} finally {
			await release();
		}
	});
});
