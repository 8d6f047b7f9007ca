/**
 * SIGKILL at random points while step 4 writes AIlice's config, many times: the file is always the old
 * or the new complete file, never torn; when it is the new one, the backup of the old one exists.
 */
import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, watch, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI} from './support/cli.js';
import {tempDir} from './support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from './support/fake-ollama.js';

const OLD = `${JSON.stringify({modelID: 'openrouter:z-ai/glm-4.5', temperature: 0, models: {oai: {modelWrapper: 'AModelChatGPT', apikey: null, baseURL: null, modelList: {}}}, note: 'x'.repeat(200_000)}, null, 2)}\n`;

/**
 * Runs the CLI and SIGKILLs it either after `killAfterMs`, or — with `watchDir` — the moment the atomic
 * write's temp file appears there (plus 0–2 ms), which lands the kill inside the write window.
 */
function runUntil(args: string[], home: string, killAfterMs: number | null, watchDir?: string): Promise<{code: number | null; ms: number; hitWindow: boolean}> {
	return new Promise((resolve) => {
		const started = performance.now();
		const child = spawn(process.execPath, [CLI, ...args], {
			stdio: 'ignore',
			env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true'},
		});
		let hitWindow = false;
		const watcher = watchDir
			? watch(watchDir, (_event, name) => {
					if (!hitWindow && name && /^config\.json\..+/.test(name) && !name.includes('.bak-')) {
						hitWindow = true;
						setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 3));
					}
				})
			: null;
		const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
		child.on('close', (code) => {
			if (timer) clearTimeout(timer);
			watcher?.close();
			resolve({code, ms: performance.now() - started, hitWindow});
		});
	});
}

describe('interruption while writing the config', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	it('is never torn across 20 random SIGKILLs', async () => {
		const args = ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes', '--json'];
		const fresh = () => {
			const home = tempDir('otw-kill-');
			const dir = path.join(home, '.config', 'ailice');
			mkdirSync(dir, {recursive: true});
			writeFileSync(path.join(dir, 'config.json'), OLD);
			return {home, dir, file: path.join(dir, 'config.json')};
		};
		// One full run tells how long a write takes here, and what the new file looks like.
		const ref = fresh();
		const full = await runUntil(args, ref.home, null);
		expect(full.code).toBe(0);
		const NEW = readFileSync(ref.file, 'utf8');
		expect(NEW).not.toBe(OLD);

		let sawOld = 0;
		let sawNew = 0;
		let inWindow = 0;
		for (let i = 0; i < 20; i++) {
			const t = fresh();
			// Even runs: killed the moment the temp file appears (inside the write); odd runs: at a random time.
			const byWatch = i % 2 === 0;
			const killAt = Math.random() * full.ms * 1.1;
			const r = await runUntil(args, t.home, byWatch ? null : killAt, byWatch ? t.dir : undefined);
			if (r.hitWindow) inWindow++;
			const now = readFileSync(t.file, 'utf8');
			expect([OLD, NEW], `kill ${byWatch ? 'in the write window' : `at ${Math.round(killAt)} ms`} left a torn file`).toContain(now);
			if (now === NEW) {
				sawNew++;
				const backups = readdirSync(t.dir).filter((f) => f.startsWith('config.json.bak-'));
				expect(backups.map((b) => readFileSync(path.join(t.dir, b), 'utf8'))).toContain(OLD);
			} else {
				sawOld++;
			}
		}
		// The kills really landed while the new file was being written, not only before or after.
		expect(inWindow).toBeGreaterThanOrEqual(8);
		expect(sawOld).toBeGreaterThan(0);
		expect(sawOld + sawNew).toBe(20);
	}, 90_000);
});
