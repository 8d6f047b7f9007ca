/** The journal: bounded run history, merged saves, and a journal path that is not a file. */
import {mkdirSync, readdirSync, readFileSync, symlinkSync} from 'node:fs';
import path from 'node:path';
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {emptyJournal, KEEP_RUNS, loadJournal, mergeJournal, saveJournal, type JournalRun} from '../../source/core/journal.js';
import {SecretRegistry} from '../../source/core/context.js';
import {createFileSystem, realClock} from '../../source/core/real-context.js';
import {runCli} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';

const fs = createFileSystem(realClock);
const run = (i: number): JournalRun => ({id: `r${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), files: [], commands: [], undone: false});

describe('journal bounds', () => {
	it(`keeps the newest ${KEEP_RUNS} runs`, async () => {
		const file = path.join(tempDir('otw-j-'), 'journal.json');
		const j = emptyJournal(Date.now());
		for (let i = 0; i < KEEP_RUNS + 25; i++) j.runs.push(run(i));
		await saveJournal(fs, file, j, new SecretRegistry());
		const saved = JSON.parse(readFileSync(file, 'utf8')) as {runs: JournalRun[]};
		expect(saved.runs).toHaveLength(KEEP_RUNS);
		expect(saved.runs[0]?.id).toBe('r25');
		expect(saved.runs.at(-1)?.id).toBe(`r${KEEP_RUNS + 24}`);
	});

	it('a save merges with what another run saved meanwhile (its runs and steps stay)', () => {
		const disk = emptyJournal(Date.now());
		disk.runs.push(run(1));
		disk.steps['connection-test'] = {status: 'ok', inputsHash: 'a', at: disk.updatedAt, summary: 'theirs', error: null, answers: {}};
		const mine = emptyJournal(Date.now());
		mine.runs.push(run(2));
		mine.steps['ailice-config'] = {status: 'ok', inputsHash: 'b', at: mine.updatedAt, summary: 'mine', error: null, answers: {}};
		mine.steps['connection-test'] = {status: 'fail', inputsHash: 'old', at: mine.updatedAt, summary: 'stale copy', error: null, answers: {}};
		const merged = mergeJournal(disk, mine, new Set(['ailice-config']), new Set(['r2']));
		expect(merged.runs.map((r) => r.id)).toEqual(['r1', 'r2']);
		expect(merged.steps['ailice-config']?.summary).toBe('mine');
		expect(merged.steps['connection-test']?.summary).toBe('theirs'); // not recorded by this run: theirs stays
	});
});

describe('a journal path that is not a file', () => {
	for (const [what, make] of [
		['a folder', (p: string) => mkdirSync(p)],
		['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
		['a symbolic link to /dev/zero', (p: string) => symlinkSync('/dev/zero', p)],
	] as const) {
		it(`${what}: one sentence, exit 1, never hangs, nothing written`, async () => {
			const home = tempDir('otw-j-');
			const state = path.join(home, 'wizard-state');
			mkdirSync(state, {recursive: true});
			make(path.join(state, 'journal.json'));
			const r = await runCli(['configure-ailice', '--url', 'http://127.0.0.1:9', '--model', 'llama3.2', '--yes'], {home, timeoutMs: 15_000});
			expect(r.code).toBe(1);
			expect(r.stderr).toContain(`The journal ${path.join(state, 'journal.json')} is `);
			expect(r.stderr).toMatch(/move it out of the way/);
			expect(r.stderr).not.toMatch(/\n\s+at |Unexpected error/);
			expect(() => readFileSync(path.join(home, '.config', 'ailice', 'config.json'))).toThrow();
		});
	}

	it('loadJournal refuses a folder with a JournalError', async () => {
		const dir = tempDir('otw-j-');
		mkdirSync(path.join(dir, 'journal.json'));
		await expect(loadJournal(fs, path.join(dir, 'journal.json'), Date.now())).rejects.toThrow(/is a folder, not a file/);
	});
});


describe('backups kept per file (OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS)', () => {
	it('keeps the newest N backups of config.json; a bad value is a usage error naming the variable', async () => {
		const {startFakeOllama} = await import('../support/fake-ollama.js');
		const fake = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}]});
		try {
			const home = tempDir('otw-keep-');
			for (const provider of ['a1', 'a2', 'a3', 'a4', 'a5']) {
				const r = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--provider', provider, '--yes'], {home, env: {OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS: '2'}});
				expect(r.code).toBe(0);
			}
			const dir = path.join(home, '.config', 'ailice');
			const backups = readdirSync(dir).filter((n) => n.startsWith('config.json.bak-'));
			expect(backups).toHaveLength(2);
			// The newest two: the config before the 4th and before the 5th run (a1–a3 and a1–a4).
			const providers = backups.map((b) => Object.keys((JSON.parse(readFileSync(path.join(dir, b), 'utf8')) as {models: object}).models).length).sort();
			expect(providers).toEqual([3, 4]);
			const bad = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--yes'], {home, env: {OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS: 'lots'}});
			expect(bad.code).toBe(2);
			expect(bad.stderr).toContain('OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS must be a whole number from 1 to 100');
		} finally {
			await fake.close();
		}
	});
});

describe('run ids', () => {
	it('two runs started in the same millisecond get different ids (their journal entries never replace each other)', async () => {
		const {Session} = await import('../../source/app/session.js');
		const {makeCtx} = await import('../support/fake-ctx.js');
		const ctx = makeCtx();
		const frozen = {...ctx, clock: {...ctx.clock, now: () => 1_780_000_000_000}};
		const ids = new Set(Array.from({length: 50}, () => new Session({ctx: frozen, answers: {}}).run.id));
		expect(ids.size).toBe(50);
		for (const id of ids) expect(id).toMatch(/^[a-z0-9]{1,20}$/); // what `undo --run ID` accepts
	});
});
