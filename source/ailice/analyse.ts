/**
 * Step 4's analysis, shared by check and plan: where AIlice's files are, what they hold, what the
 * answers want, and the exact file changes. Read-only: it reads files, asks the Ollama server
 * (`/api/tags`, `/api/show`) and, when a secret is involved, asks git whether a file could be
 * committed. Nothing here writes.
 */
import type {Ctx} from '../core/context.js';
import {explain} from '../core/causes.js';
import type {PlannedAction, Remediation, Role} from '../core/types.js';
import {parseOllamaUrl} from '../core/url.js';
import {checkServiceKeyText, keyExpiryProblem, readServiceKeyFile, registerServiceKey, tooOpen} from '../deploy/service-key.js';
import {CONTAINER_KEY_PATH} from '../deploy/templates.js';
import {envValue, mergeDotenv} from './dotenv.js';
import {gitExposed, readTarget} from './files.js';
import {isPlainObject, own, parseStrictJson, setOwn, type StrictParse} from './json.js';
import {ConfigShapeError, mergeAiliceConfig, mergeOverlay, type ModelSpec} from './merge.js';
import {fetchContextLength, fetchModels, resolveModelNames} from './models.js';
import {ailiceConfigPath, ailiceOverlayPath, resolveUserPath} from './paths.js';
import {describeFinding, validateAiliceConfig, validateProviderName} from './schema.js';

export const DEFAULT_PROVIDER = 'ollama';
/** contextWindow is capped to this unless the user chooses otherwise. */
export const DEFAULT_CONTEXT_CAP = 8192;

/** The answers step 4 reads (from flags, the card, or the interview). */
export interface AiliceAnswers {
	url?: string;
	/** Models to configure, as given (resolved against /api/tags). */
	models?: string[];
	/** A single --model (setup); used when `models` is absent. */
	model?: string;
	/** Models from a connection card; used when neither of the above is given. */
	cardModels?: string[];
	provider?: string;
	setDefault?: boolean;
	contextWindow?: number;
	ailiceConfig?: string;
	envFile?: string;
	serviceKeyFile?: string;
	/** Pasted key content: secret, memory only (never in the journal: its name matches /key/). */
	serviceKey?: string;
	role?: Role;
	/**
	 * Whether Ollama runs on this same machine. false (the user said it runs elsewhere) makes a
	 * loopback URL an error; undefined leaves it to the live /api/tags check, with a warning.
	 */
	ollamaOnThisMachine?: boolean;
	timeoutMs?: number;
}

export interface Problem {
	summary: string;
	details: string[];
	cause: string;
	remediation?: Remediation;
}

export interface Analysis {
	configPath: string;
	/** `inspect`: no URL given (doctor): only the existing file is checked. */
	mode: 'inspect' | 'configure';
	problem: Problem | null;
	/** Only real changes. */
	actions: PlannedAction[];
	/** Human lines describing the changes. */
	changes: string[];
	warnings: string[];
	info: string[];
	inputs: Record<string, unknown>;
	data: Record<string, unknown>;
	/** Every file this analysis read (so a later look can tell whether any of them changed). */
	read: string[];
}

const CONFIG = "AIlice's config.json";
const OVERLAY = "The web app's overlay user_config.json";

/** The refusal of a JSON file that does not parse, repeats a key, or nests absurdly deep. */
export function jsonProblem(what: string, file: string, parsed: Exclude<StrictParse, {ok: true}>): Problem {
	const at = `line ${parsed.line}, column ${parsed.column}`;
	if (parsed.kind === 'duplicate') {
		return {
			summary: `${what} at ${file} has a duplicate key at ${at}: ${parsed.message}. The wizard will not guess which one counts; nothing was changed.`,
			details: [],
			cause: 'config-invalid',
			remediation: {text: `Merge the two entries into one (or delete the one AIlice should not use) in ${file}, then run the wizard again.`},
		};
	}
	if (parsed.kind === 'depth') {
		return {
			summary: `${what} at ${file} cannot be used: at ${at} ${parsed.message}. Nothing was changed.`,
			details: [],
			cause: 'config-invalid',
			remediation: {text: `Restore ${file} from a backup, or move it aside so the wizard writes a minimal valid one; then run the wizard again.`},
		};
	}
	return {
		summary: `${what} at ${file} is not valid JSON: ${at}: ${parsed.message}. Nothing was changed.`,
		details: ['AIlice reads it with Python’s json.load: no comments and no trailing commas.'],
		cause: 'config-invalid',
		remediation: {text: `Fix line ${parsed.line} of ${file}, or move the file aside so the wizard writes a minimal valid one; then run the wizard again.`},
	};
}

function wantedModels(a: AiliceAnswers): string[] {
	if (a.models && a.models.length) return a.models;
	if (a.model) return [a.model];
	return a.cardModels ?? [];
}

export async function analyse(ctx: Ctx, a: AiliceAnswers): Promise<Analysis> {
	const loc = ailiceConfigPath(ctx, a.ailiceConfig);
	const provider = a.provider ?? DEFAULT_PROVIDER;
	const out: Analysis = {
		configPath: loc.path,
		mode: a.url ? 'configure' : 'inspect',
		problem: null,
		actions: [],
		changes: [],
		warnings: [],
		info: [],
		inputs: {configPath: loc.path, provider},
		data: {configPath: loc.path, provider},
		read: [loc.path],
	};
	const stop = (p: Problem): Analysis => ({...out, problem: p, actions: []});

	if (a.serviceKey) registerServiceKey(ctx.secrets, a.serviceKey);

	const target = await readTarget(ctx, loc.path, CONFIG);
	if (!target.ok && target.content) return stop({summary: `${target.problem} Nothing was changed.`, details: [], cause: 'config-invalid'});
	if (!target.ok) return stop({summary: `${target.problem} Nothing was changed.`, details: [], cause: 'config-path', remediation: {text: 'Pass --ailice-config with the path of the file AIlice reads (it prints "config.json is located at <path>" at startup).'}});
	let current: unknown = undefined;
	if (target.exists) {
		const parsed = parseStrictJson(target.text);
		if (!parsed.ok) return stop(jsonProblem(CONFIG, loc.path, parsed));
		current = parsed.value;
	}

	if (out.mode === 'inspect') return inspectExisting(ctx, out, target.exists ? current : undefined, provider);

	// ---- configure: what the answers want --------------------------------------------------------
	const pn = validateProviderName(provider);
	if (!pn.ok) return stop({summary: pn.problem, details: [], cause: 'usage'});
	const u = parseOllamaUrl(a.url ?? '');
	if (!u.ok) return stop({summary: u.problem, details: [], cause: 'usage'});
	const url = u.url;
	if (url.loopback && a.ollamaOnThisMachine === false) {
		return stop({
			summary: `${url.host} is this machine, but this is the AIlice side and Ollama runs on another machine: AIlice would look for Ollama here.`,
			details: ['Use the Twingate Resource alias the Ollama host published in step 3, e.g. http://ollama.internal:11434.'],
			cause: 'loopback',
			remediation: {text: 'Pass --url with the Resource alias, or --card with the connection card from step 3.'},
		});
	}
	if (url.loopback && a.role === 'client' && a.ollamaOnThisMachine === undefined) {
		out.warnings.push(`${url.host} is this machine: right only if Ollama runs here too; through Twingate use the Resource alias.`);
	}
	if (url.cgnat) out.warnings.push(`${url.host} is a 100.64.0.0/10 tunnel handle that only means something on the machine that assigned it; use the Resource alias instead.`);
	// Read once per run: the flag check before the step and the step's check, plan and verification share it.
	const live = await fetchModels(ctx, url, a.timeoutMs, {run: a, step: ctx});
	if (!live.ok) {
		const d = live.diagnosis;
		return stop({summary: `The model list could not be read from ${url.origin}: ${d.message} Nothing was changed.`, details: [], cause: d.cause, remediation: {text: d.fix, commands: d.commands}});
	}
	const wanted = wantedModels(a);
	if (wanted.length === 0) {
		const list = live.value.local.length ? `it lists ${live.value.local.join(', ')}` : 'it has no local models (ollama pull llama3.2 on the server)';
		return stop({summary: `No model was chosen for AIlice; ${list}.`, details: [], cause: 'usage', remediation: {text: 'Pass --model NAME (repeatable) with names the server lists, or --card.'}});
	}
	const resolved = resolveModelNames(live.value, wanted);
	if (!resolved.ok) {
		const d = explain('model-missing', {host: url.host, port: url.port, model: resolved.missing[0], models: live.value.local});
		return stop({summary: `${d.message} Nothing was changed.`, details: resolved.missing.length > 1 ? [`Also missing: ${resolved.missing.slice(1).join(', ')}`] : [], cause: 'model-missing', remediation: {text: d.fix}});
	}
	for (const n of resolved.names) {
		if (live.value.cloud.includes(n)) out.warnings.push(`${n} is a cloud model: it runs on ollama.com under the server owner's account, not on the server.`);
	}

	const cap = a.contextWindow ?? DEFAULT_CONTEXT_CAP;
	const specs: ModelSpec[] = [];
	const windows: Record<string, number> = Object.create(null) as Record<string, number>;
	for (const name of resolved.names) {
		const cl = await fetchContextLength(ctx, url, name, a.timeoutMs);
		if (!cl.ok) {
			const d = cl.diagnosis;
			return stop({summary: `The context length of ${name} could not be read from ${url.origin}: ${d.message} Nothing was changed.`, details: [], cause: d.cause, remediation: {text: d.fix}});
		}
		const length = cl.value;
		const cw = length === null ? cap : Math.min(length, cap);
		if (length === null) out.warnings.push(`The server does not report a context length for ${name}; contextWindow is set to ${cap}.`);
		else if (length < cap) out.info.push(`${name}: contextWindow ${cw} (the model's maximum; ${cap} asked).`);
		else out.info.push(`${name}: contextWindow ${cw} (capped from the model's ${length}; AIlice does not send it to Ollama, keep it ≤ the server's real context).`);
		specs.push({name, contextWindow: cw});
		setOwn(windows, name, cw);
	}

	const setDefault = Boolean(a.setDefault);
	let merged;
	try {
		merged = mergeAiliceConfig(target.exists ? target.text : null, {provider, baseURL: url.openaiBase, models: specs, setDefault}, target.exists ? current : undefined);
	} catch (error) {
		if (error instanceof ConfigShapeError) return stop({summary: `${CONFIG} at ${loc.path}: ${error.message} Nothing was changed.`, details: [], cause: 'config-shape'});
		throw error;
	}
	const mergedDoc = merged.doc;
	const v = validateAiliceConfig(mergedDoc, provider);
	if (v.errors.length) {
		return stop({
			summary: `The merged ${CONFIG} would break AIlice's rules, so nothing was written: ${describeFinding(v.errors[0] ?? {path: '', message: ''})}.`,
			details: v.errors.slice(1).map(describeFinding),
			cause: 'config-rules',
			remediation: {text: `Fix those keys in ${loc.path}, then run the wizard again.`},
		});
	}
	for (const w of v.warnings) out.warnings.push(`${CONFIG}: ${describeFinding(w)} (not changed by the wizard).`);
	if (merged.text !== target.text) {
		out.actions.push({
			kind: 'file',
			path: loc.path,
			why: target.exists
				? `Set the ${provider} provider (AModelChatGPT, apikey "ollama", baseURL ${url.openaiBase}) and its models; every other key stays as it was.`
				: `Create a minimal valid config.json with the ${provider} provider; AIlice fills in its defaults on first start.`,
			before: target.exists ? target.text : null,
			after: merged.text,
			...(target.exists ? {} : {mode: 0o600}),
			...(merged.changed?.names ? {changedKeys: merged.changed.paths, addedObjects: merged.changed.containers, changedNames: merged.changed.names} : {}),
		});
		out.changes.push(...merged.changes.map((c) => `config.json: ${c}`));
	}
	if (setDefault) out.info.push(`modelID and agentModelConfig.DEFAULT: ${merged.defaultId} (AIlice's own default points at OpenRouter).`);
	else {
		const id = own(mergedDoc, 'modelID');
		if (id !== merged.defaultId) {
			out.info.push(`The default model was left as it was${typeof id === 'string' && id ? ` (${id})` : ' (AIlice’s default points at OpenRouter)'}; start AIlice with --modelID=${merged.defaultId}, or pass --set-default.`);
		}
	}

	// ---- the web app's overlay -----------------------------------------------------------------
	const chatHistoryPath = own(mergedDoc, 'chatHistoryPath');
	const overlayPath = ailiceOverlayPath(ctx, chatHistoryPath);
	out.data.overlayPath = overlayPath;
	out.read.push(overlayPath);
	const ot = await readTarget(ctx, overlayPath, OVERLAY);
	if (!ot.ok) out.warnings.push(`${ot.problem} It was not updated; if it names the ${provider} provider, its baseURL overrides config.json's.`);
	else if (ot.exists) {
		const op = parseStrictJson(ot.text);
		// A repeated key (or absurd nesting) is refused: the web app reads the last of two keys, the
		// edit would change the first, and the stale value would silently win.
		if (!op.ok && op.kind !== 'syntax') return stop(jsonProblem(OVERLAY, overlayPath, op));
		const mo = mergeOverlay(ot.text, {provider, baseURL: url.openaiBase, defaultId: setDefault ? merged.defaultId : null}, op.ok ? op.value : undefined);
		if (mo.kind === 'invalid') {
			out.warnings.push(`${OVERLAY} at ${overlayPath} was not updated because ${mo.reason}. The web app will fail to load it until it is fixed or deleted.`);
		} else {
			if (mo.text !== ot.text) {
				out.actions.push({kind: 'file', path: overlayPath, why: `The web app overlays this file on config.json: its ${provider} provider keys and agentModelConfig must agree, or a stale baseURL wins.`, before: ot.text, after: mo.text});
				out.changes.push(...mo.changes.map((c) => `user_config.json: ${c}`));
			}
			if (mo.kind === 'not-named') out.info.push(`${OVERLAY} does not name the ${provider} provider, so config.json's baseURL applies.`);
		}
	}

	// ---- the service key (step 5) ---------------------------------------------------------------
	let keyFile: string | undefined;
	/** The key's content when it must go into the .env itself: pasted, or read once from a pipe. */
	let keyContent: string | undefined;
	let keyMode: number | null = null;
	if (a.serviceKeyFile) {
		const given = resolveUserPath(ctx, a.serviceKeyFile);
		out.read.push(given);
		const kf = await readServiceKeyFile(ctx, given);
		if (!kf.ok) return stop({summary: `${kf.problem} Nothing was changed.`, details: [], cause: 'service-key'});
		const expiry = keyExpiryProblem(kf.expiresAt, ctx.clock.now());
		if (expiry) out.warnings.push(expiry.sentence);
		if (kf.pipe) {
			// <(cat key.json): the path is gone once this run ends, so nothing may point at it.
			keyContent = kf.compact;
			out.info.push(`The service key was read once from the pipe ${given}; a pipe has no lasting path, so ${a.envFile ? 'its content goes into the .env (mode 0600)' : 'nothing refers to it after this run'}.`);
		} else {
			keyFile = given;
			keyMode = kf.mode;
		}
	} else if (a.serviceKey) {
		const c = checkServiceKeyText(a.serviceKey, 'The pasted service key');
		if (!c.ok) return stop({summary: c.problem, details: [], cause: 'service-key'});
		keyContent = c.compact;
	}
	if (keyFile) {
		const mode = keyMode;
		if (tooOpen(mode)) {
			out.actions.push({kind: 'command', argv: ['chmod', '600', keyFile], why: `The service key file is readable by others (mode ${(mode ?? 0).toString(8)}); a service key must be 0600.`, undo: ['chmod', (mode ?? 0o600).toString(8), keyFile]});
			out.changes.push(`${keyFile}: mode → 600`);
		}
		if ((await gitExposed(ctx, keyFile)) === true) out.warnings.push(`The service key file ${keyFile} is inside a git work tree and not ignored: move it outside any repository (or ignore it) so it is never committed.`);
	}

	// ---- the .env for the container entrypoint (AIlice itself reads no .env) -------------------
	if (a.envFile) {
		const envPath = resolveUserPath(ctx, a.envFile);
		out.data.envFile = envPath;
		out.read.push(envPath);
		const et = await readTarget(ctx, envPath, 'The .env file');
		if (!et.ok) return stop({summary: `${et.problem} Nothing was changed.`, details: [], cause: 'env-path'});
		// This .env is the one `docker run --env-file .env` hands to entrypoint.sh (step 5), so it holds
		// every variable the entrypoint requires, with paths as seen INSIDE the container: the run line
		// mounts the key file at CONTAINER_KEY_PATH (deploy/templates.ts dockerRunLines). The key's path
		// on this machine is only needed for that -v mount: it is kept, for the user, in
		// TWINGATE_SERVICE_KEY_HOST_FILE, which the entrypoint does not read.
		const set: Record<string, string | null> = {
			OLLAMA_BASE_URL: url.origin,
			OLLAMA_TUNNEL_TYPE: 'twingate',
			AILICE_MODELS: resolved.names.join(','),
			AILICE_PROVIDER: provider,
			AILICE_CONTEXT_WINDOW: a.contextWindow === undefined ? null : String(a.contextWindow),
		};
		if (keyFile) {
			set.TWINGATE_SERVICE_KEY_FILE = CONTAINER_KEY_PATH;
			set.TWINGATE_SERVICE_KEY_HOST_FILE = keyFile;
			set.TWINGATE_SERVICE_KEY = null;
		} else if (keyContent) {
			set.TWINGATE_SERVICE_KEY = keyContent;
			set.TWINGATE_SERVICE_KEY_FILE = null;
			set.TWINGATE_SERVICE_KEY_HOST_FILE = null;
		}
		let env;
		try {
			env = mergeDotenv(et.exists ? et.text : null, set);
		} catch (error) {
			return stop({summary: `The .env file ${envPath} cannot be written: ${(error as Error).message}. Nothing was changed.`, details: [], cause: 'env-path'});
		}
		const oldSecret = Boolean(envValue(et.exists ? et.text : null, 'TWINGATE_SERVICE_KEY'));
		const newSecret = Boolean(envValue(env.text, 'TWINGATE_SERVICE_KEY'));
		const why = `OLLAMA_BASE_URL, OLLAMA_TUNNEL_TYPE, AILICE_MODELS, AILICE_PROVIDER${keyFile ? `, TWINGATE_SERVICE_KEY_FILE (${CONTAINER_KEY_PATH}, where docker run mounts the key) and TWINGATE_SERVICE_KEY_HOST_FILE (the key on this machine)` : newSecret ? ', TWINGATE_SERVICE_KEY' : ''} for the step-5 container entrypoint (docker run --env-file). AIlice itself reads no .env; every other line stays.${oldSecret ? ' The old file holds a service key: its backup next to it is readable by you only (mode 0600).' : ''}`;
		if (env.text !== (et.text ?? '') || !et.exists) {
			out.actions.push({kind: 'file', path: envPath, why, before: et.exists ? et.text : null, after: env.text, ...(newSecret || !et.exists ? {mode: 0o600} : {}), ...(newSecret || oldSecret ? {secret: true} : {})});
			out.changes.push(`.env: ${env.changed.length ? env.changed.join(', ') : 'created'}`);
		} else if (newSecret && tooOpen(et.mode)) {
			out.actions.push({kind: 'command', argv: ['chmod', '600', envPath], why: 'The .env holds the service key and is readable by others; it must be 0600.', undo: ['chmod', (et.mode ?? 0o600).toString(8), envPath]});
			out.changes.push(`${envPath}: mode → 600`);
		}
		if (newSecret) {
			out.warnings.push('The service key’s content is in the .env (mode 0600). A key file referenced by TWINGATE_SERVICE_KEY_FILE, outside any repository, is safer: the .env is then free of secrets.');
			if ((await gitExposed(ctx, envPath)) === true) out.warnings.push(`The .env ${envPath} holds the service key and is inside a git work tree without being ignored: add it to .gitignore now, or it may be committed.`);
		}
		if (url.loopback) out.warnings.push(`The .env's OLLAMA_BASE_URL ${url.origin} is loopback: inside the step-5 container that is the container itself, and its entrypoint refuses it; give the container the Resource alias.`);
		if (keyFile) {
			out.info.push(`The .env names the key as the container sees it (${CONTAINER_KEY_PATH}); mount it there: docker run … -v ${keyFile}:${CONTAINER_KEY_PATH}:ro (service-account prints the whole line).`);
		} else if (!newSecret) {
			const named = envValue(env.text, 'TWINGATE_SERVICE_KEY_FILE');
			if (!named) out.info.push('The .env has no service key yet: pass --service-key-file PATH (the container needs it to start the Twingate Client).');
			else if (named !== CONTAINER_KEY_PATH) out.warnings.push(`The .env's TWINGATE_SERVICE_KEY_FILE is ${named}, but the entrypoint reads it inside the container, where docker run mounts the key at ${CONTAINER_KEY_PATH}; pass --service-key-file to set it.`);
		}
		out.inputs.envFile = envPath;
	}

	out.inputs = {
		...out.inputs,
		url: url.origin,
		models: resolved.names,
		contextWindows: windows,
		setDefault,
		serviceKeyFile: keyFile ?? null,
		pastedKey: Boolean(!keyFile && keyContent),
	};
	out.data = {...out.data, baseURL: url.openaiBase, models: resolved.names, contextWindows: windows, defaultId: merged.defaultId, setDefault};
	return out;
}

/** Doctor mode: is the existing config.json usable for the provider? */
async function inspectExisting(ctx: Ctx, out: Analysis, doc: unknown, provider: string): Promise<Analysis> {
	if (doc === undefined) {
		return {
			...out,
			problem: {
				summary: `There is no ${CONFIG} at ${out.configPath} yet, so AIlice has no Ollama provider.`,
				details: ['AIlice writes its defaults there on first start; the wizard writes a minimal valid one.'],
				cause: 'not-configured',
				remediation: {text: 'Run: ollama-tunnel-wizard configure-ailice --url http://<alias>:11434 --model <name> --set-default'},
			},
		};
	}
	const v = validateAiliceConfig(doc, provider);
	const p = own(own(doc, 'models'), provider);
	if (v.errors.length) {
		return {...out, problem: {summary: `${CONFIG} at ${out.configPath} breaks AIlice's rules: ${describeFinding(v.errors[0] ?? {path: '', message: ''})}.`, details: v.errors.slice(1).map(describeFinding), cause: 'config-rules'}};
	}
	if (!isPlainObject(p)) {
		return {
			...out,
			problem: {
				summary: `${CONFIG} at ${out.configPath} has no ${provider} provider, so AIlice cannot reach Ollama.`,
				details: [],
				cause: 'not-configured',
				remediation: {text: `Run: ollama-tunnel-wizard configure-ailice --url http://<alias>:11434 --model <name>${provider === DEFAULT_PROVIDER ? '' : ` --provider ${provider}`} --set-default`},
			},
		};
	}
	for (const w of v.warnings) out.warnings.push(describeFinding(w));
	const baseURL = typeof p.baseURL === 'string' ? p.baseURL : '';
	const list = own(p, 'modelList');
	const names = isPlainObject(list) ? Object.keys(list) : [];
	out.data = {...out.data, baseURL, models: names};
	out.info.push(`Provider ${provider}: baseURL ${baseURL}, models ${names.join(', ') || '(none)'}.`);
	const overlayPath = ailiceOverlayPath(ctx, own(doc, 'chatHistoryPath'));
	const ot = await readTarget(ctx, overlayPath, OVERLAY);
	if (!ot.ok) out.warnings.push(ot.problem);
	else if (ot.exists) {
		const parsed = parseStrictJson(ot.text);
		const op = parsed.ok ? own(own(parsed.value, 'models'), provider) : undefined;
		if (!parsed.ok) out.warnings.push(`${OVERLAY} at ${overlayPath} ${parsed.kind === 'duplicate' ? 'has a duplicate key' : parsed.kind === 'depth' ? 'is nested too deep to use' : 'is not valid JSON'} (line ${parsed.line}, column ${parsed.column}: ${parsed.message}).`);
		else if (isPlainObject(op) && op.baseURL !== p.baseURL) {
			return {
				...out,
				problem: {
					summary: `${OVERLAY} at ${overlayPath} sets ${provider}.baseURL to ${JSON.stringify(op.baseURL)}, which overrides config.json's ${JSON.stringify(p.baseURL)} in the web app.`,
					details: [],
					cause: 'overlay-stale',
					remediation: {text: 'Run configure-ailice again: it updates the overlay too.'},
				},
			};
		}
	}
	return out;
}
