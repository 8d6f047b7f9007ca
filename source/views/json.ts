/**
 * NDJSON: one event per line on stdout, the last line a summary object; every line carries
 * `schemaVersion`. Warnings also go to stderr (Tailscale style).
 */
import {SCHEMA_VERSION, type EventBus, type WizardEvent} from '../core/events.js';
import {actionForJson} from './format.js';

export function eventForJson(event: WizardEvent): Record<string, unknown> {
	if (event.type === 'step:plan') {
		return {schemaVersion: SCHEMA_VERSION, type: event.type, step: event.step, actions: event.plan.actions.map(actionForJson), notes: event.plan.notes ?? []};
	}
	if (event.type === 'step:result') {
		const {data: _data, ...result} = event.result;
		return {schemaVersion: SCHEMA_VERSION, ...event, result};
	}
	return {schemaVersion: SCHEMA_VERSION, ...event};
}

export function attachJsonView(bus: EventBus, writeOut: (line: string) => void, writeErr: (line: string) => void, redact: (s: string) => string): () => void {
	return bus.on((event) => {
		writeOut(redact(JSON.stringify(eventForJson(event))));
		if (event.type === 'warning') writeErr(`warning: ${redact(event.message)}`);
	}, true);
}
