/** Plain lines: for pipes, CI, --plain, screen readers and recorded sessions. No ANSI codes. */
import type {EventBus, WizardEvent} from '../core/events.js';
import type {CheckResult} from '../core/types.js';
import type {Asker} from '../app/asker.js';
import type {Driver, DriverState, FailureChoice} from '../app/controller.js';
import {MARK, renderAction, shellQuote} from './format.js';

/**
 * --plain on a terminal: when the setup stops at a failed step, ask what to do with the line asker
 * and pass the answer to the controller (a retry asks the step's questions again, the previous
 * answers as defaults). Returns the unsubscribe.
 */
export function askAtFailures(controller: Driver, asker: Asker): () => void {
	let asked: DriverState['failure'] = null;
	return controller.subscribe(() => {
		const failure = controller.getSnapshot().failure;
		if (!failure || failure === asked) return;
		asked = failure;
		const number = controller.session.steps.find((s) => s.id === failure.stepId)?.number ?? '?';
		void asker
			.select<FailureChoice>({
				message: `Step ${number} failed. r: retry with other answers, c: continue, q: stop`,
				flag: 'r, c or q',
				choices: [
					{value: 'retry', name: 'r: retry with other answers', description: "The step's questions again, your previous answers as defaults."},
					{value: 'continue', name: 'c: continue with the next step'},
					{value: 'quit', name: 'q: stop the setup here'},
				],
			})
			.catch((): FailureChoice => 'quit')
			.then((choice) => controller.answerFailure(choice));
	});
}

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
