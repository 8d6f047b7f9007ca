/**
 * One event stream; the Ink UI, the plain-line view, the NDJSON view and the log file are sibling
 * consumers of it (the Gatsby reporter model).
 */
import type {CheckResult, Plan, StepId} from './types.js';

export const SCHEMA_VERSION = 1;

export type WizardEvent =
	| {type: 'step:start'; step: StepId | string; title: string; phase: 'check' | 'apply' | 'verify'}
	| {type: 'step:progress'; step: StepId | string; message: string; check?: string; status?: 'running' | 'ok' | 'warn' | 'fail'}
	| {type: 'step:plan'; step: StepId | string; plan: Plan}
	| {type: 'step:result'; step: StepId | string; title: string; result: CheckResult; applied: boolean}
	| {type: 'warning'; message: string}
	| {type: 'check:start'; check: string; layer: string; title: string}
	| {type: 'check:slow'; check: string; afterMs: number}
	| {type: 'check:result'; check: string; layer: string; title: string; status: 'ok' | 'warn' | 'fail' | 'skipped' | 'crash'; detail: string; durationMs: number}
	| {type: 'diagnosis'; cause: string | null; layer: string | null; message: string; fix: string | null; evidence: {check: string; saw: string}[]};

export type Listener = (event: WizardEvent) => void;

export class EventBus {
	readonly #listeners = new Set<Listener>();
	readonly history: WizardEvent[] = [];

	/** With `replay`, the listener first gets every event emitted so far (e.g. a warning from opening the journal). */
	on(listener: Listener, replay = false): () => void {
		if (replay) for (const event of [...this.history]) listener(event);
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	emit(event: WizardEvent): void {
		// A step's result: every view has had its plan long since (the UI keeps its own copy), so the
		// history's copy of that plan stops holding large file texts (a 20 MB config.json twice would
		// otherwise stay in memory for the rest of the run).
		if (event.type === 'step:result') this.#lighten(event.step);
		this.history.push(event);
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch {
				// A view that throws must not break the run or the other views.
			}
		}
	}

	/** The step's plan events in the history, with the texts of large file actions left out (see {@link lightPlan}). */
	#lighten(step: string): void {
		for (let i = this.history.length - 1; i >= 0; i--) {
			const e = this.history[i];
			if (e?.type === 'step:plan' && e.step === step) this.history[i] = {...e, plan: lightPlan(e.plan)};
		}
	}
}

/** File texts at least this long (before and after together) are not kept in the history once their step finished. */
export const HISTORY_TEXT_LIMIT = 1 << 20;

/**
 * The plan with each large file action's `before` and `after` replaced by empty texts (`before`
 * stays null for a file created) and `omitted: true`; every other field, and every small action, as it was.
 */
export function lightPlan(plan: Plan): Plan {
	if (!plan.actions.some((a) => a.kind === 'file' && !a.omitted && (a.before?.length ?? 0) + a.after.length >= HISTORY_TEXT_LIMIT)) return plan;
	return {
		...plan,
		actions: plan.actions.map((a) => (a.kind === 'file' && !a.omitted && (a.before?.length ?? 0) + a.after.length >= HISTORY_TEXT_LIMIT ? {...a, before: a.before === null ? null : '', after: '', omitted: true} : a)),
	};
}
