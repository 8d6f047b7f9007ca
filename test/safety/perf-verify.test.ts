/**
 * configure-ailice on large files: what the shortcuts must keep. The verification after apply
 * compares the file with the planned text instead of analysing it again (and still analyses when the
 * file is anything else); apply leaves the content check to the writer, under its lock, with the same
 * refusal; the undo record is the parsed diff's; the event history drops a large plan's texts once
 * its step finished.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {EventBus, HISTORY_TEXT_LIMIT, lightPlan} from '../../source/core/events.js';
import {jsonChange} from '../../source/core/owned-part.js';
import type {Plan} from '../../source/core/types.js';
import {ailiceConfig} from '../../source/steps/ailice-config.js';
import {configPathOf, makeCtx, runClientStep, useFakeOllama, writeConfig} from '../client/helpers.js';

const fake = useFakeOllama();

function config(providers: number): string {
	const models: Record<string, unknown> = {};
	for (let p = 0; p < providers; p++) {
		models[`provider-${p}`] = {modelWrapper: 'AModelChatGPT', apikey: `sk-${p}`, baseURL: `https://p${p}.example.com/v1`, modelList: {[`m-${p}`]: {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}}};
	}
	return `${JSON.stringify({modelID: '', agentModelConfig: {DEFAULT: 'provider-0:m-0'}, models, temperature: 0}, null, 2)}\n`;
}

const strip = <T extends {durationMs?: number}>(r: T) => ({...r, durationMs: 0});

describe('configure-ailice: the verification, apply and the history', () => {
	it('the verification reports what a new analysis of the written file reports', async () => {
		const ctx = makeCtx();
		writeConfig(ctx, config(3));
		const answers = {url: fake.server().url, models: ['llama3.2'], setDefault: true};
		const out = await runClientStep(ailiceConfig, ctx, answers);
		expect(out.applied).toBe(true);
		const fresh = await ailiceConfig.check(ctx, {...answers});
		expect(strip(out.result)).toEqual(strip({...fresh, durationMs: 0}));
		// The undo record is the parsed diff's.
		const file = configPathOf(ctx);
		const recorded = out.run.files.find((f) => f.path === file);
		const parsed = jsonChange(config(3), readFileSync(file, 'utf8'));
		expect(recorded?.part).toEqual({json: parsed?.paths, containers: parsed?.containers});
	});

	it('a file that is not the planned text after apply is analysed again', async () => {
		const ctx = makeCtx();
		const file = writeConfig(ctx, config(2));
		const answers = {url: fake.server().url, models: ['llama3.2']};
		await ailiceConfig.check(ctx, answers);
		const plan = await ailiceConfig.plan(ctx, answers);
		await ailiceConfig.apply(ctx, plan, ctx.signal);
		// Someone takes the provider out again between the write and the verification.
		writeFileSync(file, config(2));
		const verify = await ailiceConfig.check(ctx, answers);
		expect(verify.status).toBe('fail');
		expect(verify.cause).toBe('not-configured');
	});

	for (const [what, change] of [
		['another size', (t: string) => t.replace('"temperature": 0', '"temperature": 0.5')],
		['the same size', (t: string) => t.replace('"temperature": 0', '"temperature": 1')],
	] as const) {
		it(`apply refuses a file changed after the plan (${what}) and writes nothing`, async () => {
			const ctx = makeCtx();
			const file = writeConfig(ctx, config(2));
			const answers = {url: fake.server().url, models: ['llama3.2']};
			const plan = await ailiceConfig.plan(ctx, answers);
			const edited = change(config(2));
			writeFileSync(file, edited);
			await expect(ailiceConfig.apply(ctx, plan, ctx.signal)).rejects.toMatchObject({name: 'StepFailure', cause: 'changed', message: `${file} changed while the wizard was running, so it was not written.`});
			expect(readFileSync(file, 'utf8')).toBe(edited);
		});
	}

	it('the history keeps no large file texts once the step finished; small plans stay whole', async () => {
		const ctx = makeCtx();
		const big = config(Math.ceil(HISTORY_TEXT_LIMIT / 200));
		expect(big.length).toBeGreaterThan(HISTORY_TEXT_LIMIT / 2);
		writeConfig(ctx, big);
		const bus = new EventBus();
		const seen: Plan[] = [];
		bus.on((e) => {
			if (e.type === 'step:plan') seen.push(e.plan);
		});
		const {runStep} = await import('../../source/core/runner.js');
		const out = await runStep(ailiceConfig, ctx, {mode: 'apply', answers: {url: fake.server().url, models: ['llama3.2']}, bus});
		expect(out.applied).toBe(true);
		// The view got the whole plan…
		const action = seen[0]?.actions[0];
		expect(action?.kind === 'file' && action.before).toBe(big);
		// …the history keeps it without the texts.
		const kept = bus.history.find((e) => e.type === 'step:plan');
		const light = kept?.type === 'step:plan' ? kept.plan.actions[0] : undefined;
		expect(light).toMatchObject({kind: 'file', before: '', after: '', omitted: true, path: configPathOf(ctx)});
		expect(JSON.stringify(bus.history).length).toBeLessThan(64 * 1024);

		const small: Plan = {actions: [{kind: 'file', path: '/x.json', why: 'w', before: '{}', after: '{"a":1}'}], inputs: {}};
		expect(lightPlan(small)).toBe(small);
	});
});
