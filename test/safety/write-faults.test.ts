/**
 * "A write either lands whole or not at all", proven by causing the faults: a real small tmpfs that
 * fills up, a read-only mount, a read-only file. The original must stay byte for byte, no temp file
 * may remain, and the run ends with one sentence naming the file and the reason (exit 1).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {WriteError, writeFileSafely} from '../../source/core/files.js';
import {realClock} from '../../source/core/real-context.js';
import {runCli} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

/** Mounts a tmpfs of `kb` KiB; null (with the reason) when this machine cannot mount. */
function mountTmpfs(kb: number, extra = ''): {dir: string; unmount: () => void} | {skip: string} {
	const dir = tempDir('otw-tmpfs-');
	const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k${extra ? `,${extra}` : ''}`, 'tmpfs', dir], {encoding: 'utf8'});
	if (r.status !== 0) return {skip: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || 'not root').trim()})`};
	return {dir, unmount: () => spawnSync('umount', ['-l', dir])};
}

const probe = mountTmpfs(16);
const canMount = !('skip' in probe);
if ('unmount' in probe) probe.unmount();
// Mounting needs root (or CAP_SYS_ADMIN); where it is impossible the tests are skipped with the reason in their title.
if (!canMount) console.warn(`write-faults: the full-disk and read-only mount tests are skipped: ${'skip' in probe ? probe.skip : ''}`);
const title = (t: string) => (canMount ? t : `${t} (skipped: ${'skip' in probe ? probe.skip : ''})`);

/** Fills the file system at `dir` until only about `leaveKb` KiB are free. */
function fillUntil(dir: string, leaveKb: number): void {
	const stat = () => Number(execFileSync('df', ['--output=avail', '-k', dir], {encoding: 'utf8'}).trim().split('\n').pop());
	const avail = stat();
	if (avail > leaveKb) writeFileSync(path.join(dir, 'filler'), Buffer.alloc((avail - leaveKb) * 1024, 1));
}

/** A 28 KB .env: many variables, one of them a key of the user. */
function bigEnv(): string {
	const lines = ['# my settings', 'OPENAI_API_KEY=sk-user-own-key'];
	for (let i = 0; lines.join('\n').length < 28_000; i++) lines.push(`SETTING_${i}=${'x'.repeat(60)}`);
	return `${lines.join('\n')}\n`;
}

/** A 25 KB config.json with many providers. */
function bigConfig(): string {
	const models: Record<string, unknown> = {};
	for (let i = 0; JSON.stringify(models).length < 25_000; i++) models[`provider${i}`] = {modelWrapper: 'AModelChatGPT', apikey: 'k', baseURL: `https://p${i}.example/v1`, modelList: {}};
	return `${JSON.stringify({modelID: '', models}, null, 2)}\n`;
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe.skipIf(!canMount)(title('a full disk (a real small tmpfs)'), () => {
	let fake: FakeOllama;
	const mounts: (() => void)[] = [];
	beforeAll(async () => {
		fake = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}]});
	});
	afterAll(async () => {
		await fake.close();
		for (const u of mounts) u();
	});

	function fullDisk(kb: number): string {
		const m = mountTmpfs(kb);
		if ('skip' in m) throw new Error(m.skip);
		mounts.push(m.unmount);
		return m.dir;
	}

	it('configure-ailice --dotenv on a full disk: the .env stays byte for byte, exit 1, one sentence naming the file', async () => {
		const dir = fullDisk(96);
		const env = path.join(dir, '.env');
		const old = bigEnv();
		writeFileSync(env, old, {mode: 0o600});
		// Room for the backup (28 KB) but not for the new file as well.
		fillUntil(dir, 40);
		const home = tempDir('otw-home-');
		const r = await runCli(['configure-ailice', '--url', fake.url, '--model', 'llama3.2', '--dotenv', env, '--yes'], {home});
		expect(r.code).toBe(1);
		expect(readFileSync(env, 'utf8')).toBe(old);
		expect(leftovers(dir)).toEqual([]);
		expect(r.stdout + r.stderr).toContain(`${env} was not written because the disk is full`);
		expect(r.stdout + r.stderr).not.toMatch(/\n\s+at |This is a bug|Done\./);
		expect(r.stdout + r.stderr).not.toContain('sk-user-own-key');
	});

	it('a 25 KB config.json on a full disk stays valid and whole', async () => {
		const dir = fullDisk(96);
		const home = tempDir('otw-home-');
		const file = path.join(dir, 'config.json');
		const old = bigConfig();
		writeFileSync(file, old);
		fillUntil(dir, 36);
		const r = await runCli(['configure-ailice', '--ailice-config', file, '--url', fake.url, '--model', 'llama3.2', '--yes', '--json'], {home});
		expect(r.code).toBe(1);
		expect(readFileSync(file, 'utf8')).toBe(old);
		expect(leftovers(dir)).toEqual([]);
		const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {status?: string};
		expect(summary.status).toBe('fail');
		expect(r.stdout).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (was not written|was not changed: its backup could not be written) because the disk is full`));
	});

	it('no room even for the backup: nothing changes and the sentence says the backup could not be written', async () => {
		const dir = fullDisk(64);
		const file = path.join(dir, 'config.json');
		const old = bigConfig();
		writeFileSync(file, old);
		fillUntil(dir, 4);
		await expect(writeFileSafely(file, `${old} `, {clock: realClock})).rejects.toThrow(`${file} was not changed: its backup could not be written because the disk is full.`);
		expect(readFileSync(file, 'utf8')).toBe(old);
		expect(readdirSync(dir).sort()).toEqual(['config.json', 'filler']);
	});

	it('the writer loops until every byte is written and checks the size (a file that just fits)', async () => {
		const dir = fullDisk(256);
		const file = path.join(dir, 'big.json');
		fillUntil(dir, 200);
		const data = Buffer.alloc(150 * 1024, 0x61);
		await writeFileSafely(file, data, {clock: realClock});
		expect(statSync(file).size).toBe(data.length);
		expect(leftovers(dir)).toEqual([]);
	});

	it('a .env holding a secret is still backed up, mode 0600, next to it', async () => {
		const dir = tempDir('otw-secret-backup-');
		const env = path.join(dir, '.env');
		writeFileSync(env, 'TWINGATE_SERVICE_KEY={"private_key":"x"}\n', {mode: 0o644});
		const {backupPath} = await writeFileSafely(env, 'TWINGATE_SERVICE_KEY={"private_key":"y"}\n', {clock: realClock});
		expect(backupPath).not.toBeNull();
		expect(path.dirname(backupPath ?? '')).toBe(dir);
		expect(readFileSync(backupPath ?? '', 'utf8')).toContain('"x"');
		expect(statSync(backupPath ?? '').mode & 0o777).toBe(0o600);
	});
});

describe.skipIf(!canMount)(title('a read-only file system'), () => {
	it('refuses with a sentence and leaves the file as it was', async () => {
		const m = mountTmpfs(64);
		if ('skip' in m) throw new Error(m.skip);
		try {
			const file = path.join(m.dir, 'config.json');
			writeFileSync(file, '{}\n');
			execFileSync('mount', ['-o', 'remount,ro', m.dir]);
			const error = await writeFileSafely(file, '{"a":1}\n', {clock: realClock}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(WriteError);
			expect((error as WriteError).message).toBe(`${file} was not written because the file system is read-only; fix that and run the wizard again (the previous file, if any, is unchanged).`);
			expect(readFileSync(file, 'utf8')).toBe('{}\n');
		} finally {
			m.unmount();
		}
	});
});

describe('a read-only file', () => {
	it('a 0444 config.json is refused with a sentence through the CLI, never replaced', async () => {
		const fake = await startFakeOllama({models: [{name: 'llama3.2:latest', contextLength: 8192}]});
		try {
			const home = tempDir('otw-home-');
			const file = path.join(home, 'ro', 'config.json');
			mkdirSync(path.dirname(file));
			writeFileSync(file, '{\n  "models": {}\n}\n');
			chmodSync(file, 0o444);
			const r = await runCli(['configure-ailice', '--ailice-config', file, '--url', fake.url, '--model', 'llama3.2', '--yes'], {home});
			expect(r.code).toBe(1);
			expect(r.stdout + r.stderr).toContain(`${file} was not changed: it is read-only`);
			expect(readFileSync(file, 'utf8')).toBe('{\n  "models": {}\n}\n');
			expect(statSync(file).mode & 0o777).toBe(0o444);
			expect(readdirSync(path.dirname(file))).toEqual(['config.json']);
		} finally {
			await fake.close();
		}
	});

	it('owner and mode are kept when a file is replaced, and root leaves a user’s file (and its backup) owned by that user', async () => {
		const dir = tempDir('otw-owner-');
		const file = path.join(dir, 'config.json');
		writeFileSync(file, '{}\n', {mode: 0o640});
		chmodSync(file, 0o640);
		const root = process.getuid?.() === 0;
		if (root) execFileSync('chown', ['65534:65534', file]);
		const {backupPath} = await writeFileSafely(file, '{"a":1}\n', {clock: realClock});
		const st = statSync(file);
		expect(st.mode & 0o777).toBe(0o640);
		if (root) {
			expect([st.uid, st.gid]).toEqual([65534, 65534]);
			const b = statSync(backupPath ?? '');
			expect([b.uid, b.gid]).toEqual([65534, 65534]);
			// A new file in that user's folder is theirs too.
			execFileSync('chown', ['65534:65534', dir]);
			await writeFileSafely(path.join(dir, 'new.json'), '{}\n', {clock: realClock});
			expect(statSync(path.join(dir, 'new.json')).uid).toBe(65534);
		}
	});

	it('identical content is never rewritten (no backup, same inode)', async () => {
		const dir = tempDir('otw-same-');
		const file = path.join(dir, 'a.json');
		writeFileSync(file, '{}\n');
		const ino = statSync(file).ino;
		const out = await writeFileSafely(file, '{}\n', {clock: realClock});
		expect(out.backupPath).toBeNull();
		expect(statSync(file).ino).toBe(ino);
		expect(readdirSync(dir)).toEqual(['a.json']);
	});

	it('keeps the newest 5 backups per file', async () => {
		const dir = tempDir('otw-prune-');
		const file = path.join(dir, 'a.json');
		writeFileSync(file, '0');
		let t = Date.parse('2026-01-01T00:00:00Z');
		const clock = {...realClock, now: () => (t += 1000)};
		for (let i = 1; i <= 8; i++) await writeFileSafely(file, String(i), {clock});
		const backups = readdirSync(dir).filter((f) => f.includes('.bak-'));
		expect(backups).toHaveLength(5);
		expect(backups.map((b) => readFileSync(path.join(dir, b), 'utf8')).sort()).toEqual(['3', '4', '5', '6', '7']);
	});
});
