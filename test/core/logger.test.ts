import {readFileSync, readdirSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {SecretRegistry} from '../../source/core/context.js';
import {EventBus} from '../../source/core/events.js';
import {eventForLog, FileLogger, KEEP_LOGS, MAX_LOG_FILE_BYTES, MAX_LOG_LINE_CHARS, MAX_LOGS_TOTAL_BYTES, pruneLogs} from '../../source/core/logger.js';
import {tempDir} from '../support/fake-ctx.js';

describe('run log', () => {
	it('writes one file per run, mode 0600, with secrets redacted', () => {
		const dir = tempDir();
		const secrets = new SecretRegistry();
		secrets.add('FAKEKEY-SECRET-123');
		const logger = new FileLogger(dir, secrets, Date.now());
		logger.log('info', 'ran twingate setup --headless - with FAKEKEY-SECRET-123', {exitCode: 0, durationMs: 12});
		const text = readFileSync(logger.file ?? '', 'utf8');
		expect(text).toContain('ran twingate setup --headless - with ***');
		expect(text).toContain('"exitCode":0');
		expect(text).not.toContain('FAKEKEY');
	});

	it(`keeps the newest ${KEEP_LOGS} logs and drops logs older than 30 days`, () => {
		const dir = tempDir();
		const now = Date.now();
		for (let i = 0; i < KEEP_LOGS + 5; i++) {
			const f = path.join(dir, `run-${String(i).padStart(3, '0')}.log`);
			writeFileSync(f, 'x');
			const t = (now - i * 60_000) / 1000;
			utimesSync(f, t, t);
		}
		const old = path.join(dir, 'run-old.log');
		writeFileSync(old, 'x');
		utimesSync(old, (now - 40 * 86400_000) / 1000, (now - 40 * 86400_000) / 1000);
		writeFileSync(path.join(dir, 'notes.txt'), 'not a log');
		pruneLogs(dir, now);
		const left = readdirSync(dir);
		expect(left.filter((f) => f.endsWith('.log'))).toHaveLength(KEEP_LOGS);
		expect(left).toContain('run-000.log');
		expect(left).not.toContain('run-old.log');
		expect(left).toContain('notes.txt');
	});

	it(`keeps at most ${MAX_LOGS_TOTAL_BYTES} bytes of logs in all, removing the oldest first`, () => {
		const dir = tempDir();
		const now = Date.now();
		const mib = 1024 * 1024;
		// Newest first: 4 + 4 + 3 MiB passes 10 MiB at the third, which goes with everything older.
		const sizes = [4 * mib, 4 * mib, 3 * mib, 100, 100];
		sizes.forEach((size, i) => {
			const f = path.join(dir, `run-${i}.log`);
			writeFileSync(f, Buffer.alloc(size, 0x61));
			const t = (now - i * 60_000) / 1000;
			utimesSync(f, t, t);
		});
		pruneLogs(dir, now);
		const left = readdirSync(dir).sort();
		expect(left).toEqual(['run-0.log', 'run-1.log']);
		const total = left.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
		expect(total).toBeLessThanOrEqual(MAX_LOGS_TOTAL_BYTES);
	});

	it("a new run's logger prunes by size and keeps its own file", () => {
		const dir = tempDir();
		const now = Date.now();
		const big = path.join(dir, 'run-big-old.log');
		writeFileSync(big, Buffer.alloc(MAX_LOGS_TOTAL_BYTES + 1, 0x61));
		const t = (now - 3_600_000) / 1000;
		utimesSync(big, t, t);
		const logger = new FileLogger(dir, new SecretRegistry(), now);
		logger.log('info', 'hello');
		expect(readdirSync(dir)).toEqual([path.basename(logger.file ?? '')]);
	});

	it('cuts a line holding a huge value, after redacting and masking it whole', () => {
		const dir = tempDir();
		const secrets = new SecretRegistry();
		secrets.add('REGISTERED-SECRET-42');
		const logger = new FileLogger(dir, secrets, Date.now());
		const huge = `${'x'.repeat(MAX_LOG_LINE_CHARS * 4)} REGISTERED-SECRET-42 "apikey": "UNREGISTERED-KEY-7" http://u:URL-PASS-1@h:1`;
		logger.log('info', 'huge', {value: huge, after: 'tail'});
		logger.log('info', 'next line', {apikey: 'UNREGISTERED-KEY-8'});
		const text = readFileSync(logger.file ?? '', 'utf8');
		const lines = text.trimEnd().split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[0]?.length).toBeLessThan(MAX_LOG_LINE_CHARS + 200);
		expect(lines[0]).toMatch(/more characters not logged\]$/);
		expect(lines[1]).toContain('next line');
		for (const s of ['REGISTERED-SECRET-42', 'UNREGISTERED-KEY-7', 'UNREGISTERED-KEY-8', 'URL-PASS-1']) expect(text).not.toContain(s);
	});

	it(`stops one run's log at ${MAX_LOG_FILE_BYTES} bytes with a last line saying so`, () => {
		const dir = tempDir();
		const logger = new FileLogger(dir, new SecretRegistry(), Date.now());
		const chunk = 'y'.repeat(MAX_LOG_LINE_CHARS - 100);
		for (let i = 0; i < (MAX_LOG_FILE_BYTES / chunk.length) * 2; i++) logger.log('info', 'fill', {chunk});
		const size = statSync(logger.file ?? '').size;
		expect(size).toBeLessThanOrEqual(MAX_LOG_FILE_BYTES + 200);
		expect(readFileSync(logger.file ?? '', 'utf8').trimEnd().split('\n').at(-1)).toMatch(/log reached \d+ bytes; later lines of this run are not written/);
	});

	it('logs a planned file change as path, sizes, hashes and changed names, never its content', () => {
		const dir = tempDir();
		const logger = new FileLogger(dir, new SecretRegistry(), Date.now());
		const bus = new EventBus();
		bus.on((event) => logger.log('info', `event ${event.type}`, eventForLog(event)));
		const before = `{"models": {"oai": {"apikey": "OTHER-PROVIDER-KEY-1", "baseURL": "https://api.openai.com/v1"}}}`;
		const after = `{"models": {"oai": {"apikey": "OTHER-PROVIDER-KEY-1", "baseURL": "https://api.openai.com/v1"}, "ollama": {"baseURL": "http://o:11434/v1"}}, "modelID": "ollama:m"}`;
		bus.emit({
			type: 'step:plan',
			step: 'ailice-config',
			plan: {
				inputs: {},
				actions: [
					{kind: 'file', path: '/h/config.json', why: 'point AIlice at Ollama', before, after},
					{kind: 'file', path: '/h/.env', why: 'env', before: 'OPENAI_API_KEY=ENV-KEY-2\n', after: 'OPENAI_API_KEY=ENV-KEY-2\nOLLAMA_BASE_URL=http://o:11434/v1\n'},
				],
			},
		});
		const text = readFileSync(logger.file ?? '', 'utf8');
		expect(text).not.toContain('OTHER-PROVIDER-KEY-1');
		expect(text).not.toContain('ENV-KEY-2');
		expect(text).not.toContain('api.openai.com'); // no content at all, not even non-secret parts
		const json = JSON.parse(text.slice(text.indexOf('{'))) as {actions: Record<string, unknown>[]};
		expect(json.actions[0]).toMatchObject({path: '/h/config.json', format: 'json', changed: ['models.ollama', 'modelID'], before: {bytes: before.length}, after: {bytes: after.length}});
		expect(json.actions[1]).toMatchObject({path: '/h/.env', format: 'env', changed: ['OLLAMA_BASE_URL']});
		expect(JSON.stringify(json.actions[0])).toMatch(/"sha256":"[0-9a-f]{64}"/);
	});
});
