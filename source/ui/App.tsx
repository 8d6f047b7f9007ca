/**
 * The Ink UI shell, a view over the session's EventBus: the six steps (left), the selected step's
 * screen and the pending question (main), the live checks (status pane), notices, the summary and
 * the keys. This root is the only place that calls exit(); the exit code is its value.
 */
import {useEffect, useMemo, useRef, useState, type ReactNode} from 'react';
import {Box, Text, measureElement, useApp, useInput, useStdin, useStdout, type DOMElement} from 'ink';
import {CancelledError, EXIT} from '../core/exit-codes.js';
import type {Session} from '../app/session.js';
import type {Driver, DoctorView} from './driver.js';
import type {Command} from '../cli/args.js';
import type {Role, Step} from '../core/types.js';
import type {InkAsker} from './ink-asker.js';
import {useStore, useWizardEvents} from './hooks.js';
import {EMPTY_STEP, type UiState} from './state.js';
import {StepList} from './StepList.js';
import {StepScreen} from './StepScreen.js';
import {StatusPane} from './StatusPane.js';
import {Prompt} from './Prompt.js';
import {Footer, footerKeys, type FooterMode} from './Footer.js';
import {linesRows, promptRows, wrappedRows} from './layout.js';
import {MARK} from '../views/format.js';
import {Notices} from './Notices.js';
import {runSummary} from './summary.js';
import {DiagnosisBlock, DoctorPanes, FixResult, PerfPane} from './DoctorScreen.js';

export interface AppProps {
	session: Session;
	driver: Driver;
	asker: InkAsker;
	/** The app-wide controller: aborting it kills running child processes (execa cancelSignal). */
	controller: AbortController;
	/** How long the finished screen stays before the app exits by itself (any key exits sooner). */
	exitDelayMs?: number;
	/** Called once with the exit code and the final frame's height, just before exit(). */
	onExit?: (code: number, info: ExitInfo) => void;
}

export interface ExitInfo {
	/** Rows of the final frame: Ink ends a frame as tall as the terminal without a newline. */
	height: number;
}

export const DEFAULT_EXIT_DELAY_MS = 800;

function failing(session: Session, stepId: Step['id']): boolean {
	const status = session.outcomes.get(stepId)?.result.status;
	return status === 'fail' || status === 'crash';
}

function initialIndex(session: Session, driver: Driver): number {
	if (driver.command === 'test') return Math.max(0, session.steps.findIndex((s) => s.id === 'connection-test'));
	const first = session.stepsForRole()[0];
	return Math.max(0, first ? session.steps.indexOf(first) : 0);
}

export function App({session, driver, asker, controller, exitDelayMs = DEFAULT_EXIT_DELAY_MS, onExit}: AppProps) {
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const inputActive = Boolean(isRawModeSupported);
	const {stdout} = useStdout();
	// Re-render on a terminal resize: the layout (the plan's cap) depends on the size.
	const [, setResizes] = useState(0);
	useEffect(() => {
		const onResize = () => setResizes((n) => n + 1);
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	const ui = useWizardEvents(session.bus, controller.signal);
	const pending = useStore(asker);
	const drv = useStore(driver);
	// Step-shaped actions outside the six (undo's "Undo the last run") get a screen of their own too.
	const extraIds = Object.keys(ui.steps)
		.filter((id) => !session.steps.some((s) => s.id === id))
		.join('\n');
	const steps = useMemo(() => (extraIds ? [...session.steps, ...extraIds.split('\n').map((id) => outsideStep(id, ui.steps[id]?.title))] : session.steps), [session.steps, extraIds]);

	const [selected, setSelected] = useState(() => initialIndex(session, driver));
	const [expanded, setExpanded] = useState(false);
	/** The user pressed a navigation key after the end: no automatic exit. */
	const [stay, setStay] = useState(false);
	const [hint, setHint] = useState<string | null>(null);
	const [exitCode, setExitCode] = useState<number | null>(null);
	/** Which page of a plan taller than the screen (space / PgDn, PgUp). */
	const [planPage, setPlanPage] = useState(0);
	/** q at a failed step: the setup stops there and the app exits once the flow has returned. */
	const [quitting, setQuitting] = useState(false);
	const root = useRef<DOMElement>(null);

	const activeId = drv.current ?? ui.active;
	const finished = drv.phase === 'done' || drv.phase === 'failed' || drv.phase === 'cancelled';
	const idle = finished && !drv.busy && !pending;
	const doctor = driver.command === 'doctor';
	const doctorView = drv.doctor;
	const fixStep = doctorView?.report?.diagnosis.fixStep ? steps.find((s) => s.id === doctorView.report?.diagnosis.fixStep) : undefined;
	/** The doctor found something the wizard can fix itself: `f` is offered and the screen waits for it. */
	const fixHere = Boolean(fixStep?.available && (!session.role || fixStep.roles.includes(session.role)));
	const fixOffered = doctor && inputActive && doctorView?.stage === 'done' && drv.phase === 'done' && fixHere && !session.ctx.signal.aborted;
	/** The fix is a step of the other machine: say where to run it instead of offering `f`. */
	const fixElsewhere = fixStep && session.role && !fixStep.roles.includes(session.role) ? `The fix is step ${fixStep.number} (${fixStep.title}) on ${fixStep.roles[0] === 'server' ? 'the Ollama host' : 'the AIlice side'}: run \`ollama-tunnel-wizard doctor --role ${fixStep.roles[0]} --fix\` there.` : null;
	/** The setup waits at a failed step: r retry, enter continue, q stop here. */
	const failure = drv.failure && !pending && exitCode === null ? drv.failure : null;
	/** A step failed and the run is over: no automatic exit, so `r` can still rerun it (q/enter exit). */
	const stepsCommand = driver.command === 'setup' || driver.command === 'test' || driver.command === 'repair';
	const holding = idle && inputActive && stepsCommand && drv.phase === 'done' && driver.mode !== 'dry-run' && !session.ctx.dryRun && !quitting && exitCode === null && session.failed();

	useEffect(() => {
		void driver.start();
	}, [driver]);

	// Follow the flow: the step being asked about or run becomes the selected one.
	useEffect(() => {
		const index = steps.findIndex((s) => s.id === activeId);
		if (index >= 0) {
			setSelected(index);
			setExpanded(false);
		}
	}, [activeId, steps]);

	// The run ended with a failure and waits: show the (first) failed step.
	useEffect(() => {
		if (!holding) return;
		setSelected((i) => {
			const current = steps[i];
			if (current && failing(session, current.id)) return i;
			const first = steps.findIndex((s) => failing(session, s.id));
			return first >= 0 ? first : i;
		});
	}, [holding, steps, session]);

	// Another step or another plan: its first page.
	const selectedPlan = ui.steps[steps[selected]?.id ?? '']?.plan;
	useEffect(() => setPlanPage(0), [selected, selectedPlan]);

	// q at a failed step: exit once the setup has stopped, with its real code (1 while the failure stays).
	useEffect(() => {
		if (quitting && finished && !drv.busy && exitCode === null) setExitCode(driver.exitCode());
	}, [quitting, finished, drv.busy, exitCode, driver]);

	// Cancelled from outside (SIGTERM/SIGINT handler in the entry point).
	useEffect(() => {
		const onAbort = () => setExitCode((c) => c ?? EXIT.cancelled);
		if (controller.signal.aborted) onAbort();
		controller.signal.addEventListener('abort', onAbort);
		return () => controller.signal.removeEventListener('abort', onAbort);
	}, [controller]);

	// The run finished: leave the final screen a short moment, then exit.
	useEffect(() => {
		if (!idle || stay || exitCode !== null || fixOffered || holding || quitting) return;
		if (drv.phase === 'cancelled') {
			setExitCode(EXIT.cancelled);
			return;
		}
		const timer = setTimeout(() => setExitCode(driver.exitCode()), exitDelayMs);
		return () => clearTimeout(timer);
	}, [idle, stay, exitCode, drv.phase, driver, exitDelayMs, fixOffered, holding, quitting]);

	// The only exit(): after the final frame (with the summary, without keys) has been committed
	// (and laid out: its height tells the caller whether Ink ended it with a newline).
	useEffect(() => {
		if (exitCode === null) return;
		onExit?.(exitCode, {height: root.current ? measureElement(root.current).height : 0});
		exit(exitCode);
	}, [exitCode, exit, onExit]);

	const quit = () => {
		if (exitCode !== null) return;
		if (finished && !drv.busy) {
			setExitCode(driver.exitCode());
			return;
		}
		// Aborting kills running children and rejects the waiting question.
		controller.abort(new CancelledError('You quit.'));
		setExitCode(EXIT.cancelled);
	};

	const skip = () => {
		if (!pending) {
			setHint('Nothing is waiting for an answer: s skips the step that is waiting for a question or confirmation.');
			return;
		}
		if (asker.skip(pending.id)) setHint(null);
		else setHint('This question is not part of a step and cannot be skipped (q quits).');
	};

	const retry = () => {
		const step = steps[selected];
		if (!step) return;
		const refused = driver.cannotRetry(step.id);
		setHint(refused);
		if (!refused) void driver.retry(step.id).then((message) => message && setHint(message));
	};

	const fix = () => {
		const refused = driver.cannotFix();
		setHint(refused);
		if (!refused) {
			setStay(true);
			void driver.fixDoctor().then((message) => message && setHint(message));
		}
	};

	const recheck = () => {
		setStay(true);
		void driver.recheckDoctor().then((message) => message && setHint(message));
	};

	/** q at a failed step: stop the setup there (no cancel: the exit code is the outcome's). */
	const stopHere = () => {
		if (driver.answerFailure('quit')) setQuitting(true);
	};

	const move = (delta: number) => {
		setSelected((i) => Math.min(steps.length - 1, Math.max(0, i + delta)));
		setExpanded(false);
	};

	useInput(
		(input, key) => {
			if (exitCode !== null) return;
			setHint(null);
			if (key.ctrl && input === 'c') {
				quit();
				return;
			}
			if (doctor && !pending) {
				// The doctor's keys: f fix, r check again, q quit; any other key ends a finished run.
				if (input === 'f') fix();
				else if (input === 'r') recheck();
				else if (input === 'q') quit();
				else if (idle && !stay && !fixOffered) setExitCode(driver.exitCode());
				return;
			}
			const textFocus = pending?.kind === 'text';
			const selectFocus = pending?.kind === 'select';
			// A plan taller than the screen pages (a yes/no keeps its keys: y, n, enter).
			if (!textFocus && !selectFocus && (input === ' ' || key.pageDown || key.pageUp)) {
				if (idle) setStay(true);
				setPlanPage((p) => p + (key.pageUp ? -1 : 1));
				return;
			}
			if (failure) {
				if (key.upArrow || key.downArrow) move(key.upArrow ? -1 : 1);
				else if (input === 'r') driver.answerFailure('retry');
				else if (key.return || input === 'c') driver.answerFailure('continue');
				else if (input === 'q') stopHere();
				else setHint('The setup waits at the failed step: r retries it, enter continues with the next step, q stops here.');
				return;
			}
			if (holding) {
				if (key.upArrow || key.downArrow) move(key.upArrow ? -1 : 1);
				else if (input === 'q' || key.return) setExitCode(driver.exitCode());
				else if (input === 'r') {
					setStay(true);
					retry();
				} else setHint('q or enter exits; r reruns the selected step.');
				return;
			}
			if (idle && !stay) {
				// "Exits after a short moment, or on any key"; navigation keys keep the screen instead.
				if (key.upArrow || key.downArrow || key.return || input === 'r') setStay(true);
				else {
					setExitCode(driver.exitCode());
					return;
				}
			}
			if ((key.upArrow || key.downArrow) && !selectFocus) {
				move(key.upArrow ? -1 : 1);
				return;
			}
			// Letters belong to the text field while it has focus (Ctrl-C above always works).
			if (textFocus) {
				if (key.escape) skip();
				return;
			}
			if (key.return) {
				if (!pending) setExpanded((e) => !e);
				return;
			}
			if (input === 'q') quit();
			else if (input === 'r') retry();
			else if (input === 's') skip();
		},
		{isActive: inputActive},
	);

	const columns = stdout.columns || 80;
	const leftWidth = Math.max(30, Math.min(48, Math.floor(columns * 0.42)));
	const step = steps[selected];
	const view = (step && ui.steps[step.id]) || EMPTY_STEP;
	// The status pane follows the step that is being worked on; the selection only changes the screen.
	const liveStep = steps.find((s) => s.id === activeId) ?? step;
	const liveView = (liveStep && ui.steps[liveStep.id]) || EMPTY_STEP;
	const live = exitCode === null;
	const summary = finished || exitCode !== null ? runSummary(driver.command, session, drv, exitCode ?? driver.exitCode()) : null;
	const questionStep = pending?.stepId ? steps.find((s) => s.id === pending.stepId) : undefined;
	const cancelledQuestion = live ? null : asker.cancelledQuestion;
	const cancelledWaiting = Boolean(step && cancelledQuestion && (cancelledQuestion.stepId === step.id || (cancelledQuestion.stepId === null && step.id === activeId)));
	const failedStep = failure ? steps.find((s) => s.id === failure.stepId) : undefined;
	const failureText = failedStep ? failurePrompt(session, failedStep) : null;
	/** enter toggles "show all" now (it answers a question, continues, or exits otherwise). */
	const enterExpands = !doctor && !pending && !failure && !holding && live;
	const footerMode: FooterMode = pending ? pending.kind : failure ? 'failure' : holding ? 'hold' : finished ? 'done' : 'keys';
	const footerText = footerKeys(footerMode, doctor && !pending ? doctorKeys(fixOffered, doctorView?.stage === 'done' && !drv.busy) : undefined);

	// The rows the step screen may take: the terminal's height minus everything around it (unknown
	// height, as under ink-testing-library: no cap).
	const innerWidth = columns - leftWidth - 4;
	let maxRows: number | undefined;
	if (stdout.rows && !doctor) {
		const title = `ollama-tunnel-wizard ${driver.command}${session.role ? ` · this machine: ${session.role}` : ''}${session.ctx.dryRun ? ' · dry run: nothing will be changed' : ''}`;
		const statusLines = liveView.lines.length ? liveView.lines.map((l) => `${MARK[l.status]} ${l.status === 'running' ? 'running: ' : ''}${l.message}`) : ['No live checks yet.'];
		let used = wrappedRows(title, columns) + 2; // the title; the borders of the step list and the step screen
		used += 3 + linesRows(statusLines, columns - 4); // the live checks: borders, title, lines
		used += linesRows(ui.warnings.map((w) => `${MARK.warn} ${w}`), columns);
		if (ui.diagnosis) used += 2 + ui.diagnosis.evidence.length + wrappedRows(ui.diagnosis.message, columns);
		if (summary) used += wrappedRows(summary.text, columns) + (summary.next ? wrappedRows(summary.next, columns) : 0);
		if (exitCode === null) used += (hint ? wrappedRows(hint, columns) : 0) + wrappedRows(footerText, columns);
		if (pending && exitCode === null) used += 1 + (questionStep && questionStep.id !== step?.id ? 1 : 0) + promptRows(pending, innerWidth);
		if (failureText) used += 1 + wrappedRows(failureText, innerWidth);
		// Ink redraws a frame as tall as the terminal with a full clear: stay a row short, and keep one spare.
		maxRows = stdout.rows - used - 2;
	}

	return (
		<Box ref={root} flexDirection="column">
			<Text>
				<Text bold>ollama-tunnel-wizard {driver.command}</Text>
				{session.role ? <Text dimColor> · this machine: {session.role}</Text> : null}
				{session.ctx.dryRun ? <Text color="yellow"> · dry run: nothing will be changed</Text> : null}
			</Text>
			{doctor ? (
				<DoctorLayout
					ui={ui}
					view={doctorView}
					steps={steps}
					role={session.role}
					live={live}
					fixKey={fixOffered && fixStep ? `press f: the wizard fixes it with step ${fixStep.number} (${fixStep.title}): plan, your confirmation, apply, then every check again` : doctorView?.stage === 'done' ? fixElsewhere : null}
					pending={pending && exitCode === null ? <Prompt pending={pending} asker={asker} inputActive={inputActive} /> : null}
					confirmingStep={pending?.kind === 'confirm' ? pending.stepId : null}
					command={driver.command}
				/>
			) : (
				<>
					<Box>
						<Box width={leftWidth} flexShrink={0} flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
							<StepList steps={steps} views={ui.steps} selected={selected} role={session.role} live={live} asking={pending ? (pending.stepId ?? activeId) : null} />
						</Box>
						<Box flexGrow={1} flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
							{step ? (
								<StepScreen
									step={step}
									view={view}
									role={session.role}
									command={driver.command}
									expanded={expanded && enterExpands}
									confirming={pending?.kind === 'confirm' && (pending.stepId === step.id || (pending.stepId === null && step.id === activeId))}
									live={live}
									enterExpands={enterExpands}
									width={innerWidth}
									maxRows={maxRows}
									planPage={planPage}
									cancelledWaiting={cancelledWaiting}
								/>
							) : null}
							{failureText ? (
								<Box marginTop={1}>
									<Text bold color="red">
										{failureText}
									</Text>
								</Box>
							) : null}
							{pending && exitCode === null ? (
								<Box flexDirection="column" marginTop={1}>
									{questionStep && questionStep.id !== step?.id ? <Text dimColor>Question for step {questionStep.number}:</Text> : null}
									<Prompt pending={pending} asker={asker} inputActive={inputActive} />
								</Box>
							) : null}
						</Box>
					</Box>
					<StatusPane
						title={liveStep ? `Live checks · ${liveStep.number ? `step ${liveStep.number}` : liveStep.title}` : 'Live checks'}
						lines={liveView.lines}
						live={live && liveView.phase !== null}
					/>
				</>
			)}
			<Notices warnings={ui.warnings} diagnosis={doctor ? null : ui.diagnosis} />
			{summary ? (
				<Box flexDirection="column">
					<Text bold color={summary.failed ? 'red' : 'green'}>
						{summary.text}
					</Text>
					{summary.next ? <Text>{summary.next}</Text> : null}
				</Box>
			) : null}
			{exitCode === null ? <Footer mode={footerMode} hint={hint} keys={footerText} /> : null}
		</Box>
	);
}

/** What the setup waits for at a failed step. */
function failurePrompt(session: Session, step: Step): string {
	const order = session.stepsForRole();
	const next = order[order.findIndex((s) => s.id === step.id) + 1];
	const what = session.outcomes.get(step.id)?.result.status === 'crash' ? 'crashed' : 'failed';
	return `Step ${step.number} ${what}. r: retry it · enter: ${next ? `continue with step ${next.number}` : 'finish the setup'} · q: stop here`;
}

function doctorKeys(fixOffered: boolean, done: boolean): string {
	if (fixOffered) return 'f fix it · r check again · q quit';
	return done ? 'r check again · q quit' : 'q quit';
}

interface DoctorLayoutProps {
	ui: UiState;
	view: DoctorView | null;
	steps: readonly Step[];
	role: Role | undefined;
	live: boolean;
	fixKey: string | null;
	pending: ReactNode;
	confirmingStep: string | null;
	command: Command;
}

/** doctor: the layer panes, the diagnosis, the perf pane, and the fix (its step screen, then before/after). */
function DoctorLayout({ui, view, steps, role, live, fixKey, pending, confirmingStep, command}: DoctorLayoutProps) {
	const report = view?.report ?? null;
	const stage = view?.stage ?? 'checking';
	const fixing = stage === 'fixing' || stage === 'rechecking';
	const fixStepId = fixing ? report?.diagnosis.fixStep : null;
	const fixStep = fixStepId ? steps.find((s) => s.id === fixStepId) : undefined;
	return (
		<Box flexDirection="column">
			<DoctorPanes checks={ui.doctorChecks} live={live} />
			{report && stage !== 'checking' ? (
				<DiagnosisBlock diagnosis={report.diagnosis} prefix={fixing ? 'Before the fix' : view?.fix && view.before ? 'After the fix' : 'Diagnosis'} fixKey={fixKey} />
			) : null}
			{report?.perf ? <PerfPane perf={report.perf} /> : null}
			{fixStep ? (
				<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
					<StepScreen step={fixStep} view={ui.steps[fixStep.id] ?? EMPTY_STEP} role={role} command={command} expanded={false} confirming={confirmingStep === fixStep.id} live={live} />
					{ui.steps[fixStep.id]?.lines.length ? <StatusPane title={`Live checks · step ${fixStep.number}`} lines={ui.steps[fixStep.id]?.lines ?? []} live={live && ui.steps[fixStep.id]?.phase != null} /> : null}
					{stage === 'rechecking' ? <Text dimColor>Running every check again to see whether it is fixed…</Text> : null}
				</Box>
			) : null}
			{view && stage === 'done' ? <FixResult view={view} /> : null}
			{pending}
		</Box>
	);
}

/** A step-shaped action that is not one of the six (e.g. undo): shown with its title and no number. */
function outsideStep(id: string, title: string | undefined): Step {
	const never = async (): Promise<never> => {
		throw new Error(`${id} is shown only`);
	};
	return {id: id as Step['id'], number: 0, title: title ?? id, roles: ['client', 'server'], dependsOn: [], available: true, check: never, plan: never, apply: never};
}
