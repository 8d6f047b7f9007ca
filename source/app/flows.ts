/**
 * The commands as flows over a Session and an Asker. The same flow runs under the Ink UI, the plain
 * view and the NDJSON view; only the Asker and the event consumers differ.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {EXIT, UsageError} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import {validateModelName} from '../core/ollama-api.js';
import type {ConnectionReport} from '../core/connection-test.js';
import type {Plan, Role, Step} from '../core/types.js';
import type {Options} from '../cli/args.js';
import {connectionTest} from '../steps/connection-test.js';
import type {Asker} from './asker.js';
import type {Session} from './session.js';

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
		// Server side, steps 1–3 (source/server/answers.ts ServerAnswers).
		connector: o.connector,
		twingateNetwork: o['twingate-network'],
		twingateClient: o['twingate-client'],
		resourceAddress: o['resource-address'],
		method: o.method,
		bind: o.bind,
		alias: o.alias,
	};
}

function validateUrlAnswer(v: string): string | null {
	const r = parseOllamaUrl(v);
	return r.ok ? null : r.problem;
}

export async function askUrl(session: Session, asker: Asker): Promise<void> {
	if (session.answers.url) return;
	session.answers.url = await asker.text({
		message: 'Ollama URL as this machine reaches it (the Twingate Resource alias), e.g. http://ollama.home.internal:11434',
		flag: '--url',
		validate: validateUrlAnswer,
	});
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
		return asker.confirm({message: `Apply the ${n} change(s) of step ${step.number} shown above?`, flag: '--yes', default: true});
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
	const exitCode = status === 'ok' || status === 'warn' ? EXIT.ok : EXIT.failed;
	return {exitCode, summary: testSummary(report, {status, message: outcome.result.summary, url: String(session.answers.url)})};
}

function stepsSummary(session: Session, command: string): Record<string, unknown> {
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
	};
}

export async function flowSetup(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	await askRole(session, asker);
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	const {INTERVIEWS, AFTER_STEP} = await import('./interviews.js');
	for (const step of session.stepsForRole()) {
		if (step.available) await INTERVIEWS[step.id]?.(session, asker);
		const outcome = await session.runStep(step, mode, {confirm: confirmWith(asker, options)});
		if (step.available) await AFTER_STEP[step.id]?.(session, asker, outcome);
		if (session.ctx.signal.aborted) break;
	}
	return {exitCode: session.failed() ? EXIT.failed : EXIT.ok, summary: stepsSummary(session, 'setup')};
}

export async function flowDoctor(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const {flowDoctorFull} = await import('./doctor-flow.js');
	return flowDoctorFull(session, asker, options);
}

export async function flowRepair(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const {flowRepairFull} = await import('./repair-flow.js');
	return flowRepairFull(session, asker, options);
}
