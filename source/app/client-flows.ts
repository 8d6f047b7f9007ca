/**
 * The client-side commands (`configure-ailice` = step 4, `service-account` = step 5) and
 * the interviews of steps 4 and 5, shared by these commands and the guided setup. Flags and the
 * connection card arrive already in session.answers (flows.ts answersFromOptions); the interviews ask
 * only what is missing, and without a terminal the required answers fail with exit 2 naming the flag.
 */
import path from 'node:path';
import {SCHEMA_VERSION} from '../core/events.js';
import {EXIT, exitCodeFor, UsageError} from '../core/exit-codes.js';
import type {StepOutcome} from '../core/runner.js';
import type {Step} from '../core/types.js';
import {parseOllamaUrl, type OllamaUrl} from '../core/url.js';
import type {Options} from '../cli/args.js';
import type {AiliceAnswers} from '../ailice/analyse.js';
import {checkPath} from '../ailice/files.js';
import {fetchModels, resolveModelNames} from '../ailice/models.js';
import {ailiceConfigPath, resolveUserPath} from '../ailice/paths.js';
import {validateProviderName} from '../ailice/schema.js';
import {DEFAULT_OUT, type DeployAnswers} from '../deploy/analyse.js';
import {checkServiceKeyText, readServiceKeyFile, registerServiceKey} from '../deploy/service-key.js';
import {ailiceConfig} from '../steps/ailice-config.js';
import {serviceAccount} from '../steps/service-account.js';
import type {Asker} from './asker.js';
import {askUrl, confirmWith, containerText, startAiliceText, type FlowResult} from './flows.js';
import type {Session} from './session.js';
import {count} from '../core/words.js';

type ClientAnswers = AiliceAnswers & DeployAnswers & Record<string, unknown>;

const nonEmpty = (v: string): string | null => (v.trim() === '' ? 'Please enter a path.' : null);

function hasModels(a: ClientAnswers): boolean {
	return Boolean((a.models && a.models.length) || a.model || (a.cardModels && a.cardModels.length));
}

/** The usage error for missing models, saying so when a card was given but lists none. */
function noModels(a: ClientAnswers): UsageError {
	if (a.cardModels && a.cardModels.length === 0) {
		return new UsageError('The connection card lists no models: the Ollama server had none when the card was made (or it came from a --dry-run plan).', 'Pull a model on the Ollama host and make the card again, or pass --model NAME exactly as the server lists it.');
	}
	return new UsageError('The models for AIlice: no answer given.', 'Pass --model NAME (repeatable), exactly as the server lists it (ollama list on the server), or --card.');
}

/**
 * The server's model list, read before step 4 runs (to offer its models, or to check --model): every
 * view says so at once (a step:progress line), since against a server that hangs it takes the whole
 * timeout; then how it went, in words.
 */
async function readModelList(session: Session, url: OllamaUrl): ReturnType<typeof fetchModels> {
	const progress = (status: 'running' | 'ok' | 'fail', message: string) =>
		session.bus.emit({type: 'step:progress', step: ailiceConfig.id, check: 'model-list', status, message: session.ctx.secrets.redact(message)});
	progress('running', `Reading the model list from ${url.origin} …`);
	const live = await fetchModels(session.ctx, url, (session.answers as ClientAnswers).timeoutMs, {run: session.answers});
	if (live.ok) progress('ok', `The server at ${url.origin} lists ${count(live.value.local.length, 'local model')}.`);
	else progress('fail', live.diagnosis.message);
	return live;
}

/** Asks for the service key as a file path (recommended) or, when allowed, pasted (masked). */
async function askServiceKey(session: Session, asker: Asker, allowPaste: boolean): Promise<void> {
	const a = session.answers as ClientAnswers;
	if (a.serviceKeyFile || a.serviceKey || !asker.interactive) return;
	const how = await asker.select<'file' | 'paste' | 'none'>({
		message: 'The Twingate service key (Admin Console → Team → Services → Generate Key; shown once, a JSON document)',
		flag: '--service-key-file',
		choices: [
			{value: 'file', name: 'A JSON file on this machine (recommended: mode 0600, outside any repository)'},
			...(allowPaste ? [{value: 'paste' as const, name: 'Paste its JSON, hidden (it is then stored in the .env, mode 0600)'}] : []),
			{value: 'none', name: 'Not now'},
		],
	});
	if (how === 'file') {
		for (let attempt = 0; attempt < 3; attempt++) {
			const p = await asker.text({message: 'Path of the service key file', flag: '--service-key-file', validate: nonEmpty});
			const r = await readServiceKeyFile(session.ctx, resolveUserPath(session.ctx, p));
			if (r.ok) {
				a.serviceKeyFile = p;
				return;
			}
			await asker.note('That file cannot be used', r.problem);
		}
		throw new UsageError('No usable service key file was given.', 'Pass --service-key-file PATH.');
	}
	if (how === 'paste') {
		a.serviceKey = await asker.text({
			message: 'Paste the service key JSON on one line (hidden)',
			flag: '--service-key-file',
			secret: true,
			validate: (v) => {
				registerServiceKey(session.ctx.secrets, v);
				const c = checkServiceKeyText(v, 'The pasted key');
				return c.ok ? null : c.problem;
			},
		});
		registerServiceKey(session.ctx.secrets, a.serviceKey);
	}
}

/**
 * Step 4's questions in the guided setup: the address, the models from the live list, provider,
 * default, .env and key. Without a terminal it asks nothing: a missing --url or --model is a usage
 * error (exit 2) naming the flag, like `configure-ailice`.
 *
 * The loopback rule (refuse localhost/127.0.0.1 when the role says Ollama is on another
 * machine). `--role client` is the AIlice side, and the guide's setup has Ollama on another machine,
 * reached through the Twingate Resource alias. So a loopback --url there means "Ollama runs on this
 * same machine" only when the user says so: on a terminal the setup asks; without one it is refused
 * (exit 2 naming --url) unless --ollama-here says so. `configure-ailice` keeps its own rule (a
 * loopback URL is accepted, with a warning on the AIlice side): it also runs inside the container,
 * whose entrypoint refuses a loopback OLLAMA_BASE_URL itself.
 */
export async function interviewAiliceConfig(session: Session, asker: Asker): Promise<void> {
	await askAiliceConfig(session, asker, true);
}

async function askAiliceConfig(session: Session, asker: Asker, setup: boolean): Promise<void> {
	const a = session.answers as ClientAnswers;
	if (session.role && a.role === undefined) a.role = session.role;
	if (!asker.interactive) {
		// No terminal: never wait for input; name the flag to pass (exit 2).
		if (!a.url) throw new UsageError("The Ollama URL for AIlice's config.json: no answer given.", 'Pass --url http://<Resource alias>:11434, or --card with the connection card from step 3.');
		if (!hasModels(a)) throw noModels(a);
		if (setup) refuseLoopbackWithoutTerminal(a);
		return;
	}
	await askUrl(session, asker);
	let u = parseOllamaUrl(String(a.url));
	if (!u.ok) throw new UsageError(`--url: ${u.problem}`);
	if (u.url.loopback && a.role === 'client' && a.ollamaOnThisMachine === undefined && asker.interactive) {
		a.ollamaOnThisMachine = await asker.confirm({message: `${u.url.host} is this machine. Does Ollama run on this same machine as AIlice?`, flag: '--url', default: false});
		if (!a.ollamaOnThisMachine) {
			// AIlice would look for Ollama here, and every later question would be wasted: ask for the right address now.
			await askUrl(session, asker, {
				again: true,
				refuseLoopback: 'is this machine, and Ollama runs on another one: give the Twingate Resource alias the Ollama host published in step 3 (or its connection card).',
				message: 'Ollama is on another machine: its URL through Twingate (the Resource alias, e.g. http://ollama.home.internal:11434), or paste the otw1: connection card',
			});
			u = parseOllamaUrl(String(a.url));
			if (!u.ok) throw new UsageError(`--url: ${u.problem}`);
		}
	}
	if (!hasModels(a)) {
		const live = await readModelList(session, u.url);
		// Unreachable: step 4's check explains the cause; nothing to pick from here.
		if (!live.ok) return;
		const local = live.value.local;
		if (local.length === 0) return;
		const first = await asker.select<string>({
			message: `Which model should AIlice use? (the server at ${u.url.origin} lists these)`,
			flag: '--model',
			choices: local.map((n) => ({value: n, name: n})),
		});
		const models = [first];
		const rest = local.filter((n) => n !== first);
		if (rest.length) {
			const all = await asker.confirm({message: `Also add the other ${count(rest.length, 'model')} to AIlice's list (${rest.join(', ')})?`, flag: '--model', default: false});
			if (all) models.push(...rest);
		}
		a.models = models;
	}
	if (a.provider === undefined) {
		a.provider = await asker.text({
			message: "Provider name in AIlice's config.json",
			flag: '--provider',
			default: 'ollama',
			validate: (v) => {
				const r = validateProviderName(v);
				return r.ok ? null : r.problem;
			},
		});
	}
	if (a.setDefault === undefined) {
		const first = a.models?.[0] ?? a.model ?? a.cardModels?.[0] ?? 'the first model';
		a.setDefault = await asker.confirm({
			message: `Make ${first} AIlice's default model (modelID and agentModelConfig.DEFAULT)? AIlice's own default points at OpenRouter.`,
			flag: '--set-default',
			default: true,
		});
	}
	if (a.envFile === undefined) {
		const want = await asker.confirm({
			message: 'Also write OLLAMA_BASE_URL, OLLAMA_TUNNEL_TYPE and the service key into a .env for the step-5 container? (AIlice itself reads no .env.)',
			flag: '--dotenv',
			default: false,
		});
		if (want) {
			a.envFile = await asker.text({message: '.env file', flag: '--dotenv', default: path.join(DEFAULT_OUT, '.env'), validate: nonEmpty});
			await askServiceKey(session, asker, true);
		}
	}
}

/** setup --role client without a terminal: a loopback --url is refused unless --ollama-here (see above). */
function refuseLoopbackWithoutTerminal(a: ClientAnswers): void {
	if (a.role !== 'client' || a.ollamaOnThisMachine === true) return;
	const u = parseOllamaUrl(String(a.url));
	if (!u.ok || !u.url.loopback) return;
	throw new UsageError(
		`--url ${u.url.origin}: ${u.url.host} is this machine, but --role client is the AIlice side, where Ollama runs on another machine; AIlice would look for Ollama here. Nothing was changed.`,
		'Pass --url with the Twingate Resource alias the Ollama host published in step 3 (e.g. http://ollama.internal:11434), or --card with its connection card; if Ollama really runs on this same machine, add --ollama-here.',
	);
}

/**
 * Step 5's questions: whether to generate the folder at all (in the guided setup it is optional, for
 * production), where, and the key file if none was given yet.
 */
export async function interviewServiceAccount(session: Session, asker: Asker): Promise<void> {
	const a = session.answers as ClientAnswers;
	if (!asker.interactive || a.deploy === false) return;
	if (a.deploy === undefined && a.out === undefined) {
		a.deploy = await asker.confirm({
			message: 'Generate the production container (AIlice + headless Twingate Client with a service key): Dockerfile, entrypoint.sh, .env.example?',
			flag: '--out',
			default: true,
		});
		if (!a.deploy) return;
	}
	if (a.out === undefined) a.out = await asker.text({message: 'Folder for the deployment files (Dockerfile, entrypoint.sh, .env.example)', flag: '--out', default: DEFAULT_OUT, validate: nonEmpty});
	// The container reaches Ollama through Twingate: a loopback address would be the container itself (its
	// entrypoint refuses it), so step 5 asks for the Resource alias then, whatever step 4 used on this machine.
	const known = a.url ? parseOllamaUrl(String(a.url)) : null;
	if (!known || !known.ok || known.url.loopback) {
		await askUrl(session, asker, {
			key: 'deployUrl',
			refuseLoopback: 'is the container itself inside the step-5 container (its entrypoint refuses it): give the Twingate Resource alias of Ollama (or its connection card).',
			message: known?.ok ? `${known.url.host} is this machine; the container needs Ollama's Twingate Resource alias (e.g. http://ollama.home.internal:11434), or paste the otw1: card` : 'Ollama URL for the container: the Twingate Resource alias (e.g. http://ollama.home.internal:11434), or paste the otw1: connection card',
		});
	}
	await askServiceKey(session, asker, false);
}

/**
 * Paths given by flags are checked before anything runs: a path that cannot be used (a folder, a
 * link, a pipe or device, a missing folder) is exit 2 naming the flag. These checks only stat the
 * path; what a config or .env holds is judged by the step (exit 1). The key file is read here, once
 * for the whole run (a pipe such as <(cat key.json) can be read only once).
 */
async function checkFlagPaths(session: Session, which: {config?: boolean; env?: boolean; key?: boolean; out?: boolean}): Promise<void> {
	const a = session.answers as ClientAnswers;
	const ctx = session.ctx;
	if (which.config && a.ailiceConfig) {
		const file = ailiceConfigPath(ctx, a.ailiceConfig).path;
		const problem = await checkPath(file, "AIlice's config.json");
		if (problem) throw new UsageError(`--ailice-config ${JSON.stringify(a.ailiceConfig)}: ${problem} Nothing was changed.`);
	}
	if (which.env && a.envFile) {
		const problem = await checkPath(resolveUserPath(ctx, a.envFile), 'The .env file');
		if (problem) throw new UsageError(`--dotenv ${JSON.stringify(a.envFile)}: ${problem} Nothing was changed.`);
	}
	if (which.key && a.serviceKeyFile) {
		const r = await readServiceKeyFile(ctx, resolveUserPath(ctx, a.serviceKeyFile));
		if (!r.ok) throw new UsageError(`--service-key-file ${JSON.stringify(a.serviceKeyFile)}: ${r.problem} Nothing was changed.`);
	}
	if (which.out && a.out) {
		const out = resolveUserPath(ctx, a.out);
		const st = await ctx.fs.stat(out).catch(() => null);
		if (st && !st.isDirectory && !st.isSymbolicLink) throw new UsageError(`--out ${JSON.stringify(a.out)}: ${out} exists and is not a folder. Nothing was written.`);
	}
}

/** A --model the server does not list is a usage error (exit 2), when the list could be read. */
async function checkModelsOnServer(session: Session): Promise<void> {
	const a = session.answers as ClientAnswers;
	const wanted = a.models && a.models.length ? a.models : a.model ? [a.model] : a.cardModels ?? [];
	const u = a.url ? parseOllamaUrl(a.url) : null;
	if (!u?.ok || wanted.length === 0) return;
	const live = await readModelList(session, u.url);
	if (!live.ok) return; // the step explains the network cause (exit 1)
	const r = resolveModelNames(live.value, wanted);
	if (!r.ok) {
		const flag = a.models || a.model ? '--model' : '--card';
		const list = live.value.local.length ? live.value.local.join(', ') : 'no local models';
		throw new UsageError(
			`${flag} ${JSON.stringify(r.missing[0])}: the server at ${u.url.origin} does not list this model; it has: ${list}. Names must match /api/tags exactly (a name without a tag means :latest). Nothing was changed.`,
			`Pull it on the Ollama host (ollama pull ${r.missing[0]}) or pick a listed name.`,
		);
	}
}

function exitFor(outcome: StepOutcome, dryRun: boolean): number {
	const r = outcome.result;
	// A dry run of a step that has not run yet (nothing configured, nothing generated) is not a failure.
	const planned = dryRun && r.status === 'fail' && (r.cause === 'not-configured' || r.cause === 'not-generated');
	return exitCodeFor({failed: r.status !== 'ok' && r.status !== 'warn' && !planned});
}

function summaryOf(session: Session, command: string, step: Step, outcome: StepOutcome, dryRun: boolean): Record<string, unknown> {
	const r = outcome.result;
	const data = (r.data ?? {}) as Record<string, unknown>;
	const pending = dryRun && r.status === 'fail' && (r.cause === 'not-configured' || r.cause === 'not-generated');
	const exitCode = exitFor(outcome, dryRun);
	const changes = (data.changes as string[] | undefined) ?? [];
	let message = r.summary;
	if (pending) message = `Dry run: ${count(changes.length, 'change')} planned (shown above), nothing was changed.`;
	else if (outcome.applied && exitCode === EXIT.ok) message = `Done: ${r.summary}`;
	else if (exitCode === EXIT.ok && !dryRun) message = `Nothing to change: ${r.summary}`;
	// The next thing to do: start AIlice with what step 4 wrote; build and run the step-5 container.
	let next: string | null = null;
	if (pending) next = 'Nothing was changed: run the same command without --dry-run to apply the plan.';
	else if (exitCode === EXIT.ok && !dryRun) next = step.id === ailiceConfig.id ? startAiliceText(data) : typeof data.out === 'string' ? `${containerText(data).replace(/^in /, 'In ')}` : null;
	return {
		schemaVersion: SCHEMA_VERSION,
		type: 'summary',
		command,
		status: pending ? 'pending' : exitCode === EXIT.ok ? r.status : r.status === 'crash' ? 'crash' : 'fail',
		cause: r.cause ?? null,
		message,
		fix: r.remediation?.text ?? null,
		dryRun,
		changed: outcome.applied && exitCode === EXIT.ok,
		...data,
		written: session.run.files.map((f) => ({path: f.path, backup: f.backup, created: f.created})),
		steps: [{id: step.id, number: step.number, title: step.title, available: step.available, status: r.status, summary: r.summary, cause: r.cause ?? null, applied: outcome.applied}],
		journal: session.ephemeral || dryRun ? null : session.journalPath,
		next,
	};
}

/** `configure-ailice`: step 4 alone, non-interactive with flags (scripts, the step-5 container). */
export async function flowConfigureAilice(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const a = session.answers as ClientAnswers;
	if (session.role && a.role === undefined) a.role = session.role;
	await checkFlagPaths(session, {config: true, env: true, key: true});
	await askAiliceConfig(session, asker, false);
	if (!a.url) throw new UsageError("The Ollama URL for AIlice's config.json: no answer given.", 'Pass --url http://<Resource alias>:11434, or --card with the connection card from step 3.');
	if (!hasModels(a)) throw noModels(a);
	await checkModelsOnServer(session);
	const dryRun = Boolean(options['dry-run']);
	const outcome = await session.runStep(ailiceConfig, dryRun ? 'dry-run' : 'apply', {confirm: confirmWith(asker, options)});
	return {exitCode: exitFor(outcome, dryRun), summary: summaryOf(session, 'configure-ailice', ailiceConfig, outcome, dryRun)};
}

/** `service-account`: step 5 alone. */
export async function flowServiceAccount(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	await checkFlagPaths(session, {key: true, out: true});
	(session.answers as ClientAnswers).deploy = true;
	await interviewServiceAccount(session, asker);
	const dryRun = Boolean(options['dry-run']);
	const outcome = await session.runStep(serviceAccount, dryRun ? 'dry-run' : 'apply', {confirm: confirmWith(asker, options)});
	return {exitCode: exitFor(outcome, dryRun), summary: summaryOf(session, 'service-account', serviceAccount, outcome, dryRun)};
}
