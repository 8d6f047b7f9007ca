/**
 * The UI's view of the event stream: a pure reducer from WizardEvents to what each step shows
 * (live phase, last result, plan, live check lines), plus warnings and the doctor's checks.
 */
import type {WizardEvent} from '../core/events.js';
import type {CheckResult, Plan, StepStatus} from '../core/types.js';

export type LineStatus = 'running' | 'ok' | 'warn' | 'fail' | 'skipped' | 'crash';

export interface LiveLine {
	key: string;
	status: LineStatus;
	message: string;
}

export interface StepView {
	/** The step's title as its events name it (for step-shaped actions outside the six, e.g. undo). */
	title?: string;
	/** Set while the step runs. */
	phase: 'check' | 'apply' | 'verify' | null;
	result: CheckResult | null;
	applied: boolean;
	plan: Plan | null;
	lines: LiveLine[];
}

/** One doctor check on its layer's pane: running (maybe slow) → ok / warn / fail / skipped / crash. */
export interface DoctorLine {
	key: string;
	layer: string;
	title: string;
	status: LineStatus;
	/** The short detail of the result ('' while running). */
	detail: string;
	/** Still running after the slow threshold (check:slow). */
	slow: boolean;
	slowAfterMs: number;
	durationMs: number;
}

export interface Diagnosis {
	cause: string | null;
	layer: string | null;
	message: string;
	fix: string | null;
	evidence: {check: string; saw: string}[];
}

export interface UiState {
	steps: Record<string, StepView>;
	/** The step of the latest step:start. */
	active: string | null;
	warnings: string[];
	/** The doctor's checks (check:* events), in the order they started; a re-check updates them in place. */
	doctorChecks: DoctorLine[];
	/** Doctor-level progress lines (step:progress for step `doctor`, e.g. the perf line). */
	doctorLines: LiveLine[];
	diagnosis: Diagnosis | null;
}

/** The status pane keeps only the last few lines (the subprocess-output pattern). */
export const MAX_LINES = 8;
export const MAX_DOCTOR_LINES = 6;
const MAX_WARNINGS = 4;

export const EMPTY_STEP: StepView = {phase: null, result: null, applied: false, plan: null, lines: []};

export function initialUiState(): UiState {
	return {steps: {}, active: null, warnings: [], doctorChecks: [], doctorLines: [], diagnosis: null};
}

/** Replace the line with the same key in place (a check going from running to ok), else append. */
export function upsertLine(lines: LiveLine[], line: LiveLine, max: number): LiveLine[] {
	const index = lines.findIndex((l) => l.key === line.key);
	const next = index >= 0 ? lines.map((l, i) => (i === index ? line : l)) : [...lines, line];
	return next.slice(-max);
}

function upsertCheck(lines: DoctorLine[], line: DoctorLine): DoctorLine[] {
	const index = lines.findIndex((l) => l.key === line.key);
	return index >= 0 ? lines.map((l, i) => (i === index ? line : l)) : [...lines, line];
}

function step(state: UiState, id: string): StepView {
	return state.steps[id] ?? EMPTY_STEP;
}

function withStep(state: UiState, id: string, patch: Partial<StepView>): UiState {
	return {...state, steps: {...state.steps, [id]: {...step(state, id), ...patch}}};
}

export function reduceEvent(state: UiState, event: WizardEvent): UiState {
	switch (event.type) {
		case 'step:start':
			if (event.phase === 'check') return {...withStep(state, event.step, {title: event.title, phase: 'check', result: null, plan: null, applied: false, lines: []}), active: event.step};
			return {...withStep(state, event.step, {title: event.title, phase: event.phase}), active: event.step};
		case 'step:progress': {
			const line: LiveLine = {key: event.check ?? `message:${event.message}`, status: event.status ?? 'running', message: event.message};
			if (event.step === 'doctor') return {...state, doctorLines: upsertLine(state.doctorLines, line, MAX_DOCTOR_LINES)};
			return withStep(state, event.step, {lines: upsertLine(step(state, event.step).lines, line, MAX_LINES)});
		}
		case 'step:plan':
			return withStep(state, event.step, {plan: event.plan});
		case 'step:result':
			return withStep(state, event.step, {title: event.title, phase: null, result: event.result, applied: event.applied});
		case 'warning':
			return {...state, warnings: [...state.warnings, event.message].slice(-MAX_WARNINGS)};
		case 'check:start':
			return {...state, doctorChecks: upsertCheck(state.doctorChecks, {key: event.check, layer: event.layer, title: event.title, status: 'running', detail: '', slow: false, slowAfterMs: 0, durationMs: 0})};
		case 'check:slow': {
			const old = state.doctorChecks.find((l) => l.key === event.check);
			if (!old || old.status !== 'running') return state;
			return {...state, doctorChecks: upsertCheck(state.doctorChecks, {...old, slow: true, slowAfterMs: event.afterMs})};
		}
		case 'check:result':
			return {
				...state,
				doctorChecks: upsertCheck(state.doctorChecks, {key: event.check, layer: event.layer, title: event.title, status: event.status, detail: event.detail, slow: false, slowAfterMs: 0, durationMs: event.durationMs}),
			};
		case 'diagnosis':
			return {...state, diagnosis: {cause: event.cause, layer: event.layer, message: event.message, fix: event.fix, evidence: event.evidence}};
	}
}

/** What the step list shows for a step. */
export function stepStatus(view: StepView | undefined): StepStatus | 'running' | 'pending' {
	if (!view) return 'pending';
	if (view.phase) return 'running';
	return view.result?.status ?? 'pending';
}
