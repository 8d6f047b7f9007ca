/**
 * Step 1 — Twingate on the Ollama host's network. Twingate carries traffic Client → Connector →
 * Resource (https://www.twingate.com/docs/how-twingate-works), so serving Ollama needs a Connector,
 * not the Twingate app on this machine.
 *
 * What serving needs is a Connector that reaches this machine and a Resource for it — not the Twingate
 * app. check: a running `twingate/connector` container (`docker ps -a`) or, on Linux, the
 * `twingate-connector` service; the Resource checklist the user confirmed; the optional Twingate client
 * on this machine (macOS: /Applications/Twingate.app, `pgrep -x Twingate`, `scutil --nc list` — never
 * `twingate status`, the Mac app has no CLI; Linux: `twingate status`).
 *
 * Connector tokens: typed masked (or read from TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN), registered
 * with ctx.secrets, kept in memory only. The plan's argv carries `--env TWINGATE_ACCESS_TOKEN` with no
 * value — docker copies the value from its own environment — and apply passes the values in the
 * environment of that one `docker run`. So every display of the plan (plain, Ink, --json, the journal,
 * `ps`) shows the exact command and never a token, and no token is written to disk by the wizard.
 * `--connector systemd-here` (Linux only) does the same with Twingate's setup.sh: tokens and network in
 * the environment of that one command, the command naming only the variables (see systemdSetupArgv).
 */
import type {Ctx} from '../core/context.js';
import {UsageError} from '../core/exit-codes.js';
import type {Answers, CheckResult, Plan, PlannedAction, Remediation, Step} from '../core/types.js';
import {serverAnswers, servicePort, type ServerAnswers} from '../server/answers.js';
import {parseSystemctlIsActive} from '../parsers/docker.js';
import {
	CONNECTOR_NAME,
	CONNECTOR_SERVICE,
	DOCKER_HOST_ALIAS,
	TWINGATE_APP,
	assertConnectorFits,
	dockerResourceAddress,
	connectorRunArgv,
	connectorRuns,
	detectConnector,
	detectTwingateClient,
	remoteConnectorText,
	resourceChecklist,
	systemdConnectorArgv,
	systemdSetupArgv,
	systemdUnitInstalled,
	type ConnectorState,
	type TwingateClientState,
} from '../server/connector.js';
import {currentUid, firstLanAddress, readAddresses} from '../server/detect.js';
import type {SystemState} from '../server/system-state.js';
import {executePlan, hook} from '../server/execute.js';
import {STEP_META} from './meta.js';

type Result = Omit<CheckResult, 'durationMs'>;

const OS_NAME: Record<string, string> = {darwin: 'macOS', linux: 'Linux'};
/** How long apply waits for the optional Twingate client to connect (the login happens in its UI). */
export const CLIENT_WAIT_TRIES = 45;
export const CLIENT_WAIT_MS = 2000;
/** How long apply waits for the twingate-connector service to become active after setup.sh / start. */
export const SERVICE_WAIT_TRIES = 10;
export const SERVICE_WAIT_MS = 1000;

function place(choice: string, platform: NodeJS.Platform): string {
	switch (choice) {
		case 'lan-machine':
			return 'another always-on machine on this LAN';
		case 'linux-vm':
			return platform === 'darwin' ? 'a Linux VM on this Mac' : 'a Linux VM on this machine';
		case 'existing':
			return 'the Connector you already run';
		case 'systemd-here':
			return 'this machine (the twingate-connector systemd service)';
		default:
			return choice;
	}
}

/** The placements, worded for this machine's OS (never "Mac" on Linux, never dockerhost there). */
export function topologyText(platform: NodeJS.Platform): string {
	const darwin = platform === 'darwin';
	return [
		'Twingate carries traffic only Client → Connector → Resource. Serving Ollama needs a Connector that can reach this machine:',
		darwin
			? `  A. docker-here — Docker Desktop on this Mac with --add-host ${DOCKER_HOST_ALIAS}:host-gateway (Resource address ${DOCKER_HOST_ALIAS}).`
			: '  A. docker-here — Docker on this machine with --network=host: the Connector shares this machine\'s network (Resource address: this machine\'s LAN IP).',
		'  B. lan-machine — systemd or Docker on another always-on machine of this LAN (Resource address: this machine\'s LAN IP).',
		darwin
			? '  C. linux-vm — a Linux VM on this Mac (UTM, Parallels, …) running the systemd Connector.'
			: '  C. linux-vm — a Linux VM on this machine (KVM, VirtualBox, …) running the systemd Connector.',
		...(darwin
			? []
			: ['  D. systemd-here — Twingate\'s systemd Connector on this machine, installed with its setup.sh after you paste the two tokens (masked) (Resource address: this machine\'s LAN IP).']),
		'  existing — a Connector already runs in this network; skip — do Twingate yourself.',
		darwin ? 'Pass --connector docker-here|lan-machine|linux-vm|existing|skip.' : 'Pass --connector docker-here|systemd-here|lan-machine|linux-vm|existing|skip.',
	].join('\n');
}

/**
 * Where the Resource points: `dockerhost` for a Docker Connector on a Mac (Docker Desktop's host-gateway
 * alias); else this machine's LAN address — also for a Docker Connector on Linux, which runs with
 * --network=host and has no dockerhost (see dockerResourceAddress).
 */
export async function resourceAddressFor(ctx: Ctx, a: ServerAnswers): Promise<{address: string; assumed: boolean}> {
	if (a.resourceAddress) return {address: a.resourceAddress, assumed: false};
	const docker = a.connector === 'docker-here' ? dockerResourceAddress(ctx.platform) : null;
	if (docker) return {address: docker, assumed: false};
	if (a.simulated) return {address: `<LAN IP of this ${ctx.platform === 'darwin' ? 'Mac' : 'machine'}>`, assumed: true};
	const r = await readAddresses(ctx);
	const lan = r.ok ? firstLanAddress(r.addresses) : null;
	return lan ? {address: lan, assumed: false} : {address: '<LAN IP of this machine>', assumed: true};
}

function connectorLine(state: ConnectorState): string {
	const names = [...state.running.map((c) => `container ${c.name} (${c.image}, ${c.status})`)];
	if (state.systemd === 'active') names.push('systemd service twingate-connector (active)');
	return `A Twingate Connector runs on this machine: ${names.join('; ')}.`;
}

function clientDetails(c: TwingateClientState): {line: string; ok: boolean} {
	if (c.platform === 'darwin') {
		if (c.installed && c.appPresent === false) return {ok: false, line: `Twingate app (optional): installed with Homebrew (brew list --cask twingate), but ${TWINGATE_APP} is missing.`};
		if (!c.installed) return {ok: false, line: `Twingate app (optional): not installed (${TWINGATE_APP} is missing${c.cask === false ? ', and brew list --cask twingate does not list it' : ''}).`};
		if (!c.running) return {ok: false, line: 'Twingate app (optional): installed, not running (pgrep -x Twingate found nothing).'};
		if (c.problem) return {ok: false, line: `Twingate app (optional): running; connection state unreadable: ${c.problem}`};
		return {ok: c.connected === true, line: `Twingate app (optional): running, ${c.connected ? 'connected' : 'not connected'} (scutil --nc list).`};
	}
	if (!c.installed) return {ok: false, line: 'Twingate client (optional): not installed (no twingate command).'};
	return {ok: c.connected === true, line: `Twingate client (optional): twingate status says ${c.status}.`};
}

async function check(ctx: Ctx, answers: Answers): Promise<Result> {
	const a = serverAnswers(answers);
	if (ctx.platform !== 'darwin' && ctx.platform !== 'linux') return {status: 'skipped', summary: 'Steps 1–3 support macOS and Linux Ollama hosts only.', details: []};
	if (a.connector === 'skip') {
		return {
			status: 'skipped',
			summary: 'You chose to set up the Twingate Connector and Resource yourself; nothing was checked.',
			details: ['Serving needs a Connector that reaches this machine and a Resource for it (TCP 11434, an alias with a dot, access granted).'],
		};
	}
	if (a.simulated) {
		return {
			status: 'warn',
			summary: `Not checked: planned for ${OS_NAME[ctx.platform]} from stated assumptions (no Connector runs yet, the Resource is not confirmed); nothing on this machine was read or changed.`,
			// With --connector given, the plan below already shows that choice; the menu is for when it is not.
			details: a.connector ? [`Connector: ${a.connector} (from --connector).`] : topologyText(ctx.platform).split('\n'),
			data: {simulated: true},
		};
	}
	const conn = await detectConnector(ctx);
	const details: string[] = [];
	let status: CheckResult['status'] = 'ok';
	let summary: string;
	let cause: string | null = null;
	let remediation: Remediation | undefined;
	const runs = connectorRuns(conn);
	// The Resource checklist ends with "the Connector shows Connected": confirming it (--resource-ready)
	// confirms a Connector elsewhere too, unless that was answered on its own.
	const connectorConfirmed = a.connectorConfirmed ?? a.resourceConfirmed === true;
	if (conn.docker === 'error') details.push(`docker ps could not be read: ${conn.dockerProblem}`);
	if (runs) {
		summary = connectorLine(conn);
	} else if (a.connector === 'systemd-here' && ctx.platform !== 'linux') {
		status = 'fail';
		cause = 'connector-missing';
		summary = 'The systemd Connector (--connector systemd-here) runs on Linux only; this is macOS.';
		remediation = {text: 'Choose --connector docker-here, linux-vm or lan-machine.'};
	} else if (a.connector === 'systemd-here') {
		status = 'fail';
		cause = 'connector-missing';
		const word = conn.systemd ?? 'unknown';
		summary = `The ${CONNECTOR_SERVICE} systemd service is not active on this machine (systemctl is-active says ${word}).`;
		remediation = {
			text:
				word === 'failed'
					? `It started and failed: read journalctl -u ${CONNECTOR_SERVICE}, then apply this step (it starts the installed service again).`
					: 'Apply this step: it installs Twingate\'s systemd Connector with setup.sh (or starts the installed service).',
		};
	} else if (a.connector && a.connector !== 'docker-here') {
		const where = place(a.connector, ctx.platform);
		if (connectorConfirmed) {
			summary = `The Connector runs on ${where}; you confirmed the Admin Console shows it as Connected (the wizard cannot see it from here).`;
		} else {
			status = 'warn';
			summary = `The Connector should run on ${where}; not confirmed yet.`;
			remediation = {text: 'Start it there with the command from the plan, then check that Admin Console → Network → Remote Networks shows it as Connected.'};
		}
	} else if (a.connector === 'docker-here' && conn.docker === 'missing') {
		status = 'fail';
		cause = 'connector-missing';
		summary = 'No Twingate Connector runs here, and Docker is not installed, so the Connector cannot run in Docker on this machine.';
		remediation = {text: 'Install Docker Desktop (https://www.docker.com/products/docker-desktop/), start it, and run this step again — or choose --connector lan-machine or linux-vm.'};
	} else if (a.connector === 'docker-here' && conn.docker === 'error') {
		status = 'fail';
		cause = 'unreadable-output';
		summary = conn.dockerDown ? `Docker does not answer, so no Connector container can be checked or started: ${conn.dockerProblem}` : `Could not tell whether a Connector container runs: ${conn.dockerProblem}`;
		remediation = {text: `Start ${ctx.platform === 'darwin' ? 'Docker Desktop (open -a Docker)' : 'the Docker service (sudo systemctl start docker)'} (or fix \`docker ps\`), wait until \`docker ps\` works, then retry this step (r in the full-screen UI).`};
	} else {
		status = 'fail';
		cause = 'connector-missing';
		const stopped = conn.stopped[0];
		summary = stopped
			? `The Connector container ${stopped.name} exists but is not running (${stopped.status}).`
			: `No Twingate Connector runs on this machine${a.connector ? '' : ', and no Connector placement was chosen'}.`;
		remediation = {text: stopped ? `Start it: docker start ${stopped.name}` : a.connector ? 'Apply this step to start the Connector.' : topologyText(ctx.platform), ...(stopped ? {commands: [['docker', 'start', stopped.name]]} : {})};
	}
	if (a.resourceConfirmed) details.push('Resource: you confirmed the checklist (address, TCP 11434 only, alias, access).');
	else {
		details.push('Resource: not confirmed yet — the wizard cannot see the Admin Console; the checklist is in the plan.');
		if (status === 'ok') {
			status = 'warn';
			summary = `${summary} The Resource is not confirmed yet.`;
			remediation = {text: 'Create the Resource as the checklist says, then confirm it: run the step again in a terminal, or pass --resource-ready.'};
		}
	}
	if (a.twingateClient === 'use') {
		const client = clientDetails(await detectTwingateClient(ctx));
		details.push(client.line);
		if (!client.ok && status === 'ok') status = 'warn';
	}
	// What apply can start here (a container, the systemd service), for undo to compare before and after.
	const system: SystemState = {connectorContainers: conn.docker === 'ok' ? conn.running.map((c) => c.name).sort().join(', ') || null : null};
	if (ctx.platform === 'linux') system.connectorService = conn.systemd;
	return {status, summary, details, cause, remediation, data: {connectorRunning: runs, connectors: conn.running.map((c) => c.name), connector: a.connector ?? null, system}};
}

function tokenEnv(ctx: Ctx, a: ServerAnswers): Record<string, string> | null {
	const access = a.connectorAccessToken ?? ctx.env.TWINGATE_ACCESS_TOKEN;
	const refresh = a.connectorRefreshToken ?? ctx.env.TWINGATE_REFRESH_TOKEN;
	ctx.secrets.add(access);
	ctx.secrets.add(refresh);
	return access && refresh ? {TWINGATE_ACCESS_TOKEN: access, TWINGATE_REFRESH_TOKEN: refresh} : null;
}

/**
 * After setup.sh (which runs `systemctl enable --now`) or `systemctl start`: poll `systemctl is-active`
 * briefly, so the check that follows sees the service settled rather than `activating`.
 */
async function waitConnectorService(ctx: Ctx): Promise<void> {
	for (let i = 0; i < SERVICE_WAIT_TRIES; i++) {
		const state = parseSystemctlIsActive((await ctx.run('systemctl', ['is-active', CONNECTOR_SERVICE])).stdout);
		if (state === 'active') {
			ctx.progress('connector', 'ok', `The ${CONNECTOR_SERVICE} service is active.`);
			return;
		}
		if (state === 'failed') break;
		ctx.progress('connector', 'running', `Waiting for the ${CONNECTOR_SERVICE} service to start (systemctl is-active says ${state})…`);
		await ctx.clock.sleep(SERVICE_WAIT_MS, ctx.signal);
	}
	ctx.progress('connector', 'warn', `The ${CONNECTOR_SERVICE} service is not active; the check below reports it (logs: journalctl -u ${CONNECTOR_SERVICE}).`);
}

/** `--twingate-client-wait no`: start the client and go on; the check after apply reports its state. */
async function noClientWait(ctx: Ctx): Promise<void> {
	ctx.progress(
		'twingate-client',
		'warn',
		`Not waiting for the Twingate login (--twingate-client-wait no): finish it in ${ctx.platform === 'darwin' ? 'the app' : 'twingate setup / the browser'}; the check below reports the current state.`,
	);
}

async function waitClientConnected(ctx: Ctx): Promise<void> {
	for (let i = 0; i < CLIENT_WAIT_TRIES; i++) {
		const c = await detectTwingateClient(ctx);
		if (c.connected) {
			ctx.progress('twingate-client', 'ok', 'Twingate is connected.');
			return;
		}
		ctx.progress('twingate-client', 'running', ctx.platform === 'darwin' ? 'Waiting for the Twingate app to connect: finish the login in the app and the browser…' : 'Waiting for twingate status to say online…');
		await ctx.clock.sleep(CLIENT_WAIT_MS, ctx.signal);
	}
	ctx.progress('twingate-client', 'warn', 'Twingate did not connect in time; the check reports it and you can finish the login later.');
}

async function clientActions(ctx: Ctx, a: ServerAnswers): Promise<PlannedAction[]> {
	const actions: PlannedAction[] = [];
	const c: TwingateClientState | null = a.simulated ? null : await detectTwingateClient(ctx);
	const wait = a.twingateClientWait !== false;
	const after = wait ? waitClientConnected : noClientWait;
	const onboarding: PlannedAction = {
		kind: 'manual',
		why: 'Log in in the Twingate app (optional; only needed if this Mac must itself reach Resources, e.g. to test through the tunnel)',
		text: [
			'Allow notifications → add the VPN configuration (required) → allow the system extension (standalone build) →',
			'enter your network name (e.g. acme for acme.twingate.com) → log in in the browser → click "Open Twingate.app".',
			wait
				? `The menu-bar icon then shows Online. The wizard waits up to ${(CLIENT_WAIT_TRIES * CLIENT_WAIT_MS) / 1000} s for it (scutil --nc list) and goes on either way (--twingate-client-wait no skips the wait).`
				: 'The menu-bar icon then shows Online. The wizard does not wait for it (--twingate-client-wait no); the check reports the state.',
		].join('\n'),
	};
	if (ctx.platform === 'darwin') {
		if (c?.connected) return actions;
		if (c?.installed && c.appPresent === false) {
			actions.push({kind: 'command', argv: ['brew', 'reinstall', '--cask', 'twingate'], why: `Reinstall the Twingate cask: Homebrew lists it but ${TWINGATE_APP} is gone (brew install would only say "already installed")`, interactive: true});
		} else if (!c?.installed) {
			if (c?.brew || a.simulated) {
				actions.push({kind: 'command', argv: ['brew', 'install', '--cask', 'twingate'], why: 'Install the standalone Twingate client (macOS ≥ Monterey; the installer asks for your password)', interactive: true, undo: ['brew', 'uninstall', '--cask', 'twingate']});
			} else {
				actions.push({kind: 'manual', why: 'Install the Twingate app', text: 'Homebrew is not installed: get Twingate from the Mac App Store, or the standalone package https://api.twingate.com/download/darwin?installer=pkg (it must live in /Applications).'});
				return actions;
			}
		}
		if (!c?.running) actions.push(hook({kind: 'command', argv: ['open', '-a', 'Twingate'], why: 'Start the Twingate app'}, {after}));
		actions.push(onboarding);
		return actions;
	}
	if (!c?.installed) {
		actions.push({kind: 'manual', why: 'Install the Linux Twingate client (optional on the Ollama host)', text: 'curl -s https://binaries.twingate.com/client/linux/install.sh | sudo bash\nthen: sudo twingate setup (interactive) and twingate start.'});
		return actions;
	}
	if (!c.connected) actions.push(hook({kind: 'command', argv: ['twingate', 'start'], why: 'Start the Twingate client (twingate status must say online)'}, {after}));
	return actions;
}

async function plan(ctx: Ctx, answers: Answers): Promise<Plan> {
	const a = serverAnswers(answers);
	if (ctx.platform !== 'darwin' && ctx.platform !== 'linux') return {actions: [], inputs: {}};
	const actions: PlannedAction[] = [];
	const notes: string[] = [];
	if (a.connector === 'skip') return {actions, inputs: {connector: 'skip'}};
	assertConnectorFits(a.connector, ctx.platform);
	const conn = a.simulated ? null : await detectConnector(ctx);
	const connectorConfirmed = a.connectorConfirmed ?? a.resourceConfirmed === true;
	if (!conn || !connectorRuns(conn)) {
		switch (a.connector) {
			case 'docker-here': {
				const stopped = conn?.stopped[0];
				if (conn?.docker === 'missing') {
					actions.push({kind: 'manual', why: 'Install Docker first', text: 'Install and start Docker Desktop (https://www.docker.com/products/docker-desktop/), then run this step again.'});
				} else if (conn?.docker === 'error') {
					// Docker is installed but does not answer (Docker Desktop closed, the daemon stopped): a precondition
					// to meet, not an answer to demand. The step fails with this Fix; retrying asks what is then needed.
					actions.push({
						kind: 'manual',
						why: 'Start Docker first',
						text: `Docker does not answer (${conn.dockerProblem ?? 'docker ps failed'}). Start ${ctx.platform === 'darwin' ? 'Docker Desktop (open -a Docker)' : 'the Docker service (sudo systemctl start docker)'}, wait until \`docker ps\` works, then retry this step.`,
					});
				} else if (stopped) {
					actions.push({kind: 'command', argv: ['docker', 'start', stopped.name], why: `Start the existing Connector container ${stopped.name} (its tokens are already inside it)`, undo: ['docker', 'stop', stopped.name]});
				} else {
					if (!a.twingateNetwork && !ctx.dryRun && !a.simulated) throw new UsageError('The Connector needs your Twingate network name.', 'Pass --twingate-network NAME (acme for acme.twingate.com).');
					const env = tokenEnv(ctx, a);
					if (!env && !ctx.dryRun && !a.simulated) {
						throw new UsageError(
							'The Connector needs its access and refresh tokens.',
							'Admin Console → Network → Remote Networks → Add Connector → Generate Tokens; type them at the prompt, or set TWINGATE_ACCESS_TOKEN and TWINGATE_REFRESH_TOKEN in the environment (never on the command line).',
						);
					}
					const run: PlannedAction = {
						kind: 'command',
						argv: connectorRunArgv({network: a.twingateNetwork ?? '<network>', platform: ctx.platform}),
						why: `Start the Twingate Connector in Docker (image twingate/connector:1, restarts with Docker). The two tokens reach docker through its environment only: never in this command line, the journal or the log${
							ctx.platform === 'darwin'
								? `; --add-host lets it reach this Mac as ${DOCKER_HOST_ALIAS}`
								: '; --network=host shares this machine\'s network, so it reaches Ollama on this machine\'s LAN address (and gets local peer-to-peer connections)'
						}`,
						undo: ['docker', 'rm', '-f', CONNECTOR_NAME],
					};
					actions.push(env ? hook(run, {env, timeoutMs: 300_000}) : run);
					notes.push('Connector tokens: typed masked (or from TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN), kept in memory, passed to this one docker run through its environment.');
				}
				actions.push({kind: 'manual', why: 'Check the Connector is online', text: 'Admin Console → Network → Remote Networks → your network: the Connector shows Connected (Controller and Relay). Logs: docker logs twingate-connector.'});
				break;
			}
			case 'systemd-here': {
				// Twingate's systemd Connector on this Linux machine (see systemdSetupArgv).
				const root = a.simulated ? false : (await currentUid(ctx)) === 0;
				if (conn && (await systemdUnitInstalled(ctx))) {
					actions.push(
						hook(
							{
								kind: 'command',
								argv: systemdConnectorArgv(['start'], root),
								why: `Start the installed ${CONNECTOR_SERVICE} service (its tokens are already in /etc/twingate/connector.conf)`,
								interactive: !root,
								undo: systemdConnectorArgv(['stop'], root),
							},
							{after: waitConnectorService},
						),
					);
				} else {
					if (!a.twingateNetwork && !ctx.dryRun && !a.simulated) throw new UsageError('The Connector needs your Twingate network name.', 'Pass --twingate-network NAME (acme for acme.twingate.com).');
					const tokens = tokenEnv(ctx, a);
					if (!tokens && !ctx.dryRun && !a.simulated) {
						throw new UsageError(
							'The Connector needs its access and refresh tokens.',
							'Admin Console → Network → Remote Networks → Add Connector → Generate Tokens; type them at the prompt, or set TWINGATE_ACCESS_TOKEN and TWINGATE_REFRESH_TOKEN in the environment (never on the command line).',
						);
					}
					const install: PlannedAction = {
						kind: 'command',
						argv: systemdSetupArgv({root}),
						why: `Install and start Twingate's systemd Connector on this machine with its setup.sh (it installs the ${CONNECTOR_SERVICE} service, configured in /etc/twingate/connector.conf). The tokens and the network name reach it only through this one command's environment${root ? '' : ' (sudo -E keeps it)'}, never its command line, the wizard's journal or log, or sudo's log`,
						interactive: !root,
						undo: systemdConnectorArgv(['disable', '--now'], root),
					};
					const env = tokens && a.twingateNetwork ? {...tokens, TWINGATE_NETWORK: a.twingateNetwork} : null;
					actions.push(
						hook(install, {
							...(env ? {env} : {}),
							timeoutMs: 300_000,
							after: waitConnectorService,
							explain: () =>
								`setup.sh did not finish. ${root ? '' : 'If sudo refused to preserve the environment (a sudoers rule without setenv), run the wizard as root instead. '}Logs: journalctl -u ${CONNECTOR_SERVICE}. Fix the cause, then rerun \`ollama-tunnel-wizard repair\`.`,
						}),
					);
					notes.push('Connector tokens: typed masked (or from TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN), kept in memory, passed to this one setup.sh run through its environment; setup.sh keeps them in /etc/twingate/connector.conf for the service.');
				}
				actions.push({
					kind: 'manual',
					why: 'Check the Connector is online',
					text: `Admin Console → Network → Remote Networks → your network: the Connector shows Connected (Controller and Relay). Here: systemctl status ${CONNECTOR_SERVICE}; logs: journalctl -u ${CONNECTOR_SERVICE}.`,
				});
				break;
			}
			case 'lan-machine':
			case 'linux-vm':
				if (!connectorConfirmed) actions.push({kind: 'manual', why: `Run the Connector on ${place(a.connector, ctx.platform)}`, text: remoteConnectorText(a.connector, a.twingateNetwork, ctx.platform)});
				break;
			case 'existing':
				if (!connectorConfirmed) actions.push({kind: 'manual', why: 'Check the existing Connector', text: 'Admin Console → Network → Remote Networks: the Connector of the network that will hold the Resource shows Connected, and that machine can reach this one on TCP 11434.'});
				break;
			default:
				actions.push({kind: 'manual', why: 'Choose where the Connector runs', text: topologyText(ctx.platform)});
		}
	}
	// The address is only needed for the checklist (a confirmed Resource needs no ifconfig).
	const resource = a.resourceConfirmed ? {address: a.resourceAddress ?? null, assumed: false} : await resourceAddressFor(ctx, a);
	if (!a.resourceConfirmed && resource.address !== null) {
		actions.push({kind: 'manual', why: 'Create the Resource for Ollama in the Admin Console (the wizard cannot see it; confirm when done)', text: resourceChecklist({address: resource.address, alias: a.alias, port: servicePort(a)})});
		if (resource.assumed) notes.push('The Resource address is a placeholder: step 3 lists this machine\'s addresses (never a 100.x tunnel handle).');
	}
	if (a.twingateClient === 'use') actions.push(...(await clientActions(ctx, a)));
	return {actions, inputs: {connector: a.connector ?? null, network: a.twingateNetwork ?? null, resourceAddress: resource.address, alias: a.alias ?? null, client: a.twingateClient ?? 'skip'}, notes};
}

export const twingateNetwork: Step = {
	...STEP_META['twingate-network'],
	check,
	plan,
	async apply(ctx, p) {
		await executePlan(ctx, p);
	},
};
