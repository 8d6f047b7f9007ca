/**
 * The Ink UI shell, a view over the session's EventBus: the six steps (left), the selected step's
 * screen and the pending question (main), the live checks (status pane), notices, the summary and
 * the keys. This root is the only place that calls exit(); the exit code is its value.
 */
import {useEffect, useState} from 'react';
import {Box, Text, useApp, useInput, useStdin, useStdout} from 'ink';
import {CancelledError, EXIT} from '../core/exit-codes.js';
import type {Session} from '../app/session.js';
import type {Driver} from './driver.js';
import type {InkAsker} from './ink-asker.js';
import {useStore, useWizardEvents} from './hooks.js';
import {EMPTY_STEP} from './state.js';
import {StepList} from './StepList.js';
import {StepScreen} from './StepScreen.js';
import {StatusPane} from './StatusPane.js';
import {Prompt} from './Prompt.js';
import {Footer} from './Footer.js';
import {Notices} from './Notices.js';
import {runSummary} from './summary.js';

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
	const steps = session.steps;

	const [selected, setSelected] = useState(() => initialIndex(session, driver));
	const [expanded, setExpanded] = useState(false);
	/** The user pressed a navigation key after the end: no automatic exit. */
	const [stay, setStay] = useState(false);
	const [hint, setHint] = useState<string | null>(null);
	const [exitCode, setExitCode] = useState<number | null>(null);

	const activeId = drv.current ?? ui.active;
	const finished = drv.phase === 'done' || drv.phase === 'failed' || drv.phase === 'cancelled';
	const idle = finished && !drv.busy && !pending;

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
		if (!idle || stay || exitCode !== null) return;
		if (drv.phase === 'cancelled') {
			setExitCode(EXIT.cancelled);
			return;
		}
		const timer = setTimeout(() => setExitCode(driver.exitCode()), exitDelayMs);
		return () => clearTimeout(timer);
	}, [idle, stay, exitCode, drv.phase, driver, exitDelayMs]);

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
	const doctor = driver.command === 'doctor';
	const summary = finished || exitCode !== null ? runSummary(driver.command, session, drv, exitCode ?? driver.exitCode()) : null;
	const questionStep = pending?.stepId ? steps.find((s) => s.id === pending.stepId) : undefined;

	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>ollama-tunnel-wizard {driver.command}</Text>
				{session.role ? <Text dimColor> · this machine: {session.role}</Text> : null}
				{session.ctx.dryRun ? <Text color="yellow"> · dry run: nothing will be changed</Text> : null}
			</Text>
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
							confirming={pending?.kind === 'confirm' && pending.stepId === step.id}
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
				title={doctor ? 'Doctor checks' : liveStep ? `Live checks · step ${liveStep.number}` : 'Live checks'}
				lines={doctor ? ui.doctorLines : liveView.lines}
				live={live && (doctor ? drv.busy : liveView.phase !== null)}
			/>
			<Notices warnings={ui.warnings} diagnosis={ui.diagnosis} />
			{summary ? (
				<Box flexDirection="column">
					<Text bold color={summary.failed ? 'red' : 'green'}>
						{summary.text}
					</Text>
					{summary.next ? <Text>{summary.next}</Text> : null}
				</Box>
			) : null}
			{exitCode === null ? <Footer mode={pending ? pending.kind : finished ? 'done' : 'keys'} hint={hint} /> : null}
		</Box>
	);
}
