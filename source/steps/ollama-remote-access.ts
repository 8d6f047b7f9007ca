/**
 * Step 2 — Ollama accepts remote connections
 * (https://github.com/ollama/ollama/blob/main/docs/faq.md#how-do-i-configure-ollama-server).
 *
 * check: which installs exist, which server runs and where it listens (lsof / ss), `GET /` on the LAN
 *        address, and on macOS the application firewall (socketfilterfw) for the real binary.
 * plan:  the method that fits the install — the app's "Expose Ollama to the network" switch, `launchctl
 *        setenv` + app restart (lost on reboot), the wizard-owned LaunchAgent (brew: after `brew services
 *        stop ollama`), or the Linux systemd drop-in. The bind is `host:port`, never a scheme.
 * apply: runs the plan; refuses to load the LaunchAgent while another server still holds the port.
 *
 * A rerun changes nothing that is already right: each part of the plan (the drop-in, launchd's
 * environment, the LaunchAgent, a restart) is planned only when the system differs from what was asked,
 * and every command that changes the system carries the argv that reverses it. The check's
 * `data.system` says what undo must find again (see server/system-state.ts).
 */
import path from 'node:path';
import type {Ctx} from '../core/context.js';
import {UsageError} from '../core/exit-codes.js';
import {wizardPaths} from '../core/paths.js';
import {StepFailure} from '../core/runner.js';
import type {Answers, CheckResult, Plan, PlannedAction, Remediation, Step} from '../core/types.js';
import {parseAppBlocked, parseFirewallGlobalState} from '../parsers/firewall.js';
import {parseLaunchctlError} from '../parsers/launchctl.js';
import {isAtLeast} from '../parsers/ollama-cli.js';
import {addressLabel} from '../parsers/interfaces.js';
import {
	assertMethodFits,
	checkedBind,
	methodOptions,
	SECURITY_WARNING,
	serverAnswers,
	servicePort,
	type Method,
	type ServerAnswers,
} from '../server/answers.js';
import type {ListenerSummary} from '../parsers/listeners.js';
import {
	AGENT_LABEL,
	APP_BINARY,
	BREW_BINARIES,
	LINUX_DROPIN,
	LINUX_DROPIN_DIR,
	MIN_SAFE_OLLAMA,
	OLLAMA_PORT,
	SOCKETFILTERFW,
	agentPlistPath,
	detectServer,
	firstLanAddress,
	installName,
	localVersion,
	probeRoot,
	readAddresses,
	type Holder,
	type OllamaInstall,
	type ServerState,
} from '../server/detect.js';
import {dockerProbeApplies} from '../server/connector.js';
import {executePlan, hook, waitOllamaUp, waitPortFree} from '../server/execute.js';
import {DropInError, buildAgentPlist, buildDropIn, dropInBind, readDropIn} from '../server/service-files.js';
import {listenWord, type SystemState} from '../server/system-state.js';
import {STEP_META} from './meta.js';

type Result = Omit<CheckResult, 'durationMs'>;

const OS_NAME: Record<string, string> = {darwin: 'macOS', linux: 'Linux'};
const QUIT_APP = ['osascript', '-e', 'quit app "Ollama"'];
/** Home and uid used in plans made for another OS (`--platform`): shown as placeholders. */
export const SIMULATED_HOME = '/Users/YOU';
export const SIMULATED_UID = 'UID';

const HOLDER_NAME: Record<Holder, string> = {
	app: 'Ollama.app',
	brew: 'the Homebrew service homebrew.mxcl.ollama',
	agent: `the LaunchAgent ${AGENT_LABEL}`,
	systemd: 'ollama.service',
	other: 'a process the wizard did not start',
};

function startRemediation(ctx: Ctx, installs: readonly OllamaInstall[]): Remediation {
	const kinds = new Set(installs.map((i) => i.kind));
	if (kinds.has('systemd')) return {text: 'Start the service.', commands: [['sudo', 'systemctl', 'start', 'ollama']]};
	if (kinds.has('app')) return {text: 'Start Ollama.app.', commands: [['open', '-a', 'Ollama']]};
	if (kinds.has('brew')) return {text: 'Start the Homebrew service.', commands: [['brew', 'services', 'start', 'ollama']]};
	if (installs.length) return {text: 'Start Ollama (ollama serve, or the LaunchAgent) and run the wizard again.'};
	return {
		text:
			ctx.platform === 'darwin'
				? 'Ollama is not installed: get the app from https://ollama.com/download (or brew install --cask ollama-app), start it, and run the wizard again.'
				: 'Ollama is not installed: curl -fsSL https://ollama.com/install.sh | sh (it creates ollama.service), then run the wizard again.',
	};
}

function firewallCommands(bin: string): string[][] {
	return [
		['sudo', SOCKETFILTERFW, '--add', bin],
		['sudo', SOCKETFILTERFW, '--unblockapp', bin],
	];
}

function holderBinary(state: ServerState, holder: Holder | undefined): string | null {
	const by = (k: OllamaInstall['kind']) => state.installs.find((i) => i.kind === k)?.binary ?? null;
	switch (holder) {
		case 'brew':
			return state.brewService?.program ?? by('brew');
		case 'agent':
			return state.agent?.program ?? by('agent');
		case 'app':
			return by('app');
		default:
			return by('app') ?? by('brew') ?? by('agent') ?? by('binary') ?? by('systemd');
	}
}

/** The bind the user asked for matches what listens now? (the app switch always means 0.0.0.0). */
function matchesWanted(a: ServerAnswers, state: 'all' | 'specific', address: string | null): {ok: boolean; wanted: string | null} {
	if (!a.bind || a.method === 'app-setting') return {ok: true, wanted: null};
	const b = checkedBind(a.bind);
	const wantAll = b.host === '0.0.0.0' || b.host === '::';
	if (wantAll) return {ok: state === 'all', wanted: b.value};
	return {ok: state === 'specific' && address === b.host, wanted: b.value};
}

function simulatedCheck(ctx: Ctx, a: ServerAnswers): Result {
	const details = [
		`Nothing was detected: this plan is for ${OS_NAME[ctx.platform] ?? ctx.platform} (--platform), whatever this machine has installed. It comes from stated assumptions:`,
		'  • Ollama listens on 127.0.0.1:11434, its default, so a change is planned.',
	];
	if (ctx.platform === 'darwin') {
		details.push(
			`  • Home ${SIMULATED_HOME} and user id ${SIMULATED_UID}: on the Mac the wizard uses the real ones (id -u).`,
			a.method === 'brew'
				? `  • The binary is Homebrew's ${BREW_BINARIES[0]} (Apple Silicon); on the Mac the wizard uses the path it finds.`
				: `  • The binary is the app's ${APP_BINARY}; on the Mac the wizard uses the path it finds (brew: /opt/homebrew/opt/ollama/bin/ollama), never a hard-coded /usr/local/bin/ollama.`,
			'  • If Ollama.app runs its own server on the Mac, the plan there first quits it (the LaunchAgent is refused while the app holds 11434).',
		);
	} else {
		details.push('  • ollama.service exists (the official installer creates it) with no drop-in yet, and the wizard runs without root (so sudo is used).');
	}
	details.push(SECURITY_WARNING);
	return {status: 'warn', summary: `Not checked: planned for ${OS_NAME[ctx.platform] ?? ctx.platform} from stated assumptions; nothing on this machine was read or changed.`, details, data: {simulated: true}};
}

async function check(ctx: Ctx, answers: Answers): Promise<Result> {
	const a = serverAnswers(answers);
	if (ctx.platform !== 'darwin' && ctx.platform !== 'linux') return {status: 'skipped', summary: 'Steps 1–3 support macOS and Linux Ollama hosts only.', details: []};
	if (a.simulated) return simulatedCheck(ctx, a);
	const port = servicePort(a);
	const state = await detectServer(ctx, port);
	const details: string[] = [
		state.installs.length ? `Installs found: ${state.installs.map((i) => `${installName(i)} (${i.binary})`).join('; ')}.` : 'No Ollama install was found.',
	];
	if (!state.listeners.ok) {
		return {status: 'fail', summary: `Could not tell where Ollama listens: ${state.listeners.problem}`, details, cause: 'unreadable-output', remediation: {text: `Run ${ctx.platform === 'darwin' ? `lsof -nP -iTCP:${port} -sTCP:LISTEN` : `ss -ltnp 'sport = :${port}'`} yourself and check its output.`}};
	}
	if (state.problems.length) {
		return {status: 'fail', summary: `Could not read the state of Ollama's services: ${state.problems[0]}`, details: [...details, ...state.problems.slice(1)], cause: 'unreadable-output'};
	}
	if (state.launchEnvHost) details.push(`launchctl getenv OLLAMA_HOST = ${state.launchEnvHost} (set with launchctl setenv: lost on reboot).`);
	if (state.appExpose !== null) details.push(`Ollama.app "Expose Ollama to the network": ${state.appExpose ? 'on (binds 0.0.0.0:11434)' : 'off'}.`);
	const s = state.listeners.summary;
	const data: Record<string, unknown> = {listener: s.state, address: s.address, pids: s.pids, installs: state.installs.map((i) => i.kind), system: systemState(ctx, state, s)};
	if (state.dropIn !== null) {
		const read = readDropIn(state.dropIn);
		if (!read.ok) {
			const refused = new DropInError(read.line, read.problem, LINUX_DROPIN);
			return {
				status: 'fail',
				summary: `The drop-in cannot be read as systemd reads it: ${refused.message}`,
				details,
				cause: 'dropin-invalid',
				remediation: {text: `Edit ${LINUX_DROPIN} (sudoedit ${LINUX_DROPIN}); the wizard does not rewrite a file it cannot read the way systemd does.`},
				data,
				fixable: false,
			};
		}
		details.push(`${LINUX_DROPIN} sets OLLAMA_HOST=${dropInBind(state.dropIn) ?? '(nothing)'}.`);
	}
	const holderText = (pid: number | null) => (pid === null ? '' : ` — ${HOLDER_NAME[state.holders.get(pid) ?? 'other']}`);
	for (const l of s.listeners) details.push(`Listening: ${l.command ?? '?'}${l.pid !== null ? ` (PID ${l.pid})` : ''} on ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}${holderText(l.pid)}.`);

	if (s.state === 'loopback' || s.state === 'all') {
		// The local answer tells "listening but not Ollama" apart from a bind problem.
		const local = await probeRoot(ctx, s.state === 'loopback' && s.address?.includes(':') ? '::1' : '127.0.0.1', port);
		details.push(`Locally: ${local.detail}.`);
	}
	switch (s.state) {
		case 'none':
			return {status: 'fail', summary: `Ollama is not running: nothing listens on TCP port ${port}.`, details, cause: 'ollama-not-running', remediation: startRemediation(ctx, state.installs), data};
		case 'duplicate': {
			const holders = [...new Set(s.pids.map((p) => state.holders.get(p) ?? 'other'))];
			const commands: string[][] = [];
			if (holders.includes('brew')) commands.push(['brew', 'services', 'stop', 'ollama']);
			if (holders.includes('app')) commands.push(QUIT_APP);
			return {
				status: 'fail',
				summary: `Two Ollama servers run at once: ${s.sentence}`,
				details: [...details, 'Local clients reach one and remote clients the other, with different versions or model stores. Keep exactly one.'],
				cause: 'two-servers',
				remediation: {text: 'Apply this step: it stops the other server(s) and keeps one, or do it yourself and run the wizard again.', commands},
				data,
			};
		}
		case 'loopback': {
			if (a.connector === 'docker-here' && a.dockerProbe === 'reachable' && dockerProbeApplies(ctx.platform, a.resourceAddress)) {
				return {
					status: 'ok',
					summary:
						ctx.platform === 'darwin'
							? 'Ollama listens on loopback only, and the Docker Connector on this Mac reaches it through dockerhost (the probe passed): nothing needs to be exposed.'
							: `Ollama listens on loopback only, and the Docker Connector here (--network=host) reaches it on 127.0.0.1, the Resource address (the probe passed): nothing needs to be exposed.`,
					details: [...details, 'This is the safest layout: no other machine can reach port 11434.'],
					data,
				};
			}
			// The systemd Connector runs on this very machine: with the Resource at 127.0.0.1 it reaches a
			// loopback-only Ollama directly (the layout of Twingate's remote LLM access guide).
			if (a.connector === 'systemd-here' && (a.resourceAddress === '127.0.0.1' || a.resourceAddress === 'localhost')) {
				return {
					status: 'ok',
					summary: 'Ollama listens on loopback only, and the systemd Connector on this machine reaches it at 127.0.0.1, the Resource address: nothing needs to be exposed.',
					details: [...details, 'This is the safest layout: no other machine can reach port 11434.'],
					data,
				};
			}
			return {
				status: 'fail',
				summary: `Ollama listens on ${s.address}:${port} only, so a Connector on another machine (or in a VM) cannot reach it.`,
				details,
				cause: 'loopback-bind',
				remediation: {
					text: `Apply this step to set OLLAMA_HOST (host:port, no scheme) with the method that fits this install.${
						a.connector === 'docker-here' && dockerProbeApplies(ctx.platform, a.resourceAddress) && a.dockerProbe !== 'unreachable'
							? ' A Docker Connector here may reach loopback: test it first with --docker-probe yes.'
							: ''
					}`,
				},
				data,
			};
		}
		default:
			break;
	}

	const scope = s.state;
	const wanted = matchesWanted(a, scope, s.address);
	const holder = s.pids[0] !== undefined ? state.holders.get(s.pids[0]) : undefined;
	data.holder = holder ?? null;
	let lan: string | null = scope === 'specific' ? s.address : null;
	if (lan === null) {
		const addresses = await readAddresses(ctx);
		if (!addresses.ok) return {status: 'fail', summary: `Could not list this machine's addresses: ${addresses.problem}`, details, cause: 'unreadable-output', data};
		lan = firstLanAddress(addresses.addresses);
		for (const x of addresses.addresses.filter((x) => x.cgnat)) details.push(`${x.address} on ${x.iface}: ${addressLabel(x)} — not used for testing.`);
	}
	details.push(SECURITY_WARNING);
	data.lanAddress = lan;

	let status: CheckResult['status'] = 'ok';
	let cause: string | undefined;
	let remediation: Remediation | undefined;
	const problems: string[] = [];
	let reached = '';
	if (lan === null) {
		status = 'warn';
		problems.push('no LAN address was found to test from this machine');
	} else {
		const probe = await probeRoot(ctx, lan, port);
		if (probe.ok) reached = ` and GET http://${lan}:${port}/ answers "Ollama is running"`;
		else {
			status = 'fail';
			cause = probe.code === 'ECONNREFUSED' ? 'refused' : probe.code === 'ETIMEDOUT' ? 'timeout' : 'lan-unreachable';
			problems.push(probe.detail);
		}
	}

	if (ctx.platform === 'darwin') {
		const g = await ctx.run(SOCKETFILTERFW, ['--getglobalstate']);
		const fw = parseFirewallGlobalState(g.stdout);
		if (fw === 'block-all') {
			status = 'fail';
			cause = 'firewall';
			problems.push('the application firewall blocks all incoming connections');
			remediation = {text: 'System Settings → Network → Firewall → Options: turn off "Block all incoming connections", then allow Ollama.'};
		} else if (fw === 'on') {
			const bin = holderBinary(state, holder);
			if (bin) {
				const app = parseAppBlocked((await ctx.run(SOCKETFILTERFW, ['--getappblocked', bin])).stdout);
				details.push(`Application firewall: on; ${bin} is ${app === 'not-listed' ? 'not listed' : app}.`);
				if (app === 'blocked') {
					status = 'fail';
					cause = 'firewall';
					problems.push(`the application firewall blocks ${bin}`);
					remediation = {text: 'Allow Ollama in the application firewall (it filters per app, not per port).', commands: firewallCommands(bin)};
				} else if (app === 'not-listed' || app === 'unknown') {
					if (status === 'ok') status = 'warn';
					problems.push(`${bin} is ${app === 'unknown' ? 'in an unknown firewall state' : 'not listed in the application firewall'}; macOS may block or ask on the first connection`);
					remediation ??= {text: 'Add and allow Ollama in the application firewall.', commands: firewallCommands(bin)};
				}
			}
		} else if (fw === 'off') details.push('Application firewall: off.');
		else details.push(`Application firewall: state not recognised (${g.stdout.trim().slice(0, 60) || 'no output'}).`);
	}

	const version = await localVersion(ctx, scope === 'specific' && s.address ? s.address : '127.0.0.1', port);
	data.version = version;
	if (version) {
		details.push(`Ollama ${version}.`);
		if (!isAtLeast(version, MIN_SAFE_OLLAMA)) {
			if (status === 'ok') status = 'warn';
			problems.push(`Ollama ${version} predates ${MIN_SAFE_OLLAMA} (CVE-2026-7482); update it before exposing it`);
		}
	}

	if (!wanted.ok && status !== 'fail') {
		status = 'warn';
		problems.unshift(`it listens on ${scope === 'all' ? 'all interfaces' : s.address}, but you chose ${wanted.wanted}`);
		remediation ??= {text: 'Apply this step to change the bind.'};
	}
	const base = `Ollama accepts remote connections: ${s.sentence.replace(/\.$/, '')}${reached}`;
	const summary = problems.length ? `${status === 'fail' ? 'Ollama is not reachable from other machines yet' : base}: ${problems.join('; ')}.` : `${base}.`;
	// Only a bind that differs from the one asked for is something apply changes; no LAN address to
	// test from, an old Ollama or an unlisted firewall entry are not, so they never trigger a rewrite or restart.
	return {status, summary, details, cause: cause ?? null, remediation, data, ...(status === 'warn' ? {fixable: !wanted.ok} : {})};
}

/** What this step changes on the machine, for undo to compare before and after (server/system-state.ts). */
function systemState(ctx: Ctx, state: ServerState, s: ListenerSummary): SystemState {
	const out: SystemState = {listen: listenWord(s)};
	if (ctx.platform === 'linux') {
		let host: string | null = null;
		try {
			host = state.dropIn === null ? null : dropInBind(state.dropIn);
		} catch {
			host = '(unreadable)';
		}
		out.dropInOllamaHost = state.dropInProblem ? '(unreadable)' : host;
		return out;
	}
	if (state.installs.some((i) => i.kind === 'app')) {
		out.launchctlOllamaHost = state.launchEnvHost || null;
		out.appExpose = state.appExpose === null ? null : state.appExpose ? 'on' : 'off';
	}
	out.launchAgent = state.agent ? 'loaded' : state.installs.some((i) => i.kind === 'agent') ? 'installed, not loaded' : null;
	if (state.installs.some((i) => i.kind === 'brew')) out.brewService = state.brewService ? 'loaded' : 'not loaded';
	return out;
}

/** Does the server listen where the bind asks (all interfaces for 0.0.0.0 / ::, else that one address)? */
function listensAsWanted(state: ServerState | null, bind: {host: string; port: number}): boolean {
	if (!state || !state.listeners.ok) return false;
	const s = state.listeners.summary;
	if (s.port !== bind.port) return false;
	if (bind.host === '0.0.0.0' || bind.host === '::') return s.state === 'all';
	if (bind.host === '127.0.0.1' || bind.host === '::1' || bind.host === 'localhost') return s.state === 'loopback' && (bind.host === 'localhost' || s.address === bind.host);
	return s.state === 'specific' && s.address === bind.host;
}

function recommendedMethod(ctx: Ctx, state: ServerState | null, version: string | null): Method {
	if (ctx.platform === 'linux') return 'systemd';
	if (!state) return 'launchagent';
	const options = methodOptions(ctx.platform, state.installs, version);
	return (options.find((o) => o.recommended && o.usable) ?? options.find((o) => o.usable) ?? options[0])?.method ?? 'launchagent';
}

function agentBinary(method: Method, state: ServerState | null): string {
	if (!state) return method === 'brew' ? (BREW_BINARIES[0] ?? '/opt/homebrew/opt/ollama/bin/ollama') : APP_BINARY;
	const by = (k: OllamaInstall['kind']) => state.installs.find((i) => i.kind === k && path.isAbsolute(i.binary))?.binary;
	if (method === 'brew') {
		const bin = by('brew');
		if (!bin) throw new UsageError(`--method brew: the Homebrew formula is not installed here (neither ${BREW_BINARIES.join(' nor ')} exists).`, 'Use --method launchagent or setenv.');
		return bin;
	}
	const holder = state.listeners.ok && state.listeners.summary.pids[0] !== undefined ? state.holders.get(state.listeners.summary.pids[0]) : undefined;
	const held = holder === 'app' || holder === 'brew' ? by(holder) : undefined;
	const bin = held ?? by('app') ?? by('brew') ?? by('binary') ?? by('agent');
	if (!bin) throw new UsageError('No Ollama binary was found on this machine, so there is nothing for a LaunchAgent to run.', 'Install Ollama first (https://ollama.com/download or brew install ollama).');
	return bin;
}

type Bind = {host: string; port: number; value: string};

/** `launchctl bootstrap gui/<uid> <plist>`: loads and starts the LaunchAgent, refused while another server holds the port. */
function bootstrapAction(uid: number | string, plistPath: string, bind: Bind, upHost: string): PlannedAction {
	return hook(
		{
			kind: 'command',
			argv: ['launchctl', 'bootstrap', `gui/${uid}`, plistPath],
			why: 'Load and start the LaunchAgent (RunAtLoad). `launchctl load` is legacy and returns 0 even when it fails',
			undo: ['launchctl', 'bootout', `gui/${uid}/${AGENT_LABEL}`],
		},
		{
			before: async (c) => {
				const free = await waitPortFree(c, bind.port);
				if (!free.free) {
					throw new StepFailure(
						`Refused to load the LaunchAgent: another Ollama server still holds port ${bind.port} (${free.sentence})`,
						['Two servers on one port fight (the app kills other `ollama serve` processes) or split clients between two model stores.'],
						{text: 'Quit Ollama.app and turn off its login item, or stop the other server (brew services stop ollama), then run this step again.', commands: [QUIT_APP]},
						'two-servers',
					);
				}
			},
			explain: (r) => {
				const kind = parseLaunchctlError(r.stderr);
				if (kind === 'no-gui-domain') return 'launchd has no GUI session for this user (e.g. over SSH): log in at the Mac itself and run the wizard in Terminal there.';
				if (kind === 'already-loaded') return `The job is already loaded or still being torn down: run launchctl bootout gui/${uid}/${AGENT_LABEL}, wait a second, and run this step again.`;
				return undefined;
			},
			after: async (c) => void (await waitOllamaUp(c, upHost, bind.port)),
		},
	);
}

async function darwinPlan(ctx: Ctx, a: ServerAnswers, state: ServerState | null, method: Method, bind: Bind): Promise<{actions: PlannedAction[]; notes: string[]}> {
	const actions: PlannedAction[] = [];
	const notes: string[] = [];
	const uid = state?.uid ?? SIMULATED_UID;
	const home = state ? ctx.home : SIMULATED_HOME;
	const upHost = bind.host === '0.0.0.0' || bind.host === '::' ? '127.0.0.1' : bind.host;
	const app = state ? state.installs.some((i) => i.kind === 'app') : method !== 'brew';
	const appRunning = state?.appRunning ?? false;
	const listening = listensAsWanted(state, bind);

	if (method === 'app-setting') {
		if (state && !app) throw new UsageError('--method app-setting: Ollama.app is not installed here.', 'Use --method launchagent (or brew for a Homebrew install).');
		if (bind.value !== '0.0.0.0:11434') notes.push(`The app switch always binds 0.0.0.0:11434; your bind ${bind.value} is not used by this method.`);
		if (state?.appExpose === true && listening) {
			notes.push('The app\'s "Expose Ollama to the network" switch is on and Ollama listens on all interfaces: nothing to change.');
			return {actions, notes};
		}
		if (state?.launchEnvHost) notes.push(`launchctl setenv OLLAMA_HOST=${state.launchEnvHost} is overridden by the switch.`);
		actions.push({
			kind: 'manual',
			why: 'Turn on the app setting "Expose Ollama to the network" (app ≥ 0.9.5; the wizard cannot write it)',
			text: [
				'1. Click the Ollama icon in the menu bar → Settings… (or open Ollama.app and press ⌘,).',
				'2. Turn on "Expose Ollama to the network" ("Allow other devices or services to access Ollama").',
				'3. Quit Ollama from the menu bar and open it again if the setting asks for a restart.',
				'The app then runs its server on 0.0.0.0:11434; the wizard checks that again.',
			].join('\n'),
		});
		return {actions, notes};
	}

	if (method === 'setenv') {
		if (state && !app) throw new UsageError('--method setenv: Ollama.app is not installed here; only the app reads launchd\'s environment when it starts.', 'Use --method launchagent or brew.');
		if (state?.appExpose) notes.push('The app\'s "Expose Ollama to the network" switch is on: it overrides launchctl setenv and binds 0.0.0.0:11434.');
		const envRight = state !== null && state.launchEnvHost === bind.value;
		if (envRight && listening) {
			notes.push(`launchctl getenv OLLAMA_HOST already says ${bind.value} and Ollama listens there: nothing to change (the app is not restarted).`);
			return {actions, notes};
		}
		notes.push('launchctl setenv is lost on reboot (https://github.com/ollama/ollama/issues/3639): rerun this step after a restart, or use the app switch or the LaunchAgent to make it permanent.');
		// Quit first and reopen last, so undo (which reverses the order) quits, restores the variable, then
		// reopens. A restart alone (the variable was already set) changes no setting: nothing to undo.
		const undoRestart = !envRight;
		if (appRunning || !state) {
			actions.push(
				hook({kind: 'command', argv: QUIT_APP, why: 'Quit Ollama.app: it reads OLLAMA_HOST only when it starts (exports in .zshrc never reach it)', ...(undoRestart ? {undo: ['open', '-a', 'Ollama']} : {})}, {
					after: async (c) => {
						const free = await waitPortFree(c, bind.port);
						if (!free.free) throw new StepFailure(`Ollama.app was asked to quit, but port ${bind.port} is still taken: ${free.sentence}`, [], {text: 'Quit Ollama from its menu-bar icon, then rerun the wizard.'}, 'two-servers');
					},
				}),
			);
		}
		if (!envRight) {
			const previous = state?.launchEnvHost || null;
			actions.push({
				kind: 'command',
				argv: ['launchctl', 'setenv', 'OLLAMA_HOST', bind.value],
				why: `Set OLLAMA_HOST=${bind.value} for apps launchd starts in this login (lost on reboot; must run in the GUI login, not over SSH)`,
				undo: previous ? ['launchctl', 'setenv', 'OLLAMA_HOST', previous] : ['launchctl', 'unsetenv', 'OLLAMA_HOST'],
			});
		} else {
			notes.push(`launchctl getenv OLLAMA_HOST already says ${bind.value}; Ollama.app has not picked it up yet, so only its restart is planned.`);
		}
		actions.push(
			hook({kind: 'command', argv: ['open', '-a', 'Ollama'], why: 'Start Ollama.app again; its server inherits OLLAMA_HOST from launchd', ...(undoRestart ? {undo: QUIT_APP} : {})}, {
				after: async (c) => void (await waitOllamaUp(c, upHost, bind.port)),
			}),
		);
		return {actions, notes};
	}

	// launchagent / brew: the wizard-owned LaunchAgent (the Homebrew service's own plist is rewritten by brew services).
	const binary = agentBinary(method, state);
	const plistPath = agentPlistPath(home);
	const before = state?.installs.find((i) => i.kind === 'agent')?.source ?? null;
	const after = await buildAgentPlist({binary, bind: bind.value, home});
	const agentLoaded = state?.agent != null;
	if (state && before === after && agentLoaded && listening) {
		notes.push(`The LaunchAgent ${AGENT_LABEL} already runs ${binary} with OLLAMA_HOST=${bind.value} and Ollama listens there: nothing to change.`);
		return {actions, notes};
	}
	const brewLoaded = state ? state.brewService !== null : method === 'brew';
	if (brewLoaded) {
		actions.push({
			kind: 'command',
			argv: ['brew', 'services', 'stop', 'ollama'],
			why: 'Stop the Homebrew service homebrew.mxcl.ollama: edits to its plist are overwritten by brew services restart and upgrades, and two servers must not share port 11434',
			undo: ['brew', 'services', 'start', 'ollama'],
		});
	} else if (method === 'brew') {
		notes.push('The Homebrew service is not loaded; nothing to stop.');
	}
	if (appRunning) {
		if (a.quitApp === false) {
			actions.length = 0;
			actions.push({
				kind: 'manual',
				why: 'The LaunchAgent is refused while Ollama.app runs its own server',
				text: 'Ollama.app kills other `ollama serve` processes and launchd restarts them, or both bind 11434 (two servers, two model stores). Quit Ollama.app and turn off its login item (System Settings → General → Login Items → Allow in the Background → Ollama), then run this step again — or choose --method app-setting or setenv.',
			});
			return {actions, notes};
		}
		actions.push({kind: 'command', argv: QUIT_APP, why: 'Quit Ollama.app: its own server would fight the LaunchAgent for port 11434', undo: ['open', '-a', 'Ollama']});
		actions.push({
			kind: 'manual',
			why: 'Keep Ollama.app from starting its own server at login',
			text: 'System Settings → General → Login Items → Allow in the Background → turn off Ollama (the app\'s login item com.ollama.ollama). Do not start Ollama.app while the LaunchAgent serves.',
		});
	}
	if (state && before === after) {
		if (agentLoaded) {
			notes.push(`${plistPath} is already right; the loaded LaunchAgent is restarted so Ollama listens on ${bind.value}.`);
			actions.push(
				hook({kind: 'command', argv: ['launchctl', 'kickstart', '-k', `gui/${uid}/${AGENT_LABEL}`], why: `Restart the LaunchAgent ${AGENT_LABEL} (its plist is unchanged)`}, {
					after: async (c) => void (await waitOllamaUp(c, upHost, bind.port)),
				}),
			);
		} else {
			notes.push(`${plistPath} is already right; it only needs to be loaded.`);
			actions.push(bootstrapAction(uid, plistPath, bind, upHost));
		}
		return {actions, notes};
	}
	if (agentLoaded) {
		actions.push(
			hook(
				{
					kind: 'command',
					argv: ['launchctl', 'bootout', `gui/${uid}/${AGENT_LABEL}`],
					why: `Unload the current ${AGENT_LABEL} before loading the new plist`,
					// Undo restores the old plist first, then loads it again.
					undo: ['launchctl', 'bootstrap', `gui/${uid}`, plistPath],
				},
				{tolerate: (r) => parseLaunchctlError(r.stderr) === 'not-loaded'},
			),
		);
	}
	actions.push({
		kind: 'file',
		path: plistPath,
		why: `The LaunchAgent runs ${binary} serve with OLLAMA_HOST=${bind.value}, at login and kept alive; logs go to ~/Library/Logs/ollama-server.log`,
		before,
		after,
		mode: 0o644,
	});
	actions.push({kind: 'command', argv: ['plutil', '-lint', plistPath], why: 'Check that the plist is valid before launchd reads it'});
	actions.push(bootstrapAction(uid, plistPath, bind, upHost));
	return {actions, notes};
}

/** `systemctl show ollama --property=NeedDaemonReload`: has the unit or a drop-in changed since systemd read it? (unknown: yes) */
async function needsDaemonReload(ctx: Ctx): Promise<boolean> {
	const r = await ctx.run('systemctl', ['show', 'ollama', '--property=NeedDaemonReload', '--value']);
	return !(r.exitCode === 0 && r.stdout.trim() === 'no');
}

/** `20260820T101500Z`: a backup name no earlier run used, so undoing an older run still finds its own copy. */
function stamp(ctx: Ctx): string {
	return new Date(ctx.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

async function linuxPlan(ctx: Ctx, state: ServerState | null, bind: Bind): Promise<{actions: PlannedAction[]; notes: string[]}> {
	const notes: string[] = [];
	if (state && !state.installs.some((i) => i.kind === 'systemd')) {
		return {
			actions: [
				{
					kind: 'manual',
					why: 'Install Ollama as a service first',
					text: 'No /etc/systemd/system/ollama.service was found. Install with `curl -fsSL https://ollama.com/install.sh | sh` (it creates the unit), then run this step again. A second, hand-made unit would start a second server with another model store.',
				},
			],
			notes,
		};
	}
	if (state?.dropInProblem) return {actions: [{kind: 'manual', why: 'Make the drop-in readable first', text: `${state.dropInProblem} The wizard does not replace a drop-in it cannot read.`}], notes};
	const root = state?.uid === 0;
	const sudo = (argv: string[]) => (root ? argv : ['sudo', ...argv]);
	const before = state?.dropIn ?? null;
	let after: string;
	try {
		// A drop-in that already sets this OLLAMA_HOST (in whatever spelling) is kept as it is.
		after = before !== null && dropInBind(before) === bind.value ? before : buildDropIn(before, bind.value);
	} catch (error) {
		if (!(error instanceof DropInError)) throw error;
		const refused = new DropInError(error.line, error.problem, LINUX_DROPIN);
		return {actions: [{kind: 'manual', why: 'Fix the drop-in first (the wizard does not rewrite a file it cannot read the way systemd does)', text: refused.message}], notes};
	}
	const upHost = bind.host === '0.0.0.0' || bind.host === '::' ? '127.0.0.1' : bind.host;
	const restart = hook({kind: 'command', argv: sudo(['systemctl', 'restart', 'ollama']), why: `Restart Ollama so it listens on ${bind.value}`, interactive: !root} as PlannedAction, {
		after: async (c) => void (await waitOllamaUp(c, upHost, bind.port)),
	});
	const reload: PlannedAction = {kind: 'command', argv: sudo(['systemctl', 'daemon-reload']), why: 'Make systemd read the drop-in', interactive: !root};
	const actions: PlannedAction[] = [];
	if (state && after === before) {
		if (listensAsWanted(state, bind)) {
			notes.push(`${LINUX_DROPIN} already sets OLLAMA_HOST=${bind.value} and Ollama listens there: nothing to change (no reload, no restart).`);
			return {actions, notes};
		}
		const needReload = await needsDaemonReload(ctx);
		notes.push(`${LINUX_DROPIN} already sets OLLAMA_HOST=${bind.value}, but Ollama does not listen there yet: only ${needReload ? 'a reload and ' : ''}a restart is planned.`);
		if (needReload) actions.push(reload);
		actions.push(restart);
		return {actions, notes};
	}
	// The drop-in is staged in the wizard's state folder and installed with `install` (as root too), so every
	// change of it is a command whose undo names the drop-in: undo then reloads systemd and restarts Ollama.
	const staging = path.join(wizardPaths(ctx.env).stateDir, 'staging', 'override.conf');
	notes.push(`The wizard writes the drop-in to ${staging} first and installs it${root ? '' : ' with sudo'}.`);
	actions.push(
		hook(
			{
				kind: 'file',
				path: LINUX_DROPIN,
				why: `systemd drop-in for ollama.service: a [Service] header (systemd ignores an assignment outside of a section) and Environment="OLLAMA_HOST=${bind.value}"`,
				before,
				after,
				mode: 0o644,
			} as PlannedAction,
			{stageTo: staging},
		),
	);
	if (before !== null) {
		const backup = `${LINUX_DROPIN}.before-wizard-${stamp(ctx)}`;
		actions.push({kind: 'command', argv: sudo(['cp', '-p', LINUX_DROPIN, backup]), why: 'Keep a copy of the current drop-in (systemd reads only *.conf files here)', interactive: !root, undo: sudo(['mv', backup, LINUX_DROPIN]), guard: {path: LINUX_DROPIN, content: after}});
	}
	actions.push(
		hook(
			{
				kind: 'command',
				argv: sudo(['install', '-D', '-m', '0644', staging, LINUX_DROPIN]),
				why: `Install the drop-in into ${LINUX_DROPIN_DIR} (root-owned)`,
				interactive: !root,
				// With an earlier drop-in, the backup's undo (mv) puts it back.
				...(before === null ? {undo: sudo(['rm', '-f', LINUX_DROPIN])} : {}),
				guard: {path: LINUX_DROPIN, content: after},
			} as PlannedAction,
			{cleanup: [staging]},
		),
	);
	actions.push(reload, restart);
	if (bind.host === '0.0.0.0') notes.push('Restrict the port to the Connector host: sudo ufw allow from <connector-ip> to any port 11434 proto tcp (https://github.com/ollama/ollama/blob/main/docs/faq.md).');
	return {actions, notes};
}

/**
 * Why a Docker Connector on this machine needs Ollama off loopback (or not): the probe's result on a
 * Mac (through Docker Desktop's host-gateway), or, on Linux, that the Resource is the LAN IP (null: not docker-here).
 */
async function dockerBindNote(ctx: Ctx, a: ServerAnswers, bind: {value: string; port: number}, state: ServerState | null): Promise<string | null> {
	if (a.connector !== 'docker-here') return null;
	if (!dockerProbeApplies(ctx.platform, a.resourceAddress)) {
		let lan: string | null = null;
		if (state) {
			const r = await readAddresses(ctx);
			lan = r.ok ? firstLanAddress(r.addresses) : null;
		}
		return [
			`The Docker Connector runs with --network=host and the Resource address is this machine's LAN IP${lan ? ` (${lan})` : ''}, which a loopback-only Ollama does not answer on: Ollama must listen on the LAN IP (--bind ${lan ?? '<LAN IP>'}:${bind.port}, safer) or 0.0.0.0.`,
			'127.0.0.1 would reach it too (--network=host shares this machine\'s network) and keep Ollama on loopback, but Twingate does not document loopback Resources, so the wizard does not assume it: to try it, pass --resource-address 127.0.0.1 --docker-probe yes.',
		].join(' ');
	}
	const chosen = a.bind ? `You chose --bind ${bind.value}` : `Non-loopback bind ${bind.value}`;
	switch (a.dockerProbe) {
		case 'reachable':
			return 'The Docker probe reached Ollama on loopback: the Connector needs no new bind (this plan only applies if you still want one).';
		case 'unreachable':
			return `${chosen}: the Docker probe could not reach Ollama on loopback through Docker Desktop's host-gateway, so Ollama must listen where the Connector's container can reach it.`;
		default:
			return `${chosen} because the Docker probe was not run: pass --docker-probe yes (or answer yes at the prompt) to test whether the Docker Connector reaches Ollama on loopback — if it does, Ollama can stay on 127.0.0.1, the safest layout.`;
	}
}

async function plan(ctx: Ctx, answers: Answers): Promise<Plan> {
	const a = serverAnswers(answers);
	if (ctx.platform !== 'darwin' && ctx.platform !== 'linux') return {actions: [], inputs: {}};
	const port = servicePort(a);
	const state = a.simulated ? null : await detectServer(ctx, port);
	const version = state && state.listeners.ok && state.listeners.summary.state !== 'none' ? await localVersion(ctx, '127.0.0.1', port) : null;
	const method = a.method ?? recommendedMethod(ctx, state, version);
	assertMethodFits(method, ctx.platform);
	if (state && method === 'app-setting') {
		const option = methodOptions(ctx.platform, state.installs, version).find((o) => o.method === 'app-setting');
		if (option && !option.usable) throw new UsageError(`--method app-setting: ${option.reason}`);
	}
	const bind = checkedBind(method === 'app-setting' ? '0.0.0.0:11434' : (a.bind ?? `0.0.0.0:${OLLAMA_PORT}`));
	const built = ctx.platform === 'darwin' ? await darwinPlan(ctx, a, state, method, bind) : await linuxPlan(ctx, state, bind);
	const notes = [...built.notes];
	if (!a.method) notes.unshift(`Method ${method}: the one that fits the install found here.`);
	if (!a.bind && method !== 'app-setting') notes.unshift(`Bind ${bind.value}: every interface, as Ollama's FAQ shows (pass --bind <LAN IP>:${port} to listen on one interface only).`);
	if (a.simulated) notes.unshift(`Planned for ${OS_NAME[ctx.platform]} from stated assumptions (--platform); run without --platform on the Ollama host and the wizard detects the real paths and state first.`);
	const docker = await dockerBindNote(ctx, a, bind, state);
	if (docker) notes.push(docker);
	notes.push(SECURITY_WARNING);
	return {actions: built.actions, inputs: {method, bind: bind.value, platform: ctx.platform}, notes};
}

export const ollamaRemoteAccess: Step = {
	...STEP_META['ollama-remote-access'],
	check,
	plan,
	async apply(ctx, p) {
		await executePlan(ctx, p);
	},
};
