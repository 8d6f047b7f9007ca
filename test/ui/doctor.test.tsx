/**
 * `doctor` in the Ink UI, over fake DoctorChecks the test resolves one by one: the layer panes move
 * from running to their result live, a slow check says so, a crash does not stop the others, the
 * diagnosis comes with evidence and fix, `f` runs the owning step and shows the re-check.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import type {Plan, Step} from '../../source/core/types.js';
import type {CheckOutcome, DoctorCheck} from '../../source/doctor/types.js';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import type {DoctorView} from '../../source/app/controller.js';
import {flowDoctorFull} from '../../source/app/doctor-flow.js';
import {DiagnosisBlock, FixResult} from '../../source/ui/DoctorScreen.js';
import {Session} from '../../source/app/session.js';
import {makeCtx} from '../support/fake-ctx.js';
import {lastDrawnFrame, press, waitFor, waitForFrame} from '../support/ink-helpers.js';
import {gate, mountApp, sixSteps} from './fixtures.js';

afterEach(() => cleanup());

/** A doctor check that waits until the test releases it with an outcome (or an error to throw). */
function heldCheck(id: string, layer: DoctorCheck['layer'], title: string, over: Partial<DoctorCheck> = {}) {
	const g = gate<CheckOutcome | Error>();
	let runs = 0;
	const check: DoctorCheck = {
		id,
		layer,
		title,
		roles: ['client', 'server'],
		required: true,
		async run() {
			runs++;
			const outcome = await g.promise;
			if (outcome instanceof Error) throw outcome;
			return outcome;
		},
		...over,
	};
	return {check, release: g.release, runs: () => runs};
}

/** A check answering at once from a function of the run number (1 = first run, 2 = the re-check). */
function liveCheck(id: string, layer: DoctorCheck['layer'], title: string, outcome: (run: number) => CheckOutcome): DoctorCheck {
	let run = 0;
	return {id, layer, title, roles: ['client', 'server'], required: true, run: async () => outcome(++run)};
}

const lineOf = (frame: string, text: string) => frame.split('\n').find((l) => l.includes(text)) ?? '';

describe('doctor in the Ink UI', () => {
	it('shows the checks grouped by layer, updating each line live; slow and crashed checks say so; then the diagnosis', async () => {
		const tunnel = heldCheck('twingate.client', 'twingate', 'Twingate Client');
		const listen = heldCheck('ollama.listen', 'ollama', 'Ollama listening address');
		const crashy = heldCheck('security.origins', 'security', 'OLLAMA_ORIGINS');
		const remote = heldCheck('network.test', 'network', 'Connection test through the tunnel');
		const app = mountApp({command: 'doctor', role: 'client', steps: sixSteps(), doctorChecks: [tunnel.check, listen.check, crashy.check, remote.check]});

		let frame = await waitForFrame(app, (f) => f.includes('0 of 4 done'));
		for (const layer of ['Twingate', 'Ollama server', 'Network path', 'Security']) expect(frame).toContain(layer);
		expect(frame).toContain('Not checked on this machine: AIlice config');
		expect(frame.indexOf('Twingate')).toBeLessThan(frame.indexOf('Ollama server'));
		expect(frame.indexOf('Ollama server')).toBeLessThan(frame.indexOf('Network path'));
		expect(lineOf(frame, 'Twingate Client')).toContain('running…');
		expect(frame).toContain('q quit');
		expect(frame).not.toContain('Diagnosis');

		tunnel.release({status: 'ok', detail: 'online'});
		frame = await waitForFrame(app, (f) => f.includes('✓ Twingate Client: online'));
		expect(frame).toContain('1 of 4 done');
		// The others still run.
		expect(lineOf(frame, 'Ollama listening address')).toContain('running…');
		expect(lineOf(frame, 'Connection test through the tunnel')).toContain('running…');

		// The runner's slow timer (3 s) as the UI sees it.
		app.session.bus.emit({type: 'check:slow', check: 'network.test', afterMs: 3000});
		frame = await waitForFrame(app, (f) => f.includes('still running after 3 s'));
		expect(lineOf(frame, 'Connection test through the tunnel')).toContain('still running after 3 s (slow)');

		crashy.release(new Error('cannot read launchctl output'));
		frame = await waitForFrame(app, (f) => f.includes('☠ OLLAMA_ORIGINS'));
		expect(lineOf(frame, 'OLLAMA_ORIGINS')).toContain('crashed: cannot read launchctl output');
		expect(lineOf(frame, 'Ollama listening address')).toContain('running…');

		listen.release({status: 'fail', detail: 'only 127.0.0.1:11434', cause: 'loopback-bind'});
		frame = await waitForFrame(app, (f) => f.includes('✗ Ollama listening address: only 127.0.0.1:11434'));
		expect(frame).not.toContain('Diagnosis');
		remote.release({status: 'fail', detail: 'connection refused', cause: 'refused'});

		frame = await waitForFrame(app, (f) => f.includes('Diagnosis'));
		expect(frame).toContain('4 of 4 done');
		expect(frame).toContain('Diagnosis (Ollama server): Nothing accepts connections on the Ollama port from outside');
		// Evidence names the check by its title, never by its id.
		expect(frame).toContain('evidence: Ollama listening address: only 127.0.0.1:11434');
		expect(frame).toContain('evidence: Connection test through the tunnel: connection refused');
		expect(frame).not.toMatch(/evidence: [a-z]+\.[a-z.-]+:/);
		expect(frame).toMatch(/Fix: Make Ollama listen on the LAN address/);
		// Step 2 is not available among these fake steps: no `f` is offered, and the run ends by itself.
		expect(frame).not.toContain('press f');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
		expect(lastDrawnFrame(app)).toContain('Doctor found problems: ✓ 1 ok · ✗ 2 failed · ☠ 1 crashed');
	});

	/** Step 2 as a fake: its check fails until apply ran; `fixWorks` decides whether apply really helps. */
	function fixableStep(state: {applied: number; fixed: boolean}, fixWorks: boolean): Partial<Step> {
		return {
			available: true,
			check: async () => (state.fixed ? {status: 'ok', summary: 'Ollama listens on 192.168.1.20:11434.', details: []} : {status: 'fail', summary: 'Ollama listens on 127.0.0.1 only.', details: [], cause: 'loopback-bind'}),
			plan: async (): Promise<Plan> => ({actions: [{kind: 'command', argv: ['systemctl', 'restart', 'ollama'], why: 'Restart Ollama on the LAN address'}], inputs: {}}),
			apply: async () => {
				state.applied++;
				state.fixed = fixWorks;
			},
		};
	}

	function listening(state: {fixed: boolean}): DoctorCheck {
		return liveCheck('ollama.listen', 'ollama', 'Ollama listening address', () => (state.fixed ? {status: 'ok', detail: '192.168.1.20:11434'} : {status: 'fail', detail: 'only 127.0.0.1:11434', cause: 'loopback-bind'}));
	}

	it('f runs the owning step (plan → confirm → apply), checks everything again and shows before/after', async () => {
		const state = {applied: 0, fixed: false};
		const app = mountApp({
			command: 'doctor',
			role: 'server',
			steps: sixSteps({}, {'ollama-remote-access': fixableStep(state, true)}),
			doctorChecks: [liveCheck('ollama.local', 'ollama', 'Ollama answers on 127.0.0.1', () => ({status: 'ok', detail: 'version 0.17.1'})), listening(state)],
		});
		let frame = await waitForFrame(app, (f) => f.includes('press f'));
		expect(frame).toContain('press f: the wizard fixes it with step 2');
		expect(frame).toContain('f fix it · r check again · q quit');
		// The fix is offered, so the screen waits for it instead of exiting.
		await new Promise((r) => setTimeout(r, 100));
		expect(app.exitCode()).toBeUndefined();

		await press(app.stdin, 'f');
		frame = await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 2'));
		expect(frame).toContain('Before the fix (Ollama server)');
		expect(frame).toContain('Plan (not applied yet):');
		expect(frame).toContain('systemctl restart ollama');
		expect(state.applied).toBe(0);

		await press(app.stdin, 'y');
		frame = await waitForFrame(app, (f) => f.includes('Fixed:'));
		expect(state.applied).toBe(1);
		expect(frame).toContain('✓ Fixed: Fix by step 2');
		expect(frame).toContain('re-check passed');
		expect(frame).toContain('Before: Nothing accepts connections on the Ollama port from outside');
		expect(frame).toContain('After:  All required checks passed.');
		expect(frame).toContain('Ollama listening address: fail → ok');
		expect(frame).toContain('✓ Ollama listening address: 192.168.1.20:11434');
		expect(frame).toContain('Doctor finished: ✓ 2 ok');
		expect(frame).not.toContain('press f');
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
	});

	it('a fix that belongs to the other machine is not offered here; the screen says where to run it', async () => {
		const state = {applied: 0, fixed: false};
		const app = mountApp({command: 'doctor', role: 'client', steps: sixSteps({}, {'ollama-remote-access': fixableStep(state, true)}), doctorChecks: [listening(state)]});
		const frame = await waitForFrame(app, (f) => f.includes('Diagnosis'));
		expect(frame).not.toContain('press f');
		expect(frame).toMatch(/on the Ollama host: run\s+`ollama-tunnel-wizard doctor --role server --fix` there/);
		expect(frame).toMatch(/Run `ollama-tunnel-wizard doctor --role server --fix` on the Ollama host, then run doctor here\s+again\./);
		await press(app.stdin, 'f');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(state.applied).toBe(0);
		expect(app.exitCode()).toBe(1);
	});

	it('never says fixed when the re-check still fails', async () => {
		const state = {applied: 0, fixed: false};
		const app = mountApp({
			command: 'doctor',
			role: 'server',
			steps: sixSteps({}, {'ollama-remote-access': fixableStep(state, false)}),
			doctorChecks: [listening(state)],
		});
		await waitForFrame(app, (f) => f.includes('press f'));
		await press(app.stdin, 'f');
		await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 2'));
		await press(app.stdin, 'y');
		const frame = await waitForFrame(app, (f) => f.includes('Not fixed'));
		expect(state.applied).toBe(1);
		expect(frame).not.toContain('Fixed:');
		expect(frame).toContain('✗ Not fixed: Fix by step 2');
		expect(frame).toContain('the re-check still finds a problem');
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
	});

	it('declining the fix changes nothing and says so', async () => {
		const state = {applied: 0, fixed: false};
		const app = mountApp({command: 'doctor', role: 'server', steps: sixSteps({}, {'ollama-remote-access': fixableStep(state, true)}), doctorChecks: [listening(state)]});
		await waitForFrame(app, (f) => f.includes('press f'));
		await press(app.stdin, 'f');
		await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 2'));
		await press(app.stdin, 'n');
		const frame = await waitForFrame(app, (f) => f.includes('was not applied'));
		expect(state.applied).toBe(0);
		expect(frame).toContain('Nothing was changed.');
		expect(frame).not.toContain('Fixed:');
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
	});

	it('--perf shows the performance pane from the run summary', async () => {
		const app = mountApp({
			command: 'doctor',
			role: 'server',
			options: {perf: true},
			steps: sixSteps(),
			doctorChecks: [
				liveCheck('network.test', 'network', 'Connection test', () => ({status: 'ok', detail: 'answers', evidence: {latencyMs: {min: 20, p50: 25, p95: 40}, firstTokenMs: 180, tokensPerSecond: 42.5, loadMs: 2500}})),
				liveCheck('perf.local', 'network', 'Latency on 127.0.0.1', () => ({status: 'ok', detail: 'p50 2 ms', evidence: {latencyMs: {min: 1, p50: 2, p95: 3}}})),
			],
		});
		const frame = await waitForFrame(app, (f) => f.includes('Performance'));
		expect(frame).toContain('Through the tunnel: p50 25 ms · min 20 ms · p95 40 ms');
		expect(frame).toContain('On 127.0.0.1:       p50 2 ms');
		expect(frame).toContain('The tunnel adds 23 ms');
		expect(frame).toContain('First token: 180 ms · 42.5 tokens/s');
		expect(frame).toContain('waited 2500 ms for the model to load');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
	});

	it('q while checks run cancels them: exit 130, the unfinished check is marked as stopped', async () => {
		const held = heldCheck('twingate.client', 'twingate', 'Twingate Client');
		const app = mountApp({command: 'doctor', role: 'client', steps: sixSteps(), doctorChecks: [held.check]});
		await waitForFrame(app, (f) => f.includes('Twingate Client: running…'));
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(130);
		expect(lastDrawnFrame(app)).toContain('Twingate Client: stopped before it finished');
	});

	it('--fix without the UI goes the same way: the summary has before/after and verified only after the re-check', async () => {
		for (const works of [true, false]) {
			const state = {applied: 0, fixed: false};
			const session = new Session({ctx: makeCtx(), answers: {}, role: 'server', ephemeral: true, steps: sixSteps({}, {'ollama-remote-access': fixableStep(state, works)})});
			const r = await flowDoctorFull(session, nonInteractiveAsker(), {fix: true, yes: true}, [listening(state)]);
			expect(state.applied).toBe(1);
			expect(r.summary).toMatchObject({before: {cause: 'loopback-bind'}, fix: {step: 'ollama-remote-access', applied: true, verified: works}, status: works ? 'ok' : 'fail'});
			expect(r.exitCode).toBe(works ? 0 : 1);
			expect(session.bus.history.filter((e) => e.type === 'diagnosis').at(-1)).toMatchObject({message: expect.stringMatching(/^After the fix: /)});
		}
	});

	it('evidence names each check by the title of the checks that ran; an id no check has stays as it is', () => {
		const diagnosis = {cause: 'wrong-url', layer: 'ailice' as const, message: "AIlice's config points elsewhere.", fix: null, fixStep: null, evidence: [{check: 'ailice.base-url', saw: 'http://x'}, {check: 'made.up', saw: 'z'}]};
		const {lastFrame} = render(<DiagnosisBlock diagnosis={diagnosis} fixKey={null} checks={[{id: 'ailice.base-url', title: "AIlice's Ollama address"}]} />);
		const frame = lastFrame() ?? '';
		expect(frame).toContain("evidence: AIlice's Ollama address: http://x");
		expect(frame).toContain('evidence: made.up: z');
		expect(frame).not.toContain('ailice.base-url');
	});

	it('a fix that was not applied says "Nothing was changed." once, even when the step already said it', () => {
		const view = (result: string | null): DoctorView => ({
			stage: 'done',
			report: null,
			before: null,
			fix: {stepId: 'ollama-remote-access', number: 2, title: 'Ollama remote access', available: true, applied: false, verified: false, result, stepStatus: null, error: null},
		});
		const said = (result: string | null) => (render(<FixResult view={view(result)} />).lastFrame() ?? '').replace(/[│\s]+/gu, ' ');
		expect(said('You declined. Nothing was changed.')).toContain('was not applied: You declined. Nothing was changed.');
		expect(said('Nothing was changed.')).toContain('was not applied. Nothing was changed.');
		expect(said('You declined.')).toContain('was not applied: You declined. Nothing was changed.');
		expect(said(null)).toContain('was not applied. Nothing was changed.');
		for (const r of ['You declined. Nothing was changed.', 'Nothing was changed.', null]) expect(said(r).match(/Nothing was changed/gu)).toHaveLength(1);
	});
});
