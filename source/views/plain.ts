/** Plain lines: for pipes, CI, --plain, screen readers and recorded sessions. No ANSI codes. */
import type {EventBus, WizardEvent} from '../core/events.js';
import type {CheckResult} from '../core/types.js';
import {MARK, renderAction, shellQuote} from './format.js';

export function formatResult(step: string | number, title: string, r: CheckResult): string[] {
	const lines = [`${MARK[r.status]} ${step === '' ? '' : `Step ${step} · `}${title}: ${r.summary}`];
	for (const d of r.details) lines.push(`    ${d}`);
	if (r.status !== 'ok' && r.remediation) {
		if (r.remediation.text) lines.push(`    Fix: ${r.remediation.text}`);
		for (const c of r.remediation.commands ?? []) lines.push(`      $ ${shellQuote(c)}`);
		for (const l of r.remediation.links ?? []) lines.push(`      ${l}`);
	}
	return lines;
}

export function attachPlainView(bus: EventBus, write: (line: string) => void, numbers: Record<string, number>): () => void {
	// Actions that are not one of the six steps (undo) are named by their title alone.
	const label = (step: string, title: string) => (numbers[step] !== undefined ? `Step ${numbers[step]}` : title);
	return bus.on((event: WizardEvent) => {
		switch (event.type) {
			case 'step:start':
				if (event.phase === 'check') write(`… ${numbers[event.step] !== undefined ? `Step ${numbers[event.step]} · ` : ''}${event.title}: checking`);
				else if (event.phase === 'apply') write(`… ${label(event.step, event.title)}: applying`);
				else write(`… ${label(event.step, event.title)}: verifying`);
				break;
			case 'step:progress':
				if (event.status && event.status !== 'running') write(`  ${MARK[event.status]} ${event.message}`);
				break;
			case 'step:plan':
				write(numbers[event.step] !== undefined ? `  Plan for step ${numbers[event.step]}:` : '  Plan:');
				for (const a of event.plan.actions) write(renderAction(a));
				for (const n of event.plan.notes ?? []) write(`  Note: ${n}`);
				break;
			case 'step:result':
				for (const l of formatResult(numbers[event.step] ?? '', event.title, event.result)) write(l);
				break;
			case 'warning':
				write(`! ${event.message}`);
				break;
			case 'check:slow':
				write(`  … ${event.check} is still running after ${Math.round(event.afterMs / 1000)} s`);
				break;
			case 'check:result':
				write(`${MARK[event.status]} [${event.layer}] ${event.title}: ${event.detail}`);
				break;
			case 'diagnosis':
				write('');
				write(event.cause ? `Diagnosis (${event.layer}): ${event.message}` : `Diagnosis: ${event.message}`);
				for (const e of event.evidence) write(`    evidence: ${e.check}: ${e.saw}`);
				if (event.fix) write(`    Fix: ${event.fix}`);
				break;
		}
	}, true);
}
