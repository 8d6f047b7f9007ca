/**
 * Choices on screen are words a person understands ("Docker on this Mac"), not flag values
 * ("docker-here:"). The interviews are driven by a scripted asker that takes the default (or the
 * first choice) and records every choice and note; the flag values are for runs without a terminal,
 * whose exit-2 message still says which flag to pass.
 */
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {nonInteractiveAsker, type Asker, type SelectQuestion} from '../source/app/asker.js';
import {interviewServiceAccount} from '../source/app/client-flows.js';
import {INTERVIEWS} from '../source/app/interviews.js';
import {interviewRemoteAccess, interviewTwingateNetwork} from '../source/app/server-interviews.js';
import {Session} from '../source/app/session.js';
import {UsageError} from '../source/core/exit-codes.js';
import {CONNECTOR_CHOICES} from '../source/server/connector.js';
import {METHODS, methodOptions} from '../source/server/answers.js';
import {makeCtx} from './support/fake-ctx.js';
import {startFakeOllama} from './support/fake-ollama.js';
import {serverCtx} from './server/support.js';

/** Every value a choice flag takes: a choice's name never is, or starts with, one of them. */
const FLAG_VALUES = [...CONNECTOR_CHOICES, ...METHODS].filter((v) => v !== 'skip' && v !== 'existing');

type Seen = {selects: SelectQuestion<string>[]; notes: {title: string; body: string}[]};

/** Takes the default or the first choice, the default text (or a scripted one), the default confirm. */
function recordingAsker(texts: Record<string, string> = {}, picks: Record<string, string> = {}): Asker & Seen {
	const selects: SelectQuestion<string>[] = [];
	const notes: Seen['notes'] = [];
	return {
		selects,
		notes,
		interactive: true,
		async text(q) {
			const v = texts[q.flag] ?? q.default;
			if (v === undefined) throw new Error(`no answer for ${q.flag}`);
			return v;
		},
		async select<T extends string>(q: SelectQuestion<T>) {
			selects.push(q as SelectQuestion<string>);
			return (picks[q.flag] ?? q.default ?? q.choices[0]?.value) as T;
		},
		async confirm(q) {
			return q.default ?? true;
		},
		async note(title, body) {
			notes.push({title, body});
		},
	};
}

function expectWords(seen: Seen): void {
	expect(seen.selects.length).toBeGreaterThan(0);
	for (const q of seen.selects) {
		for (const c of q.choices) {
			for (const v of FLAG_VALUES) {
				expect(c.name.toLowerCase().startsWith(v), `choice "${c.name}" starts with the flag value ${v}`).toBe(false);
				expect(`${c.name} ${c.description ?? ''}`, `choice "${c.name}"`).not.toMatch(new RegExp(`(^|[^\\w-])${v}:`));
			}
			expect(c.name).not.toMatch(/--[a-z]/);
		}
	}
	// On a terminal the choices are asked: no "Pass --flag" advice in what the user reads.
	for (const n of seen.notes) expect(`${n.title}\n${n.body}`).not.toMatch(/Pass --|--connector|--method/);
}

describe('choices are words, not flag values', () => {
	it.each(['darwin', 'linux'] as const)('server steps 1 and 2 on %s (every placement and every method offered)', async (platform) => {
		const ctx = serverCtx({platform});
		const session = new Session({ctx, answers: {simulated: true}, role: 'server', ephemeral: true});
		const asker = recordingAsker();
		await interviewTwingateNetwork(session, asker);
		await interviewRemoteAccess(session, asker);
		expectWords(asker);
		const connector = asker.selects.find((q) => q.flag === '--connector');
		expect(connector?.choices.map((c) => c.value)).toContain('docker-here');
		expect(connector?.choices.find((c) => c.value === 'docker-here')?.name).toBe(platform === 'darwin' ? 'Docker on this Mac' : 'Docker on this machine');
		if (platform === 'linux') expect(connector?.choices.find((c) => c.value === 'systemd-here')?.name).toBe("Twingate's systemd Connector on this machine");
		const methods = asker.selects.find((q) => q.flag === '--method');
		expect(methods?.choices.length).toBe(platform === 'darwin' ? 4 : 1);
		expect(asker.selects.some((q) => q.flag === '--bind')).toBe(true);
	});

	it('every method label, on every OS and install, is words (never "launchagent:", "app-setting:")', () => {
		const installs = [[], [{kind: 'app'}], [{kind: 'brew'}], [{kind: 'systemd'}]] as unknown as Parameters<typeof methodOptions>[1][];
		for (const platform of ['darwin', 'linux'] as const) {
			for (const found of installs) {
				for (const o of methodOptions(platform, found, '0.12.0')) {
					for (const v of FLAG_VALUES) expect(o.label.toLowerCase().startsWith(v), o.label).toBe(false);
					expect(o.label).not.toMatch(/guide/i);
				}
			}
		}
	});

	it('client steps 4 and 5: the model list and the service-key choice', async () => {
		const server = await startFakeOllama();
		try {
			const ctx = makeCtx();
			ctx.runner.expect({argv: ['git', '-C', path.join(ctx.dir, 'ailice-twingate'), 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
			const session = new Session({ctx, answers: {url: server.url, ollamaOnThisMachine: true}, role: 'client', ephemeral: true});
			const asker = recordingAsker({'--out': path.join(ctx.dir, 'ailice-twingate')}, {'--service-key-file': 'none'});
			await INTERVIEWS['ailice-config']?.(session, asker);
			(session.answers as Record<string, unknown>).url = 'http://ollama.home.internal:11434';
			await interviewServiceAccount(session, asker);
			expectWords(asker);
			expect(asker.selects.map((q) => q.flag)).toEqual(['--model', '--service-key-file']);
		} finally {
			await server.close();
		}
	});

	it('without a terminal the same question still names the flag to pass (exit 2)', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const session = new Session({ctx, answers: {simulated: true}, role: 'server', ephemeral: true});
		const error = await interviewRemoteAccess(session, nonInteractiveAsker()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).hint).toMatch(/Pass --method/);
	});
});
