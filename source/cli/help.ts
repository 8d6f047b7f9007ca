/**
 * --help text, generated from the flag table so it can never disagree with the parser. Every line fits
 * 100 columns, and a command's help names only the flags that command accepts.
 */
import {COMMANDS, COMMAND_FLAGS, FLAGS, type Command} from './flags.js';

/** The widest line --help prints. */
export const HELP_WIDTH = 100;

const ABOUT: Record<Command, {usage: string[]; summary: string; what: string}> = {
	setup: {
		usage: ['ollama-tunnel-wizard [setup] [flags]'],
		summary: 'Guided setup of the six steps for this machine’s role.',
		what: 'Guided setup of the six steps for this machine’s role. Each step checks first, shows what it would change, applies after you confirm (or --yes), then checks again.',
	},
	test: {
		usage: ['ollama-tunnel-wizard test --url http://HOST:11434 [--model NAME] [--samples N] [--timeout-ms MS] [--json]'],
		summary: 'Step 6 alone: test the connection from this machine to Ollama the way AIlice uses it.',
		what: 'Step 6 alone: test the connection from this machine to Ollama the way AIlice uses it (DNS, TCP, /, /api/version, /api/tags, /v1/models, a streamed chat, latency). Changes nothing.',
	},
	doctor: {
		usage: ['ollama-tunnel-wizard doctor [--role server|client] [--url URL] [--json]'],
		summary: 'Check every layer that applies to this machine and give one diagnosis; changes nothing.',
		what: 'Checks every layer that applies to this machine, live and read-only, and gives one diagnosis sentence; changes nothing unless you ask for the fix (--fix, or f in the UI).',
	},
	undo: {
		usage: ['ollama-tunnel-wizard undo [--yes] [--dry-run] [--json]'],
		summary: 'Revert the last run’s changes (files from their backups, system changes by command).',
		what: 'Reverts the last run’s file changes from the journal’s backups (showing the diff first) and runs the commands that reverse its system changes, after confirmation.',
	},
	repair: {
		usage: ['ollama-tunnel-wizard repair [--yes] [--dry-run] [--json]'],
		summary: 'Re-check every step and rerun only the ones that failed or whose inputs changed.',
		what: 'Reads the journal, re-checks every step, and reruns only the steps that failed or whose inputs changed.',
	},
	'configure-ailice': {
		usage: [
			'ollama-tunnel-wizard configure-ailice --url URL --model NAME [--model NAME…] [--ailice-config PATH] [--provider NAME] [--set-default] [--context-window N] [--dotenv PATH] [--service-key-file PATH] [--yes] [--dry-run] [--json]',
			'ollama-tunnel-wizard configure-ailice --card otw1:… [--set-default] --yes',
		],
		summary: 'Step 4 alone, for scripts and containers: point AIlice’s config.json at Ollama.',
		what: "Step 4 alone, for scripts and containers: point AIlice's config.json at Ollama. It writes the Ollama provider where AIlice reads the file (models from the server's /api/tags, contextWindow from /api/show), keeps every other key, backs up the old file and writes atomically; it also updates the web app's user_config.json overlay and, with --dotenv, a .env for the step-5 container. --dry-run prints the diff.",
	},
	'service-account': {
		usage: ['ollama-tunnel-wizard service-account [--out DIR] [--service-key-file PATH] [--url URL] [--model NAME…] [--yes] [--dry-run] [--json]'],
		summary: 'Step 5 alone: generate the container that runs AIlice next to the headless Twingate Client.',
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

const EXIT_TEXT = [
	'Exit codes:',
	...[
		['0', 'all good'],
		['1', 'a step or check failed'],
		['2', 'bad usage, or an answer is needed and there is no terminal to ask (the message names the flag)'],
		['130', 'cancelled by the user'],
	].map(([code, what]) => wrap(what ?? '', `  ${(code ?? '').padEnd(5)}`)),
].join('\n');

/**
 * Fills words into lines of at most `width` columns: the first line starts with `first`, the others
 * are indented to its width (or `rest`). A bracketed group ("[--model NAME…]") is never split; a word
 * longer than a line keeps its own line.
 */
export function wrap(text: string, first = '', rest = ' '.repeat(first.length), width = HELP_WIDTH): string {
	const words = text.match(/\[[^\]]*\]|\S+/g) ?? [];
	const lines: string[] = [];
	let line = first;
	let empty = true;
	for (const word of words) {
		if (!empty && line.length + 1 + word.length > width) {
			lines.push(line);
			line = rest + word;
		} else line += (empty ? '' : ' ') + word;
		empty = false;
	}
	lines.push(line);
	return lines.map((l) => l.trimEnd()).join('\n');
}

/** The flag's help for this command (a command may have its own wording). */
function flagHelp(name: string, command: Command): string {
	const spec = FLAGS[name];
	return spec?.helpIn?.[command] ?? spec?.help ?? '';
}

const LEFT = 30;

function flagLine(left: string, help: string): string {
	// A longer flag (--twingate-client-wait yes|no) starts its help one space after it; the help's
	// other lines are indented like every flag's.
	return wrap(help, `  ${left.padEnd(LEFT)} `, ' '.repeat(LEFT + 3));
}

function flagLines(command: Command): string {
	return COMMAND_FLAGS[command]
		.map((name) => {
			const spec = FLAGS[name];
			if (!spec) return '';
			return flagLine(`${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`, flagHelp(name, command));
		})
		.filter(Boolean)
		.join('\n');
}

function usageLines(command: Command): string {
	return ABOUT[command].usage.map((u, i) => wrap(u, i === 0 ? 'Usage: ' : '       ', '         ')).join('\n');
}

/** Help for one command: its usage, what it does, its own flags and the exit codes. */
function commandHelp(command: Command): string {
	const a = ABOUT[command];
	const steps = command === 'setup' ? `\n\n${STEPS_TEXT}` : '';
	return `${usageLines(command)}\n\n${wrap(a.what)}\n\nFlags:\n${flagLines(command)}${steps}\n\n${EXIT_TEXT}\n`;
}

/** `ollama-tunnel-wizard --help` (no command): the commands, the guided setup's flags, --version. */
function overview(): string {
	const commands = (Object.keys(ABOUT) as Command[]).map((c) => wrap(ABOUT[c].summary, `  ${c.padEnd(16)} `)).join('\n');
	return `${wrap('ollama-tunnel-wizard — connect the AIlice agent to Ollama through a Twingate tunnel, step by step, with proof.')}

Usage: ${ABOUT.setup.usage[0]}
       ollama-tunnel-wizard <command> [flags]
       ollama-tunnel-wizard --version

Commands:
${commands}

Flags of the guided setup:
${flagLines('setup')}
${flagLine('-v, --version', 'Print the version (alone, without a command).')}

${STEPS_TEXT}

${EXIT_TEXT}

Run \`ollama-tunnel-wizard <command> --help\` for a command's flags.
`;
}

/**
 * The help of a command; for setup (the default command) the overview, which lists the commands
 * too. `ollama-tunnel-wizard setup --help` (named) gets setup's own help: see helpFor.
 */
export function helpText(command?: Command): string {
	return command && command !== 'setup' ? commandHelp(command) : overview();
}

/** Help for an argument list containing --help: the command's own help when one is named. */
export function helpFor(argv: string[]): string {
	const first = argv[0];
	const command = first && (COMMANDS as readonly string[]).includes(first) ? (first as Command) : undefined;
	return command ? commandHelp(command) : overview();
}
