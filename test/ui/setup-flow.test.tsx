import {contentHash} from '../../source/core/owned-part.js';
import {afterEach, describe, expect, it} from 'vitest';
import {existsSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import type {Plan, Step} from '../../source/core/types.js';
import {KEY, lastDrawnFrame, press, tick, waitFor, waitForFrame} from '../support/ink-helpers.js';
import {tempDir} from '../support/fake-ctx.js';
import {mountApp, sixSteps} from './fixtures.js';

afterEach(() => cleanup());

/** Step 2 as a fake that needs one file change; apply makes its check pass. */
function changingStep(dir: () => string, applied: {count: number}): Partial<Step> {
	let done = false;
	return {
		available: true,
		check: async () => (done ? {status: 'ok', summary: 'Ollama listens on 0.0.0.0:11434.', details: []} : {status: 'fail', summary: 'Ollama listens on 127.0.0.1 only.', details: [], cause: 'loopback-only'}),
		plan: async (): Promise<Plan> => ({actions: [{kind: 'file', path: path.join(dir(), 'ollama.env'), why: 'Make Ollama listen on all interfaces', before: null, after: 'OLLAMA_HOST=0.0.0.0\n'}], inputs: {}}),
		apply: async () => {
			applied.count++;
			done = true;
		},
	};
}

describe('setup in the Ink UI', () => {
	it('asks the role, shows the plan, applies after y and checks again', async () => {
		const applied = {count: 0};
		let dir = '';
		const app = mountApp({
			command: 'setup',
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ollama-remote-access': changingStep(() => dir, applied)}),
		});
		dir = app.ctx.dir;
		await waitForFrame(app, (f) => f.includes('? Which machine is this?'));
		await tick();
		await press(app.stdin, KEY.enter); // the first choice: server
		let frame = await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 2'));
		expect(frame).toContain('Plan (not applied yet):');
		expect(frame).toContain('ollama.env');
		expect(frame).toContain('+OLLAMA_HOST=0.0.0.0');
		expect(applied.count).toBe(0);
		await press(app.stdin, 'y');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		frame = lastDrawnFrame(app);
		expect(applied.count).toBe(1);
		expect(app.exitCode()).toBe(0);
		expect(frame).toContain('this machine: server');
		expect(app.session.outcomes.get('ollama-remote-access')?.result.status).toBe('ok');
		expect(app.session.outcomes.get('twingate-network')?.result.summary).toContain('not available in this version yet');
		expect(frame).toMatch(/Done: ✓ 1 passed · - 2 skipped/);
	});

	it('s at the confirmation skips the step: nothing is applied', async () => {
		const applied = {count: 0};
		const app = mountApp({
			command: 'setup',
			role: 'server',
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ollama-remote-access': changingStep(() => app.ctx.dir, applied)}),
		});
		await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 2'));
		await tick();
		await press(app.stdin, 's');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(applied.count).toBe(0);
		expect(app.session.outcomes.get('ollama-remote-access')?.result).toMatchObject({status: 'skipped'});
		expect(app.session.outcomes.get('ollama-remote-access')?.result.summary).toContain('you declined');
		expect(app.exitCode()).toBe(0);
	});

	it('Esc on a step\'s interview question skips that step and the setup goes on', async () => {
		const app = mountApp({
			command: 'setup',
			role: 'client',
			answers: {url: 'http://127.0.0.1:9'},
			interviews: {
				'ailice-config': async (_session, asker) => {
					await asker.text({message: "Where is AIlice's config.json?", flag: '--ailice-config'});
				},
			},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': {available: true}}),
		});
		await waitForFrame(app, (f) => f.includes("? Where is AIlice's config.json?") && f.includes('esc skip step'));
		await press(app.stdin, KEY.escape);
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.session.outcomes.get('ailice-config')?.result.summary).toContain('was skipped (you chose to skip it)');
		expect(app.session.outcomes.get('connection-test')?.result.status).toBe('ok');
		expect(lastDrawnFrame(app)).toContain('Done: ✓ 1 passed · - 2 skipped');
		expect(app.exitCode()).toBe(0);
	});
});

describe('commands without a screen of their own in the Ink UI', () => {
	it('undo: its step-shaped action gets a screen (no step number), the plan, the confirmation and the flow\'s closing sentence', async () => {
		const dir = tempDir();
		const created = path.join(dir, 'created-by-the-wizard.txt');
		writeFileSync(created, 'x\n');
		const at = new Date().toISOString();
		const app = mountApp({
			command: 'undo',
			role: 'client',
			steps: sixSteps(),
			// As the runner records it: the hash of what the wizard wrote (unchanged since, so undo may remove it).
			journal: {schemaVersion: 1, role: 'client', updatedAt: at, steps: {}, runs: [{id: 'run1', at, files: [{path: created, backup: null, created: true, hash: contentHash('x\n')}], commands: [], undone: false}], card: null},
		});
		let frame = await waitForFrame(app, (f) => f.includes('? Apply the 1 change'));
		expect(frame).toMatch(/› · .*Undo a run/);
		expect(frame).toContain('Plan (not applied yet):');
		expect(frame).toContain(created);
		expect(frame).not.toMatch(/Step 0/);
		await press(app.stdin, 'y');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		frame = lastDrawnFrame(app);
		expect(existsSync(created)).toBe(false);
		expect(app.exitCode()).toBe(0);
		expect(frame).toContain('✓ The changes of run run1 are reverted.');
		expect(frame).toContain('Done: Reverted the changes of run run1.');
	});
});
