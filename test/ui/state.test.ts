import {describe, expect, it} from 'vitest';
import type {WizardEvent} from '../../source/core/events.js';
import {initialUiState, MAX_LINES, reduceEvent, stepStatus} from '../../source/ui/state.js';

const fold = (events: WizardEvent[]) => events.reduce(reduceEvent, initialUiState());

describe('UI state from events', () => {
	it('updates a check line in place from running to its result and keeps only the last lines', () => {
		const events: WizardEvent[] = [{type: 'step:start', step: 'connection-test', title: 'Test', phase: 'check'}];
		events.push({type: 'step:progress', step: 'connection-test', check: 'dns', status: 'running', message: 'Resolving'});
		events.push({type: 'step:progress', step: 'connection-test', check: 'dns', status: 'ok', message: 'Resolved to 100.64.0.1'});
		for (let i = 0; i < 12; i++) events.push({type: 'step:progress', step: 'connection-test', check: `sample-${i}`, status: 'ok', message: `sample ${i}`});
		const state = fold(events);
		const lines = state.steps['connection-test']!.lines;
		expect(lines).toHaveLength(MAX_LINES);
		expect(lines.at(-1)?.message).toBe('sample 11');
		expect(stepStatus(state.steps['connection-test'])).toBe('running');

		const one = fold(events.slice(0, 3)).steps['connection-test']!.lines;
		expect(one).toEqual([{key: 'dns', status: 'ok', message: 'Resolved to 100.64.0.1'}]);
	});

	it('a new check run clears the old result and lines; the result ends the running phase', () => {
		const result = {status: 'fail' as const, summary: 'refused', details: [], durationMs: 3};
		const state = fold([
			{type: 'step:start', step: 's', title: 'S', phase: 'check'},
			{type: 'step:progress', step: 's', check: 'tcp', status: 'fail', message: 'refused'},
			{type: 'step:result', step: 's', title: 'S', result, applied: false},
		]);
		expect(stepStatus(state.steps.s)).toBe('fail');
		const again = reduceEvent(state, {type: 'step:start', step: 's', title: 'S', phase: 'check'});
		expect(again.steps.s).toMatchObject({phase: 'check', result: null, lines: []});
		expect(again.active).toBe('s');
	});

	it('collects doctor checks (running → slow → result, in start order), warnings and the diagnosis', () => {
		const events: WizardEvent[] = [
			{type: 'check:start', check: 'dns', layer: 'network', title: 'DNS'},
			{type: 'check:start', check: 'tg', layer: 'twingate', title: 'Twingate'},
			{type: 'check:slow', check: 'dns', afterMs: 3000},
		];
		const slow = fold(events);
		expect(slow.doctorChecks.map((c) => [c.key, c.status, c.slow])).toEqual([
			['dns', 'running', true],
			['tg', 'running', false],
		]);
		const state = fold([
			...events,
			{type: 'check:result', check: 'dns', layer: 'network', title: 'DNS', status: 'ok', detail: 'resolves', durationMs: 5},
			// A slow event that arrives after the result changes nothing.
			{type: 'check:slow', check: 'dns', afterMs: 3000},
			{type: 'warning', message: 'journal unreadable'},
			{type: 'diagnosis', cause: null, layer: null, message: 'All good.', fix: null, evidence: []},
		]);
		expect(state.doctorChecks[0]).toEqual({key: 'dns', layer: 'network', title: 'DNS', status: 'ok', detail: 'resolves', slow: false, slowAfterMs: 0, durationMs: 5});
		// A re-check (after a fix) starts the same line over, in place.
		const again = reduceEvent(state, {type: 'check:start', check: 'dns', layer: 'network', title: 'DNS'});
		expect(again.doctorChecks.map((c) => [c.key, c.status])).toEqual([
			['dns', 'running'],
			['tg', 'running'],
		]);
		expect(state.warnings).toEqual(['journal unreadable']);
		expect(state.diagnosis?.message).toBe('All good.');
	});
});
