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
		this.history.push(event);
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch {
				// A view that throws must not break the run or the other views.
			}
		}
	}
}
