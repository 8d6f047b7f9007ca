/** Text formatting shared by the plain view, the dry-run output and the Ink UI. */
import {createTwoFilesPatch} from 'diff';
import type {PlannedAction, StepStatus} from '../core/types.js';
import {maskSecrets} from '../core/mask.js';

export const MARK: Record<StepStatus | 'running' | 'pending', string> = {
	ok: '✓',
	warn: '!',
	fail: '✗',
	skipped: '-',
	crash: '☠',
	running: '…',
	pending: ' ',
};

/** Quote an argument vector for display only (the wizard itself never runs a shell string). */
export function shellQuote(argv: string[]): string {
	return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * A unified diff of a file change, with the values of secret-looking keys masked on both sides
 * before diffing: neither a changed line nor a context line ever shows a secret.
 */
export function fileDiff(path: string, before: string | null, after: string): string {
	const maskedBefore = before === null ? '' : maskSecrets(before);
	const maskedAfter = maskSecrets(after);
	if (before !== null && before !== after && maskedBefore === maskedAfter) return `--- ${path}\n+++ ${path}\n(only secret values change; they are not shown)`;
	return createTwoFilesPatch(before === null ? '/dev/null' : path, path, maskedBefore, maskedAfter, undefined, undefined, {context: 3})
		.split('\n')
		.slice(2) // drop the "Index"/"====" header lines
		.join('\n')
		.trimEnd();
}

export function renderAction(action: PlannedAction): string {
	switch (action.kind) {
		case 'command':
			return `  $ ${shellQuote(action.argv)}\n      ${action.why}${action.interactive ? ' (runs in your terminal; may ask for your password)' : ''}`;
		case 'file': {
			const head = `  ${action.before === null ? 'create' : 'change'} ${action.path}${action.mode !== undefined ? ` (mode ${action.mode.toString(8)})` : ''}\n      ${action.why}`;
			if (action.secret) return `${head}\n      (content is secret and not shown)`;
			return `${head}\n${fileDiff(action.path, action.before, action.after)
				.split('\n')
				.map((l) => `    ${l}`)
				.join('\n')}`;
		}
		case 'manual':
			return `  • ${action.why}\n${action.text
				.split('\n')
				.map((l) => `      ${l}`)
				.join('\n')}`;
	}
}

/** The plan for NDJSON: commands and diffs (secret values masked), never secret content. */
export function actionForJson(action: PlannedAction): Record<string, unknown> {
	if (action.kind === 'file') {
		return {
			kind: 'file',
			path: action.path,
			why: action.why,
			create: action.before === null,
			mode: action.mode ?? null,
			diff: action.secret ? null : fileDiff(action.path, action.before, action.after),
			secret: Boolean(action.secret),
		};
	}
	return {...action};
}
