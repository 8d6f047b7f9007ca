/**
 * The commands as flows over a Session and an Asker. The same flow runs under the Ink UI, the plain
 * view and the NDJSON view; only the Asker and the event consumers differ.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {exitCodeFor, UsageError} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import {CARD_PREFIX, decodeCard} from '../core/card.js';
import {FLAGS} from '../cli/flags.js';

const FLAG_NAMES = Object.keys(FLAGS);
import {validateModelName} from '../core/ollama-api.js';
import type {ConnectionReport} from '../core/connection-test.js';
import type {RunMode, StepOutcome} from '../core/runner.js';
import type {CheckResult, Plan, Role, Step} from '../core/types.js';
import type {Options, ParsedArgs} from '../cli/args.js';
import {connectionTest} from '../steps/connection-test.js';
import {SkipStepError, type Asker} from './asker.js';
import type {Interview} from './interviews.js';
import type {Session} from './session.js';
import {count} from '../core/words.js';

export interface FlowResult {
	exitCode: number;
	/** The last NDJSON line (the summary object). */
	summary: Record<string, unknown>;
}

export function answersFromOptions(o: Options): Record<string, unknown> {
	return {
		url: o.url,
		model: o.model,
		samples: o.samples,
		timeoutMs: o['timeout-ms'],
		chatTimeoutMs: o['chat-timeout-ms'],
		// Client side, steps 4 and 5 (source/app/client-flows.ts). A card fills the URL and the models.
		...(o.card && !o.url ? {url: o.card.url} : {}),
		models: o.models,
		cardModels: o.card?.models,
		provider: o.provider,
		setDefault: o['set-default'],
		contextWindow: o['context-window'],
		ailiceConfig: o['ailice-config'],
		envFile: o.dotenv,
		serviceKeyFile: o['service-key-file'],
		out: o.out,
		// --ollama-here: a loopback --url is meant (Ollama on this machine); see client-flows.ts interviewAiliceConfig.
		ollamaOnThisMachine: o['ollama-here'] ? true : undefined,
		// Server side, steps 1–3 (source/server/answers.ts ServerAnswers).
		connector: o.connector,
		twingateNetwork: o['twingate-network'],
		twingateClient: o['twingate-client'],
		resourceAddress: o['resource-address'],
		method: o.method,
		bind: o.bind,
		alias: o.alias,
		// --resource-ready: the Resource checklist is done (step 1 in scripts); --docker-probe / --twingate-client-wait yes|no.
		resourceConfirmed: o['resource-ready'] ? true : undefined,
		runDockerProbe: o['docker-probe'] === undefined ? undefined : o['docker-probe'] === 'yes',
		twingateClientWait: o['twingate-client-wait'] === undefined ? undefined : o['twingate-client-wait'] === 'yes',
	};
}

/** A typed URL or a pasted connection card: null when usable, else the sentence saying why not. */
export function validateUrlOrCard(v: string, refuseLoopback?: string): string | null {
	const text = v.trim();
	let url = text;
	if (text.startsWith(CARD_PREFIX)) {
		const c = decodeCard(text);
		if (!c.ok) return c.problem;
		url = c.card.url;
	}
	const r = parseOllamaUrl(url);
	if (!r.ok) return r.problem;
	if (refuseLoopback && r.url.loopback) return `${r.url.host} ${refuseLoopback}`;
	return null;
}

export interface AskUrlOptions {
	/** Refuse a loopback address, with this reason after the host name (e.g. "is this machine, and …"). */
	refuseLoopback?: string;
	/** Ask even when an answer exists (it becomes the default): a retry with other answers. */
	again?: boolean;
	/** Where the answer goes (default `url`). */
	key?: 'url' | 'deployUrl';
	message?: string;
}

/**
 * Asks for Ollama's URL. Every URL prompt also takes the connection card (one line starting otw1:)
 * that step 3 prints on the Ollama host: it fills the URL and, when none were given, the models, and
 * says what it decoded.
 */
export async function askUrl(session: Session, asker: Asker, opts: AskUrlOptions = {}): Promise<void> {
	const key = opts.key ?? 'url';
	const previous = session.answers[key] as string | undefined;
	if (previous && !opts.again) return;
	const value = (
		await asker.text({
			message: opts.message ?? 'Ollama URL (the Twingate Resource alias, e.g. http://ollama.home.internal:11434) or the otw1: card from step 3',
			flag: key === 'url' ? '--url' : '--url (or --card)',
			default: previous,
			validate: (v) => validateUrlOrCard(v, opts.refuseLoopback),
		})
	).trim();
	if (!value.startsWith(CARD_PREFIX)) {
		session.answers[key] = value;
		return;
	}
	const c = decodeCard(value);
	if (!c.ok) throw new UsageError(c.problem); // cannot happen: validated above
	session.answers[key] = c.card.url;
	const a = session.answers as {models?: string[]; model?: string; cardModels?: string[]};
	const fillModels = !(a.models && a.models.length) && !a.model;
	if (fillModels) a.cardModels = c.card.models;
	await asker.note(
		'From the connection card',
		`URL: ${c.card.url}\nModels: ${c.card.models.length ? c.card.models.join(', ') : '(the card lists none; you will pick one from the server)'}${fillModels ? '' : ' (not used: models were already given)'}`,
	);
}

export async function askRole(session: Session, asker: Asker): Promise<Role> {
	if (session.role) return session.role;
	session.role = await asker.select<Role>({
		message: 'Which machine is this?',
		flag: '--role',
		choices: [
			{value: 'server', name: 'The Ollama host (usually the Mac running Ollama)', description: 'Steps 1–3: Connector, Ollama bind, the address clients use.'},
			{value: 'client', name: 'The AIlice side (Linux box, container, or the same Mac)', description: 'Steps 4–6: AIlice config, service account, connection test.'},
		],
	});
	return session.role;
}

export function confirmWith(asker: Asker, options: Options) {
	return async (step: Step, plan: Plan): Promise<boolean> => {
		if (options.yes) return true;
		const n = plan.actions.filter((a) => a.kind !== 'manual').length;
		const what = step.number > 0 ? `step ${step.number}` : step.title.toLowerCase();
		return asker.confirm({message: `Apply the ${count(n, 'change')} of ${what} shown above?`, flag: '--yes', default: true});
	};
}

export function testSummary(report: ConnectionReport | undefined, fallback: {status: string; message: string; url?: string}): Record<string, unknown> {
	return {
		schemaVersion: SCHEMA_VERSION,
		type: 'summary',
		command: 'test',
		status: report?.status ?? fallback.status,
		cause: report?.cause ?? null,
		message: report?.message ?? fallback.message,
		fix: report?.fix ?? null,
		url: report?.url ?? fallback.url ?? null,
		addresses: report?.addresses ?? [],
		connectMs: report?.connectMs ?? null,
		latencyMs: report?.latencyMs ?? null,
		version: report?.version ?? null,
		models: report?.models ?? [],
		model: report?.model ?? null,
		firstTokenMs: report?.firstTokenMs ?? null,
		tokensPerSecond: report?.tokensPerSecond ?? null,
		warnings: report?.warnings ?? [],
	};
}

export async function flowTest(session: Session, asker: Asker): Promise<FlowResult> {
	await askUrl(session, asker);
	if (session.answers.model) {
		const m = validateModelName(String(session.answers.model));
		if (!m.ok) throw new UsageError(m.problem);
	}
	const outcome = await session.runStep(connectionTest, 'check');
	const report = outcome.result.data?.report as ConnectionReport | undefined;
	const status = outcome.result.status;
	const exitCode = exitCodeFor({failed: status !== 'ok' && status !== 'warn'});
	return {exitCode, summary: testSummary(report, {status, message: outcome.result.summary, url: String(session.answers.url)})};
}

/**
 * How to start AIlice with what step 4 wrote (AIlice's README: `ailice --modelID=<provider>:<model>`;
 * `ailice` is also what the step-5 container runs), from step 4's result data; null without a config path.
 */
export function startAiliceText(data: Record<string, unknown> | undefined): string | null {
	const config = typeof data?.configPath === 'string' ? data.configPath : null;
	if (!config) return null;
	const id = typeof data?.defaultId === 'string' && data.defaultId ? data.defaultId : null;
	return id ? `Start AIlice with \`ailice --modelID=${id}\` (it reads ${config}) and open the web page it prints.` : `Start AIlice (it reads ${config}) and open the web page it prints.`;
}

/**
 * The next thing to do after the guided setup: on the AIlice side, how to start AIlice with the model
 * it was set up with; on the Ollama host, where the connection card goes. A dry run says how to apply;
 * a failed run, how to fix. The same text for every view (plain, --json, the end screen).
 */
export function nextAfterSetup(session: Session): string | null {
	if (session.failed()) return 'Fix the cause shown above, then run `ollama-tunnel-wizard repair` (it reruns only what failed).';
	const done = (id: Step['id']) => {
		const o = session.outcomes.get(id);
		return o && (o.result.status === 'ok' || o.result.status === 'warn') ? ((o.result.data ?? {}) as Record<string, unknown>) : undefined;
	};
	if (session.answers.simulated) return 'This was a plan from stated assumptions: run `ollama-tunnel-wizard setup --role server` on that machine to apply it.';
	if (session.ctx.dryRun) return session.outcomes.size ? 'Nothing was changed: run the same command without --dry-run to apply the plan.' : null;
	if (session.role === 'client') {
		const ailice = startAiliceText(done('ailice-config'));
		const deploy = done('service-account');
		const container = deploy && typeof deploy.out === 'string' ? `For production, run it in the container: ${containerText(deploy)}` : null;
		return [ailice, container].filter(Boolean).join(' ') || null;
	}
	if (session.role === 'server') {
		const card = done('client-address');
		if (typeof card?.card === 'string') return 'On the AIlice side, run `ollama-tunnel-wizard setup --role client` and paste the connection card (the line starting otw1: above) at its Ollama URL prompt, or pass it with --card.';
		if (typeof card?.url === 'string') return `On the AIlice side, run \`ollama-tunnel-wizard setup --role client --url ${card.url}\`.`;
	}
	return null;
}

/** What to do with the step-5 folder (step 5's result data): the .env, then build and run (the lines are in its README.md too). */
export function containerText(data: Record<string, unknown>): string {
	const out = String(data.out);
	const lines = Array.isArray(data.runLines) ? (data.runLines as unknown[]).filter((l): l is string => typeof l === 'string') : [];
	const build = lines.find((l) => l.startsWith('docker build'));
	return `in ${out}, copy .env.example to .env (if there is none yet) and fill it in, then run ${build ? `\`${build}\`` : 'the docker build line'} and the docker run line shown above (also in ${out}/README.md); AIlice's web page is then on http://127.0.0.1:5000.`;
}

/** The end summary of the guided setup (and repair): each step's outcome, the status, what to do next. */
export function stepsSummary(session: Session, command: string): Record<string, unknown> {
	const steps = session.stepsForRole().map((s) => {
		const o = session.outcomes.get(s.id);
		return {
			id: s.id,
			number: s.number,
			title: s.title,
			available: s.available,
			status: o?.result.status ?? 'skipped',
			summary: o?.result.summary ?? 'not run',
			cause: o?.result.cause ?? null,
			applied: o?.applied ?? false,
		};
	});
	const failed = session.failed();
	return {
		schemaVersion: SCHEMA_VERSION,
		type: 'summary',
		command,
		role: session.role ?? null,
		status: failed ? 'fail' : steps.some((s) => s.status === 'warn') ? 'warn' : 'ok',
		dryRun: session.ctx.dryRun,
		steps,
		journal: session.ephemeral || session.ctx.dryRun ? null : session.journalPath,
		next: nextAfterSetup(session),
	};
}

/** What a step does with its outcome in the flow (e.g. step 3 saves and shows the connection card). */
export type AfterStep = (session: Session, asker: Asker, outcome: StepOutcome) => Promise<void>;

export interface SetupStepHooks {
	/** What each step asks before it runs (default: interviews.ts INTERVIEWS). */
	interviews?: Partial<Record<string, Interview>>;
	/** What follows a step (default: interviews.ts AFTER_STEP). */
	afterStep?: Partial<Record<string, AfterStep>>;
	/** false: run the step without its questions and after-step (default true). */
	interview?: boolean;
	/** Wraps the step's own run (the Ink driver serialises runs and shows itself busy). */
	around?: <T>(run: () => Promise<T>) => Promise<T>;
	/**
	 * Ask the step's questions again (a retry of a failed step, or repair on a terminal), with the
	 * previous answers as defaults: those of this run's interview, or the ones given (e.g. the journal's).
	 * Answers given as flags stay as they are.
	 */
	again?: boolean | {previous: Record<string, unknown>};
	/** Plan and apply even when the step's own check passes (the doctor's fix: the doctor found the fault). */
	force?: boolean;
}

/** Which answer each flag fills (derived from answersFromOptions, so the two never disagree). */
let flagKeys: Map<string, string> | undefined;
function answerKeyOfFlag(flag: string): string | undefined {
	if (!flagKeys) {
		flagKeys = new Map();
		const sentinel = '\u0000flag';
		for (const name of FLAG_NAMES) {
			const answers = answersFromOptions({[name]: sentinel} as Options);
			const key = Object.entries(answers).find(([, v]) => v === sentinel)?.[0];
			if (key) flagKeys.set(`--${name}`, key);
		}
		// Questions answered by something other than one flag.
		flagKeys.set('--url (or --card)', 'deployUrl');
		flagKeys.set('TWINGATE_ACCESS_TOKEN in the environment', 'connectorAccessToken');
		flagKeys.set('TWINGATE_REFRESH_TOKEN in the environment', 'connectorRefreshToken');
	}
	return flagKeys.get(flag) ?? flagKeys.get(flag.split(' ')[0] ?? flag);
}

/**
 * An asker whose questions offer the previous answers as defaults (a retry with other answers: Enter
 * keeps an answer, typing replaces it). Questions are matched to answers by the flag that answers them.
 */
export function withPreviousAnswers(asker: Asker, previous: Record<string, unknown>): Asker {
	const prior = (flag: string): unknown => {
		const key = answerKeyOfFlag(flag);
		return key === undefined ? undefined : previous[key];
	};
	return {
		...asker,
		interactive: asker.interactive,
		text: (q) => {
			const p = prior(q.flag);
			return asker.text(typeof p === 'string' && p !== '' ? {...q, default: p} : q);
		},
		select: (q) => {
			const p = prior(q.flag);
			return asker.select(typeof p === 'string' && q.choices.some((c) => c.value === p) ? {...q, default: p as typeof q.default} : q);
		},
		confirm: (q) => {
			const p = prior(q.flag);
			return asker.confirm(typeof p === 'boolean' ? {...q, default: p} : q);
		},
		note: (title, body) => asker.note(title, body),
	};
}

/** A step the user skipped (SkipStepError during its questions): recorded, nothing checked or changed. */
export function recordSkippedStep(session: Session, step: Step): StepOutcome {
	const result: CheckResult = {
		status: 'skipped',
		summary: `Step ${step.number} was skipped (you chose to skip it); nothing was checked or changed.`,
		details: [],
		durationMs: 0,
	};
	const outcome: StepOutcome = {result, applied: false};
	session.outcomes.set(step.id, outcome);
	session.bus.emit({type: 'step:result', step: step.id, title: step.title, result, applied: false});
	return outcome;
}

/**
 * One step of the guided setup, the same for every view: its interview → check/plan/confirm/apply/
 * verify (session.runStep) → what follows it (e.g. the card). Skipping during the questions records the
 * step as skipped; a skip in what follows keeps the step's result.
 */
export async function runSetupStep(session: Session, asker: Asker, step: Step, mode: RunMode, options: Options, hooks: SetupStepHooks = {}): Promise<StepOutcome> {
	const withQuestions = (hooks.interview ?? true) && step.available;
	const defaults = withQuestions && (!hooks.interviews || !hooks.afterStep) ? await import('./interviews.js') : null;
	const interviews = hooks.interviews ?? defaults?.INTERVIEWS ?? {};
	const afterStep: Partial<Record<string, AfterStep>> = hooks.afterStep ?? defaults?.AFTER_STEP ?? {};
	let ask = asker;
	if (withQuestions && hooks.again && asker.interactive) {
		const previous = typeof hooks.again === 'object' ? hooks.again.previous : (session.interviewed.get(step.id) ?? {});
		for (const key of Object.keys(previous)) if (!session.given.has(key)) delete session.answers[key];
		ask = withPreviousAnswers(asker, previous);
	}
	const before = new Set(Object.entries(session.answers).filter(([, v]) => v !== undefined).map(([k]) => k));
	try {
		if (withQuestions) await interviews[step.id]?.(session, ask);
	} catch (error) {
		if (error instanceof SkipStepError) return recordSkippedStep(session, step);
		throw error;
	}
	if (withQuestions) {
		const mine = Object.fromEntries(Object.entries(session.answers).filter(([k, v]) => v !== undefined && !before.has(k)));
		if (Object.keys(mine).length) session.interviewed.set(step.id, {...(session.interviewed.get(step.id) ?? {}), ...mine});
	}
	const run = () => session.runStep(step, mode, {confirm: confirmWith(asker, options), ...(hooks.force ? {force: true} : {})});
	const outcome = await (hooks.around ? hooks.around(run) : run());
	if (withQuestions) {
		try {
			await afterStep[step.id]?.(session, asker, outcome);
		} catch (error) {
			if (!(error instanceof SkipStepError)) throw error; // the step itself has run: keep its result
		}
	}
	return outcome;
}

export async function flowSetup(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	await askRole(session, asker);
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	for (const step of session.stepsForRole()) {
		await runSetupStep(session, asker, step, mode, options);
		if (session.ctx.signal.aborted) break;
	}
	return {exitCode: exitCodeFor({failed: session.failed()}), summary: stepsSummary(session, 'setup')};
}

export async function flowDoctor(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const {flowDoctorFull} = await import('./doctor-flow.js');
	return flowDoctorFull(session, asker, options);
}

export async function flowRepair(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const {flowRepairFull} = await import('./repair-flow.js');
	return flowRepairFull(session, asker, options);
}

/** The command's flow (the CLI's dispatch; the Ink driver uses it for commands it has no own screen for). */
export function runFlow(parsed: Pick<ParsedArgs, 'command' | 'options'>, session: Session, asker: Asker): Promise<FlowResult> {
	switch (parsed.command) {
		case 'test':
			return flowTest(session, asker);
		case 'doctor':
			return flowDoctor(session, asker, parsed.options);
		case 'repair':
			return flowRepair(session, asker, parsed.options);
		case 'setup':
			return flowSetup(session, asker, parsed.options);
		case 'undo':
			return import('./undo-flow.js').then((m) => m.flowUndo(session, asker, parsed.options));
		case 'configure-ailice':
			return import('./client-flows.js').then((m) => m.flowConfigureAilice(session, asker, parsed.options));
		case 'service-account':
			return import('./client-flows.js').then((m) => m.flowServiceAccount(session, asker, parsed.options));
	}
}
