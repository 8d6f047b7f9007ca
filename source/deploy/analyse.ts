/**
 * Step 5's analysis, shared by check and plan: the deployment folder's files as they are and as they
 * should be, the service key's shape and mode, and the build/run lines. Read-only.
 */
import path from 'node:path';
import type {Ctx} from '../core/context.js';
import type {PlannedAction, Remediation} from '../core/types.js';
import {parseOllamaUrl} from '../core/url.js';
import {gitExposed, readTarget} from '../ailice/files.js';
import {resolveUserPath} from '../ailice/paths.js';
import {checkServiceKeyText, keyExpiryProblem, readServiceKeyFile, registerServiceKey, tooOpen} from './service-key.js';
import {dockerfile, dockerRunLines, entrypointSh, envExample, LIMITS, readme, type DeploySpec} from './templates.js';

export const DEFAULT_OUT = 'ailice-twingate';

export interface DeployAnswers {
	/**
	 * Generate the folder: set by the service-account command and by the setup interview. Without it
	 * (and without --out) the guided setup skips step 5, an optional path for production.
	 */
	deploy?: boolean;
	out?: string;
	serviceKeyFile?: string;
	/** Pasted key content (secret, memory only). */
	serviceKey?: string;
	url?: string;
	/** The URL the container uses, when this machine's own (url) is loopback (asked by step 5). */
	deployUrl?: string;
	models?: string[];
	model?: string;
	cardModels?: string[];
	provider?: string;
	contextWindow?: number;
}

export interface DeployAnalysis {
	out: string;
	problem: {summary: string; details: string[]; cause: string; remediation?: Remediation} | null;
	/** Not requested (see DeployAnswers.deploy): nothing is checked or planned. */
	notRequested: boolean;
	/** File writes and chmods that change something. */
	actions: PlannedAction[];
	/** Build/run lines and the limits: always shown. */
	manual: PlannedAction[];
	changes: string[];
	warnings: string[];
	runLines: string[];
	inputs: Record<string, unknown>;
}

export async function analyseDeploy(ctx: Ctx, a: DeployAnswers): Promise<DeployAnalysis> {
	const out = resolveUserPath(ctx, a.out ?? DEFAULT_OUT);
	if (a.serviceKey) registerServiceKey(ctx.secrets, a.serviceKey);
	const result: DeployAnalysis = {out, problem: null, notRequested: false, actions: [], manual: [], changes: [], warnings: [], runLines: [], inputs: {out}};
	if (a.deploy === false || (a.deploy === undefined && a.out === undefined)) return {...result, notRequested: true};
	const stop = (summary: string, cause: string, remediation?: Remediation): DeployAnalysis => ({...result, problem: {summary, details: [], cause, remediation}, actions: []});

	let st;
	try {
		st = await ctx.fs.stat(out);
	} catch (error) {
		return stop(`The deployment folder ${out} cannot be used (${(error as NodeJS.ErrnoException).code ?? 'error'}). Nothing was written.`, 'out-path');
	}
	if (st && !st.isDirectory && !st.isSymbolicLink) return stop(`The deployment folder ${out} exists and is not a folder. Nothing was written.`, 'out-path', {text: 'Pass --out with a new or existing folder.'});

	let hostKeyFile: string | undefined;
	let pipedKey = false;
	let keyMode: number | null = null;
	if (a.serviceKeyFile) {
		const given = resolveUserPath(ctx, a.serviceKeyFile);
		const kf = await readServiceKeyFile(ctx, given);
		if (!kf.ok) return stop(`${kf.problem} Nothing was written.`, 'service-key');
		const expiry = keyExpiryProblem(kf.expiresAt, ctx.clock.now());
		if (expiry?.expired) return stop(`${expiry.sentence} Nothing was written.`, 'service-key');
		if (expiry) result.warnings.push(expiry.sentence);
		// A pipe (<(cat key.json)) was checked, but docker run cannot mount it: it is gone after this run.
		if (kf.pipe) pipedKey = true;
		else {
			hostKeyFile = given;
			keyMode = kf.mode;
		}
	}
	if (hostKeyFile) {
		if (tooOpen(keyMode)) {
			result.actions.push({kind: 'command', argv: ['chmod', '600', hostKeyFile], why: `The service key file is readable by others (mode ${(keyMode ?? 0).toString(8)}); it must be 0600.`, undo: ['chmod', (keyMode ?? 0o600).toString(8), hostKeyFile]});
			result.changes.push(`${hostKeyFile}: mode → 600`);
		}
		if ((await gitExposed(ctx, hostKeyFile)) === true) result.warnings.push(`The service key file ${hostKeyFile} is inside a git work tree and not ignored: move it outside any repository.`);
	} else if (a.serviceKey && !a.serviceKeyFile) {
		const c = checkServiceKeyText(a.serviceKey, 'The pasted service key');
		if (!c.ok) return stop(c.problem, 'service-key');
		const expiry = keyExpiryProblem(c.expiresAt, ctx.clock.now());
		if (expiry?.expired) return stop(expiry.sentence, 'service-key');
		if (expiry) result.warnings.push(expiry.sentence);
	}

	// The URL the container uses: asked separately when this machine's own was loopback.
	const containerUrl = a.deployUrl ?? a.url;
	const parsedUrl = containerUrl ? parseOllamaUrl(containerUrl) : null;
	if (parsedUrl?.ok && parsedUrl.url.loopback) {
		result.warnings.push(`${parsedUrl.url.origin} is loopback: inside the step-5 container that is the container itself, and its entrypoint refuses it; set OLLAMA_BASE_URL in the .env to the Twingate Resource alias (e.g. http://ollama.home.internal:11434).`);
	}
	const models = a.models && a.models.length ? a.models : a.model ? [a.model] : a.cardModels && a.cardModels.length ? a.cardModels : undefined;
	const spec: DeploySpec = {
		url: parsedUrl?.ok ? parsedUrl.url.origin : undefined,
		models,
		provider: a.provider,
		contextWindow: a.contextWindow,
		hostKeyFile,
	};
	const files: {name: string; content: string; mode: number; why: string}[] = [
		{name: 'Dockerfile', content: dockerfile(), mode: 0o644, why: 'Installs the official Twingate Linux Client (APT repository), Python, AIlice and this wizard.'},
		{name: 'entrypoint.sh', content: entrypointSh(), mode: 0o755, why: 'Key → /etc/twingate/service_key.json (0600), twingate setup --headless, twingate start, bounded wait for "online", configure-ailice, exec ailice.'},
		{name: '.env.example', content: envExample(spec), mode: 0o644, why: 'Every variable of entrypoint.sh, explained (no secrets in it).'},
		{name: 'README.md', content: readme(spec), mode: 0o644, why: 'How to build and run it, and the limits.'},
	];
	for (const f of files) {
		const file = path.join(out, f.name);
		const t = await readTarget(ctx, file, f.name);
		if (!t.ok) return stop(`${t.problem} Nothing was written.`, 'out-path');
		if (!t.exists || t.text !== f.content) {
			result.actions.push({kind: 'file', path: file, why: f.why, before: t.exists ? t.text : null, after: f.content, mode: f.mode});
			result.changes.push(`${f.name}: ${t.exists ? 'update' : 'create'}`);
		} else if (t.mode !== null && t.mode !== f.mode) {
			result.actions.push({kind: 'command', argv: ['chmod', f.mode.toString(8), file], why: `${f.name} should have mode ${f.mode.toString(8)}.`, undo: ['chmod', t.mode.toString(8), file]});
			result.changes.push(`${f.name}: mode → ${f.mode.toString(8)}`);
		}
	}
	result.runLines = dockerRunLines(spec);
	result.manual.push({kind: 'manual', why: `Build and run it (in ${out}, after copying .env.example to .env and filling it in):`, text: result.runLines.join('\n')});
	result.manual.push({kind: 'manual', why: 'Limits:', text: LIMITS.map((l) => `- ${l}`).join('\n')});
	if (pipedKey) result.warnings.push(`The service key came through a pipe, which is checked but cannot be mounted by docker run: save it to a file (mode 0600) and replace ${'/path/to/service_key.json'} in the docker run line with that file's path.`);
	else if (!hostKeyFile) result.warnings.push(`No service key file was given: replace ${'/path/to/service_key.json'} in the docker run line with the key's path on the Docker host.`);
	result.inputs = {out, url: spec.url ?? null, models: spec.models ?? null, provider: spec.provider ?? null, contextWindow: spec.contextWindow ?? null, serviceKeyFile: hostKeyFile ?? null};
	return result;
}
