/**
 * Command-line parsing: node:util parseArgs for the syntax, zod for the values. Every bad value is a
 * UsageError naming the flag, the value and the rule (exit 2, no stack trace).
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import * as z from 'zod';
import {UsageError} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import {validateModelName} from '../core/ollama-api.js';

import {decodeCard} from '../core/card.js';
import {isCgnat, isIp} from '../core/ip.js';
import {validateBindValue} from '../parsers/ollama-host.js';
import {isValidAlias} from '../parsers/twingate.js';
import {validateProviderName} from '../ailice/schema.js';
import {COMMANDS, COMMAND_FLAGS, FLAGS, REPEATED_FLAGS, type Command} from './flags.js';

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

/** A file or folder path: non-empty, no control characters (checked against the disk later). */
const pathValue = (flag: string) =>
	z.string().superRefine((v, c) => {
		if (v.trim() === '') c.addIssue({code: 'custom', message: `--${flag} needs a path, but got an empty value.`});
		else if ([...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) c.addIssue({code: 'custom', message: `--${flag} ${show(v)} contains control characters; give a plain path.`});
		else if (v.length > 4096) c.addIssue({code: 'custom', message: `--${flag} is ${v.length} characters long; a path is at most 4096.`});
	});

const cardValue = z.string().transform((v, c) => {
	const r = decodeCard(v);
	if (!r.ok) {
		c.addIssue({code: 'custom', message: `--card: ${r.problem}`});
		return z.NEVER;
	}
	return r.card;
});

const providerValue = z.string().superRefine((v, c) => {
	const r = validateProviderName(v);
	if (!r.ok) c.addIssue({code: 'custom', message: `--provider: ${r.problem}`});
});

// Server side, steps 1–3: bind values never carry a scheme (validateBindValue), aliases follow
// Twingate's rules (isValidAlias), a Resource address is never a 100.64.0.0/10 tunnel handle.
const bindValue = z.string().superRefine((v, c) => {
	const r = validateBindValue(v);
	if (!r.ok) c.addIssue({code: 'custom', message: `--bind: ${r.problem}`});
});

const aliasValue = z.string().transform((v, c) => {
	const r = isValidAlias(v);
	if (!r.ok) {
		c.addIssue({code: 'custom', message: `--alias: ${r.problem}`});
		return z.NEVER;
	}
	return r.alias;
});

const resourceAddressValue = z.string().superRefine((v, c) => {
	if (isCgnat(v)) c.addIssue({code: 'custom', message: `--resource-address ${show(v)} is in 100.64.0.0/10: a tunnel handle other machines cannot use. Give the LAN address the Connector reaches.`});
	else if (!isIp(v) && !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(v)) {
		c.addIssue({code: 'custom', message: `--resource-address ${show(v)} is neither an IP address nor a host name.`});
	}
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
	// Client side, steps 4 and 5. `models` is the repeated --model of configure-ailice.
	models: z.array(modelValue).min(1).optional(),
	card: cardValue.optional(),
	'ailice-config': pathValue('ailice-config').optional(),
	provider: providerValue.optional(),
	'set-default': z.boolean().optional(),
	'context-window': intIn('context-window', 512, 1_048_576).optional(),
	dotenv: pathValue('dotenv').optional(),
	'service-key-file': pathValue('service-key-file').optional(),
	out: pathValue('out').optional(),
	'ollama-here': z.boolean().optional(),
	connector: z.enum(['docker-here', 'systemd-here', 'lan-machine', 'linux-vm', 'existing', 'skip'], {message: '--connector must be docker-here, systemd-here (Linux), lan-machine, linux-vm, existing or skip'}).optional(),
	'twingate-network': z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, {message: '--twingate-network is the network name only, e.g. acme for acme.twingate.com'}).optional(),
	'twingate-client': z.enum(['use', 'skip'], {message: '--twingate-client must be "use" or "skip"'}).optional(),
	'resource-address': resourceAddressValue.optional(),
	method: z.enum(['app-setting', 'setenv', 'launchagent', 'brew', 'systemd'], {message: '--method must be app-setting, setenv, launchagent, brew (macOS) or systemd (Linux)'}).optional(),
	bind: bindValue.optional(),
	alias: aliasValue.optional(),
	'resource-ready': z.boolean().optional(),
	'twingate-client-wait': z.enum(['yes', 'no'], {message: '--twingate-client-wait must be "yes" or "no"'}).optional(),
	'docker-probe': z.enum(['yes', 'no'], {message: '--docker-probe must be "yes" or "no"'}).optional(),
	platform: z.enum(['darwin', 'linux'], {message: '--platform must be darwin or linux'}).optional(),
	list: z.boolean().optional(),
	run: z.string().regex(/^[a-z0-9]{1,20}$/, {message: '--run takes a run id as `undo --list` shows it (letters and digits)'}).optional(),
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
		const repeated = Boolean(REPEATED_FLAGS[command]?.[name]);
		options[name] = {type: spec.type, ...(spec.short ? {short: spec.short} : {}), ...(spec.multiple || repeated ? {multiple: true} : {})};
	}
	let values: Record<string, unknown>;
	try {
		const parsed = parseArgs({args: rest, options, strict: true, allowPositionals: false});
		values = parsed.values as Record<string, unknown>;
	} catch (error) {
		throw new UsageError(describeParseError(error as Error & {code?: string}, command), `See ollama-tunnel-wizard ${command === 'setup' ? '' : `${command} `}--help.`);
	}
	for (const [flag, key] of Object.entries(REPEATED_FLAGS[command] ?? {})) {
		const list = values[flag];
		if (!Array.isArray(list)) continue;
		const flagLike = list.find((x) => typeof x === 'string' && x.startsWith('--'));
		if (typeof flagLike === 'string') throw new UsageError(`--${flag} needs a value, but got the flag ${show(flagLike)}.`);
		delete values[flag];
		values[key] = list;
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
