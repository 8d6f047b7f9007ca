/**
 * Every URL prompt takes the connection card too; "no, Ollama is on another machine" asks for the
 * right address at once; step 5 never generates a container for a loopback address.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Asker, TextQuestion} from '../../source/app/asker.js';
import {flowServiceAccount} from '../../source/app/client-flows.js';
import {askUrl, validateUrlOrCard} from '../../source/app/flows.js';
import {INTERVIEWS} from '../../source/app/interviews.js';
import {Session} from '../../source/app/session.js';
import {encodeCard} from '../../source/core/card.js';
import {makeCtx, useFakeOllama} from './helpers.js';

const fake = useFakeOllama();

interface Seen {
	texts: TextQuestion[];
	rejected: string[];
	notes: string[];
}

/** Answers in order; a text answer the question's own validation refuses is recorded and the next one is tried, as a person retypes. */
function person(script: unknown[], seen: Seen): Asker {
	const next = () => {
		if (script.length === 0) throw new Error('asked more than the script answers');
		return script.shift();
	};
	return {
		interactive: true,
		async text(q) {
			seen.texts.push(q);
			for (;;) {
				const v = String(next());
				const problem = q.validate?.(v);
				if (!problem) return v;
				seen.rejected.push(problem);
			}
		},
		async select() {
			return next() as never;
		},
		async confirm() {
			return next() as boolean;
		},
		async note(title, body) {
			seen.notes.push(`${title}: ${body}`);
		},
	};
}

const card = encodeCard({url: 'http://ollama.home.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.12.0'} as never);

describe('URL prompts', () => {
	it('a pasted connection card fills the URL and the models and says what it decoded', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {}, role: 'client'});
		const seen: Seen = {texts: [], rejected: [], notes: []};
		await askUrl(session, person([`  ${card}\n`], seen));
		expect(session.answers.url).toBe('http://ollama.home.internal:11434');
		expect(session.answers.cardModels).toEqual(['llama3.2:latest', 'qwen2.5-coder:7b']);
		expect(seen.texts[0]?.message).toMatch(/or the otw1: card from step 3/);
		expect(seen.notes[0]).toContain('URL: http://ollama.home.internal:11434');
		expect(seen.notes[0]).toContain('Models: llama3.2:latest, qwen2.5-coder:7b');
	});

	it('a cut card is refused with the card’s own sentence (never "has no scheme"), then a URL is taken', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {}, role: 'client'});
		const seen: Seen = {texts: [], rejected: [], notes: []};
		await askUrl(session, person([card.slice(0, 20), 'http://ollama.home.internal:11434'], seen));
		expect(seen.rejected).toHaveLength(1);
		expect(seen.rejected[0]).toMatch(/connection card/);
		expect(seen.rejected[0]).not.toMatch(/no scheme/);
		expect(session.answers.url).toBe('http://ollama.home.internal:11434');
		expect(validateUrlOrCard(card)).toBeNull();
	});

	it('models given by flag win over the card’s, and the note says so', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {models: ['tinyllama:1.1b']}, role: 'client'});
		const seen: Seen = {texts: [], rejected: [], notes: []};
		await askUrl(session, person([card], seen));
		expect(session.answers.cardModels).toBeUndefined();
		expect(seen.notes[0]).toMatch(/not used: models were already given/);
	});
});

describe('"Does Ollama run on this same machine?" — no', () => {
	it('asks for the right URL at once, refusing a loopback address again with the reason', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {url: 'http://127.0.0.1:11434'}, role: 'client'});
		await session.open();
		const seen: Seen = {texts: [], rejected: [], notes: []};
		// same machine? no → URL: loopback again (refused), then the fake server by its non-loopback name is not
		// available here, so a card for it is pasted: its models are used, no model question follows.
		const alias = card;
		const asker = person([false, 'http://localhost:11434', alias, 'ollama', false, false], seen);
		await INTERVIEWS['ailice-config']?.(session, asker);
		expect(seen.rejected[0]).toMatch(/^localhost is this machine, and Ollama runs on another one: give the Twingate Resource alias/);
		expect(session.answers.url).toBe('http://ollama.home.internal:11434');
		expect(session.answers.ollamaOnThisMachine).toBe(false);
		expect(session.answers.cardModels).toEqual(['llama3.2:latest', 'qwen2.5-coder:7b']);
	});
});

describe('step 5 and a loopback address', () => {
	it('asks for the URL the container uses and writes that one, never the loopback address', async () => {
		const ctx = makeCtx();
		const out = path.join(ctx.dir, 'deploy');
		ctx.runner.expect({argv: ['git', '-C', out, 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
		const session = new Session({ctx, answers: {url: fake.server().url, models: ['llama3.2:latest'], out}, role: 'client'});
		await session.open();
		const seen: Seen = {texts: [], rejected: [], notes: []};
		// container URL: loopback (refused), then the alias; service key: not now.
		const result = await flowServiceAccount(session, person(['http://127.0.0.1:11434', 'http://ollama.home.internal:11434', 'none'], seen), {yes: true});
		expect(seen.rejected[0]).toMatch(/is the container itself inside the step-5 container/);
		expect(result.exitCode).toBe(0);
		const env = readFileSync(path.join(out, '.env.example'), 'utf8');
		expect(env).toContain('http://ollama.home.internal:11434');
		expect(env).not.toMatch(/127\.0\.0\.1/);
	});
});
