/** --help text, generated from the flag table so it can never disagree with the parser. */
import {COMMANDS, COMMAND_FLAGS, FLAGS, type Command} from './flags.js';

const ABOUT: Record<Command, {usage: string; what: string}> = {
	setup: {
		usage: 'ollama-tunnel-wizard [setup] [flags]',
		what: 'Guided setup of the six steps for this machine’s role. Each step checks first, shows what it would change, applies after you confirm (or --yes), then checks again.',
	},
	test: {
		usage: 'ollama-tunnel-wizard test --url http://HOST:11434 [--model NAME] [--samples N] [--timeout-ms MS] [--json]',
		what: 'Step 6 alone: test the connection from this machine to Ollama the way AIlice uses it (DNS, TCP, /, /api/version, /api/tags, /v1/models, a streamed chat, latency). Changes nothing.',
	},
	doctor: {
		usage: 'ollama-tunnel-wizard doctor [--role server|client] [--url URL] [--json]',
		what: 'Checks every layer that applies to this machine, live and read-only, and gives one diagnosis sentence; changes nothing unless you ask for the fix (--fix, or f in the UI).',
	},
	undo: {
		usage: 'ollama-tunnel-wizard undo [--yes] [--dry-run] [--json]',
		what: 'Reverts the last run’s file changes from the journal’s backups (showing the diff first) and runs the commands that reverse its system changes, after confirmation.',
	},
	repair: {
		usage: 'ollama-tunnel-wizard repair [--yes] [--dry-run] [--json]',
		what: 'Reads the journal, re-checks every step, and reruns only the steps that failed or whose inputs changed.',
	},
	'configure-ailice': {
		usage:
			'ollama-tunnel-wizard configure-ailice --url URL --model NAME [--model NAME…] [--ailice-config PATH] [--provider NAME] [--set-default] [--context-window N] [--dotenv PATH] [--service-key-file PATH] [--yes] [--dry-run] [--json]\n       ollama-tunnel-wizard configure-ailice --card otw1:… [--set-default] --yes',
		what: "Step 4 alone, for scripts and containers: point AIlice's config.json at Ollama. It writes the Ollama provider where AIlice reads the file (models from the server's /api/tags, contextWindow from /api/show), keeps every other key, backs up the old file and writes atomically; it also updates the web app's user_config.json overlay and, with --dotenv, a .env for the step-5 container. --dry-run prints the diff.",
	},
	'service-account': {
		usage: 'ollama-tunnel-wizard service-account [--out DIR] [--service-key-file PATH] [--url URL] [--model NAME…] [--yes] [--dry-run] [--json]',
		what: 'Step 5 alone: generate the container that runs AIlice next to the headless Twingate Client. The folder (default ./ailice-twingate) holds a Dockerfile, entrypoint.sh, .env.example and README.md, plus the docker run line (--cap-add NET_ADMIN --device /dev/net/tun).',
	},
};

const STEPS_TEXT = `Steps (in order; Twingate's path is Client → Connector → Resource):
  1 Twingate on the Ollama host's network (Connector + Resource)   available
  2 Ollama accepts remote connections                               available
  3 The address clients use (Resource alias, connection card)       available
  4 AIlice's config.json                                            available
  5 Production access with a Twingate service account              available
  6 Test the connection                                             available`;

const EXIT_TEXT = `Exit codes:
  0    all good
  1    a step or check failed
  2    bad usage, or an answer is needed and there is no terminal to ask (the message names the flag)
  130  cancelled by the user`;

function flagLines(command: Command): string {
	return COMMAND_FLAGS[command]
		.map((name) => {
			const spec = FLAGS[name];
			if (!spec) return '';
			const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
			return `  ${left.padEnd(30)} ${spec.help}`;
		})
		.filter(Boolean)
		.join('\n');
}

export function helpText(command?: Command): string {
	if (command && command !== 'setup') {
		const a = ABOUT[command];
		return `Usage: ${a.usage}\n\n${a.what}\n\nFlags:\n${flagLines(command)}\n\n${EXIT_TEXT}\n`;
	}
	const commands = (Object.keys(ABOUT) as Command[])
		.map((c) => `  ${c.padEnd(16)} ${ABOUT[c].what.split('. ')[0]?.replace(/\.$/, '')}.`)
		.join('\n');
	return `ollama-tunnel-wizard — connect the AIlice agent to Ollama through a Twingate tunnel, step by step, with proof.

Usage: ${ABOUT.setup.usage}
       ollama-tunnel-wizard <command> [flags]

Commands:
${commands}

Flags of the guided setup:
${flagLines('setup')}
  -v, --version                  Print the version.

${STEPS_TEXT}

${EXIT_TEXT}

Run \`ollama-tunnel-wizard <command> --help\` for a command's flags.
`;
}

/** Help for an argument list containing --help: the command's own help when one is named. */
export function helpFor(argv: string[]): string {
	const first = argv[0];
	const command = first && (COMMANDS as readonly string[]).includes(first) ? (first as Command) : undefined;
	return helpText(command);
}
