/**
 * The answers steps 1–3 read (from flags or the interviews), and the per-install method choice with
 * the reason for it (how each install takes OLLAMA_HOST:
 * https://github.com/ollama/ollama/blob/main/docs/faq.md#how-do-i-configure-ollama-server).
 */
import {UsageError} from '../core/exit-codes.js';
import {isAtLeast} from '../parsers/ollama-cli.js';
import {validateBindValue} from '../parsers/ollama-host.js';
import {isValidAlias} from '../parsers/twingate.js';
import type {ConnectorChoice} from './connector.js';
import {MIN_EXPOSE_APP, OLLAMA_PORT, type OllamaInstall} from './detect.js';

export type Method = 'app-setting' | 'setenv' | 'launchagent' | 'brew' | 'systemd';
export const METHODS: readonly Method[] = ['app-setting', 'setenv', 'launchagent', 'brew', 'systemd'];

export interface ServerAnswers {
	/**
	 * Set by the CLI when `--platform` is given (`setup --dry-run` only), whatever this machine's own OS:
	 * nothing is detected or run; plans come from stated assumptions.
	 */
	simulated?: boolean;
	connector?: ConnectorChoice;
	/** TWINGATE_NETWORK, the tenant name (`acme` for acme.twingate.com). Not secret. */
	twingateNetwork?: string;
	/** Connector tokens: memory only (journal drops names containing "token"), registered as secrets. */
	connectorAccessToken?: string;
	connectorRefreshToken?: string;
	/** The user confirmed the Admin Console shows a Connector elsewhere as Connected. */
	connectorConfirmed?: boolean;
	/**
	 * The user confirmed the Resource checklist (interactively, or `--resource-ready`). The checklist
	 * includes "the Connector shows Connected", so it also stands for connectorConfirmed when that was
	 * not answered on its own.
	 */
	resourceConfirmed?: boolean;
	/** The Resource address (default: dockerhost for a Docker Connector here, else the first LAN IP). */
	resourceAddress?: string;
	/** The optional Twingate client on this machine (macOS app / Linux client). */
	twingateClient?: 'use' | 'skip';
	/** Wait (up to 90 s) for the client to connect after starting it (default true; `--twingate-client-wait`). */
	twingateClientWait?: boolean;
	method?: Method;
	bind?: string;
	/** Quit Ollama.app before loading the LaunchAgent (default true; the plan shows it). */
	quitApp?: boolean;
	/** Run the Docker reachability probe without asking (`--docker-probe yes|no`; default: ask, or not run without a terminal). */
	runDockerProbe?: boolean;
	/** Result of the Docker reachability probe (does Docker Desktop reach a loopback-only Ollama?), kept in the journal's answers. */
	dockerProbe?: DockerProbeResult;
	alias?: string;
}

export type DockerProbeResult = 'reachable' | 'unreachable' | 'not-run';

export function serverAnswers(answers: Record<string, unknown>): ServerAnswers {
	return answers as ServerAnswers;
}

export function methodsFor(platform: NodeJS.Platform): Method[] {
	return platform === 'darwin' ? ['app-setting', 'setenv', 'launchagent', 'brew'] : platform === 'linux' ? ['systemd'] : [];
}

export function assertMethodFits(method: Method, platform: NodeJS.Platform): void {
	const fits = methodsFor(platform);
	if (!fits.includes(method)) {
		throw new UsageError(
			`--method ${method} does not apply to ${platform === 'darwin' ? 'macOS' : platform}.`,
			fits.length ? `Use one of: ${fits.join(', ')}.` : 'Steps 1–3 support macOS and Linux only.',
		);
	}
}

export interface MethodOption {
	method: Method;
	/** What a person reads for this method: words, never the --method value (only flags need that). */
	label: string;
	/** Why (or why not) this method fits this machine. */
	reason: string;
	recommended: boolean;
	/** False when it cannot work here (e.g. app-setting without the app); shown, not offered. */
	usable: boolean;
}

/** The methods for the installs found, best first, each with its reason. */
export function methodOptions(platform: NodeJS.Platform, installs: readonly OllamaInstall[], appVersion: string | null): MethodOption[] {
	if (platform === 'linux') {
		const unit = installs.some((i) => i.kind === 'systemd');
		return [
			{
				method: 'systemd',
				label: 'A drop-in file for Ollama\'s systemd service (override.conf)',
				reason: unit
					? 'The installer created ollama.service; a drop-in with a [Service] header survives upgrades. A second unit would start a second server with another model store.'
					: 'No ollama.service was found; install Ollama with the official script first (it creates the unit).',
				recommended: unit,
				usable: unit,
			},
		];
	}
	const app = installs.some((i) => i.kind === 'app');
	const brew = installs.some((i) => i.kind === 'brew');
	const exposeOk = app && (appVersion === null || isAtLeast(appVersion, MIN_EXPOSE_APP));
	const options: MethodOption[] = [
		{
			method: 'app-setting',
			label: 'Ollama.app setting "Expose Ollama to the network"',
			reason: !app
				? 'Ollama.app is not installed here.'
				: exposeOk
					? 'Persistent and owned by the app (app ≥ 0.9.5). It always binds 0.0.0.0:11434, whatever bind you choose.'
					: `This app is ${appVersion}; the switch exists since 0.9.5. Update the app or use another method.`,
			recommended: exposeOk && !brew,
			usable: exposeOk,
		},
		{
			method: 'setenv',
			label: 'launchctl setenv OLLAMA_HOST, then restart the app',
			reason: app
				? 'Quick and keeps the app, but the value is lost on reboot (#3639, #4091) and must be set in the GUI login, not over SSH.'
				: 'Only the app reads launchd\'s environment at start; Ollama.app is not installed here.',
			recommended: false,
			usable: app,
		},
		{
			method: 'brew',
			label: 'Homebrew: stop the brew service, run a wizard-owned LaunchAgent',
			reason: brew
				? 'Edits to homebrew.mxcl.ollama.plist do not survive: brew services restart and upgrades re-copy it (#16063). The LaunchAgent runs the same brew binary with OLLAMA_HOST.'
				: 'The Homebrew formula is not installed here.',
			recommended: brew,
			usable: brew,
		},
		{
			method: 'launchagent',
			label: 'A LaunchAgent running ollama serve (~/Library/LaunchAgents/com.ollama.server.plist)',
			reason: 'Persistent, runs the real binary found here with OLLAMA_HOST; the app must not run its own server at the same time (two servers fight over 11434).',
			recommended: !app && !brew,
			usable: installs.length > 0,
		},
	];
	return options.sort((a, b) => Number(b.recommended) - Number(a.recommended) || Number(b.usable) - Number(a.usable));
}

/** Validates a bind answer with validateBindValue (host:port, never a scheme). */
export function checkedBind(value: string, flag = '--bind'): {host: string; port: number; value: string} {
	const r = validateBindValue(value);
	if (!r.ok) throw new UsageError(`${flag}: ${r.problem}`);
	return {host: r.host, port: r.port, value: r.value};
}

export function checkedAlias(value: string, flag = '--alias'): string {
	const r = isValidAlias(value);
	if (!r.ok) throw new UsageError(`${flag}: ${r.problem}`);
	return r.alias;
}

/** The port clients use: the bind's port when one was chosen, else 11434. */
export function servicePort(a: ServerAnswers): number {
	if (!a.bind) return OLLAMA_PORT;
	const r = validateBindValue(a.bind);
	return r.ok ? r.port : OLLAMA_PORT;
}

/** The sentence every non-loopback bind comes with: Ollama's API has no authentication. */
export const SECURITY_WARNING =
	'Ollama has no authentication: anyone who can reach this port can run, pull and delete models (and use cloud models on your ollama.com account). Keep it reachable from the Connector host only, and keep Ollama ≥ 0.17.1.';
