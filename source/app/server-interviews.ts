/**
 * What steps 1–3 ask on the Ollama host, independent of the view (Ink, --plain prompts, or the
 * non-interactive path that exits 2 naming the flag). Answers given as flags are never asked again.
 * Order: topology first, then the Connector's
 * network and tokens (masked; never stored), the alias, the Resource checklist; then the method with
 * its reasons and the bind with the security warning; then the alias for the card.
 */
import type {StepOutcome} from '../core/runner.js';
import {isValidAlias} from '../parsers/twingate.js';
import {validateBindValue} from '../parsers/ollama-host.js';
import {methodOptions, SECURITY_WARNING, serverAnswers, servicePort, type Method} from '../server/answers.js';
import {
	assertConnectorFits,
	connectorChoicesFor,
	connectorRuns,
	detectConnector,
	dockerProbeApplies,
	dockerProbeArgv,
	probeFromDocker,
	remoteConnectorText,
	resourceChecklist,
	systemdUnitInstalled,
	type ConnectorChoice,
} from '../server/connector.js';
import {detectServer, firstLanAddress, localVersion, readAddresses, type ServerState} from '../server/detect.js';
import {CARD_HINT} from '../steps/client-address.js';
import {CLIENT_WAIT_MS, CLIENT_WAIT_TRIES, resourceAddressFor} from '../steps/twingate-network.js';
import type {Asker} from './asker.js';
import type {Session} from './session.js';

const SERVER_PLATFORMS = new Set<string>(['darwin', 'linux']);

/**
 * The placements as choices, worded for this machine's OS (never "Mac" or dockerhost on Linux). The
 * names are words a person reads ("Docker on this Mac"), never the --connector values, which only a
 * run without a terminal needs (its exit-2 message names them).
 */
function connectorLabels(platform: NodeJS.Platform): Record<ConnectorChoice, {name: string; description: string}> {
	const darwin = platform === 'darwin';
	return {
		'docker-here': {
			name: darwin ? 'Docker on this Mac' : 'Docker on this machine',
			description: darwin
				? 'The wizard runs twingate/connector:1 here after you paste the two tokens (masked). Resource address: dockerhost (Docker Desktop\'s host-gateway alias).'
				: 'The wizard runs twingate/connector:1 here with --network=host after you paste the two tokens (masked). Resource address: this machine\'s LAN IP.',
		},
		// Offered on Linux only (connectorChoicesFor); the systemd Connector does not run on macOS.
		'systemd-here': {
			name: 'Twingate\'s systemd Connector on this machine',
			description: 'The wizard runs Twingate\'s setup.sh here (with sudo) after you paste the two tokens (masked); it runs as the twingate-connector systemd service. Resource address: this machine\'s LAN IP.',
		},
		'lan-machine': {name: 'Another always-on machine on this LAN', description: 'systemd or Docker there; the wizard prints the command. Ollama must then listen on the LAN.'},
		'linux-vm': darwin
			? {name: 'A Linux VM on this Mac', description: 'UTM, Parallels, …; the systemd Connector runs in the VM.'}
			: {name: 'A Linux VM on this machine', description: 'KVM, VirtualBox, …; the systemd Connector runs in the VM.'},
		existing: {name: 'A Connector already runs in this network', description: 'Nothing to deploy; you confirm it shows Connected.'},
		skip: {name: 'Skip: I set up Twingate myself', description: 'Steps 2 and 3 still run.'},
	};
}

/**
 * Shown before the placement question on a terminal. The step's own topology text names the
 * --connector values for runs without a terminal; here the choices below say the same in words.
 */
const CONNECTOR_INTRO =
	'Twingate carries traffic only Client → Connector → Resource. Serving Ollama needs a Connector that can reach this machine: here (in Docker, or as a systemd service on Linux), on another always-on machine of this LAN, or in a Linux VM on this machine. Choose one below; each choice says what the wizard then does.';

/**
 * A look at this machine or a request before a question (docker ps, the listeners, Ollama's version,
 * the probe container) can take seconds: every view shows what is being done at once (a step:progress
 * line of the step the question belongs to), then `done` once it has finished.
 */
async function showing<T>(session: Session, step: string, check: string, message: string, work: () => Promise<T>, done?: (value: T) => string | null): Promise<T> {
	const emit = (status: 'running' | 'ok', text: string) => session.bus.emit({type: 'step:progress', step, check, status, message: session.ctx.secrets.redact(text)});
	emit('running', message);
	const value = await work();
	const after = done?.(value);
	if (after) emit('ok', after);
	return value;
}

export async function askAlias(asker: Asker): Promise<string> {
	const value = await asker.text({
		message: 'Resource alias clients will use (at least one dot, not ending in .local)',
		flag: '--alias',
		default: 'ollama.home.internal',
		validate: (v) => {
			const r = isValidAlias(v);
			return r.ok ? null : r.problem;
		},
	});
	const r = isValidAlias(value);
	return r.ok ? r.alias : value;
}

function nonEmpty(what: string) {
	return (v: string): string | null => (v.trim().length < 8 ? `The ${what} looks too short; copy it whole from the Admin Console.` : null);
}

/** Step 1: where the Connector runs (asked first), its network and tokens, the alias, the Resource checklist. */
export async function interviewTwingateNetwork(session: Session, asker: Asker): Promise<void> {
	const ctx = session.ctx;
	const a = serverAnswers(session.answers);
	if (!SERVER_PLATFORMS.has(ctx.platform)) return;
	assertConnectorFits(a.connector, ctx.platform);
	if (!a.connector && asker.interactive) {
		const found = a.simulated ? null : await showing(session, 'twingate-network', 'connector-here', 'Looking for a Twingate Connector on this machine (docker ps) …', () => detectConnector(ctx));
		if (found && found.running.length > 0) a.connector = 'docker-here';
		else if (found?.systemd === 'active') a.connector = 'systemd-here';
		else {
			await asker.note('Where does the Twingate Connector run?', CONNECTOR_INTRO);
			const labels = connectorLabels(ctx.platform);
			a.connector = await asker.select<ConnectorChoice>({
				message: 'Where should the Twingate Connector run?',
				flag: '--connector',
				choices: connectorChoicesFor(ctx.platform).map((value) => ({value, ...labels[value]})),
				default: ctx.platform === 'darwin' ? 'docker-here' : 'existing',
			});
		}
	}
	if (a.connector === 'skip') return;

	if ((a.connector === 'docker-here' || a.connector === 'systemd-here') && !ctx.dryRun && !a.simulated) {
		const state = await showing(session, 'twingate-network', 'connector-here', 'Looking for a Twingate Connector on this machine (docker ps) …', () => detectConnector(ctx));
		// docker-here: a new container needs tokens (a stopped one has them). systemd-here: a new install
		// needs them (an installed service has them in /etc/twingate/connector.conf).
		const needsTokens =
			!connectorRuns(state) && (a.connector === 'docker-here' ? state.stopped.length === 0 && state.docker === 'ok' : !(await systemdUnitInstalled(ctx)));
		if (needsTokens) {
			a.twingateNetwork ??= await asker.text({
				message: 'Your Twingate network name (acme for acme.twingate.com)',
				flag: '--twingate-network',
				validate: (v) => (/^[a-z0-9][a-z0-9-]{0,62}$/i.test(v.trim()) ? null : 'Give the network name only, e.g. acme for acme.twingate.com.'),
			});
			a.twingateNetwork = a.twingateNetwork.trim();
			// Tokens: masked prompt or the environment, never a flag; registered so no output can show them.
			const access =
				a.connectorAccessToken ??
				ctx.env.TWINGATE_ACCESS_TOKEN ??
				(await asker.text({message: 'Connector access token (Admin Console → Network → Remote Networks → Add Connector → Generate Tokens)', flag: 'TWINGATE_ACCESS_TOKEN in the environment', secret: true, validate: nonEmpty('access token')}));
			ctx.secrets.add(access.trim());
			const refresh =
				a.connectorRefreshToken ??
				ctx.env.TWINGATE_REFRESH_TOKEN ??
				(await asker.text({message: 'Connector refresh token (same page)', flag: 'TWINGATE_REFRESH_TOKEN in the environment', secret: true, validate: nonEmpty('refresh token')}));
			ctx.secrets.add(refresh.trim());
			a.connectorAccessToken = access.trim();
			a.connectorRefreshToken = refresh.trim();
		}
	}

	if ((a.connector === 'lan-machine' || a.connector === 'linux-vm' || a.connector === 'existing') && a.connectorConfirmed === undefined && asker.interactive && !a.simulated) {
		if (a.connector !== 'existing') await asker.note('Run the Connector there', remoteConnectorText(a.connector, a.twingateNetwork, ctx.platform));
		a.connectorConfirmed = await asker.confirm({message: 'Does the Admin Console show that Connector as Connected?', flag: '--yes', default: false});
	}

	if (!a.alias && asker.interactive) a.alias = await askAlias(asker);

	if (a.resourceConfirmed === undefined && asker.interactive && !ctx.dryRun && !a.simulated) {
		const resource = await showing(session, 'twingate-network', 'addresses', "Reading this machine's network addresses …", () => resourceAddressFor(ctx, a));
		await asker.note('The Twingate Resource for Ollama (the wizard cannot see the Admin Console)', resourceChecklist({address: resource.address, alias: a.alias, port: servicePort(a)}));
		a.resourceConfirmed = await asker.confirm({message: 'Is this Resource created (or an existing one checked) in the Admin Console?', flag: '--yes', default: false});
	}

	if (!a.twingateClient && asker.interactive && !a.simulated) {
		a.twingateClient = await asker.select<'use' | 'skip'>({
			message: ctx.platform === 'darwin' ? 'Also install and start the Twingate app on this Mac? (optional)' : 'Also use the Twingate client on this machine? (optional)',
			flag: '--twingate-client',
			choices: [
				{value: 'skip', name: 'No', description: 'Serving Ollama needs the Connector, not the client.'},
				{value: 'use', name: 'Yes', description: 'Only if this machine must itself reach Resources, e.g. to test through the tunnel.'},
			],
			default: 'skip',
		});
	}

	// The login happens in the client's own UI: offer to go on without waiting for it (with a way to skip).
	if (a.twingateClient === 'use' && a.twingateClientWait === undefined && asker.interactive && !a.simulated) {
		const seconds = (CLIENT_WAIT_TRIES * CLIENT_WAIT_MS) / 1000;
		a.twingateClientWait = await asker.confirm({
			message:
				ctx.platform === 'darwin'
					? `Wait for the Twingate app to connect after it starts (up to ${seconds} s while you log in there)? No: the wizard goes on and the check reports the app's state.`
					: `Wait for the Twingate client to connect after twingate start (up to ${seconds} s, until twingate status says online)? No: the wizard goes on and the check reports its state.`,
			flag: '--twingate-client-wait',
			default: true,
		});
	}
}

/** Step 2: probe for a Docker Connector here, then the method (with reasons) and the bind (with the warning). */
export async function interviewRemoteAccess(session: Session, asker: Asker): Promise<void> {
	const ctx = session.ctx;
	const a = serverAnswers(session.answers);
	if (!SERVER_PLATFORMS.has(ctx.platform)) return;
	if (a.method && (a.bind || a.method === 'app-setting') && !asker.interactive) return;
	let state: ServerState | null = null;
	let version: string | null = null;
	if (!a.simulated) {
		const port = servicePort(a);
		state = await showing(session, 'ollama-remote-access', 'ollama-here', 'Looking at how Ollama is installed and listens on this machine …', () => detectServer(ctx, port));
		if (state.listeners.ok && state.listeners.summary.state !== 'none') {
			version = await showing(session, 'ollama-remote-access', 'ollama-version', `Asking Ollama on this machine for its version (http://127.0.0.1:${port}/api/version) …`, () => localVersion(ctx, '127.0.0.1', port), (v) => (v ? `Ollama ${v} runs on this machine.` : 'Ollama on this machine did not report its version.'));
		}
	}
	const s = state?.listeners.ok ? state.listeners.summary : null;
	if (state && state.installs.length === 0) return; // the check says how to install Ollama
	if (s && (s.state === 'all' || s.state === 'specific') && !a.method && !a.bind) return; // already exposed

	// The Docker probe (does Docker Desktop reach a loopback-only Ollama?): --docker-probe yes|no, else asked on a terminal; without
	// one it is not run (the plan then says the non-loopback bind is chosen because of that). The result
	// goes into the answers, which the journal keeps with this step.
	const probeApplies = a.connector === 'docker-here' && dockerProbeApplies(ctx.platform, a.resourceAddress);
	if (probeApplies && s?.state === 'loopback' && !a.bind && a.dockerProbe === undefined && !ctx.dryRun) {
		const argv = dockerProbeArgv(ctx.platform, servicePort(a));
		let run = a.runDockerProbe;
		if (run === undefined && asker.interactive && !a.method) {
			await asker.note(
				'First, a probe',
				ctx.platform === 'darwin'
					? `A Docker Connector on this Mac may reach a loopback-only Ollama through dockerhost; reports conflict, so the wizard can test it:\n  $ ${argv.join(' ')}\n(a throwaway curl container). If it answers, Ollama can stay on loopback — the safest layout.`
					: `The Resource points at 127.0.0.1: the Docker Connector (--network=host) shares this machine's network, so the wizard checks that a container with the same setting reaches Ollama there:\n  $ ${argv.join(' ')}\n(a throwaway curl container). If it answers, Ollama can stay on loopback.`,
			);
			run = await asker.confirm({message: 'Run the probe now?', flag: '--docker-probe yes|no', default: true});
		}
		if (run) {
			const r = await showing(session, 'ollama-remote-access', 'docker-probe', `Running the probe container: ${argv.join(' ')} …`, () => probeFromDocker(ctx, servicePort(a)));
			a.dockerProbe = r.reachable ? 'reachable' : 'unreachable';
			await asker.note('Probe result', `${r.detail}. ${r.reachable ? `Ollama can stay on 127.0.0.1:${servicePort(a)}.` : 'Ollama must listen on a non-loopback address.'}`);
			if (r.reachable) return;
		} else {
			a.dockerProbe = 'not-run';
		}
	}

	if (!a.method) {
		const options = methodOptions(ctx.platform, state?.installs ?? [], version);
		const offered = a.simulated ? options : options.filter((o) => o.usable);
		if (offered.length === 0) return; // nothing fits: the check and plan explain why
		if (asker.interactive) await asker.note('Methods for this machine', options.map((o) => `${o.usable || a.simulated ? '•' : '✗'} ${o.label}: ${o.reason}`).join('\n'));
		a.method = await asker.select<Method>({
			message: 'How should Ollama get its new address?',
			flag: '--method',
			choices: offered.map((o) => ({value: o.method, name: `${o.label}${o.recommended ? ' (recommended)' : ''}`, description: o.reason})),
			default: offered.find((o) => o.recommended)?.method,
		});
	}

	if (!a.bind && a.method !== 'app-setting') {
		let lan: string | null = null;
		if (!a.simulated) {
			const r = await showing(session, 'ollama-remote-access', 'addresses', "Reading this machine's network addresses …", () => readAddresses(ctx));
			lan = r.ok ? firstLanAddress(r.addresses) : null;
		}
		if (asker.interactive) await asker.note('Before you choose: security', SECURITY_WARNING);
		const choice = await asker.select<string>({
			message: 'Where should Ollama listen? (host:port, never a scheme: http://0.0.0.0 would bind port 80)',
			flag: '--bind',
			choices: [
				{value: '0.0.0.0:11434', name: "0.0.0.0:11434 — every interface (as in Ollama's FAQ)", description: 'Reachable from every network this machine joins.'},
				...(lan ? [{value: `${lan}:11434`, name: `${lan}:11434 — this LAN address only (safer)`, description: 'The address must exist when Ollama starts; the local CLI then needs OLLAMA_HOST too.'}] : []),
				{value: 'other', name: 'Another address…'},
			],
			default: '0.0.0.0:11434',
		});
		a.bind =
			choice === 'other'
				? await asker.text({
						message: 'Bind address (HOST:PORT, e.g. 192.168.1.20:11434)',
						flag: '--bind',
						validate: (v) => {
							const r = validateBindValue(v);
							return r.ok ? null : r.problem;
						},
					})
				: choice;
	}

	if ((a.method === 'launchagent' || a.method === 'brew') && state?.appRunning && a.quitApp === undefined && asker.interactive) {
		a.quitApp = await asker.confirm({
			message: 'Ollama.app runs its own server. Quit it (and turn off its login item) so the LaunchAgent can serve? Without that the LaunchAgent is refused.',
			flag: '--yes',
			default: true,
		});
	}

	if (a.method === 'app-setting' && asker.interactive && !ctx.dryRun && !a.simulated && s?.state !== 'all') {
		await asker.note(
			'In Ollama.app',
			'Menu-bar icon → Settings… → turn on "Expose Ollama to the network". Restart the app if it asks. It then listens on 0.0.0.0:11434.',
		);
		await asker.confirm({message: 'Done? The wizard checks it next.', flag: '--yes', default: true});
	}
}

/** Step 3: the alias the card uses. */
export async function interviewClientAddress(session: Session, asker: Asker): Promise<void> {
	const a = serverAnswers(session.answers);
	if (!SERVER_PLATFORMS.has(session.ctx.platform)) return;
	if (!a.alias && (asker.interactive || !session.ctx.dryRun)) a.alias = await askAlias(asker);
}

/** After step 3: save the card in the journal and show it as one line. */
export async function afterClientAddress(session: Session, asker: Asker, outcome: StepOutcome): Promise<void> {
	const card = outcome.result.data?.card;
	if (typeof card !== 'string') return;
	if (session.journal && !session.ctx.dryRun && !session.ephemeral) {
		session.journal.card = card;
		await session.save();
	}
	await asker.note('Connection card for the AIlice side', `${card}\n${CARD_HINT}`);
}
