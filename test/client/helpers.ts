/** Shared helpers of the client-side (steps 4 and 5) tests. */
import {runCli, type CliResult} from '../support/cli.js';
import {spawnSync} from 'node:child_process';
import {cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll} from 'vitest';
import {EventBus} from '../../source/core/events.js';
import {runStep, type RunMode, type StepOutcome} from '../../source/core/runner.js';
import type {JournalRun} from '../../source/core/journal.js';
import type {Answers, Step} from '../../source/core/types.js';
import {makeCtx, tempDir, type TestCtx} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeModel, type FakeOllama} from '../support/fake-ollama.js';

/** Models with tags, a long context, one without a reported context length, and a cloud entry. */
export const MODELS: FakeModel[] = [
	{name: 'llama3.2:latest', contextLength: 131072},
	{name: 'qwen2.5-coder:7b', contextLength: 32768},
	{name: 'tinyllama:1.1b', contextLength: 2048},
	{name: 'mystery:2b', contextLength: null},
	{name: 'gpt-oss:120b-cloud', contextLength: 131072},
];

/** One fake Ollama server for the whole file. */
export function useFakeOllama(models: FakeModel[] = MODELS): {server: () => FakeOllama} {
	let server: FakeOllama | undefined;
	beforeAll(async () => {
		server = await startFakeOllama({models});
	});
	afterAll(async () => {
		await server?.close();
	});
	return {
		server: () => {
			if (!server) throw new Error('fake Ollama not started');
			return server;
		},
	};
}

export interface Ran extends StepOutcome {
	bus: EventBus;
	run: JournalRun;
}

export async function runClientStep(step: Step, ctx: TestCtx, answers: Answers, mode: RunMode = 'apply'): Promise<Ran> {
	const bus = new EventBus();
	const run: JournalRun = {id: 'test', at: new Date().toISOString(), files: [], commands: [], undone: false};
	const out = await runStep(step, ctx, {mode, answers, bus, run});
	return {...out, bus, run};
}

export function configPathOf(ctx: TestCtx): string {
	return path.join(ctx.home, '.config', 'ailice', 'config.json');
}

export function writeConfig(ctx: TestCtx, text: string): string {
	const file = configPathOf(ctx);
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(file, text);
	return file;
}

export function backupsOf(file: string): string[] {
	const dir = path.dirname(file);
	return readdirSync(dir)
		.filter((f) => f.startsWith(`${path.basename(file)}.bak-`))
		.map((f) => path.join(dir, f));
}

export {makeCtx};

/**
 * A private copy of the built CLI. dist/ is shared with every other test run on this machine and is
 * deleted and rebuilt by each run's global setup, so the end-to-end tests copy it once and check
 * the copy works before using it (retrying while a build is in progress).
 */
export async function snapshotCli(): Promise<string> {
	const dist = fileURLToPath(new URL('../../dist', import.meta.url));
	let last = '';
	for (let attempt = 0; attempt < 40; attempt++) {
		const dir = path.join(tempDir('otw-dist-'), 'dist');
		try {
			cpSync(dist, dir, {recursive: true});
			const cli = path.join(dir, 'cli.js');
			const probe = spawnSync(process.execPath, [cli, 'configure-ailice', '--help'], {encoding: 'utf8', timeout: 10_000});
			const bad = spawnSync(process.execPath, [cli, 'service-account', '--out', ''], {encoding: 'utf8', timeout: 10_000, env: {...process.env, HOME: dir, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(dir, 's')}});
			if (probe.status === 0 && probe.stdout.includes('--service-key-file') && bad.status === 2) return cli;
			last = `${probe.status} ${probe.stderr.slice(0, 200)} / ${bad.status} ${bad.stderr.slice(0, 200)}`;
		} catch (error) {
			last = String(error);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`could not take a working copy of dist/: ${last}`);
}

export type CliRun = CliResult;

/** Runs the CLI copy like a user would, with a temp HOME (also the working folder), XDG_CONFIG_HOME and state dir. */
export function runBuiltCli(cli: string, args: string[], opts: {home?: string; env?: Record<string, string>; timeoutMs?: number} = {}): Promise<CliRun> {
	const home = opts.home ?? tempDir('otw-home-');
	return runCli(args, {...opts, home, cli, cwd: home});
}

/**
 * Every entry under `dir` (recursively), with its kind and, for regular files, its exact bytes:
 * equal snapshots before and after a run mean nothing was written, renamed, backed up or left as a
 * temp file there.
 */
export function folderState(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (d: string): void => {
		for (const name of readdirSync(d).sort()) {
			const p = path.join(d, name);
			const st = lstatSync(p);
			const rel = path.relative(dir, p);
			if (st.isDirectory()) {
				out[rel] = 'dir';
				walk(p);
			} else if (st.isFile()) out[rel] = `file:${(st.mode & 0o7777).toString(8)}:${readFileSync(p).toString('base64')}`;
			else if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(p)}`;
			else out[rel] = st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : 'other';
		}
	};
	walk(dir);
	return out;
}

/** The last NDJSON line of a `--json` run (the summary). */
export function jsonSummary(r: CliResult): Record<string, unknown> {
	const last = r.stdout.trim().split('\n').filter(Boolean).at(-1) ?? '{}';
	return JSON.parse(last) as Record<string, unknown>;
}
