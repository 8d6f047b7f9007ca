/**
 * The Ink UI shell, a view over the session's EventBus: the six steps (left), the selected step's
 * screen and the pending question (main), the live checks (status pane), notices, the summary and
 * the keys. This root is the only place that calls exit(); the exit code is its value.
 */
import {useEffect, useMemo, useRef, useState, type ReactNode} from 'react';
import {Box, Text, measureElement, useApp, useInput, useStdin, useStdout, type DOMElement} from 'ink';
import {CancelledError, exitCodeFor} from '../core/exit-codes.js';
import type {Session} from '../app/session.js';
import type {Driver, DoctorView} from '../app/controller.js';
import type {Command} from '../cli/args.js';
import type {Role, Step} from '../core/types.js';
import type {InkAsker} from './ink-asker.js';
import {useStore, useWizardEvents} from './hooks.js';
import {EMPTY_STEP, type LiveLine, type UiState} from './state.js';
import {StepLine, StepList} from './StepList.js';
import {StepScreen, stepScreenLayout, type StepScreenProps} from './StepScreen.js';
import {StatusPane, statusPaneRows} from './StatusPane.js';
import {Prompt} from './Prompt.js';
import {Footer, footerKeys, type FooterMode} from './Footer.js';
import {linesRows, MIN_COLUMNS, MIN_ROWS, pageStarts, promptMinRows, promptRows, WIDE_COLUMNS, wrappedRows} from './layout.js';
import {MARK} from '../views/format.js';
import {LAYERS} from '../doctor/types.js';
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
	/** What to run next (the summary's last line): printed after the UI as plain text, so it copies whole. */
	next: string | null;
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
	/** Which page of a note taller than its room. */
	const [notePage, setNotePage] = useState(0);
	// What the last frame showed, for the key handler: the question held back behind a long plan,
	// the "too small" screen, a paged note.
	const holdRef = useRef(false);
	const tooSmallRef = useRef(false);
	const noteRef = useRef<{count: number; index: number} | null>(null);
	const pageCountRef = useRef(1);

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
	// Another question: a note starts at its first page; a new confirmation at the plan's first page.
	useEffect(() => {
		setNotePage(0);
		if (pending?.kind === 'confirm') setPlanPage(0);
	}, [pending?.id, pending?.kind]);

	// q at a failed step: exit once the setup has stopped, with its real code (1 while the failure stays).
	useEffect(() => {
		if (quitting && finished && !drv.busy && exitCode === null) setExitCode(driver.exitCode());
	}, [quitting, finished, drv.busy, exitCode, driver]);

	// Cancelled from outside (SIGTERM/SIGINT handler in the entry point).
	useEffect(() => {
		const onAbort = () => setExitCode((c) => c ?? exitCodeFor({cancelled: true}));
		if (controller.signal.aborted) onAbort();
		controller.signal.addEventListener('abort', onAbort);
		return () => controller.signal.removeEventListener('abort', onAbort);
	}, [controller]);

	// The run finished: leave the final screen a short moment, then exit.
	useEffect(() => {
		if (!idle || stay || exitCode !== null || fixOffered || holding || quitting) return;
		if (drv.phase === 'cancelled') {
			setExitCode(exitCodeFor({cancelled: true}));
			return;
		}
		const timer = setTimeout(() => setExitCode(driver.exitCode()), exitDelayMs);
		return () => clearTimeout(timer);
	}, [idle, stay, exitCode, drv.phase, driver, exitDelayMs, fixOffered, holding, quitting]);

	// The only exit(): after the final frame (with the summary, without keys) has been committed
	// (and laid out: its height tells the caller whether Ink ended it with a newline).
	useEffect(() => {
		if (exitCode === null) return;
		onExit?.(exitCode, {height: root.current ? measureElement(root.current).height : 0, next: runSummary(driver.command, session, driver.getSnapshot(), driver.summary(), exitCode).next});
		exit(exitCode);
	}, [exitCode, exit, onExit, driver, session]);

	const quit = () => {
		if (exitCode !== null) return;
		if (finished && !drv.busy) {
			setExitCode(driver.exitCode());
			return;
		}
		// Aborting kills running children and rejects the waiting question.
		controller.abort(new CancelledError('You quit.'));
		setExitCode(exitCodeFor({cancelled: true}));
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
			if (tooSmallRef.current) {
				// Nothing but the sentence is on screen: only q (and Ctrl-C) do something.
				if (input === 'q') quit();
				return;
			}
			const note = pending?.kind === 'note' ? noteRef.current : null;
			if (pending?.kind === 'note' && note) {
				if (input === ' ' || key.pageDown) setNotePage(Math.min(note.count - 1, note.index + 1));
				else if (key.pageUp) setNotePage(Math.max(0, note.index - 1));
				else if (key.return) asker.answer(pending.id, undefined);
				else if (key.upArrow || key.downArrow) move(key.upArrow ? -1 : 1);
				else if (input === 'q') quit();
				else if (input === 's') skip();
				return;
			}
			if (pending?.kind === 'confirm' && holdRef.current) {
				// The plan is paged before its question: space or enter shows the next page.
				if (input === ' ' || key.pageDown || key.return) setPlanPage((p) => p + 1);
				else if (key.pageUp) setPlanPage((p) => Math.max(0, p - 1));
				else if (input === 'q') quit();
				else if (input === 's') skip();
				else if (key.upArrow || key.downArrow) move(key.upArrow ? -1 : 1);
				else setHint('Page through the plan first (space or enter): the question comes after its last page.');
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
				const delta = key.pageUp ? -1 : 1;
				// Before a confirmation the pages do not wrap around (the last one holds the question).
				setPlanPage((p) => (pending?.kind === 'confirm' ? Math.max(0, Math.min(p, pageCountRef.current - 1) + delta) : p + delta));
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
	/** The terminal's height; unknown (as under ink-testing-library): nothing is capped. */
	const termRows = stdout.rows || undefined;
	const step = steps[selected];
	const view = (step && ui.steps[step.id]) || EMPTY_STEP;
	// The status pane follows the step that is being worked on; the selection only changes the screen.
	const liveStep = steps.find((s) => s.id === activeId) ?? step;
	const liveView = (liveStep && ui.steps[liveStep.id]) || EMPTY_STEP;
	const live = exitCode === null;
	const summary = finished || exitCode !== null ? runSummary(driver.command, session, drv, driver.summary(), exitCode ?? driver.exitCode()) : null;
	// After the exit the next command is printed as a plain line (mount.tsx), where it copies whole.
	const summaryNext = summary && exitCode === null ? summary.next : null;
	const questionStep = pending?.stepId ? steps.find((s) => s.id === pending.stepId) : undefined;
	const cancelledQuestion = live ? null : asker.cancelledQuestion;
	const cancelledWaiting = Boolean(step && cancelledQuestion && (cancelledQuestion.stepId === step.id || (cancelledQuestion.stepId === null && step.id === activeId)));
	const failedStep = failure ? steps.find((s) => s.id === failure.stepId) : undefined;
	const failureText = failedStep ? failurePrompt(session, failedStep) : null;
	/** enter toggles "show all" now (it answers a question, continues, or exits otherwise). */
	const enterExpands = !doctor && !pending && !failure && !holding && live;
	const footerMode: FooterMode = pending ? pending.kind : failure ? 'failure' : holding ? 'hold' : finished ? 'done' : 'keys';
	const confirmingHere = Boolean(step && pending?.kind === 'confirm' && (pending.stepId === step.id || (pending.stepId === null && step.id === activeId)));
	const doctorFixKey = fixOffered && fixStep ? `press f: the wizard fixes it with step ${fixStep.number} (${fixStep.title}): plan, your confirmation, apply, then every check again` : doctorView?.stage === 'done' ? fixElsewhere : null;
	const title = `ollama-tunnel-wizard ${driver.command}${session.role ? ` · this machine: ${session.role}` : ''}${session.ctx.dryRun ? ' · dry run: nothing will be changed' : ''}`;

	// The row budget. Ink redraws a frame as tall as the terminal with a full clear (and the user's
	// scrollback with it), so every frame stays at least one row shorter than the terminal: each
	// region gets its rows, and what is longer pages or is cut.
	const tooSmall = termRows !== undefined && (columns < MIN_COLUMNS || termRows < MIN_ROWS);
	let compact = columns < WIDE_COLUMNS;
	const leftWidth = Math.max(30, Math.min(48, Math.floor(columns * 0.42)));
	let innerWidth = compact ? columns - 4 : columns - leftWidth - 4;
	const hintRows = exitCode === null ? (hint ? wrappedRows(hint, columns) : 0) + 1 : 0;
	const summaryRows = summary ? wrappedRows(summary.text, columns) + (summaryNext ? wrappedRows(summaryNext, columns) : 0) : 0;
	const warningLines = ui.warnings.map((w) => `${MARK.warn} ${w}`);
	const diagnosis = doctor ? null : ui.diagnosis;
	const noticesNatural = linesRows(warningLines, columns) + (diagnosis ? 1 + wrappedRows(diagnosis.message, columns) + diagnosis.evidence.length + (diagnosis.fix ? wrappedRows(`    Fix: ${diagnosis.fix}`, columns) : 0) : 0);
	const prompting = Boolean(pending && exitCode === null);
	const promptPrefix = prompting ? 1 + (questionStep && questionStep.id !== step?.id ? 1 : 0) : 0;
	const failureRows = failureText ? 1 + wrappedRows(failureText, innerWidth) : 0;
	let statusLines: number | undefined;
	let statusRows = 0;
	let noticesRows = noticesNatural;
	let mainRows: number | undefined;
	let promptBudget: number | undefined;
	let stepRows: number | undefined;
	let doctorRows: number | undefined;
	if (termRows !== undefined && !tooSmall) {
		const budget = termRows - 1;
		const stepTitleRows = (s: Step | undefined) => (s ? wrappedRows(s.number ? `Step ${s.number} · ${s.title}` : s.title, innerWidth) : 1);
		noticesRows = Math.min(noticesNatural, Math.max(noticesNatural ? 1 : 0, Math.floor(budget / 6)));
		if (doctor) {
			doctorRows = Math.max(3, budget - 1 - noticesRows - summaryRows - hintRows);
		} else {
			const fit = () => {
				const need = (pending && prompting ? promptPrefix + promptMinRows(pending, innerWidth) : 0) + failureRows + stepTitleRows(step) + 2;
				statusLines = budget >= 36 ? 6 : budget >= 28 ? 3 : 1;
				statusRows = statusPaneRows(liveView.lines.length, statusLines);
				const around = () => 1 + (compact ? 1 : 0) + statusRows + noticesRows + summaryRows + hintRows;
				if (budget - around() - 2 < need) statusRows = 0;
				if (budget - around() - 2 < need) noticesRows = 0;
				return {need, main: budget - around()};
			};
			let {need, main} = fit();
			if (!compact && main < steps.length + 2) {
				compact = true;
				innerWidth = columns - 4;
				({need, main} = fit());
			}
			void need;
			mainRows = Math.max(3, main);
			const inner = mainRows - 2;
			if (pending && prompting) {
				// The step screen first gets what the question leaves at its least, then the question
				// (a select's descriptions, a note's text) gets what the step screen did not take.
				const least = promptMinRows(pending, innerWidth);
				stepRows = Math.max(1, inner - failureRows - promptPrefix - least);
				const used = step ? stepScreenLayout({step, view, role: session.role, command: driver.command, expanded: false, confirming: confirmingHere, live, width: innerWidth, maxRows: stepRows, planPage, cancelledWaiting}).rows : 1;
				const full = pending.kind === 'note' ? Infinity : promptRows(pending, innerWidth);
				promptBudget = Math.max(least, Math.min(full, inner - failureRows - promptPrefix - used));
				stepRows = Math.max(1, inner - failureRows - promptPrefix - promptBudget);
			} else stepRows = Math.max(1, inner - failureRows);
		}
	}

	const stepProps = step
		? {step, view, role: session.role, command: driver.command, expanded: expanded && enterExpands, confirming: confirmingHere, live, enterExpands, width: innerWidth, maxRows: stepRows, planPage, cancelledWaiting}
		: null;
	const stepLayout = stepProps ? stepScreenLayout(stepProps) : null;
	// doctor: the fix's step screen pages its plan before the confirmation exactly as a setup step's does.
	const doctorLayout = doctor
		? doctorFixLayout({
				ui,
				view: doctorView,
				steps,
				role: session.role,
				live,
				fixKey: doctorFixKey,
				pendingRows: pending && exitCode === null ? promptRows(pending, columns) : 0,
				confirmingStep: pending?.kind === 'confirm' ? pending.stepId : null,
				command: driver.command,
				columns,
				maxRows: doctorRows,
				planPage,
			})
		: null;
	const pagedLayout = doctor ? (doctorLayout?.fixProps ? stepScreenLayout(doctorLayout.fixProps) : null) : stepLayout;
	/** A long plan is paged before its yes/no: the question waits for the last page. */
	const holdQuestion = Boolean(pagedLayout?.holdQuestion && pending?.kind === 'confirm');
	holdRef.current = holdQuestion;
	pageCountRef.current = pagedLayout?.pageCount ?? 1;
	tooSmallRef.current = tooSmall;
	const notePages = pending?.kind === 'note' ? noteLayout(pending.title, pending.body, innerWidth, promptBudget, notePage) : null;
	noteRef.current = notePages;
	const footerText = tooSmall
		? 'q quit'
		: holdQuestion
			? 'space/enter next page · PgUp back · s skip · q quit'
			: notePages && notePages.count > 1
				? 'space more · PgUp back · enter continue · q quit'
				: footerKeys(footerMode, doctor && !pending ? doctorKeys(fixOffered, doctorView?.stage === 'done' && !drv.busy) : undefined);

	if (tooSmall) {
		return (
			<Box ref={root} flexDirection="column" height={Math.max(1, (termRows ?? 2) - 1)} overflow="hidden">
				<Text bold wrap="truncate-end">
					ollama-tunnel-wizard {driver.command}
				</Text>
				<Text>
					The terminal is {columns}×{termRows}: too small for this screen (it needs {MIN_COLUMNS}×{MIN_ROWS}). Make the window larger, or press q and run the command again with --plain for
					the line-by-line view.
				</Text>
				{summary ? <Text bold>{summary.text}</Text> : null}
				{exitCode === null ? <Footer mode={footerMode} hint={hint} keys={footerText} /> : null}
			</Box>
		);
	}

	const prompt =
		pending && prompting && !holdQuestion ? (
			<Box flexDirection="column" marginTop={1} flexShrink={0}>
				{questionStep && questionStep.id !== step?.id ? <Text dimColor>Question for step {questionStep.number}:</Text> : null}
				{pending.kind === 'note' && notePages ? (
					<NoteView layout={notePages} />
				) : (
					<Box flexDirection="column" height={promptBudget} overflow="hidden" flexShrink={0}>
						{/* Natural height inside the cut: yoga would otherwise squeeze its rows onto each other. */}
						<Box flexDirection="column" flexShrink={0}>
							<Prompt pending={pending} asker={asker} inputActive={inputActive} />
						</Box>
					</Box>
				)}
			</Box>
		) : null;

	return (
		<Box ref={root} flexDirection="column">
			<Text bold wrap="truncate-end">
				{title}
			</Text>
			{doctor ? (
				<Box flexDirection="column" height={doctorRows} overflow="hidden" flexShrink={0}>
					{doctorLayout ? (
						<DoctorLayout
							ui={ui}
							view={doctorView}
							live={live}
							fixKey={doctorFixKey}
							pending={pending && exitCode === null && !holdQuestion ? <Prompt pending={pending} asker={asker} inputActive={inputActive} /> : null}
							layout={doctorLayout}
						/>
					) : null}
				</Box>
			) : (
				<>
					{compact ? <StepLine steps={steps} views={ui.steps} selected={selected} role={session.role} live={live} asking={pending ? (pending.stepId ?? activeId) : null} /> : null}
					<Box height={mainRows} flexShrink={0}>
						{compact ? null : (
							<Box width={leftWidth} flexShrink={0} flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1} overflow="hidden">
								<StepList steps={steps} views={ui.steps} selected={selected} role={session.role} live={live} asking={pending ? (pending.stepId ?? activeId) : null} />
							</Box>
						)}
						<Box flexGrow={1} flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1} overflow="hidden">
							{stepProps ? (
								<Box flexDirection="column" height={stepRows === undefined ? undefined : Math.min(stepRows, stepLayout?.rows ?? stepRows)} overflow="hidden" flexShrink={0}>
									<StepScreen {...stepProps} />
								</Box>
							) : null}
							{failureText ? (
								<Box marginTop={1} flexShrink={0}>
									<Text bold color="red">
										{failureText}
									</Text>
								</Box>
							) : null}
							{prompt}
						</Box>
					</Box>
					{termRows === undefined || statusRows > 0 ? (
						<StatusPane
							title={liveStep ? `Live checks · ${liveStep.number ? `step ${liveStep.number}` : liveStep.title}` : 'Live checks'}
							lines={liveView.lines}
							live={live && liveView.phase !== null}
							{...(statusLines !== undefined ? {maxLines: statusLines} : {})}
						/>
					) : null}
				</>
			)}
			{noticesRows > 0 ? (
				<Box flexDirection="column" height={termRows === undefined ? undefined : noticesRows} overflow="hidden" flexShrink={0}>
					<Box flexDirection="column" flexShrink={0}>
						<Notices warnings={ui.warnings} diagnosis={diagnosis} />
					</Box>
				</Box>
			) : null}
			{summary ? (
				<Box flexDirection="column">
					<Text bold color={summary.failed ? 'red' : 'green'}>
						{summary.text}
					</Text>
					{summaryNext ? <Text>{summaryNext}</Text> : null}
				</Box>
			) : null}
			{exitCode === null ? <Footer mode={footerMode} hint={hint} keys={footerText} /> : null}
		</Box>
	);
}

interface NotePages {
	title: string;
	lines: string[];
	start: number;
	end: number;
	count: number;
	index: number;
}

/** A note's body in pages of the rows it may take (unknown: one page). */
function noteLayout(title: string, body: string, width: number, maxRows: number | undefined, page: number): NotePages {
	const lines = body.split('\n');
	if (maxRows === undefined) return {title, lines, start: 0, end: lines.length, count: 1, index: 0};
	const rows = Math.max(1, maxRows - 2 - wrappedRows(title, width - 4) - 1);
	const starts = pageStarts(lines, width - 4, rows);
	const index = Math.min(Math.max(0, page), starts.length - 1);
	return {title, lines, start: starts[index] ?? 0, end: starts[index + 1] ?? lines.length, count: starts.length, index};
}

/** A note (enter continues), paged with space / PgUp when its text is taller than the room. */
function NoteView({layout}: {layout: NotePages}) {
	const last = layout.index === layout.count - 1;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} flexShrink={0}>
			<Text bold>{layout.title}</Text>
			<Text>{layout.lines.slice(layout.start, layout.end).join('\n')}</Text>
			<Text dimColor wrap="truncate-end">
				{layout.count > 1 ? `Page ${layout.index + 1} of ${layout.count} · ${last ? 'PgUp: back' : 'space: more'} · enter: continue` : 'Press enter to continue.'}
			</Text>
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
	live: boolean;
	fixKey: string | null;
	pending: ReactNode;
	/** The rows and the fix's step screen (doctorFixLayout). */
	layout: DoctorFixLayout;
}

/** The doctor screen's rows and the fix's step screen, shared by the frame (paging, keys) and DoctorLayout. */
interface DoctorFixLayout {
	prefix: string;
	panesRows: number | undefined;
	fixRows: number | undefined;
	fixStep: Step | undefined;
	fixLines: LiveLine[];
	/** The fix's step screen (paged like a setup step's plan), null when no fix runs. */
	fixProps: StepScreenProps | null;
}

interface DoctorFixInput {
	ui: UiState;
	view: DoctorView | null;
	steps: readonly Step[];
	role: Role | undefined;
	live: boolean;
	fixKey: string | null;
	/** Rows the pending question takes (it is never cut; a question held behind a long plan keeps its rows). */
	pendingRows: number;
	confirmingStep: string | null;
	command: Command;
	columns: number;
	/** Rows the whole doctor screen may take; unknown: no cap. */
	maxRows: number | undefined;
	planPage: number;
}

function doctorFixLayout({ui, view, steps, role, live, fixKey, pendingRows, confirmingStep, command, columns, maxRows, planPage}: DoctorFixInput): DoctorFixLayout {
	const report = view?.report ?? null;
	const stage = view?.stage ?? 'checking';
	const fixing = stage === 'fixing' || stage === 'rechecking';
	const fixStepId = fixing ? report?.diagnosis.fixStep : null;
	const fixStep = fixStepId ? steps.find((s) => s.id === fixStepId) : undefined;
	const fixLines = fixStep ? (ui.steps[fixStep.id]?.lines ?? []) : [];
	const prefix = fixing ? 'Before the fix' : view?.fix && view.before ? 'After the fix' : 'Diagnosis';
	// The rows of everything but the check panes (the question is never cut; the panes give way).
	let panesRows: number | undefined;
	let fixRows: number | undefined;
	if (maxRows !== undefined) {
		let others = pendingRows;
		if (report && stage !== 'checking') others += diagnosisRows(report.diagnosis, prefix, fixKey, columns);
		if (report?.perf) others += 2 + 4;
		if (view && stage === 'done' && view.fix) others += 4 + (view.before?.records.length ?? 0);
		// The check panes at their least: the title, "… more checks", "Not checked on this machine", the border.
		const panesLeast = 5;
		if (fixStep) {
			// The fix's box: its border, the step screen, the live line (a bordered pane), "running every check again".
			const around = 2 + (fixLines.length ? 4 : 0) + (stage === 'rechecking' ? 1 : 0);
			fixRows = Math.max(4, Math.min(Math.floor((maxRows - others) * 0.6), maxRows - others - around - panesLeast));
			others += around + fixRows;
		}
		panesRows = Math.max(panesLeast, maxRows - others);
	}
	const fixProps: StepScreenProps | null = fixStep
		? {step: fixStep, view: ui.steps[fixStep.id] ?? EMPTY_STEP, role, command, expanded: false, confirming: confirmingStep === fixStep.id, live, width: columns - 4, ...(fixRows !== undefined ? {maxRows: fixRows} : {}), planPage}
		: null;
	return {prefix, panesRows, fixRows, fixStep, fixLines, fixProps};
}

/** doctor: the layer panes, the diagnosis, the perf pane, and the fix (its step screen, then before/after). */
function DoctorLayout({ui, view, live, fixKey, pending, layout}: DoctorLayoutProps) {
	const report = view?.report ?? null;
	const stage = view?.stage ?? 'checking';
	const {prefix, panesRows, fixRows, fixStep, fixLines, fixProps} = layout;
	return (
		<Box flexDirection="column" flexShrink={0}>
			<DoctorPanes checks={ui.doctorChecks} live={live} {...(panesRows !== undefined ? {maxRows: panesRows} : {})} />
			{report && stage !== 'checking' ? <DiagnosisBlock diagnosis={report.diagnosis} prefix={prefix} fixKey={fixKey} checks={report.records} /> : null}
			{report?.perf ? <PerfPane perf={report.perf} /> : null}
			{fixStep && fixProps ? (
				<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} flexShrink={0}>
					<Box flexDirection="column" height={fixRows} overflow="hidden" flexShrink={0}>
						<StepScreen key="fix" {...fixProps} />
					</Box>
					{fixLines.length ? <StatusPane title={`Live checks · step ${fixStep.number}`} lines={fixLines} live={live && ui.steps[fixStep.id]?.phase != null} {...(fixRows !== undefined ? {maxLines: 1} : {})} /> : null}
					{stage === 'rechecking' ? <Text dimColor>Running every check again to see whether it is fixed…</Text> : null}
				</Box>
			) : null}
			{view && stage === 'done' ? <FixResult view={view} /> : null}
			{pending}
		</Box>
	);
}

/** Rows of the diagnosis block (DoctorScreen.tsx): the sentence, one row per evidence, the fix, the key. */
function diagnosisRows(diagnosis: {message: string; evidence: unknown[]; fix: string | null; cause: string | null; layer?: string | null}, prefix: string, fixKey: string | null, columns: number): number {
	const layer = diagnosis.layer ? (LAYERS.find((l) => l.id === diagnosis.layer)?.title ?? diagnosis.layer) : null;
	const head = `${prefix}${diagnosis.cause && layer ? ` (${layer})` : ''}: ${diagnosis.message}`;
	return wrappedRows(head, columns) + diagnosis.evidence.length + (diagnosis.fix ? wrappedRows(`  Fix: ${diagnosis.fix}`, columns) : 0) + (fixKey ? wrappedRows(`  ${fixKey}`, columns) : 0);
}

/** A step-shaped action that is not one of the six (e.g. undo): shown with its title and no number. */
function outsideStep(id: string, title: string | undefined): Step {
	const never = async (): Promise<never> => {
		throw new Error(`${id} is shown only`);
	};
	return {id: id as Step['id'], number: 0, title: title ?? id, roles: ['client', 'server'], dependsOn: [], available: true, check: never, plan: never, apply: never};
}
