/**
 * A failed step can be retried with other answers: a retry (r in the UI) and `repair` on a terminal
 * ask the step's questions again with the previous answers as defaults, instead of replaying the
 * answers that failed. Flags given on the command line are kept.
 */
import {describe, expect, it} from 'vitest';
import type {Asker, ConfirmQuestion, SelectQuestion, TextQuestion} from '../../source/app/asker.js';
import {runSetupStep, withPreviousAnswers} from '../../source/app/flows.js';
import {flowRepairFull} from '../../source/app/repair-flow.js';
import {Session} from '../../source/app/session.js';
import {ailiceConfig} from '../../source/steps/ailice-config.js';
import {makeCtx, useFakeOllama} from '../client/helpers.js';

const fake = useFakeOllama();
const WRONG = 'http://ollama.wrong.invalid:11434';

type Q = {kind: string; flag: string; default?: unknown};

/** A person: answers in order; Enter (null) takes the offered default. */
function person(script: (string | boolean | null)[], asked: Q[]): Asker {
	const next = () => {
		if (script.length === 0) throw new Error(`asked more than the script answers: ${JSON.stringify(asked)}`);
		return script.shift();
	};
	return {
		interactive: true,
		async text(q: TextQuestion) {
			asked.push({kind: 'text', flag: q.flag, default: q.default});
			const v = next();
			return v === null ? String(q.default ?? '') : String(v);
		},
		async select<T extends string>(q: SelectQuestion<T>) {
			asked.push({kind: 'select', flag: q.flag, default: q.default});
			const v = next();
			return (v === null ? q.default : v) as T;
		},
		async confirm(q: ConfirmQuestion) {
			asked.push({kind: 'confirm', flag: q.flag, default: q.default});
			const v = next();
			return v === null ? Boolean(q.default) : Boolean(v);
		},
		async note() {},
	};
}

describe('retry with other answers', () => {
	it('r after a failed step 4: the URL is asked again with the failed one as default; a new URL fixes it; Enter keeps the rest', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {models: ['llama3.2']}, role: 'client'});
		await session.open();
		const asked: Q[] = [];
		// First try: a URL that does not resolve; provider; default? no; .env? no.
		const first = await runSetupStep(session, person([WRONG, 'ollama', false, false], asked), ailiceConfig, 'apply', {yes: true});
		expect(first.result.status).toBe('fail');
		asked.length = 0;
		// Retry: a new URL (the fake server is on this machine: "same machine?" yes); Enter for the provider,
		// the default and the .env question (the previous answers).
		const second = await runSetupStep(session, person([fake.server().url, true, null, null, null], asked), ailiceConfig, 'apply', {yes: true}, {again: true});
		expect(second.result.status).toBe('ok');
		expect(asked.find((q) => q.flag === '--url')?.default).toBe(WRONG);
		expect(asked.find((q) => q.flag === '--provider')?.default).toBe('ollama');
		expect(asked.find((q) => q.flag === '--set-default')?.default).toBe(false);
		// --model was a flag: never asked again.
		expect(asked.some((q) => q.flag === '--model')).toBe(false);
		expect(session.answers.url).toBe(fake.server().url);
	});

	it('the defaults come from the flag that answers each question; a previous answer not among the choices is not offered', async () => {
		const asked: Q[] = [];
		const base = person(['a', 'x', true], asked);
		const wrapped = withPreviousAnswers(base, {provider: 'mine', connector: 'nowhere', setDefault: true});
		await wrapped.text({message: 'Provider', flag: '--provider', default: 'ollama'});
		await wrapped.select({message: 'Where?', flag: '--connector', choices: [{value: 'skip', name: 'skip'}], default: 'skip'});
		await wrapped.confirm({message: 'Default?', flag: '--set-default', default: false});
		expect(asked.map((q) => q.default)).toEqual(['mine', 'skip', true]);
	});
});

describe('repair on a terminal', () => {
	it('a step that still fails with the journal’s answers is asked again, those answers as defaults; then it passes', async () => {
		const ctx = makeCtx();
		// A first run recorded step 4 failed with the wrong URL.
		const first = new Session({ctx, answers: {models: ['llama3.2'], url: WRONG}, role: 'client', command: 'setup'});
		await first.open();
		await runSetupStep(first, person(['ollama', false, false], []), ailiceConfig, 'apply', {yes: true});
		expect(first.outcomes.get('ailice-config')?.result.status).toBe('fail');
		await first.close();

		const session = new Session({ctx, answers: {}, role: 'client', command: 'repair'});
		await session.open();
		const asked: Q[] = [];
		// The URL (same machine: yes), the model from the live list, no others; Enter for the rest.
		const result = await flowRepairFull(session, person([fake.server().url, true, 'llama3.2:latest', false, null, null, null], asked), {yes: true});
		expect(asked.find((q) => q.flag === '--url')?.default).toBe(WRONG);
		expect(session.outcomes.get('ailice-config')?.result.status).toBe('ok');
		expect(result.exitCode).toBe(0);
		expect(session.bus.history.some((e) => e.type === 'warning' && /still fails with the answers given before/.test(e.message))).toBe(true);
	});
});
