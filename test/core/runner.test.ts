import {readFileSync, existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {EventBus} from '../../source/core/events.js';
import {emptyJournal} from '../../source/core/journal.js';
import {runStep} from '../../source/core/runner.js';
import type {Step} from '../../source/core/types.js';
import {makeCtx} from '../support/fake-ctx.js';

/** A step that manages one file: ok when it holds `want`. */
function fileStep(file: string, want: string, overrides: Partial<Step> = {}): Step {
	return {
		id: 'ailice-config',
		number: 4,
		title: 'File step',
		roles: ['client'],
		dependsOn: [],
		available: true,
		async check(ctx) {
			const text = await ctx.fs.readText(file);
			return text === want ? {status: 'ok', summary: 'file is right', details: []} : {status: 'fail', summary: 'file is wrong', details: []};
		},
		async plan(ctx) {
			return {actions: [{kind: 'file', path: file, why: 'set it', before: await ctx.fs.readText(file), after: want}], inputs: {want}};
		},
		async apply(ctx, plan) {
			for (const a of plan.actions) if (a.kind === 'file') await ctx.fs.writeAtomic(a.path, a.after, {backup: true});
		},
		...overrides,
	};
}

describe('runner', () => {
	it('calls check again after apply (verify) and reports the verified result', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'conf.txt');
		let checks = 0;
		const base = fileStep(file, 'new');
		const step: Step = {...base, check: async (c, a) => (checks++, base.check(c, a))};
		const bus = new EventBus();
		const out = await runStep(step, ctx, {mode: 'apply', answers: {}, bus});
		expect(checks).toBe(2);
		expect(out.applied).toBe(true);
		expect(out.result.status).toBe('ok');
		expect(readFileSync(file, 'utf8')).toBe('new');
		expect(bus.history.filter((e) => e.type === 'step:start').map((e) => (e as {phase: string}).phase)).toEqual(['check', 'apply', 'verify']);
	});

	it('reports fail when apply did not fix it: never claims success without the re-check', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'conf.txt');
		const step = fileStep(file, 'new', {apply: async () => undefined});
		const out = await runStep(step, ctx, {mode: 'apply', answers: {}, bus: new EventBus()});
		expect(out.applied).toBe(true);
		expect(out.result.status).toBe('fail');
	});

	it('turns a throwing check into a crash result instead of crashing', async () => {
		const ctx = makeCtx();
		const step = fileStep('/nonexistent', 'x', {
			check: async () => {
				throw new TypeError('boom');
			},
		});
		const out = await runStep(step, ctx, {mode: 'apply', answers: {}, bus: new EventBus()});
		expect(out.result.status).toBe('crash');
		expect(out.result.summary).toContain('boom');
		expect(out.applied).toBe(false);
	});

	it('turns a throwing apply into a crash result', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'c.txt');
		const step = fileStep(file, 'v', {
			apply: async () => {
				throw new Error('disk on fire');
			},
		});
		const out = await runStep(step, ctx, {mode: 'apply', answers: {}, bus: new EventBus()});
		expect(out.result.status).toBe('crash');
		expect(out.result.summary).toContain('disk on fire');
	});

	it('dry-run emits the plan and changes nothing', async () => {
		const ctx = makeCtx({dryRun: true});
		const file = path.join(ctx.dir, 'conf.txt');
		const bus = new EventBus();
		let applied = false;
		const step = fileStep(file, 'new', {apply: async () => void (applied = true)});
		const out = await runStep(step, ctx, {mode: 'dry-run', answers: {}, bus});
		expect(applied).toBe(false);
		expect(existsSync(file)).toBe(false);
		const plan = bus.history.find((e) => e.type === 'step:plan');
		expect(plan).toBeDefined();
		expect(out.result.details.join(' ')).toContain('nothing was changed');
		expect(readdirSync(ctx.dir)).toEqual([]);
	});

	it('asks for confirmation and skips when declined', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'conf.txt');
		const out = await runStep(fileStep(file, 'new'), ctx, {mode: 'apply', answers: {}, bus: new EventBus(), confirm: async () => false});
		expect(out.result.status).toBe('skipped');
		expect(existsSync(file)).toBe(false);
	});

	it('leaves a healthy step alone and records it in the journal with an inputs hash', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'conf.txt');
		await ctx.fs.writeAtomic(file, 'new');
		const journal = emptyJournal(Date.now());
		let applied = false;
		const out = await runStep(fileStep(file, 'new', {apply: async () => void (applied = true)}), ctx, {mode: 'apply', answers: {model: 'llama3.2'}, bus: new EventBus(), journal});
		expect(applied).toBe(false);
		expect(out.result.status).toBe('ok');
		expect(journal.steps['ailice-config']).toMatchObject({status: 'ok', answers: {model: 'llama3.2'}});
		expect(journal.steps['ailice-config']?.inputsHash).toMatch(/^[0-9a-f]{16}$/);
	});

	it('records backups of files written by apply for undo', async () => {
		const ctx = makeCtx();
		const file = path.join(ctx.dir, 'conf.txt');
		await ctx.fs.writeAtomic(file, 'old');
		const run = {id: 'r1', at: new Date().toISOString(), files: [], commands: [], undone: false};
		await runStep(fileStep(file, 'new'), ctx, {mode: 'apply', answers: {}, bus: new EventBus(), run});
		expect(run.files).toHaveLength(1);
		const change = run.files[0] as unknown as {path: string; backup: string; created: boolean};
		expect(change.created).toBe(false);
		expect(readFileSync(change.backup, 'utf8')).toBe('old');
	});

	it('an unavailable step is reported as skipped, never as done', async () => {
		const ctx = makeCtx();
		const step = fileStep('/x', 'y', {available: false});
		const out = await runStep(step, ctx, {mode: 'apply', answers: {}, bus: new EventBus()});
		expect(out.result.status).toBe('skipped');
		expect(out.result.summary).toMatch(/not available/);
	});

	it('a check slower than its time limit fails with cause timeout', async () => {
		const ctx = makeCtx();
		const step = fileStep('/x', 'y', {check: () => new Promise(() => undefined)});
		const out = await runStep(step, ctx, {mode: 'check', answers: {}, bus: new EventBus(), checkTimeoutMs: 50});
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('timeout');
	});
});

describe('runner and cancellation', () => {
	it('a check interrupted by Ctrl-C is a cancel (exit 130 path), not a crash, and is not journaled', async () => {
		const ctx = makeCtx();
		const journal = emptyJournal(Date.now());
		const step = fileStep('/x', 'y', {
			check: (c) =>
				new Promise((_, reject) => {
					c.signal.addEventListener('abort', () => reject(new Error('aborted')));
				}),
		});
		const run = runStep(step, ctx, {mode: 'check', answers: {}, bus: new EventBus(), journal});
		ctx.controller.abort();
		await expect(run).rejects.toMatchObject({name: 'CancelledError', exitCode: 130});
		expect(journal.steps).toEqual({});
	});
});
