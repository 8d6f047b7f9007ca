/** `repair`: reruns exactly the failed and the stale steps, verifies them, leaves the rest alone. */
import {writeFileSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {flowRepairFull, dependencyOrder} from '../../source/app/repair-flow.js';
import {Session} from '../../source/app/session.js';
import {hashInputs} from '../../source/core/hash.js';
import {emptyJournal, recordStep, saveJournal} from '../../source/core/journal.js';
import {wizardPaths} from '../../source/core/paths.js';
import type {Step, StepId} from '../../source/core/types.js';
import {makeCtx} from '../support/fake-ctx.js';

function fakeStep(id: StepId, number: number, state: {healthy: boolean; applied: number; checks: number}, dependsOn: StepId[] = []): Step {
	return {
		id,
		number,
		title: id,
		roles: ['client'],
		dependsOn,
		available: true,
		async check() {
			state.checks++;
			return state.healthy ? {status: 'ok', summary: `${id} ok`, details: []} : {status: 'fail', summary: `${id} broken`, details: []};
		},
		async plan(_ctx, answers) {
			return {actions: [{kind: 'command', argv: ['fix', id], why: 'fix it'}], inputs: {url: answers.url ?? null}};
		},
		async apply() {
			state.applied++;
			state.healthy = true;
		},
	};
}

const opts = {yes: true} as const;

describe('repair', () => {
	it('reruns the failed and the stale step, verifies both, leaves the healthy one alone', async () => {
		const ctx = makeCtx();
		const failed = {healthy: false, applied: 0, checks: 0};
		const stale = {healthy: true, applied: 0, checks: 0};
		const fine = {healthy: true, applied: 0, checks: 0};
		const steps = [fakeStep('ailice-config', 4, failed), fakeStep('service-account', 5, stale), fakeStep('connection-test', 6, fine)];
		const j = emptyJournal(Date.now());
		j.role = 'client';
		const now = Date.now();
		recordStep(j, 'ailice-config', {status: 'fail', inputsHash: hashInputs({url: 'http://a:11434'}), at: now, summary: 'broken', answers: {url: 'http://a:11434'}});
		// Stale: recorded with other inputs than the current answers give.
		recordStep(j, 'service-account', {status: 'ok', inputsHash: hashInputs({url: 'http://old:11434'}), at: now, summary: 'ok', answers: {}});
		recordStep(j, 'connection-test', {status: 'ok', inputsHash: hashInputs({url: 'http://a:11434'}), at: now, summary: 'ok', answers: {url: 'http://a:11434'}});
		await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);

		const session = new Session({ctx, answers: {url: 'http://a:11434'}, steps});
		await session.open();
		const result = await flowRepairFull(session, nonInteractiveAsker(), opts);
		expect(result.exitCode).toBe(0);
		const decisions = result.summary.decisions as {step: string; action: string}[];
		expect(decisions).toEqual([
			expect.objectContaining({step: 'ailice-config', action: 'rerun-failed'}),
			expect.objectContaining({step: 'service-account', action: 'rerun-stale'}),
			expect.objectContaining({step: 'connection-test', action: 'left-alone'}),
		]);
		expect(failed.applied).toBe(1);
		expect(stale.applied).toBe(1);
		expect(fine.applied).toBe(0);
		// Each rerun step was checked again after apply (verify): check, then verify.
		expect(failed.checks).toBe(2);
		expect(stale.checks).toBe(2);
		expect(session.journal?.steps['ailice-config']?.status).toBe('ok');
	});

	it('--dry-run plans the reruns and applies nothing', async () => {
		const ctx = makeCtx({dryRun: true});
		const failed = {healthy: false, applied: 0, checks: 0};
		const j = emptyJournal(Date.now());
		recordStep(j, 'ailice-config', {status: 'fail', inputsHash: 'x', at: Date.now(), summary: 'broken', answers: {}});
		const file = wizardPaths(ctx.env).journal;
		mkdirSync(path.dirname(file), {recursive: true});
		writeFileSync(file, JSON.stringify(j));
		const session = new Session({ctx, answers: {}, role: 'client', steps: [fakeStep('ailice-config', 4, failed)]});
		await session.open();
		const result = await flowRepairFull(session, nonInteractiveAsker(), {'dry-run': true});
		expect(failed.applied).toBe(0);
		expect(session.bus.history.some((e) => e.type === 'step:plan')).toBe(true);
		expect(result.summary.dryRun).toBe(true);
	});

	it('without a journal it says so and points to the guided setup', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {}, role: 'client', steps: []});
		await session.open();
		const result = await flowRepairFull(session, nonInteractiveAsker(), opts);
		expect(result.exitCode).toBe(1);
		expect(result.summary.message).toMatch(/no journal yet.*guided setup/);
	});

	it('a corrupt journal gives a clear message and repair finds nothing to repair', async () => {
		const ctx = makeCtx();
		const file = wizardPaths(ctx.env).journal;
		mkdirSync(path.dirname(file), {recursive: true});
		writeFileSync(file, '{not json');
		const session = new Session({ctx, answers: {}, role: 'client', steps: []});
		await session.open();
		expect(session.journalProblem).toMatch(/could not be read because it is not valid JSON/);
		const result = await flowRepairFull(session, nonInteractiveAsker(), opts);
		expect(result.exitCode).toBe(1);
		expect(session.bus.history.some((e) => e.type === 'warning' && /could not be read/.test(e.message))).toBe(true);
	});

	it('orders steps after their dependencies', () => {
		const s = (id: StepId, deps: StepId[] = []) => fakeStep(id, 1, {healthy: true, applied: 0, checks: 0}, deps);
		const order = dependencyOrder([s('connection-test', ['ailice-config']), s('ailice-config', ['client-address']), s('client-address')]);
		expect(order.map((x) => x.id)).toEqual(['client-address', 'ailice-config', 'connection-test']);
	});
});

describe('repair, more cases', () => {
	it('a step that failed last time but is healthy now is left alone and said so', async () => {
		const ctx = makeCtx();
		const state = {healthy: true, applied: 0, checks: 0};
		const j = emptyJournal(Date.now());
		recordStep(j, 'ailice-config', {status: 'fail', inputsHash: hashInputs({url: null}), at: Date.now(), summary: 'broken', answers: {}});
		await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);
		const session = new Session({ctx, answers: {}, role: 'client', steps: [fakeStep('ailice-config', 4, state)]});
		await session.open();
		const result = await flowRepairFull(session, nonInteractiveAsker(), {yes: true});
		expect(state.applied).toBe(0);
		expect(result.summary.decisions).toEqual([expect.objectContaining({step: 'ailice-config', action: 'left-alone', reason: expect.stringMatching(/healthy now \(it was fail/)})]);
	});

	it('on a terminal without a journal it offers the guided setup and runs it when accepted', async () => {
		const ctx = makeCtx();
		const state = {healthy: true, applied: 0, checks: 0};
		const session = new Session({ctx, answers: {}, role: 'client', steps: [fakeStep('connection-test', 6, state)]});
		await session.open();
		const asked: string[] = [];
		const asker = {
			...nonInteractiveAsker(),
			interactive: true,
			confirm: async (q: {message: string}) => {
				asked.push(q.message);
				return true;
			},
			// The guided setup's own question for the connection test.
			text: async () => 'http://ollama.home.internal:11434',
		};
		const result = await flowRepairFull(session, asker, {yes: true});
		expect(asked).toEqual(['Start the guided setup now?']);
		expect(result.summary.command).toBe('setup');
		expect(state.checks).toBeGreaterThan(0);
	});
});
