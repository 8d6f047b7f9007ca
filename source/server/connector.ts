/**
 * The serving side of Twingate: a Connector that can reach this machine, and the Resource for it
 * (Client → Connector → Resource, https://www.twingate.com/docs/how-twingate-works). Read-only detection plus the exact commands
 * a plan shows. Tokens never appear in an argument vector: `docker run --env TWINGATE_ACCESS_TOKEN`
 * (a name without a value) makes docker copy the value from its own environment, which the step passes
 * only to that one process (see twingate-network.ts). The systemd Connector on this Linux machine
 * (`--connector systemd-here`) is installed with Twingate's setup.sh the same way (systemdSetupArgv).
 */
import type {Ctx} from '../core/context.js';
import {UsageError} from '../core/exit-codes.js';
import {parseDockerPsConnectors, parseSystemctlIsActive, type DockerContainer, type SystemdActiveState} from '../parsers/docker.js';
import {parseScutilNcList, parseTwingateStatus, type TwingateStatus} from '../parsers/twingate.js';
import {BREW_EXECUTABLES, OLLAMA_PORT} from './detect.js';

export const CONNECTOR_IMAGE = 'twingate/connector:1';
export const CONNECTOR_NAME = 'twingate-connector';
/** Docker Desktop's host alias the Resource uses for a Connector on a Mac (`--add-host dockerhost:host-gateway`); macOS only. */
export const DOCKER_HOST_ALIAS = 'dockerhost';
export const TOKEN_ENV = ['TWINGATE_ACCESS_TOKEN', 'TWINGATE_REFRESH_TOKEN'] as const;

export type ConnectorChoice = 'docker-here' | 'systemd-here' | 'lan-machine' | 'linux-vm' | 'existing' | 'skip';
export const CONNECTOR_CHOICES: readonly ConnectorChoice[] = ['docker-here', 'systemd-here', 'lan-machine', 'linux-vm', 'existing', 'skip'];

/** The placements that fit this OS: the systemd Connector is Linux-only. */
export function connectorChoicesFor(platform: NodeJS.Platform): ConnectorChoice[] {
	return CONNECTOR_CHOICES.filter((c) => c !== 'systemd-here' || platform === 'linux');
}

/** `--connector systemd-here` anywhere but Linux is a usage error naming the rule (exit 2). */
export function assertConnectorFits(choice: ConnectorChoice | undefined, platform: NodeJS.Platform): void {
	if (choice !== 'systemd-here' || platform === 'linux') return;
	throw new UsageError(
		`--connector systemd-here does not apply to ${platform === 'darwin' ? 'macOS' : platform}: Twingate's systemd Connector runs on Linux only (https://www.twingate.com/docs/connectors-on-linux).`,
		platform === 'darwin'
			? 'On a Mac use --connector docker-here (Docker Desktop), or run the systemd Connector in a Linux VM (--connector linux-vm) or on another LAN machine (--connector lan-machine).'
			: 'Use --connector lan-machine, linux-vm, existing or skip.',
	);
}

export interface ConnectorState {
	/** `docker` exists and answered. */
	docker: 'ok' | 'missing' | 'error';
	dockerProblem?: string;
	/** `docker ps` itself failed (the daemon is not running or not reachable), rather than its output being unreadable. */
	dockerDown?: boolean;
	running: DockerContainer[];
	stopped: DockerContainer[];
	/** Linux: `systemctl is-active twingate-connector`. */
	systemd: SystemdActiveState | null;
}

/** `docker ps -a --format '{{json .}}'` and, on Linux, `systemctl is-active twingate-connector`. */
export async function detectConnector(ctx: Ctx): Promise<ConnectorState> {
	const state: ConnectorState = {docker: 'ok', running: [], stopped: [], systemd: null};
	const r = await ctx.run('docker', ['ps', '-a', '--format', '{{json .}}']);
	if (r.notFound) state.docker = 'missing';
	else if (r.exitCode !== 0) {
		state.docker = 'error';
		state.dockerDown = true;
		state.dockerProblem = (r.stderr.trim().split('\n')[0] ?? '') || `docker ps exited with code ${r.exitCode}`;
	} else {
		const parsed = parseDockerPsConnectors(r.stdout);
		if (!parsed.ok) {
			state.docker = 'error';
			state.dockerProblem = parsed.problem;
		} else {
			state.running = parsed.connectors;
			state.stopped = parsed.stopped;
		}
	}
	if (ctx.platform === 'linux') state.systemd = parseSystemctlIsActive((await ctx.run('systemctl', ['is-active', 'twingate-connector'])).stdout);
	return state;
}

export function connectorRuns(state: ConnectorState): boolean {
	return state.running.length > 0 || state.systemd === 'active';
}

/**
 * The Admin Console's `docker run` for this machine: `--add-host dockerhost:host-gateway`
 * on a Mac (Docker Desktop; the Resource address is then `dockerhost`), `--network=host` on Linux.
 * The two tokens are passed by name only.
 */
export function connectorRunArgv(opts: {network: string; platform: NodeJS.Platform; hostname?: string | null}): string[] {
	const argv = ['docker', 'run', '-d', '--env', `TWINGATE_NETWORK=${opts.network}`, '--env', 'TWINGATE_ACCESS_TOKEN', '--env', 'TWINGATE_REFRESH_TOKEN'];
	if (opts.hostname) argv.push('--env', `TWINGATE_LABEL_HOSTNAME=${opts.hostname}`);
	argv.push('--env', 'TWINGATE_LABEL_DEPLOYED_BY=docker', '--sysctl', 'net.ipv4.ping_group_range=0 2147483647', '--name', CONNECTOR_NAME, '--restart=unless-stopped', '--pull=always');
	if (opts.platform === 'darwin') argv.push('--add-host', `${DOCKER_HOST_ALIAS}:host-gateway`);
	else argv.push('--network=host');
	argv.push(CONNECTOR_IMAGE);
	return argv;
}

/** Twingate's Linux Connector installer and the service it creates (https://www.twingate.com/docs/connectors-on-linux). */
export const CONNECTOR_SETUP_URL = 'https://binaries.twingate.com/connector/setup.sh';
export const CONNECTOR_SERVICE = 'twingate-connector';
/** What setup.sh reads from its environment; the values never enter an argument vector. */
export const SYSTEMD_SETUP_ENV = ['TWINGATE_ACCESS_TOKEN', 'TWINGATE_REFRESH_TOKEN', 'TWINGATE_NETWORK'] as const;

/**
 * The systemd Connector on this Linux machine, installed with the method Twingate documents
 * (https://www.twingate.com/docs/connectors-on-linux):
 *
 *   curl "https://binaries.twingate.com/connector/setup.sh" | sudo TWINGATE_ACCESS_TOKEN="…" TWINGATE_REFRESH_TOKEN="…" TWINGATE_NETWORK="<tenant>" TWINGATE_LABEL_DEPLOYED_BY="linux" bash
 *
 * with one change: the three values are not written on sudo's command line. There `ps` and the plan
 * would show them, and sudoers logs every variable given to sudo that way (`ENV=NAME=value` in its
 * syslog/journal line; `--preserve-env=NAME,…` is turned into the same list, so it leaks too). Instead
 * they reach this one command through its environment (ctx.run `env`), and `sudo -E` keeps that
 * environment for setup.sh without logging it. -E needs the same sudoers permission as the documented
 * `sudo VAR=value` form (setenv, which an `ALL` rule implies). The label stays a literal, as documented
 * (not secret). The command shown names the three variables: `: "${NAME:?}"` (a shell builtin, so no
 * process argument ever holds a value) stops before the download when one is missing, instead of
 * letting setup.sh install a Connector that cannot start. `bash -o pipefail` makes a failed download
 * fail the command instead of feeding bash an empty script. As root (uid 0) there is no sudo: setup.sh
 * inherits the environment directly.
 */
export function systemdSetupArgv(opts: {root: boolean}): string[] {
	const required = SYSTEMD_SETUP_ENV.map((name) => `"\${${name}:?}"`).join(' ');
	return ['bash', '-o', 'pipefail', '-c', `: ${required}; curl "${CONNECTOR_SETUP_URL}" | ${opts.root ? '' : 'sudo -E '}TWINGATE_LABEL_DEPLOYED_BY=linux bash`];
}

/** `systemctl <verb> twingate-connector`, with sudo unless root. */
export function systemdConnectorArgv(verb: string[], root: boolean): string[] {
	return [...(root ? [] : ['sudo']), 'systemctl', ...verb, CONNECTOR_SERVICE];
}

/**
 * Is the twingate-connector unit installed here (the package setup.sh installs)? `systemctl is-active`
 * says `inactive` for a unit that does not exist at all, so this asks for its LoadState:
 * `loaded` means installed, `not-found` means not.
 */
export async function systemdUnitInstalled(ctx: Ctx): Promise<boolean> {
	const r = await ctx.run('systemctl', ['show', '--property=LoadState', '--value', CONNECTOR_SERVICE]);
	return r.exitCode === 0 && r.stdout.trim().split('\n')[0] === 'loaded';
}

/**
 * Where a Docker Connector on this machine reaches Ollama, per platform:
 * - macOS (Docker Desktop): `--add-host dockerhost:host-gateway`, so the Resource address is `dockerhost`.
 * - Linux: `--network=host` and no `--add-host` — `dockerhost` does not exist there. The container shares
 *   this machine's network stack, so the Resource address is this machine's LAN IP, as in Twingate's own
 *   remote-llm-access layout (Connector on the server, Resource = its internal IP, TCP 11434). 127.0.0.1
 *   would be reachable too (same network namespace), but a loopback Resource is not documented by
 *   Twingate, so the wizard uses it only when asked (`--resource-address 127.0.0.1`).
 */
export function dockerResourceAddress(platform: NodeJS.Platform): string | null {
	return platform === 'darwin' ? DOCKER_HOST_ALIAS : null;
}

/** True for a loopback Resource address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackAddress(address: string | undefined): boolean {
	if (!address) return false;
	const a = address.toLowerCase();
	return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * Does the reachability probe answer a question for this layout? On a Mac: always (reports conflict on
 * whether Docker Desktop reaches a loopback-only Ollama). On Linux only when
 * the Resource points at loopback: with the LAN IP a loopback-only Ollama never answers, probe or not.
 */
export function dockerProbeApplies(platform: NodeJS.Platform, resourceAddress: string | undefined): boolean {
	if (platform === 'darwin') return true;
	return platform === 'linux' && isLoopbackAddress(resourceAddress);
}

/**
 * Does a container reach this machine's loopback Ollama the way the Connector would? A throwaway curl
 * container with the Connector's own network setting: the host-gateway alias on a Mac, `--network=host`
 * against 127.0.0.1 on Linux. It starts a container, so it is asked for (or --docker-probe yes), never
 * run by a check.
 */
export function dockerProbeArgv(platform: NodeJS.Platform, port = OLLAMA_PORT): string[] {
	const net = platform === 'darwin' ? ['--add-host', `${DOCKER_HOST_ALIAS}:host-gateway`] : ['--network=host'];
	const host = platform === 'darwin' ? DOCKER_HOST_ALIAS : '127.0.0.1';
	return ['docker', 'run', '--rm', ...net, 'curlimages/curl', '-fsS', '--max-time', '5', `http://${host}:${port}/api/version`];
}

export async function probeFromDocker(ctx: Ctx, port = OLLAMA_PORT): Promise<{reachable: boolean; detail: string}> {
	const [cmd, ...args] = dockerProbeArgv(ctx.platform, port);
	const target = `${ctx.platform === 'darwin' ? DOCKER_HOST_ALIAS : '127.0.0.1'}:${port}`;
	const r = await ctx.run(cmd ?? 'docker', args, {timeoutMs: 120_000});
	if (r.exitCode === 0 && /"version"/.test(r.stdout)) return {reachable: true, detail: `a container reached Ollama at ${target} (${r.stdout.trim().slice(0, 60)})`};
	const said = (r.notFound ? 'docker is not installed' : r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';
	return {reachable: false, detail: `a container could not reach ${target}${said ? `: ${said}` : ''}`};
}

/** The Connector commands for another machine, tokens as placeholders (the Admin Console fills them in). */
export function remoteConnectorText(choice: 'lan-machine' | 'linux-vm', network: string | undefined, platform: NodeJS.Platform = 'darwin'): string {
	const tenant = network ?? '<network>';
	const vm = platform === 'darwin' ? 'the Linux VM on this Mac (UTM, Parallels, …)' : 'the Linux VM on this machine (KVM, VirtualBox, …)';
	const where = choice === 'linux-vm' ? vm : 'the other always-on machine on this LAN';
	return [
		`Run one of these on ${where}; Admin Console → Network → Remote Networks → your network → Add Connector`,
		'shows the same command with this Connector\'s own tokens filled in (never reuse tokens between Connectors):',
		'',
		'  # systemd (Ubuntu, Debian, Fedora, …)',
		`  curl "https://binaries.twingate.com/connector/setup.sh" | sudo TWINGATE_ACCESS_TOKEN="<access token>" TWINGATE_REFRESH_TOKEN="<refresh token>" TWINGATE_NETWORK="${tenant}" TWINGATE_LABEL_DEPLOYED_BY="linux" bash`,
		'',
		'  # or Docker',
		`  docker run -d --env TWINGATE_NETWORK="${tenant}" --env TWINGATE_ACCESS_TOKEN="<access token>" --env TWINGATE_REFRESH_TOKEN="<refresh token>" --env TWINGATE_LABEL_DEPLOYED_BY="docker" --sysctl net.ipv4.ping_group_range="0 2147483647" --name ${CONNECTOR_NAME} --restart=unless-stopped --pull=always --network=host ${CONNECTOR_IMAGE}`,
		'',
		'Then check: the Admin Console shows the Connector as Connected (systemctl status twingate-connector / docker logs twingate-connector).',
		'That machine must reach this one on TCP 11434, so Ollama must listen on the LAN (step 2).',
	].join('\n');
}

/** The Resource checklist: the wizard cannot see the Admin Console. */
export function resourceChecklist(opts: {address: string; alias: string | undefined; port?: number}): string {
	const port = opts.port ?? OLLAMA_PORT;
	return [
		'Admin Console → Network → Resources → Add Resource:',
		`  [ ] Address: ${opts.address}  (this machine as the Connector reaches it; never a 100.x address)`,
		`  [ ] Protocols: TCP restricted to port ${port} only; UDP and ICMP off`,
		`  [ ] Alias: ${opts.alias ?? '<a name with at least one dot, not ending in .local, e.g. ollama.home.internal>'}`,
		'  [ ] Access: the user Group that uses AIlice, or the Service Account of step 5',
		'  [ ] The Resource is in the Remote Network whose Connector runs (Connector shows Connected)',
	].join('\n');
}

/** macOS Twingate app (optional; only needed if this Mac must itself reach Resources; serving needs a Connector, not the app). */
export const TWINGATE_APP = '/Applications/Twingate.app';

export interface TwingateClientState {
	platform: 'darwin' | 'linux';
	installed: boolean;
	running: boolean;
	/** macOS: scutil --nc list says Connected; Linux: `twingate status` = online. */
	connected: boolean | null;
	/** Linux `twingate status` word. */
	status?: TwingateStatus;
	/** Homebrew exists (for `brew install --cask twingate`). */
	brew: string | null;
	/** macOS: /Applications/Twingate.app exists. */
	appPresent?: boolean;
	/** macOS: `brew list --cask twingate` says the cask is installed (null: not asked). */
	cask?: boolean | null;
	problem?: string;
}

/**
 * macOS: /Applications/Twingate.app (else `brew list --cask twingate`), `pgrep -x Twingate`, `scutil --nc list` — never `twingate status`,
 * the macOS client has no CLI. Linux: `twingate status`.
 */
export async function detectTwingateClient(ctx: Ctx): Promise<TwingateClientState> {
	if (ctx.platform === 'darwin') {
		let brew: string | null = null;
		for (const b of BREW_EXECUTABLES) if (!brew && (await ctx.fs.stat(b).catch(() => null))) brew = b;
		const appPresent = (await ctx.fs.stat(TWINGATE_APP).catch(() => null)) !== null;
		if (!appPresent) {
			// Not in /Applications: ask Homebrew too, so a cask whose app was deleted gets a reinstall
			// (`brew install` would only say "already installed").
			const cask = brew ? (await ctx.run('brew', ['list', '--cask', 'twingate'])).exitCode === 0 : null;
			return {platform: 'darwin', installed: cask === true, appPresent, cask, running: false, connected: null, brew};
		}
		const base = {platform: 'darwin' as const, installed: true, appPresent, cask: null, brew};
		const running = (await ctx.run('pgrep', ['-x', 'Twingate'])).exitCode === 0;
		if (!running) return {...base, running, connected: false};
		const nc = parseScutilNcList((await ctx.run('scutil', ['--nc', 'list'])).stdout);
		if (!nc.ok) return {...base, running, connected: null, problem: nc.problem};
		return {...base, running, connected: nc.present ? nc.connected : false};
	}
	const r = await ctx.run('twingate', ['status'], {timeoutMs: 5000});
	if (r.notFound) return {platform: 'linux', installed: false, running: false, connected: null, brew: null};
	const status = parseTwingateStatus(r.stdout);
	return {platform: 'linux', installed: true, running: status !== 'not-running', connected: status === 'online', status, brew: null};
}
