/**
 * Command-line parsing: node:util parseArgs for the syntax, zod for the values. Every bad value is a
 * UsageError naming the flag, the value and the rule (exit 2, no stack trace).
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {z} from 'zod';
import {UsageError} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import {validateModelName} from '../core/ollama-api.js';

import {COMMANDS, COMMAND_FLAGS, FLAGS, type Command} from './flags.js';

export {COMMANDS, type Command};

const intIn = (flag: string, min: number, max: number) =>
	z
		.string()
		.refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, {
			message: `--${flag} must be a whole number from ${min} to ${max}`,
		})
		.transform(Number);

const urlValue = z.string().superRefine((v, c) => {
	const r = parseOllamaUrl(v);
	if (!r.ok) c.addIssue({code: 'custom', message: `--url: ${r.problem}`});
});

const modelValue = z.string().superRefine((v, c) => {
	const r = validateModelName(v);
	if (!r.ok) c.addIssue({code: 'custom', message: `--model: ${r.problem}`});
});

export const optionsSchema = z.object({
	help: z.boolean().optional(),
	json: z.boolean().optional(),
	plain: z.boolean().optional(),
	yes: z.boolean().optional(),
	'dry-run': z.boolean().optional(),
	perf: z.boolean().optional(),
	fix: z.boolean().optional(),
	role: z.enum(['server', 'client'], {message: '--role must be "server" (the Ollama host) or "client" (the AIlice side)'}).optional(),
	url: urlValue.optional(),
	model: modelValue.optional(),
	samples: intIn('samples', 1, 100).optional(),
	'timeout-ms': intIn('timeout-ms', 100, 600_000).optional(),
	'chat-timeout-ms': intIn('chat-timeout-ms', 1000, 1_800_000).optional(),
});

export type Options = z.infer<typeof optionsSchema>;

export interface ParsedArgs {
	command: Command;
	options: Options;
}

function show(value: string): string {
	return value.length > 40 ? `${JSON.stringify(value.slice(0, 37))}…` : JSON.stringify(value);
}

export function parseCommandLine(argv: string[]): ParsedArgs {
	let command: Command = 'setup';
	let rest = argv;
	const first = argv[0];
	if (first !== undefined && !first.startsWith('-')) {
		if (!(COMMANDS as readonly string[]).includes(first)) {
			throw new UsageError(`Unknown command ${show(first)}.`, `Commands: ${COMMANDS.join(', ')}. See ollama-tunnel-wizard --help.`);
		}
		command = first as Command;
		rest = argv.slice(1);
	}
	const allowed = COMMAND_FLAGS[command];
	const options: NonNullable<ParseArgsConfig['options']> = {};
	for (const name of allowed) {
		const spec = FLAGS[name];
		if (!spec) continue;
		options[name] = {type: spec.type, ...(spec.short ? {short: spec.short} : {}), ...(spec.multiple ? {multiple: true} : {})};
	}
	let values: Record<string, unknown>;
	try {
		const parsed = parseArgs({args: rest, options, strict: true, allowPositionals: false});
		values = parsed.values as Record<string, unknown>;
	} catch (error) {
		throw new UsageError(describeParseError(error as Error & {code?: string}, command), `See ollama-tunnel-wizard ${command === 'setup' ? '' : `${command} `}--help.`);
	}
	for (const [k, v] of Object.entries(values)) {
		if (typeof v === 'string' && FLAGS[k]?.type === 'string' && v.startsWith('--')) {
			throw new UsageError(`--${k} needs a value, but got the flag ${show(v)}.`);
		}
	}
	const result = optionsSchema.safeParse(values);
	if (!result.success) {
		const issue = result.error.issues[0];
		throw new UsageError(issue?.message ?? 'Invalid arguments.');
	}
	return {command, options: result.data};
}

function describeParseError(error: Error & {code?: string}, command: Command): string {
	const msg = error.message;
	const unknown = /Unknown option '([^']+)'/.exec(msg);
	if (unknown?.[1]) {
		const flag = unknown[1];
		const known = FLAGS[flag.replace(/^-+/, '')];
		if (known) return `The flag ${flag} does not apply to the ${command} command.`;
		return `Unknown flag ${show(flag)}.`;
	}
	const flag = /Option '(?:-\w, )?(--[\w-]+)/.exec(msg)?.[1];
	if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
		if (/does not take an argument/.test(msg)) return `${flag} is a switch and takes no value.`;
		return `${flag} needs a value.`;
	}
	if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
		const pos = /'([^']*)'/.exec(msg)?.[1] ?? '';
		return `Unexpected argument ${show(pos)}.`;
	}
	return msg.split('\n')[0] ?? 'Invalid arguments.';
}
