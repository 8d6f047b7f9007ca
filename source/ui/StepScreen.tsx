/** Main pane: the selected step's screen (state, last result, Fix: text and commands, the plan). */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Command} from '../cli/args.js';
import type {Role, Step} from '../core/types.js';
import {MARK, renderAction, shellQuote} from '../views/format.js';
import type {StepView} from './state.js';
import {statusColor} from './theme.js';
import {linesRows, pageStarts, wrapIndex, wrappedRows} from './layout.js';

/** Detail lines shown before "enter: show all" when a result is long (only where enter expands). */
export const COLLAPSED_DETAILS = 4;
/** Plan lines shown while browsing (not confirming) when the terminal's height is unknown. */
export const COLLAPSED_PLAN_LINES = 14;
/** A page of the plan never gets fewer rows than this, however small the terminal. */
export const MIN_PLAN_ROWS = 3;

export const NOT_AVAILABLE = 'This step is not available in this version yet: the wizard does not check or change anything for it. Follow the guide by hand for now.';

const PHASE_LABEL = {check: 'Checking…', apply: 'Applying the plan…', verify: 'Verifying the change…'} as const;
const CANCELLED_WHILE = {check: 'checking', apply: 'applying', verify: 'verifying'} as const;

export interface StepScreenProps {
	step: Step;
	view: StepView;
	role: Role | undefined;
	command: Command;
	/** enter was pressed: every detail and plan line, uncapped. */
	expanded: boolean;
	/** The flow is waiting for a confirmation of this step's plan. */
	confirming: boolean;
	/** False on the final frame: a step still running was cancelled. */
	live: boolean;
	/** enter toggles `expanded` now (no question, no failure waiting, not the end screen): long details are collapsed behind it. */
	enterExpands?: boolean;
	/** Columns inside the pane (for the row estimate); unknown: no cap. */
	width?: number;
	/** Rows this screen may take (the terminal's height minus everything around it); unknown: no cap. */
	maxRows?: number;
	/** Which page of a capped plan (space / PgDn next, PgUp back; wraps around). */
	planPage?: number;
	/** The run was cancelled while a question of this step waited for an answer. */
	cancelledWaiting?: boolean;
}

/** The line under a page of the plan: where it is, and the keys that page (enter only where it expands). */
function moreLine(start: number, end: number, total: number, enterExpands: boolean): string {
	if (start === 0) return `… ${total - end} more line(s) · space: more${enterExpands ? ' · enter: all' : ''}`;
	return `… lines ${start + 1}–${end} of ${total} · space: ${end < total ? 'more' : 'top'} · PgUp: back`;
}

/** Rows to keep for that line (its longest form; it is indented by two). */
function moreRows(width: number, enterExpands: boolean): number {
	return Math.max(wrappedRows(`  ${moreLine(0, 1, 1000, enterExpands)}`, width), wrappedRows(`  ${moreLine(998, 999, 1000, enterExpands)}`, width));
}

function resultLines(view: StepView): {summary: string; fix: string | null; commands: string[]; links: string[]} | null {
	const r = view.result;
	if (!r) return null;
	const remediation = r.status !== 'ok' ? r.remediation : undefined;
	return {
		summary: `${MARK[r.status]} ${r.summary}${view.applied ? ' (changes applied, then checked again)' : ''}`,
		fix: remediation?.text ? `Fix: ${remediation.text}` : null,
		commands: (remediation?.commands ?? []).map((c) => `$ ${shellQuote(c)}`),
		links: remediation?.links ?? [],
	};
}

export function StepScreen({step, view, role, command, expanded, confirming, live, enterExpands = false, width, maxRows, planPage = 0, cancelledWaiting = false}: StepScreenProps) {
	const title = step.number ? `Step ${step.number} · ${step.title}` : step.title;
	const header = <Text bold>{title}</Text>;
	if (!step.available) {
		return (
			<Box flexDirection="column">
				{header}
				<Text color="gray">
					{MARK.skipped} {NOT_AVAILABLE}
				</Text>
			</Box>
		);
	}
	if (role && !step.roles.includes(role)) {
		return (
			<Box flexDirection="column">
				{header}
				<Text dimColor>This step runs on the other machine ({step.roles.join(' or ')}); this one is the {role}.</Text>
			</Box>
		);
	}

	const r = view.result;
	const shown = resultLines(view);
	const collapseDetails = enterExpands && !expanded;
	const details = r ? (collapseDetails ? r.details.slice(0, COLLAPSED_DETAILS) : r.details) : [];
	const hiddenDetails = r ? r.details.length - details.length : 0;

	// The line under the title: running, cancelled (in which phase), or not run yet.
	let state: string | null = null;
	if (!live && cancelledWaiting) state = `${MARK.skipped} Cancelled while waiting for your answer: this step did not ${view.phase ? 'finish' : 'run'}.`;
	else if (view.phase && !live) state = `${MARK.skipped} Cancelled while ${CANCELLED_WHILE[view.phase]}: this step did not finish.`;
	else if (!view.phase && !r) state = command === 'test' && step.id !== 'connection-test' ? 'The test command runs only the connection test.' : 'Not run yet.';
	// While the plan waits for a yes/no the check is over: no "Checking…" spinner then.
	const spinner = Boolean(view.phase && live && !confirming);

	const planLines = view.plan && !view.applied ? view.plan.actions.flatMap((a) => renderAction(a).split('\n')) : [];
	const notes = planLines.length ? (view.plan?.notes ?? []) : [];

	// Which plan lines fit: everything when expanded; else pages of the rows left over.
	let window = {start: 0, end: planLines.length, more: null as string | null};
	if (planLines.length && !expanded) {
		const w = width ?? 80;
		const pages = (() => {
			if (maxRows === undefined) {
				if (confirming) return [0];
				const starts: number[] = [];
				for (let i = 0; i < planLines.length; i += COLLAPSED_PLAN_LINES) starts.push(i);
				return starts;
			}
			let fixed = wrappedRows(title, w) + (spinner || state ? 1 : 0);
			if (shown) {
				fixed += wrappedRows(shown.summary, w) + linesRows(details, w - 4) + (hiddenDetails > 0 ? 1 : 0);
				fixed += (shown.fix ? wrappedRows(shown.fix, w) : 0) + linesRows(shown.commands, w - 2) + linesRows(shown.links, w - 2);
			}
			fixed += 2 + linesRows(notes, w); // the margin and "Plan:", the notes
			const rows = maxRows - fixed;
			if (linesRows(planLines, w) <= rows) return [0];
			return pageStarts(planLines, w, Math.max(MIN_PLAN_ROWS, rows - moreRows(w, enterExpands)));
		})();
		if (pages.length > 1) {
			const index = live ? wrapIndex(planPage, pages.length) : 0;
			const start = pages[index] ?? 0;
			const end = pages[index + 1] ?? planLines.length;
			const total = planLines.length;
			window = {start, end, more: live ? moreLine(start, end, total, enterExpands) : `… ${total - end} more line(s)`};
		}
	}
	const shownPlan = planLines.slice(window.start, window.end);

	return (
		<Box flexDirection="column">
			{header}
			{spinner && view.phase ? <Spinner label={PHASE_LABEL[view.phase]} /> : null}
			{state ? <Text color={live ? undefined : 'gray'} dimColor={live}>{state}</Text> : null}
			{r && shown ? (
				<Box flexDirection="column">
					<Text color={statusColor(r.status)}>{shown.summary}</Text>
					{details.map((d, i) => (
						<Box key={i} marginLeft={4}>
							<Text>{d}</Text>
						</Box>
					))}
					{hiddenDetails > 0 ? <Text dimColor>  … {hiddenDetails} more line(s): press enter to show all</Text> : null}
					{shown.fix ? <Text color="yellow">{shown.fix}</Text> : null}
					{shown.commands.map((c, i) => (
						<Box key={`c${i}`} marginLeft={2}>
							<Text>{c}</Text>
						</Box>
					))}
					{shown.links.map((l) => (
						<Box key={l} marginLeft={2}>
							<Text dimColor>{l}</Text>
						</Box>
					))}
				</Box>
			) : null}
			{planLines.length ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Plan{confirming ? ' (not applied yet)' : ''}:</Text>
					{shownPlan.map((l, i) => (
						<Text key={window.start + i}>{l}</Text>
					))}
					{window.more ? <Text dimColor>  {window.more}</Text> : null}
					{notes.map((n, i) => (
						<Text key={`n${i}`} dimColor>
							{n}
						</Text>
					))}
				</Box>
			) : null}
		</Box>
	);
}
