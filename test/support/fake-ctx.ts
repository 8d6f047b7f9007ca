/**
 * A test Ctx. Real parts where they are cheap and safe (files in a temp folder, HTTP to 127.0.0.1,
 * the clock); a FakeRunner for commands; anything a test did not provide throws when used.
 */
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SecretRegistry, type Ctx} from '../../source/core/context.js';
import {createFileSystem, createHttpClient, createNetProbe, readOnlyFs, realClock} from '../../source/core/real-context.js';
import type {Logger} from '../../source/core/context.js';
import {FakeRunner} from './fake-runner.js';

export interface TestCtx extends Ctx {
	runner: FakeRunner;
	dir: string;
	logs: {level: string; message: string; data?: Record<string, unknown>}[];
	controller: AbortController;
}

export function tempDir(prefix = 'otw-'): string {
	return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeCtx(overrides: Partial<Ctx> = {}): TestCtx {
	const dir = tempDir();
	const controller = new AbortController();
	const runner = new FakeRunner();
	const logs: TestCtx['logs'] = [];
	const log: Logger = {log: (level, message, data) => logs.push({level, message, data})};
	const fs = createFileSystem(realClock);
	const base: Ctx = {
		run: runner.run,
		http: createHttpClient(controller.signal),
		net: createNetProbe(controller.signal),
		fs: overrides.dryRun ? readOnlyFs(fs) : fs,
		clock: realClock,
		log,
		platform: 'linux',
		env: {OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(dir, 'state'), HOME: path.join(dir, 'home')},
		home: path.join(dir, 'home'),
		cwd: dir,
		signal: controller.signal,
		secrets: new SecretRegistry(),
		dryRun: false,
		progress: () => undefined,
	};
	return {...base, ...overrides, runner, dir, logs, controller};
}
