/**
 * The Ink UI shell, a view over the session's EventBus: the six steps (left), the selected step's
 * screen and the pending question (main), the live checks (status pane), notices, the summary and
 * the keys. This root is the only place that calls exit(); the exit code is its value.
 */
import {useEffect, useMemo, useState, type ReactNode} from 'react';
import {Box, Text, useApp, useInput, useStdin, useStdout} from 'ink';
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
import {Footer} from './Footer.js';
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
	/** Called once with the exit code, just before exit(). */
	onExit?: (code: number) => void;
}

export const DEFAULT_EXIT_DELAY_MS = 800;

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

	// Cancelled from outside (SIGTERM/SIGINT handler in the entry point).
	useEffect(() => {
		const onAbort = () => setExitCode((c) => c ?? EXIT.cancelled);
		if (controller.signal.aborted) onAbort();
		controller.signal.addEventListener('abort', onAbort);
		return () => controller.signal.removeEventListener('abort', onAbort);
	}, [controller]);

	// The run finished: leave the final screen a short moment, then exit.
	useEffect(() => {
		if (!idle || stay || exitCode !== null || fixOffered) return;
		if (drv.phase === 'cancelled') {
			setExitCode(EXIT.cancelled);
			return;
		}
		const timer = setTimeout(() => setExitCode(driver.exitCode()), exitDelayMs);
		return () => clearTimeout(timer);
	}, [idle, stay, exitCode, drv.phase, driver, exitDelayMs, fixOffered]);

	// The only exit(): after the final frame (with the summary, without keys) has been committed.
	useEffect(() => {
		if (exitCode === null) return;
		onExit?.(exitCode);
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
			if (idle && !stay) {
				// "Exits after a short moment, or on any key"; navigation keys keep the screen instead.
				if (key.upArrow || key.downArrow || key.return || input === 'r') setStay(true);
				else {
					setExitCode(driver.exitCode());
					return;
				}
			}
			const textFocus = pending?.kind === 'text';
			const selectFocus = pending?.kind === 'select';
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

	return (
		<Box flexDirection="column">
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
							<StepList steps={steps} views={ui.steps} selected={selected} role={session.role} live={live} />
						</Box>
						<Box flexGrow={1} flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
							{step ? (
								<StepScreen
									step={step}
									view={view}
									role={session.role}
									command={driver.command}
									expanded={expanded}
									confirming={pending?.kind === 'confirm' && (pending.stepId === step.id || (pending.stepId === null && step.id === activeId))}
									live={live}
								/>
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
			{exitCode === null ? (
				<Footer mode={pending ? pending.kind : finished ? 'done' : 'keys'} hint={hint} keys={doctor && !pending ? doctorKeys(fixOffered, doctorView?.stage === 'done' && !drv.busy) : undefined} />
			) : null}
		</Box>
	);
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
