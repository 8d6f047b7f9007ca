/**
 * `repair`: read the journal, re-check every step, rerun apply only for steps that failed or whose
 * inputs changed (stale), in dependency order, each verified; healthy steps are left alone and said so.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {exitCodeFor} from '../core/exit-codes.js';
import {hashInputs} from '../core/hash.js';
import type {Step} from '../core/types.js';
import type {Options} from '../cli/args.js';
import type {Asker} from './asker.js';
import {askRole, confirmWith, runSetupStep, type FlowResult} from './flows.js';
import type {Session} from './session.js';

/** Steps in dependency order (a step after everything it depends on), stable otherwise. */
export function dependencyOrder(steps: readonly Step[]): Step[] {
	const out: Step[] = [];
	const seen = new Set<string>();
	const visit = (s: Step, stack: Set<string>) => {
		if (seen.has(s.id)) return;
		if (stack.has(s.id)) throw new Error(`dependency cycle at ${s.id}`);
		stack.add(s.id);
		for (const d of s.dependsOn) {
			const dep = steps.find((x) => x.id === d);
			if (dep) visit(dep, stack);
		}
		seen.add(s.id);
		out.push(s);
	};
	for (const s of steps) visit(s, new Set());
	return out;
}

export interface RepairDecision {
	step: string;
	action: 'rerun-failed' | 'rerun-stale' | 'left-alone' | 'not-in-journal' | 'unavailable';
	reason: string;
}

export async function flowRepairFull(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const journal = session.journal;
	if (!journal || Object.keys(journal.steps).length === 0) {
		const message = session.journalProblem
			? 'The journal could not be read (see above), so there is nothing to repair from. Run the guided setup: ollama-tunnel-wizard'
			: 'There is no journal yet, so there is nothing to repair. Run the guided setup first: ollama-tunnel-wizard';
		// On a terminal, offer to start the guided setup right away.
		if (asker.interactive && (await asker.confirm({message: 'Start the guided setup now?', flag: '--yes', default: true}))) {
			const {flowSetup} = await import('./flows.js');
			return flowSetup(session, asker, options);
		}
		return {exitCode: exitCodeFor({failed: true}), summary: {schemaVersion: SCHEMA_VERSION, type: 'summary', command: 'repair', status: 'fail', message, decisions: [], steps: []}};
	}
	await askRole(session, asker);
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	const decisions: RepairDecision[] = [];
	const explicit = Object.fromEntries(Object.entries(session.answers).filter(([, v]) => v !== undefined));
	for (const step of dependencyOrder(session.stepsForRole())) {
		const entry = journal.steps[step.id];
		if (!step.available) {
			decisions.push({step: step.id, action: 'unavailable', reason: 'not available in this version'});
			continue;
		}
		if (!entry) {
			decisions.push({step: step.id, action: 'not-in-journal', reason: 'never run: use the guided setup for it'});
			continue;
		}
		// The answers given then, overridden by any flag given now.
		session.answers = {...session.answers, ...entry.answers, ...explicit};
		const plan = await step.plan(session.ctx, session.answers).catch(() => null);
		const stale = plan !== null && hashInputs(plan.inputs) !== entry.inputsHash;
		let outcome = await session.runStep(step, mode, {confirm: confirmWith(asker, options), force: stale});
		// Still failing with a person at the terminal: the same answers would fail again, so the step's
		// questions are asked again with the journal's answers as defaults (Enter keeps one, typing changes it).
		if (asker.interactive && mode === 'apply' && (outcome.result.status === 'fail' || outcome.result.status === 'crash')) {
			session.bus.emit({type: 'warning', message: `Step ${step.number} still fails with the answers given before: its questions follow, with those answers as defaults.`});
			outcome = await runSetupStep(session, asker, step, mode, options, {again: {previous: entry.answers}});
		}
		const wasBad = entry.status === 'fail' || entry.status === 'crash';
		if (outcome.applied || stale || outcome.result.status === 'fail' || outcome.result.status === 'crash') {
			decisions.push({
				step: step.id,
				action: stale ? 'rerun-stale' : 'rerun-failed',
				reason: stale ? 'its inputs changed since the last run' : wasBad ? `it was ${entry.status} in the journal` : 'its check fails now',
			});
		} else if (wasBad) {
			// Failed last time, healthy now (fixed by hand, or the other machine changed): nothing to apply.
			decisions.push({step: step.id, action: 'left-alone', reason: `healthy now (it was ${entry.status} in the journal): ${outcome.result.summary}`});
			session.bus.emit({type: 'step:progress', step: step.id, message: `Step ${step.number} is healthy now and was left alone.`, status: 'ok'});
		} else {
			decisions.push({step: step.id, action: 'left-alone', reason: `healthy: ${outcome.result.summary}`});
			session.bus.emit({type: 'step:progress', step: step.id, message: `Step ${step.number} is healthy and was left alone.`, status: 'ok'});
		}
	}
	const failed = session.failed();
	return {
		exitCode: exitCodeFor({failed}),
		summary: {
			schemaVersion: SCHEMA_VERSION,
			type: 'summary',
			command: 'repair',
			status: failed ? 'fail' : 'ok',
			dryRun: session.ctx.dryRun,
			decisions,
			steps: [...session.outcomes.entries()].map(([id, o]) => ({id, status: o.result.status, summary: o.result.summary, applied: o.applied})),
		},
	};
}
