/**
 * The CLI after argument parsing: picks the view (Ink UI, plain lines, NDJSON), builds the real
 * context with one app-wide abort signal, runs the command's flow and returns the exit code.
 */
import {EXIT, exitCodeFor, UsageError} from '../core/exit-codes.js';
import {SecretRegistry} from '../core/context.js';
import {createRealCtx} from '../core/real-context.js';
import {eventForLog, FileLogger} from '../core/logger.js';
import {maskSecrets, maskUrlCredentials} from '../core/mask.js';
import {wizardPaths} from '../core/paths.js';
import {Session} from '../app/session.js';
import {LockError} from '../core/lock.js';
import {JournalError} from '../core/journal.js';
import {nonInteractiveAsker, type Asker} from '../app/asker.js';
import {answersFromOptions, runFlow, type FlowResult} from '../app/flows.js';
import {attachJsonView} from '../views/json.js';
import {askAtFailures, attachPlainView} from '../views/plain.js';
import {STEPS} from '../steps/index.js';
import {parseCommandLine, type ParsedArgs} from './args.js';
import {helpText} from './help.js';
import {isCi} from './ci.js';
import {SCHEMA_VERSION} from '../core/events.js';
import {LAYERS} from '../doctor/types.js';
import {MARK} from '../views/format.js';

export interface Io {
	argv: string[];
	env: Record<string, string | undefined>;
	stdinIsTTY: boolean;
	stdoutIsTTY: boolean;
	out: (line: string) => void;
	err: (line: string) => void;
	/** Aborted on Ctrl-C / SIGTERM by the entry point. */
	controller: AbortController;
	/** The first frame the entry point drew (ui/shell.tsx); erased before anything else is printed. */
	shell?: {dispose(): Promise<void>};
}

export type ViewKind = 'ink' | 'plain' | 'json';

export function chooseView(parsed: ParsedArgs, io: Pick<Io, 'env' | 'stdinIsTTY' | 'stdoutIsTTY'>): ViewKind {
	if (parsed.options.json) return 'json';
	// TERM=dumb: a terminal that cannot move the cursor or clear a line gets the line-by-line view.
	if (parsed.options.plain || !io.stdinIsTTY || !io.stdoutIsTTY || isCi(io.env) || io.env.TERM === 'dumb') return 'plain';
	return 'ink';
}

export function printUsageError(error: UsageError, io: Pick<Io, 'err'>): number {
	// A value echoed in a usage message never shows a URL's password.
	io.err(`Error: ${maskUrlCredentials(error.message)}`);
	if (error.hint) io.err(maskUrlCredentials(error.hint));
	return exitCodeFor({error});
}

export async function main(io: Io): Promise<number> {
	let parsed: ParsedArgs;
	try {
		parsed = parseCommandLine(io.argv);
	} catch (error) {
		await io.shell?.dispose();
		if (error instanceof UsageError) return printUsageError(error, io);
		throw error;
	}
	if (parsed.options.help) {
		io.out(helpText(parsed.command).trimEnd());
		return EXIT.ok;
	}

	// --platform (setup): plan steps 1–3 for that OS on any machine, with --dry-run only. An explicit
	// --platform always plans from stated assumptions (simulated), even when it names this machine's own OS:
	// the plan then shows every command and file whatever is (not) installed here.
	const platform = parsed.options.platform ?? process.platform;
	const foreign = platform !== process.platform;
	const simulated = parsed.options.platform !== undefined;
	if (simulated && !parsed.options['dry-run']) {
		await io.shell?.dispose();
		return printUsageError(
			foreign
				? new UsageError(`--platform ${platform} is not this machine's OS (${process.platform}); it only works with --dry-run.`, 'Add --dry-run to review the plan here, or run the wizard on that machine to apply it.')
				: new UsageError(`--platform ${platform} plans from stated assumptions; it only works with --dry-run.`, 'Drop --platform to set up this machine (the wizard detects its OS), or add --dry-run to review the plan.'),
			io,
		);
	}
	if (simulated && parsed.options.role !== 'server') {
		await io.shell?.dispose();
		return printUsageError(new UsageError(`--platform ${platform} plans the Ollama host's steps 1–3 only.`, 'Add --role server.'), io);
	}

	// How many backups to keep per file (default 5): OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS.
	const keepRaw = io.env.OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS;
	const keepBackups = keepRaw === undefined || keepRaw === '' ? undefined : /^\d{1,3}$/.test(keepRaw) && Number(keepRaw) >= 1 && Number(keepRaw) <= 100 ? Number(keepRaw) : null;
	if (keepBackups === null) {
		await io.shell?.dispose();
		return printUsageError(new UsageError(`OLLAMA_TUNNEL_WIZARD_KEEP_BACKUPS must be a whole number from 1 to 100 (it is ${JSON.stringify(String(keepRaw).slice(0, 20))}).`, 'Unset it to keep the newest 5 backups per file.'), io);
	}
	const view = chooseView(parsed, io);
	if (view !== 'ink') await io.shell?.dispose();
	const secrets = new SecretRegistry();
	const started = Date.now();
	const logger = new FileLogger(wizardPaths(io.env).logDir, secrets, started);
	logger.log('info', `ollama-tunnel-wizard ${parsed.command}`, {view, argv: io.argv.map((a) => secrets.redact(a))});
	const dryRun = Boolean(parsed.options['dry-run']);
	const ctx = createRealCtx({signal: io.controller.signal, log: logger, secrets, dryRun, env: io.env, platform, keepBackups});
	if (simulated) {
		// A --platform plan reads nothing here: the steps plan from stated assumptions (answers.simulated),
		// and any command or HTTP request that slipped through fails loudly instead of reading this machine.
		const refuse = async (what: string): Promise<never> => {
			throw new Error(`not run: this is a --platform ${platform} plan from stated assumptions, and ${what} would read this machine instead`);
		};
		ctx.run = (cmd, args) => refuse(`\`${[cmd, ...args].join(' ')}\``);
		ctx.http = {...ctx.http, request: (url) => refuse(`GET ${url}`), stream: (url) => refuse(`GET ${url}`)};
	}
	const session = new Session({
		ctx,
		answers: {...answersFromOptions(parsed.options), ...(simulated ? {simulated: true} : {})},
		role: parsed.options.role,
		ephemeral: parsed.command === 'test',
		// Commands that change things hold the state lock for the whole run; doctor only with --fix.
		lock: parsed.command !== 'test' && (parsed.command !== 'doctor' || Boolean(parsed.options.fix)),
		command: parsed.command,
	});
	// File changes are logged as path, sizes, hashes and changed names: never the content.
	session.bus.on((event) => logger.log('info', `event ${event.type}`, eventForLog(event)));

	try {
		// Start loading the UI while the journal is read: the first frame appears sooner.
		const ink = view === 'ink' ? import('../ui/run-ink.js').then(async (m) => (await m.preloadInk(), m)) : null;
		await session.open();
		if (ink) {
			const {runInk} = await ink;
			await io.shell?.dispose();
			const code = await runInk({session, parsed, controller: io.controller});
			if (logger.file) io.err(`Log: ${logger.file}`);
			return code;
		}

		const numbers = Object.fromEntries(STEPS.map((s) => [s.id, s.number]));
		let asker: Asker;
		if (view === 'json') {
			attachJsonView(session.bus, io.out, io.err, (s) => maskUrlCredentials(secrets.redact(s)));
			asker = nonInteractiveAsker();
		} else {
			attachPlainView(session.bus, (l) => io.out(maskUrlCredentials(secrets.redact(l))), numbers);
			if (io.stdinIsTTY && io.stdoutIsTTY) {
				const {inquirerAsker} = await import('../views/inquirer-asker.js');
				asker = inquirerAsker(io.controller.signal, io.out);
			} else {
				asker = nonInteractiveAsker(io.out);
			}
		}

		// Every command runs through the controller, which also builds the end summary the views render.
		// On a terminal (--plain) the setup stops at a failed step and asks whether to retry it with other
		// answers, go on, or stop; without one (and in --json) it goes on, as before.
		const {Driver} = await import('../app/controller.js');
		const controller = new Driver({session, command: parsed.command, options: parsed.options, asker, liveDoctor: false});
		const stop = view === 'plain' && asker.interactive ? askAtFailures(controller, asker) : () => undefined;
		try {
			await controller.start();
		} finally {
			stop();
		}
		if (controller.thrown) throw controller.thrown;
		const result: FlowResult = {exitCode: controller.exitCode(), summary: controller.summary()};
		if (view === 'json') io.out(secrets.redact(JSON.stringify({...result.summary, log: logger.file})));
		else printPlainSummary(parsed, result, io);
		if (logger.file && view !== 'json') io.out(`Log: ${logger.file}`);
		logger.log('info', 'finished', {exitCode: result.exitCode});
		return result.exitCode;
	} catch (error) {
		await io.shell?.dispose();
		if (error instanceof UsageError) {
			if (view === 'json') io.out(maskUrlCredentials(secrets.redact(JSON.stringify({schemaVersion: SCHEMA_VERSION, type: 'summary', command: parsed.command, status: 'usage-error', message: error.message, hint: error.hint ?? null}))));
			return printUsageError(error, io);
		}
		if (error instanceof LockError || error instanceof JournalError) {
			// Another run holds the state, or the journal is not a usable file: one sentence, exit 1.
			if (view === 'json') io.out(JSON.stringify({schemaVersion: SCHEMA_VERSION, type: 'summary', command: parsed.command, status: 'fail', message: error.message}));
			else io.err(error.message);
			return exitCodeFor({error});
		}
		if (exitCodeFor({error, cancelled: io.controller.signal.aborted}) === EXIT.cancelled) {
			io.err('Cancelled.');
			return EXIT.cancelled;
		}
		logger.log('error', 'unexpected error', {error: String((error as Error)?.stack ?? error)});
		// A bug's message may quote what it was handling: redacted and masked like the log.
		io.err(`Unexpected error: ${maskUrlCredentials(maskSecrets(secrets.redact(String((error as Error)?.message ?? error))))}`);
		if (logger.file) io.err(`Details are in the log: ${logger.file}`);
		return exitCodeFor({error});
	} finally {
		await session.close();
	}
}

/** Moved to source/app/flows.ts (the Ink driver uses it too); re-exported for existing imports. */
export {runFlow};

function printPlainSummary(parsed: ParsedArgs, result: FlowResult, io: Io): void {
	const s = result.summary;
	if (parsed.command === 'test') {
		return;
	}
	if (parsed.command === 'configure-ailice' || parsed.command === 'service-account') {
		// The client flows' message already says what happened (done, dry run, nothing to change);
		// then the next thing to do (start AIlice; build and run the container).
		if (typeof s.message === 'string') io.out(s.message);
		if (typeof s.next === 'string') io.out(`Next: ${s.next}`);
		return;
	}
	if (parsed.command === 'doctor') {
		// The lines above came in completion order; here they are again grouped by layer.
		const checks = (s.checks as {layer: string; title: string; status: string; detail: string}[] | undefined) ?? [];
		if (checks.length) {
			io.out('');
			io.out('By layer:');
			for (const layer of LAYERS) {
				const mine = checks.filter((c) => c.layer === layer.id);
				if (mine.length === 0) continue;
				io.out(`  ${layer.title}`);
				for (const c of mine) io.out(`    ${MARK[c.status as keyof typeof MARK] ?? '?'} ${c.title}: ${c.detail}`);
			}
		}
		const findings = (s.findings as {severity: string; detail: string; fix: string}[] | undefined) ?? [];
		if (findings.length) {
			io.out('');
			io.out('Findings (severity, what to change):');
			for (const f of findings) io.out(`  [${f.severity}] ${f.detail}\n      Fix: ${f.fix}`);
		}
		if (s.diagnosis && (s.diagnosis as {fixStep: string | null}).fixStep && !parsed.options.fix) io.out('The wizard can fix this itself: rerun with --fix.');
		return;
	}
	if (typeof s.message === 'string') io.out(s.message);
	const steps = (s.steps as {status: string}[] | undefined) ?? [];
	const failed = steps.filter((x) => x.status === 'fail' || x.status === 'crash').length;
	// A run that failed before any step (e.g. repair without a journal) has said why; no "Done.".
	if (s.status === 'fail' && steps.length === 0) return;
	const steps1 = failed === 1 ? '1 step needs' : `${failed} steps need`;
	// Rerunning repair with the same answers would fail the same way: say what changes the outcome.
	const next =
		parsed.command === 'repair'
			? io.stdinIsTTY && io.stdoutIsTTY
				? 'Fix the cause shown above, then run `ollama-tunnel-wizard repair` again; it asks the failed step’s questions again, so you can answer differently.'
				: 'Fix the cause shown above, or give other answers as flags (`ollama-tunnel-wizard repair --help`), or run repair on a terminal, where it asks the failed step’s questions again.'
			: 'Fix the cause shown above, then run `ollama-tunnel-wizard repair` (it reruns only what failed and, on a terminal, asks the failed step’s questions again).';
	io.out(failed ? `${steps1} attention. ${next}` : `Done${s.dryRun ? ' (dry run: nothing was changed)' : ''}.`);
	// A successful setup ends with the next thing to do (start AIlice, or where the card goes).
	if (!failed && parsed.command === 'setup' && typeof s.next === 'string') io.out(`Next: ${s.next}`);
}
