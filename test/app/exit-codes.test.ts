/** One mapping from how a run ended to its exit code (source/core/exit-codes.ts exitCodeFor). */
import {describe, expect, it} from 'vitest';
import {CancelledError, EXIT, exitCodeFor, UsageError} from '../../source/core/exit-codes.js';
import {LockError} from '../../source/core/lock.js';

describe('exitCodeFor', () => {
	it('maps outcomes: ok 0, failed 1, cancelled 130 (even when something failed)', () => {
		expect(exitCodeFor({})).toBe(EXIT.ok);
		expect(exitCodeFor({failed: false})).toBe(EXIT.ok);
		expect(exitCodeFor({failed: true})).toBe(EXIT.failed);
		expect(exitCodeFor({cancelled: true, failed: true})).toBe(EXIT.cancelled);
	});

	it('maps errors: usage 2, a cancel 130, anything else (a lock held, a bug, even a thrown undefined) 1', () => {
		expect(exitCodeFor({error: new UsageError('bad flag')})).toBe(EXIT.usage);
		expect(exitCodeFor({error: new CancelledError()})).toBe(EXIT.cancelled);
		expect(exitCodeFor({error: new LockError('another run holds the state', '/tmp/state')})).toBe(EXIT.failed);
		expect(exitCodeFor({error: new Error('bug')})).toBe(EXIT.failed);
		expect(exitCodeFor({error: undefined})).toBe(EXIT.failed);
		expect(exitCodeFor({error: new UsageError('bad flag'), cancelled: true})).toBe(EXIT.cancelled);
	});
});
