import {describe, expect, it} from 'vitest';
import {STEPS, loadStep} from '../../source/steps/index.js';

describe('step list', () => {
	it('has the six steps in the guide’s order', () => {
		expect(STEPS.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it.each(STEPS.map((s) => [s.id, s]))('%s: the list’s metadata is the module’s own, and the list delegates to it', async (_id, step) => {
		const real = await loadStep(step.id);
		for (const key of ['id', 'number', 'title', 'roles', 'dependsOn', 'available'] as const) expect(step[key]).toEqual(real[key]);
		expect(step.check).not.toBe(real.check); // a lazy wrapper …
		expect(typeof step.plan).toBe('function'); // … with the same contract
	});
});
