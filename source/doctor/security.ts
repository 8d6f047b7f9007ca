/**
 * Security checks on the AIlice side:
 * the service key file's mode and age, and a .env holding a secret that git would commit.
 * The key is read only to learn its expiry; it is registered as a secret before anything else.
 * Both files are read with the wizard's safe reader: a named pipe, a device such as /dev/zero or a
 * socket (or a link to one) is refused with a sentence before it is opened, so doctor never waits
 * or reads forever, and invalid UTF-8 is refused, never read as U+FFFD.
 */
import path from 'node:path';
import {parse as parseDotenv} from 'dotenv';
import type {Ctx} from '../core/context.js';
import {readTarget} from '../ailice/files.js';
import {MAX_KEY_BYTES} from '../deploy/service-key.js';
import type {CheckOutcome, DoctorCheck} from './types.js';

export const DEFAULT_KEY_FILE = '/etc/twingate/service_key.json';
const DAY = 24 * 3600 * 1000;

export function keyFilePath(ctx: Ctx, given?: string): string {
	return given || ctx.env.TWINGATE_SERVICE_KEY_FILE || DEFAULT_KEY_FILE;
}

export const keyFileCheck: DoctorCheck = {
	id: 'security.key-file',
	layer: 'security',
	title: 'Service key file is private (0600) and not expiring',
	roles: ['client'],
	required: false,
	async run(ctx, input): Promise<CheckOutcome> {
		const file = keyFilePath(ctx, input.serviceKeyFile);
		const st = await ctx.fs.stat(file);
		if (!st) return {status: 'skipped', detail: `no service key file at ${file}`};
		// A mounted key may be a link; a pipe the shell opened for this process (<(cat key.json)) is read once.
		const t = await readTarget(ctx, file, 'The service key file', {input: true, openPipe: true, maxBytes: MAX_KEY_BYTES});
		// A key file doctor may not read (root's, in /etc) is not checked; anything else refused is a finding.
		if (!t.ok) return {status: st.isFile && /permission denied/.test(t.problem) ? 'skipped' : 'warn', detail: t.problem};
		if (!t.exists) return {status: 'skipped', detail: `no service key file at ${file}`};
		const text = t.text;
		ctx.secrets.add(text);
		if ((st.mode & 0o077) !== 0) {
			return {
				status: 'warn',
				detail: `${file} has mode ${st.mode.toString(8)}: other users can read the service key`,
				finding: {severity: 'high', fix: `chmod 600 ${file}`, commands: [['chmod', '600', file]]},
			};
		}
		let expires: string | undefined;
		try {
			const parsed = JSON.parse(text ?? '') as {expires_at?: unknown};
			if (typeof parsed.expires_at === 'string') expires = parsed.expires_at;
		} catch {
			return {status: 'warn', detail: `${file} is not valid JSON; Twingate service keys are JSON documents`, finding: {severity: 'medium', fix: 'Generate a new key in the Admin Console (Team → Services → the service account → Generate Key).'}};
		}
		if (!expires || Number.isNaN(Date.parse(expires))) return {status: 'ok', detail: `${file} is 0600 (expiry not recorded in the key; keys expire 365 days after creation by default)`};
		const left = Date.parse(expires) - ctx.clock.now();
		const when = new Date(Date.parse(expires)).toISOString().slice(0, 10);
		if (left <= 0) return {status: 'fail', detail: `the service key expired on ${when}`, cause: 'tunnel-down', finding: {severity: 'high', fix: 'Generate a new key in the Admin Console (Team → Services → Generate Key) and replace the file.'}};
		if (left < 30 * DAY) return {status: 'warn', detail: `the service key expires on ${when} (in ${Math.ceil(left / DAY)} days)`, finding: {severity: 'medium', fix: 'Rotate it now: generate a new key in the Admin Console and replace the file.'}};
		return {status: 'ok', detail: `${file} is 0600; the key expires on ${when}`};
	},
};

export const envFileCheck: DoctorCheck = {
	id: 'security.env',
	layer: 'security',
	title: '.env with a secret is private and ignored by git',
	roles: ['client'],
	required: false,
	async run(ctx): Promise<CheckOutcome> {
		const file = path.join(ctx.cwd, '.env');
		const t = await readTarget(ctx, file, 'The .env file', {input: true});
		if (!t.ok) return {status: 'warn', detail: t.problem};
		if (!t.exists) return {status: 'skipped', detail: 'no .env in this folder'};
		const text = t.text;
		const values = parseDotenv(text);
		const secretNames = Object.keys(values).filter((k) => /KEY|TOKEN|SECRET|PASSWORD/i.test(k) && !/_FILE$/.test(k) && values[k]);
		for (const k of secretNames) ctx.secrets.add(values[k]);
		if (secretNames.length === 0) return {status: 'ok', detail: '.env holds no secret values'};
		const problems: string[] = [];
		const st = await ctx.fs.stat(file);
		if (st && (st.mode & 0o077) !== 0) problems.push(`mode ${st.mode.toString(8)} (should be 600)`);
		const git = await ctx.run('git', ['-C', ctx.cwd, 'check-ignore', '-q', '.env']);
		if (git.exitCode === 1) problems.push('inside a git work tree and not ignored');
		if (problems.length === 0) return {status: 'ok', detail: `.env holds ${secretNames.join(', ')}; it is 0600 and not tracked`};
		return {
			status: 'warn',
			detail: `.env holds ${secretNames.join(', ')}: ${problems.join('; ')}`,
			finding: {
				severity: 'high',
				fix: 'Keep the key in a 0600 file outside the repository and reference it with TWINGATE_SERVICE_KEY_FILE; otherwise chmod 600 .env and add .env to .gitignore.',
				commands: [['chmod', '600', file]],
			},
		};
	},
};
