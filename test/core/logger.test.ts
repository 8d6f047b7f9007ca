import {readFileSync, readdirSync, utimesSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {SecretRegistry} from '../../source/core/context.js';
import {FileLogger, KEEP_LOGS, pruneLogs} from '../../source/core/logger.js';
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
});
