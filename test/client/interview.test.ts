/**
 * The interactive questions of steps 4 and 5 (the same for --plain prompts and the Ink UI), driven
 * by a scripted Asker: models picked from the live list, provider, default, .env, and a pasted
 * service key asked with a masked prompt and kept out of the journal.
 */
import {readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Asker, ConfirmQuestion, SelectQuestion, TextQuestion} from '../../source/app/asker.js';
import {flowConfigureAilice} from '../../source/app/client-flows.js';
import {INTERVIEWS} from '../../source/app/interviews.js';
import {Session} from '../../source/app/session.js';
import {UsageError} from '../../source/core/exit-codes.js';
import {makeCtx, useFakeOllama} from './helpers.js';

const fake = useFakeOllama();
const KEY = JSON.stringify({network: 'acme.twingate.com', private_key: 'FAKEKEY-7f3a9c-pasted'});

type Asked = {kind: string; message: string; flag: string; secret?: boolean; choices?: string[]};

/** Answers questions in order from a script; records what was asked. */
function scriptedAsker(script: unknown[], asked: Asked[]): Asker {
	const next = () => {
		if (script.length === 0) throw new Error('the interview asked more than the script answers');
		return script.shift();
	};
	return {
		interactive: true,
		async text(q: TextQuestion) {
			asked.push({kind: 'text', message: q.message, flag: q.flag, secret: q.secret});
			const v = String(next() ?? q.default ?? '');
			const problem = q.validate?.(v);
			if (problem) throw new Error(`rejected: ${problem}`);
			return v;
		},
		async select<T extends string>(q: SelectQuestion<T>) {
			asked.push({kind: 'select', message: q.message, flag: q.flag, choices: q.choices.map((c) => c.value)});
			return next() as T;
		},
		async confirm(q: ConfirmQuestion) {
			asked.push({kind: 'confirm', message: q.message, flag: q.flag});
			return next() as boolean;
		},
		async note() {},
	};
}

describe('interviews of steps 4 and 5', () => {
	it('step 4: picks from the live list (cloud left out), asks provider and default, and takes a pasted key masked', async () => {
		const ctx = makeCtx();
		const env = path.join(ctx.dir, 'deploy', '.env');
		ctx.runner.expect({argv: ['git', '-C', path.dirname(env), 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
		const session = new Session({ctx, answers: {url: fake.server().url}, role: 'client'});
		await session.open();
		const asked: Asked[] = [];
		// loopback on the client: "same machine?" yes; model; add the others? no; provider; default yes; .env yes; path; paste; the key.
		const asker = scriptedAsker([true, 'qwen2.5-coder:7b', false, 'ollama', true, true, env, 'paste', KEY], asked);
		await INTERVIEWS['ailice-config']?.(session, asker);
		const models = asked.find((q) => q.flag === '--model' && q.kind === 'select');
		expect(models?.choices).toEqual(['llama3.2:latest', 'qwen2.5-coder:7b', 'tinyllama:1.1b', 'mystery:2b']);
		expect(asked.find((q) => q.flag === '--set-default')?.message).toMatch(/OpenRouter/);
		const keyQuestion = asked.at(-1);
		expect(keyQuestion).toMatchObject({kind: 'text', secret: true});
		expect(session.answers).toMatchObject({models: ['qwen2.5-coder:7b'], provider: 'ollama', setDefault: true, envFile: env, ollamaOnThisMachine: true});

		const {ailiceConfig} = await import('../../source/steps/ailice-config.js');
		const out = await session.runStep(ailiceConfig, 'apply', {confirm: async () => true});
		expect(out.applied).toBe(true);
		expect(statSync(env).mode & 0o777).toBe(0o600);
		expect(readFileSync(env, 'utf8')).toContain('FAKEKEY-7f3a9c-pasted');
		const journal = readFileSync(session.journalPath, 'utf8');
		expect(journal).not.toContain('FAKEKEY');
		expect(journal).toContain('"envFile"');
	});

	it('a pasted key that is not a service key is refused by the prompt, without echoing it', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {url: 'http://ollama.internal:11434', models: ['llama3.2'], provider: 'ollama', setDefault: false}});
		const asker = scriptedAsker([true, path.join(ctx.dir, '.env'), 'paste', '{"FAKEKEY-7f3a9c": 1}'], []);
		const error = await INTERVIEWS['ailice-config']?.(session, asker).catch((e: Error) => e);
		expect(String(error)).toMatch(/rejected: The pasted key has no "network" field/);
		expect(String(error)).not.toContain('FAKEKEY');
		expect(ctx.secrets.redact('{"FAKEKEY-7f3a9c": 1}')).toBe('***');
	});

	it('step 5 in the guided setup asks whether to generate the folder, and where', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {}});
		const asked: Asked[] = [];
		// No URL known yet: the container's URL is asked too (the Resource alias, or a card).
		await INTERVIEWS['service-account']?.(session, scriptedAsker([true, 'prod', 'http://ollama.home.internal:11434', 'none'], asked));
		expect(asked.map((q) => q.flag)).toEqual(['--out', '--out', '--url (or --card)', '--service-key-file']);
		expect(session.answers).toMatchObject({deploy: true, out: 'prod', deployUrl: 'http://ollama.home.internal:11434'});
		const declined = new Session({ctx, answers: {}});
		await INTERVIEWS['service-account']?.(declined, scriptedAsker([false], []));
		expect(declined.answers).toMatchObject({deploy: false});
	});

	it('configure-ailice without a terminal: a missing --model is exit 2 naming the flag', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {url: fake.server().url}});
		const {nonInteractiveAsker} = await import('../../source/app/asker.js');
		const error = await flowConfigureAilice(session, nonInteractiveAsker(), {yes: true}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).hint).toMatch(/Pass --model NAME/);
	});
});
