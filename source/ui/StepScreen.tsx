/**
 * Main pane: the selected step's screen (state, last result, Fix: text and commands, the plan).
 * When the terminal's height is known the screen never takes more than the rows it is given: the
 * title stays, the rest is paged (space / PgDn next, PgUp back). A plan waiting for a yes/no is
 * paged *before* the question: the question appears on the last page, under the list of the
 * changes it asks about, so "shown above" is always true.
 */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Command} from '../cli/args.js';
import type {PlannedAction, Role, Step} from '../core/types.js';
import {MARK, renderAction, shellQuote} from '../views/format.js';
import type {StepView} from './state.js';
import {statusColor} from './theme.js';
import {pageStartsByHeight, plural, wrapIndex, wrappedRows} from './layout.js';

/** Detail lines shown before "enter: show all" when a result is long (only where enter expands). */
export const COLLAPSED_DETAILS = 4;

export const NOT_AVAILABLE = 'This step is not available in this version yet: the wizard does not check or change anything for it. Follow the guide by hand for now.';

const PHASE_LABEL = {check: 'Checking…', apply: 'Applying the plan…', verify: 'Verifying the change…'} as const;
const CANCELLED_WHILE = {check: 'checking', apply: 'applying', verify: 'verifying'} as const;

export interface StepScreenProps {
	step: Step;
	view: StepView;
	role: Role | undefined;
	command: Command;
	/** enter was pressed: every detail line (the screen still pages when the terminal is short). */
	expanded: boolean;
	/** The flow is waiting for a confirmation of this step's plan. */
	confirming: boolean;
	/** False on the final frame: a step still running was cancelled. */
	live: boolean;
	/** enter toggles `expanded` now (no question, no failure waiting, not the end screen): long details are collapsed behind it. */
	enterExpands?: boolean;
	/** Columns inside the pane. */
	width?: number;
	/** Rows this screen may take (the terminal's height minus everything around it); unknown: no cap. */
	maxRows?: number;
	/** Which page (space / PgDn next, PgUp back; wraps around, except before a confirmation). */
	planPage?: number;
	/** The run was cancelled while a question of this step waited for an answer. */
	cancelledWaiting?: boolean;
}

/** One row-group of the screen's body. */
interface BodyLine {
	key: string;
	text: string;
	indent: number;
	color?: string | undefined;
	bold?: boolean;
	dim?: boolean;
	/** Drawn as a spinner with `text` as its label. */
	spinner?: boolean;
	/** Never wrapped (a long path is cut in the middle): exactly one row. */
	oneRow?: boolean;
}

export interface StepScreenLayout {
	title: string;
	lines: BodyLine[];
	/** The body lines shown now. */
	start: number;
	end: number;
	/** The line under a page (where it is, the keys that page), or null when everything fits. */
	more: string | null;
	pageCount: number;
	pageIndex: number;
	/** A confirmation waits, and the plan has pages the user has not paged to yet: the question is held back. */
	holdQuestion: boolean;
	/** This page is the list of changes the question asks about (the last page before a confirmation). */
	changesPage: BodyLine[] | null;
	/** Rows the screen takes as laid out (the title included). */
	rows: number;
}

function resultLines(view: StepView): BodyLine[] {
	const r = view.result;
	if (!r) return [];
	const out: BodyLine[] = [{key: 'summary', text: `${MARK[r.status]} ${r.summary}${view.applied ? ' (changes applied, then checked again)' : ''}`, indent: 0, color: statusColor(r.status)}];
	return out;
}

/** The first line of an action as the plan shows it ("create /path (mode 600)", "$ command"). */
function actionHead(action: PlannedAction): string {
	return (renderAction(action).split('\n')[0] ?? '').trim();
}

/** Everything the screen shows under its title, as lines, and its layout for the rows given. */
export function stepScreenLayout(props: StepScreenProps): StepScreenLayout {
	const layout = layoutLines(props);
	const width = props.width ?? 80;
	const rowsOf = (l: BodyLine) => (l.oneRow ? 1 : wrappedRows(l.text, width - l.indent));
	const shown = layout.changesPage ?? layout.lines.slice(layout.start, layout.end);
	const rows = wrappedRows(layout.title, width) + shown.reduce((sum, l) => sum + rowsOf(l), 0) + (layout.more ? 1 : 0);
	return {...layout, rows};
}

function layoutLines(props: StepScreenProps): Omit<StepScreenLayout, 'rows'> {
	const {step, view, role, command, expanded, confirming, live, enterExpands = false, width = 80, maxRows, planPage = 0, cancelledWaiting = false} = props;
	const title = step.number ? `Step ${step.number} · ${step.title}` : step.title;
	const lines: BodyLine[] = [];
	const none = {title, lines, start: 0, end: 0, more: null, pageCount: 1, pageIndex: 0, holdQuestion: false, changesPage: null};
	if (!step.available) {
		lines.push({key: 'na', text: `${MARK.skipped} ${NOT_AVAILABLE}`, indent: 0, color: 'gray'});
		return {...none, end: lines.length};
	}
	if (role && !step.roles.includes(role)) {
		lines.push({key: 'elsewhere', text: `This step runs on the other machine (${step.roles.join(' or ')}); this one is the ${role}.`, indent: 0, dim: true});
		return {...none, end: lines.length};
	}

	const r = view.result;
	// The line under the title: running, cancelled (in which phase), or not run yet.
	let state: string | null = null;
	if (!live && cancelledWaiting) state = `${MARK.skipped} Cancelled while waiting for your answer: this step did not ${view.phase ? 'finish' : 'run'}.`;
	else if (view.phase && !live) state = `${MARK.skipped} Cancelled while ${CANCELLED_WHILE[view.phase]}: this step did not finish.`;
	else if (!view.phase && !r) state = command === 'test' && step.id !== 'connection-test' ? 'The test command runs only the connection test.' : 'Not run yet.';
	// While the plan waits for a yes/no the check is over: no "Checking…" spinner then.
	if (view.phase && live && !confirming) lines.push({key: 'spinner', text: PHASE_LABEL[view.phase], indent: 0, spinner: true});
	if (state) lines.push({key: 'state', text: state, indent: 0, ...(live ? {dim: true} : {color: 'gray'})});

	if (r) {
		lines.push(...resultLines(view));
		const collapse = enterExpands && !expanded;
		const details = collapse ? r.details.slice(0, COLLAPSED_DETAILS) : r.details;
		details.forEach((d, i) => lines.push({key: `d${i}`, text: d, indent: 4}));
		const hidden = r.details.length - details.length;
		if (hidden > 0) lines.push({key: 'hidden', text: `  … ${plural(hidden, 'more line')}: press enter to show all`, indent: 0, dim: true});
		const remediation = r.status !== 'ok' ? r.remediation : undefined;
		if (remediation?.text) lines.push({key: 'fix', text: `Fix: ${remediation.text}`, indent: 0, color: 'yellow'});
		(remediation?.commands ?? []).forEach((c, i) => lines.push({key: `c${i}`, text: `$ ${shellQuote(c)}`, indent: 2}));
		(remediation?.links ?? []).forEach((l, i) => lines.push({key: `l${i}`, text: l, indent: 2, dim: true}));
	}

	const actions = view.plan && !view.applied ? view.plan.actions : [];
	const planLines = actions.flatMap((a) => renderAction(a).split('\n'));
	if (planLines.length) {
		lines.push({key: 'gap', text: ' ', indent: 0});
		lines.push({key: 'plan', text: `Plan${confirming ? ' (not applied yet)' : ''}:`, indent: 0, bold: true});
		planLines.forEach((l, i) => lines.push({key: `p${i}`, text: l, indent: 0}));
		(view.plan?.notes ?? []).forEach((n, i) => lines.push({key: `n${i}`, text: n, indent: 0, dim: true}));
	}

	if (maxRows === undefined) return {...none, end: lines.length};
	const titleRows = wrappedRows(title, width);
	const rows = Math.max(1, maxRows - titleRows);
	const heights = lines.map((l) => (l.oneRow ? 1 : wrappedRows(l.text, width - l.indent)));
	const total = heights.reduce((a, b) => a + b, 0);
	if (total <= rows) return {...none, end: lines.length};

	// Pages of the body, one row kept for the line that says where the page is.
	const starts = pageStartsByHeight(heights, Math.max(1, rows - 1));
	const count = lines.length;
	if (confirming && live && actions.length) {
		// The question waits until the plan has been paged through; its page lists the changes.
		const pageCount = starts.length + 1;
		const pageIndex = Math.min(Math.max(0, planPage), pageCount - 1);
		if (pageIndex === pageCount - 1) {
			const room = Math.max(1, rows - 1);
			const heads = actions.map((a, i): BodyLine => ({key: `h${i}`, text: `  ${actionHead(a)}`, indent: 0, oneRow: true}));
			const shown = heads.length <= room ? heads : [...heads.slice(0, room - 1), {key: 'h-more', text: `  … and ${plural(heads.length - room + 1, 'more change')} (PgUp: back to the plan)`, indent: 0, dim: true, oneRow: true}];
			const changesPage: BodyLine[] = [{key: 'changes', text: `Plan (not applied yet): ${plural(actions.length, 'change')} · PgUp: see it again`, indent: 0, bold: true, oneRow: true}, ...shown];
			return {title, lines, start: 0, end: 0, more: null, pageCount, pageIndex, holdQuestion: false, changesPage};
		}
		const start = starts[pageIndex] ?? 0;
		const end = starts[pageIndex + 1] ?? count;
		const more = `… page ${pageIndex + 1} of ${pageCount} · space: next${pageIndex ? ' · PgUp: back' : ''} · then the question`;
		return {title, lines, start, end, more, pageCount, pageIndex, holdQuestion: true, changesPage: null};
	}
	const pageIndex = live ? wrapIndex(planPage, starts.length) : 0;
	const start = starts[pageIndex] ?? 0;
	const end = starts[pageIndex + 1] ?? count;
	let more: string;
	if (!live) more = `… ${plural(count - end, 'more line')}`;
	else if (start === 0) more = `… ${plural(count - end, 'more line')} · space: more`;
	else more = `… lines ${start + 1}–${end} of ${count} · space: ${end < count ? 'more' : 'top'} · PgUp: back`;
	return {title, lines, start, end, more, pageCount: starts.length, pageIndex, holdQuestion: false, changesPage: null};
}

function Line({line}: {line: BodyLine}) {
	if (line.spinner) return <Spinner label={line.text} />;
	const text = (
		<Text color={line.color} bold={line.bold} dimColor={line.dim} wrap={line.oneRow ? 'truncate-middle' : 'wrap'}>
			{line.text}
		</Text>
	);
	return line.indent ? <Box marginLeft={line.indent}>{text}</Box> : text;
}

export function StepScreen(props: StepScreenProps) {
	const layout = stepScreenLayout(props);
	const shown = layout.changesPage ?? layout.lines.slice(layout.start, layout.end);
	return (
		<Box flexDirection="column" flexShrink={0}>
			<Text bold>{layout.title}</Text>
			{shown.map((line) => (
				<Line key={line.key} line={line} />
			))}
			{layout.more ? (
				<Text dimColor wrap="truncate-end">
					{'  '}
					{layout.more}
				</Text>
			) : null}
		</Box>
	);
}
