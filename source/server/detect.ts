/**
 * Detection on the Ollama host, read-only: which installs of Ollama exist, which server runs, where it
 * listens, and how it was configured. Never launches the app: probes use HTTP, lsof/ss, pgrep and
 * launchctl (running the `ollama` CLI on a Mac would start the app, so detection never calls it).
 */
import path from 'node:path';
import {NetError, type Ctx} from '../core/context.js';
import {isCloudModel, TAGS_MAX_BYTES, tagsReply, versionReply} from '../core/ollama-api.js';
import {sizeReached} from '../core/connection-test.js';
import {parseSystemctlIsActive, type SystemdActiveState} from '../parsers/docker.js';
import {parseLaunchctlPrint, type LaunchctlService} from '../parsers/launchctl.js';
import {parseLsofListeners, parseSsListeners, summariseListeners, type ListenerSummary} from '../parsers/listeners.js';
import {parseIfconfig, parseIpJsonAddr, proposableResourceAddresses, type InterfaceAddress} from '../parsers/interfaces.js';
import {show} from '../parsers/common.js';

export const OLLAMA_PORT = 11434;

/** Ollama.app and the binary inside it */
export const APP_PATH = '/Applications/Ollama.app';
export const APP_BINARY = '/Applications/Ollama.app/Contents/Resources/ollama';
/** The app's settings database; column `expose` of table `settings` (the app's "Expose Ollama to the network" switch). */
export const APP_DB_RELATIVE = 'Library/Application Support/Ollama/db.sqlite';
/** Homebrew formula binaries: Apple Silicon, then Intel (the stable opt path, never Cellar/<ver>). */
export const BREW_BINARIES = ['/opt/homebrew/opt/ollama/bin/ollama', '/usr/local/opt/ollama/bin/ollama'];
/** Homebrew's cask `ollama-app`. */
export const BREW_CASKROOMS = ['/opt/homebrew/Caskroom/ollama-app', '/usr/local/Caskroom/ollama-app'];
export const BREW_EXECUTABLES = ['/opt/homebrew/bin/brew', '/usr/local/bin/brew'];
/** Service labels: app login item, brew service, and the wizard-owned LaunchAgent. */
export const APP_LABEL = 'com.ollama.ollama';
export const BREW_LABEL = 'homebrew.mxcl.ollama';
export const AGENT_LABEL = 'com.ollama.server';
/** Linux installer's unit and the drop-in the wizard writes (https://github.com/ollama/ollama/blob/main/docs/faq.md#setting-environment-variables-on-linux). */
export const LINUX_UNIT = '/etc/systemd/system/ollama.service';
export const LINUX_DROPIN_DIR = '/etc/systemd/system/ollama.service.d';
export const LINUX_DROPIN = `${LINUX_DROPIN_DIR}/override.conf`;
export const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';
/** Ollama ≥ 0.17.1 fixes CVE-2026-7482. */
export const MIN_SAFE_OLLAMA = '0.17.1';
/** The app's "Expose Ollama to the network" switch exists since app v0.9.5 (ollama/ollama#11363). */
export const MIN_EXPOSE_APP = '0.9.5';

/** Where Ollama's binary lives per install type; the first that exists. */
export const OLLAMA_BINARIES: Record<string, string[]> = {
	darwin: [APP_BINARY, ...BREW_BINARIES, '/usr/local/bin/ollama'],
	linux: ['/usr/local/bin/ollama', '/usr/bin/ollama', '/bin/ollama'],
};

export async function findOllamaBinary(ctx: Ctx): Promise<string | null> {
	for (const p of OLLAMA_BINARIES[ctx.platform] ?? []) if (await ctx.fs.stat(p)) return p;
	return null;
}

export function agentPlistPath(home: string): string {
	return path.join(home, 'Library', 'LaunchAgents', `${AGENT_LABEL}.plist`);
}

export type InstallKind = 'app' | 'brew' | 'agent' | 'binary' | 'systemd';

export interface OllamaInstall {
	kind: InstallKind;
	/** Absolute path of the binary this install runs (never a guess: found on this machine). */
	binary: string;
	/** Human evidence, e.g. `/Applications/Ollama.app exists`. */
	evidence: string;
	/** The app came from Homebrew's cask `ollama-app`. */
	viaCask?: boolean;
	/** The text of the file that defines it (the LaunchAgent plist, the systemd unit). */
	source?: string;
}

const INSTALL_NAMES: Record<InstallKind, string> = {
	app: 'Ollama.app',
	brew: 'Homebrew formula (service homebrew.mxcl.ollama)',
	agent: `wizard LaunchAgent ${AGENT_LABEL}`,
	binary: 'a bare ollama binary',
	systemd: 'systemd unit ollama.service',
};

export function installName(install: OllamaInstall): string {
	return install.kind === 'app' && install.viaCask ? 'Ollama.app (Homebrew cask ollama-app)' : INSTALL_NAMES[install.kind];
}

async function exists(ctx: Ctx, p: string): Promise<boolean> {
	try {
		return (await ctx.fs.stat(p)) !== null;
	} catch {
		return false;
	}
}

async function readTextSafe(ctx: Ctx, p: string): Promise<string | null> {
	try {
		return await ctx.fs.readText(p);
	} catch {
		return null;
	}
}

/** The binary a LaunchAgent plist runs (`ProgramArguments[0]` or `Program`), or null. */
export async function plistProgram(text: string): Promise<string | null> {
	try {
		// plist (and its XML parser) loads only when a plist is read: it is not needed to draw the first screen.
		const {parse: parsePlist} = await import('plist');
		const value = parsePlist(text) as Record<string, unknown>;
		const args = value.ProgramArguments;
		if (Array.isArray(args) && typeof args[0] === 'string') return args[0];
		return typeof value.Program === 'string' ? value.Program : null;
	} catch {
		return null;
	}
}

/** `ExecStart=/usr/local/bin/ollama serve` → `/usr/local/bin/ollama`. */
export function unitExecBinary(unit: string): string | null {
	const line = /^\s*ExecStart\s*=\s*[-@:+!]*(\S+)/m.exec(unit);
	return line?.[1] ?? null;
}

/** Every install of Ollama on this machine, by files only (no command, nothing launched). */
export async function detectInstalls(ctx: Ctx): Promise<OllamaInstall[]> {
	const found: OllamaInstall[] = [];
	if (ctx.platform === 'darwin') {
		if (await exists(ctx, APP_PATH)) {
			let viaCask = false;
			for (const room of BREW_CASKROOMS) if (await exists(ctx, room)) viaCask = true;
			found.push({kind: 'app', binary: APP_BINARY, evidence: `${APP_PATH} exists`, viaCask});
		}
		for (const bin of BREW_BINARIES) {
			if (await exists(ctx, bin)) {
				found.push({kind: 'brew', binary: bin, evidence: `${bin} exists`});
				break;
			}
		}
		const agentPath = agentPlistPath(ctx.home);
		const agentText = await readTextSafe(ctx, agentPath);
		if (agentText !== null) {
			const program = await plistProgram(agentText);
			found.push({kind: 'agent', binary: program ?? '(unreadable plist)', evidence: `${agentPath} exists`, source: agentText});
		}
		// A bare binary: /usr/local/bin/ollama that is a real file (a symlink there is the app's or brew's link).
		const bare = await ctx.fs.stat('/usr/local/bin/ollama').catch(() => null);
		if (bare && !bare.isSymbolicLink && bare.isFile) found.push({kind: 'binary', binary: '/usr/local/bin/ollama', evidence: '/usr/local/bin/ollama is a plain file'});
		return found;
	}
	const unit = await readTextSafe(ctx, LINUX_UNIT);
	if (unit !== null) {
		found.push({kind: 'systemd', binary: unitExecBinary(unit) ?? '/usr/local/bin/ollama', evidence: `${LINUX_UNIT} exists`, source: unit});
		return found;
	}
	for (const bin of OLLAMA_BINARIES.linux ?? []) {
		if (await exists(ctx, bin)) {
			found.push({kind: 'binary', binary: bin, evidence: `${bin} exists (no systemd unit)`});
			break;
		}
	}
	return found;
}

/** `id -u`; null when it fails. */
export async function currentUid(ctx: Ctx): Promise<number | null> {
	const r = await ctx.run('id', ['-u']);
	const text = r.stdout.trim();
	return r.exitCode === 0 && /^\d+$/.test(text) ? Number(text) : null;
}

export type ListenerRead = {ok: true; summary: ListenerSummary} | {ok: false; problem: string};

/** Who listens on 11434: `lsof -nP -iTCP:11434 -sTCP:LISTEN` (macOS) or `ss -ltnp 'sport = :11434'` (Linux). */
export async function readListeners(ctx: Ctx, port = OLLAMA_PORT): Promise<ListenerRead> {
	const darwin = ctx.platform === 'darwin';
	const r = darwin ? await ctx.run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN']) : await ctx.run('ss', ['-ltnp', `sport = :${port}`]);
	const tool = darwin ? 'lsof' : 'ss';
	if (r.notFound) return {ok: false, problem: `${tool} is not installed, so the wizard cannot see who listens on port ${port}.`};
	// lsof exits 1 with no output when nothing listens.
	if (darwin && r.exitCode === 1 && r.stdout.trim() === '') return {ok: true, summary: summariseListeners([], port)};
	if (r.exitCode !== 0) return {ok: false, problem: `${tool} exited with code ${r.exitCode}: ${show(r.stderr.trim() || r.stdout.trim())}.`};
	const parsed = darwin ? parseLsofListeners(r.stdout) : parseSsListeners(r.stdout);
	if (!parsed.ok) return {ok: false, problem: parsed.problem};
	return {ok: true, summary: summariseListeners(parsed.listeners, port)};
}

export interface HttpProbe {
	/** `GET /` answered 200 `Ollama is running`. */
	ok: boolean;
	detail: string;
	code?: string;
}

export function hostForUrl(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

/** `GET http://<host>:<port>/` must answer exactly `Ollama is running` (Ollama's root endpoint). */
export async function probeRoot(ctx: Ctx, host: string, port = OLLAMA_PORT, timeoutMs = 3000): Promise<HttpProbe> {
	const url = `http://${hostForUrl(host)}:${port}/`;
	try {
		const r = await ctx.http.request(url, {timeoutMs, maxBodyBytes: 4096});
		if (r.status === 200 && r.text.trim() === 'Ollama is running') return {ok: true, detail: `GET ${url} answered "Ollama is running"`};
		return {ok: false, detail: `GET ${url} answered HTTP ${r.status} ${show(r.text.slice(0, 60))}, not "Ollama is running"`, code: `HTTP${r.status}`};
	} catch (error) {
		const code = error instanceof NetError ? error.code : 'EUNKNOWN';
		return {ok: false, detail: `GET ${url} failed (${code})`, code};
	}
}

/** `GET /api/version`; null when the server did not answer with a version. */
export async function localVersion(ctx: Ctx, host = '127.0.0.1', port = OLLAMA_PORT, timeoutMs = 3000): Promise<string | null> {
	try {
		const r = await ctx.http.request(`http://${hostForUrl(host)}:${port}/api/version`, {timeoutMs, maxBodyBytes: 64 * 1024});
		const p = versionReply.safeParse(JSON.parse(r.text));
		return r.status === 200 && p.success ? p.data.version : null;
	} catch {
		return null;
	}
}

export interface LocalInfo {
	version: string | null;
	/** Local model names (cloud entries left out: they run on ollama.com); null when /api/tags did not answer or was too large. */
	models: string[] | null;
	/**
	 * Why the list is missing when the server did answer: a list longer than the wizard reads, e.g.
	 * "/api/tags is too large to read (19.3 MiB, more than the 16 MiB the wizard reads)". null otherwise.
	 */
	modelsProblem: string | null;
}

/** `/api/version` and `/api/tags` of the local server. */
export async function localInfo(ctx: Ctx, host = '127.0.0.1', port = OLLAMA_PORT, timeoutMs = 3000): Promise<LocalInfo> {
	const base = `http://${hostForUrl(host)}:${port}`;
	const version = await localVersion(ctx, host, port, timeoutMs);
	let models: string[] | null = null;
	let modelsProblem: string | null = null;
	try {
		// The same limit as every other read of the list: 16 MiB, well over 10,000 models.
		const r = await ctx.http.request(`${base}/api/tags`, {timeoutMs, maxBodyBytes: TAGS_MAX_BYTES});
		if (r.truncated) {
			modelsProblem = `/api/tags is too large to read (${sizeReached(r, TAGS_MAX_BYTES)})`;
		} else {
			const p = tagsReply.safeParse(JSON.parse(r.text));
			if (r.status === 200 && p.success) models = (p.data.models ?? []).filter((m) => !isCloudModel(m)).map((m) => m.name);
		}
	} catch {
		/* not answering */
	}
	return {version, models, modelsProblem};
}

export type Holder = 'app' | 'brew' | 'agent' | 'systemd' | 'other';

export interface ServerState {
	installs: OllamaInstall[];
	uid: number | null;
	listeners: ListenerRead;
	/** macOS: `pgrep -x Ollama` (the GUI app). */
	appRunning: boolean;
	/** macOS: the app's "Expose Ollama to the network" switch; null when unknown. */
	appExpose: boolean | null;
	/** macOS: `launchctl getenv OLLAMA_HOST` ('' when unset); null when not read. */
	launchEnvHost: string | null;
	brewService: LaunchctlService | null;
	agent: LaunchctlService | null;
	/** Linux: `systemctl is-active ollama`. */
	systemd: SystemdActiveState | null;
	/** Linux: current drop-in text (null when absent). */
	dropIn: string | null;
	/** Linux: the sentence saying why an existing drop-in could not be read (null when read or absent). */
	dropInProblem: string | null;
	/** Which install holds each listener PID on 11434. */
	holders: Map<number, Holder>;
	/** Malformed outputs that the wizard could not read (each a sentence). */
	problems: string[];
}

function holderOf(pid: number | null, state: Omit<ServerState, 'holders'>, command: string | null): Holder {
	if (pid !== null && state.brewService?.pid === pid) return 'brew';
	if (pid !== null && state.agent?.pid === pid) return 'agent';
	if (state.systemd === 'active') return 'systemd';
	if (state.appRunning && (command === 'ollama' || command === 'Ollama')) return 'app';
	return 'other';
}

async function launchctlService(ctx: Ctx, uid: number, label: string, problems: string[]): Promise<LaunchctlService | null> {
	const r = await ctx.run('launchctl', ['print', `gui/${uid}/${label}`]);
	const parsed = parseLaunchctlPrint(`${r.stdout}${r.stderr}`, r.exitCode ?? -1);
	if (!parsed.ok) {
		problems.push(parsed.problem);
		return null;
	}
	return parsed.found ? parsed : null;
}

/** The running server and how it is configured; every command is read-only. */
export async function detectServer(ctx: Ctx, port = OLLAMA_PORT): Promise<ServerState> {
	const installs = await detectInstalls(ctx);
	const problems: string[] = [];
	const uid = await currentUid(ctx);
	const listeners = await readListeners(ctx, port);
	if (!listeners.ok) problems.push(listeners.problem);
	const base: Omit<ServerState, 'holders'> = {
		installs,
		uid,
		listeners,
		appRunning: false,
		appExpose: null,
		launchEnvHost: null,
		brewService: null,
		agent: null,
		systemd: null,
		dropIn: null,
		dropInProblem: null,
		problems,
	};
	if (ctx.platform === 'darwin') {
		if (installs.some((i) => i.kind === 'app')) {
			base.appRunning = (await ctx.run('pgrep', ['-x', 'Ollama'])).exitCode === 0;
			const env = await ctx.run('launchctl', ['getenv', 'OLLAMA_HOST']);
			base.launchEnvHost = env.exitCode === 0 ? env.stdout.trim() : null;
			const db = path.join(ctx.home, APP_DB_RELATIVE);
			if (await exists(ctx, db)) {
				const r = await ctx.run('sqlite3', ['-readonly', db, 'select expose from settings']);
				const word = r.stdout.trim().toLowerCase();
				base.appExpose = r.exitCode === 0 ? (/^(1|true)$/.test(word) ? true : /^(0|false|)$/.test(word) ? false : null) : null;
			}
		}
		if (uid !== null && installs.some((i) => i.kind === 'brew')) base.brewService = await launchctlService(ctx, uid, BREW_LABEL, problems);
		if (uid !== null && installs.some((i) => i.kind === 'agent')) base.agent = await launchctlService(ctx, uid, AGENT_LABEL, problems);
	} else if (installs.some((i) => i.kind === 'systemd')) {
		base.systemd = parseSystemctlIsActive((await ctx.run('systemctl', ['is-active', 'ollama'])).stdout);
		// An existing drop-in that cannot be read is a problem, never "no drop-in": a plan would replace it.
		try {
			base.dropIn = await ctx.fs.readText(LINUX_DROPIN);
		} catch (error) {
			base.dropInProblem = `${LINUX_DROPIN} exists but cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), so the wizard cannot tell what it sets.`;
			problems.push(base.dropInProblem);
		}
	}
	const holders = new Map<number, Holder>();
	if (listeners.ok) for (const l of listeners.summary.listeners) if (l.pid !== null) holders.set(l.pid, holderOf(l.pid, base, l.command));
	return {...base, holders};
}

export type AddressRead = {ok: true; addresses: InterfaceAddress[]} | {ok: false; problem: string};

/** This machine's IPv4 addresses: `ifconfig` (macOS) or `ip -j addr` (Linux), classified. */
export async function readAddresses(ctx: Ctx): Promise<AddressRead> {
	const darwin = ctx.platform === 'darwin';
	const r = darwin ? await ctx.run('ifconfig', []) : await ctx.run('ip', ['-j', 'addr']);
	if (r.notFound) return {ok: false, problem: `${darwin ? 'ifconfig' : 'ip'} is not installed, so the wizard cannot list this machine's addresses.`};
	const parsed = darwin ? parseIfconfig(r.stdout) : parseIpJsonAddr(r.stdout);
	if (!parsed.ok) return {ok: false, problem: parsed.problem};
	return {ok: true, addresses: parsed.addresses};
}

/** The first LAN IPv4 address worth proposing (never 100.64.0.0/10, loopback or link-local). */
export function firstLanAddress(addresses: readonly InterfaceAddress[]): string | null {
	return proposableResourceAddresses(addresses)[0]?.address ?? null;
}

/** macOS `scutil --get LocalHostName` (the Bonjour name behind `<name>.local`), Linux `hostname`. */
export async function readHostname(ctx: Ctx): Promise<string | null> {
	const r = ctx.platform === 'darwin' ? await ctx.run('scutil', ['--get', 'LocalHostName']) : await ctx.run('hostname', []);
	const name = r.stdout.trim().split('\n')[0]?.trim() ?? '';
	if (r.exitCode !== 0 || !/^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*$/.test(name)) return null;
	return name;
}
