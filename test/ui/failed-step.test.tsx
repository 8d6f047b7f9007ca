/**
 * A step of the guided setup that fails: the setup shows it (reason, details, Fix) and waits —
 * r retries it, enter goes on, q stops there (exit 1) — and a run that ended with a failure waits
 * for q/enter instead of exiting by itself, so `r` is still possible.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {Session} from '../../source/app/session.js';
import type {CheckResult, Step} from '../../source/core/types.js';
import {Driver} from '../../source/ui/driver.js';
import {makeCtx} from '../support/fake-ctx.js';
import {KEY, lastDrawnFrame, press, waitFor, waitForFrame} from '../support/ink-helpers.js';
import {mountApp, sixSteps} from './fixtures.js';

afterEach(() => cleanup());

const REFUSED: Omit<CheckResult, 'durationMs'> = {
	status: 'fail',
	summary: 'The model list could not be read.',
	details: ['Nothing is listening on 127.0.0.1:1.', 'Tried: GET /api/tags'],
	cause: 'refused',
	remediation: {text: 'Start Ollama here.', commands: [['ollama', 'serve']]},
};

/** Step 4 fails until `fixed.value` is set; step 6 counts its runs. */
function client(fixed: {value: boolean}, runs: {step4: number; step6: number}): Step[] {
	return sixSteps(
		{
			check: async () => {
				runs.step6++;
				return {status: 'ok', summary: 'Ollama answered.', details: []};
			},
		},
		{
			'ailice-config': {
				available: true,
				check: async () => {
					runs.step4++;
					return fixed.value ? {status: 'ok', summary: 'config.json points at Ollama.', details: []} : REFUSED;
				},
			},
		},
	);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a failed step in the guided setup', () => {
	it('stops at the failed step with its reason, details and Fix; r retries it and the setup goes on', async () => {
		const fixed = {value: false};
		const runs = {step4: 0, step6: 0};
		const app = mountApp({command: 'setup', role: 'client', answers: {url: 'http://127.0.0.1:1'}, steps: client(fixed, runs), size: {columns: 160, rows: 40}});
		const frame = await waitForFrame(app, (f) => f.includes('Step 4 failed.'));
		expect(frame).toContain('✗ The model list could not be read.');
		expect(frame).toContain('Tried: GET /api/tags');
		expect(frame).toContain('Fix: Start Ollama here.');
		expect(frame).toContain('$ ollama serve');
		expect(frame).toContain('r: retry it · enter: continue with step 5 · q: stop here');
		expect(frame).toContain('r retry step · enter continue');
		// It waits: step 6 has not run and the app has not exited.
		await sleep(60);
		expect(runs.step6).toBe(0);
		expect(app.exitCode()).toBeUndefined();

		fixed.value = true;
		await press(app.stdin, 'r');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(runs.step4).toBe(2);
		expect(runs.step6).toBe(1);
		expect(app.exitCode()).toBe(0);
		expect(lastDrawnFrame(app)).toContain('Done: ✓ 2 passed · - 1 skipped');
	});

	it('enter continues; a run that ended with a failure waits (no automatic exit), r reruns the failed step, q exits', async () => {
		const fixed = {value: false};
		const runs = {step4: 0, step6: 0};
		const app = mountApp({command: 'setup', role: 'client', answers: {url: 'http://127.0.0.1:1'}, steps: client(fixed, runs)});
		await waitForFrame(app, (f) => f.includes('Step 4 failed.'));
		await press(app.stdin, KEY.enter);
		let frame = await waitForFrame(app, (f) => f.includes('Finished with problems: ✓ 1 passed · ✗ 1 failed'));
		expect(runs.step6).toBe(1);
		expect(frame).toContain('enter/q exit');
		await sleep(60);
		expect(app.exitCode()).toBeUndefined();
		// The end screen shows the failed step (selected for r), not the last one.
		expect(frame).toMatch(/› 4 ✗/);
		expect(frame).toContain('Fix: Start Ollama here.');

		fixed.value = true;
		await press(app.stdin, 'r');
		frame = await waitForFrame(app, (f) => f.includes('Done: ✓ 2 passed'));
		expect(runs.step4).toBe(2);
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
	});

	it('enter at the end exits with the real code (1 while the failure stays)', async () => {
		const runs = {step4: 0, step6: 0};
		const app = mountApp({command: 'setup', role: 'client', answers: {url: 'http://127.0.0.1:1'}, steps: client({value: false}, runs)});
		await waitForFrame(app, (f) => f.includes('Step 4 failed.'));
		await press(app.stdin, 'c');
		await waitForFrame(app, (f) => f.includes('enter/q exit'));
		await press(app.stdin, KEY.enter);
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
		expect(app.ctx.controller.signal.aborted).toBe(false);
	});

	it('q at the failed step stops the setup there: the later steps do not run, exit 1 (not a cancel)', async () => {
		const runs = {step4: 0, step6: 0};
		const app = mountApp({command: 'setup', role: 'client', answers: {url: 'http://127.0.0.1:1'}, steps: client({value: false}, runs)});
		await waitForFrame(app, (f) => f.includes('Step 4 failed.'));
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
		expect(runs.step6).toBe(0);
		expect(app.ctx.controller.signal.aborted).toBe(false);
		const last = lastDrawnFrame(app);
		expect(last).toContain('Finished with problems: ✗ 1 failed');
		expect(last).toContain('Fix: Start Ollama here.');
	});

	it('a dry run does not stop at a failed step, and exits by itself', async () => {
		const runs = {step4: 0, step6: 0};
		const app = mountApp({command: 'setup', role: 'client', options: {'dry-run': true}, answers: {url: 'http://127.0.0.1:1'}, steps: client({value: false}, runs)});
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(runs.step6).toBe(1);
		expect(app.exitCode()).toBe(1);
		expect(lastDrawnFrame(app)).not.toContain('Step 4 failed.');
	});

	it('never waits when nobody can answer (a non-interactive asker)', async () => {
		const runs = {step4: 0, step6: 0};
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {url: 'http://127.0.0.1:1'}, steps: client({value: false}, runs), role: 'client', ephemeral: true});
		const driver = new Driver({session, command: 'setup', options: {yes: true}, asker: nonInteractiveAsker(), interviews: {}, afterStep: {}});
		expect(driver.pausesOnFailure).toBe(false);
		await driver.start();
		expect(driver.getSnapshot().failure).toBeNull();
		expect(runs.step6).toBe(1);
		expect(driver.exitCode()).toBe(1);
	});
});
