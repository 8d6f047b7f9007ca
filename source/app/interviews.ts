/**
 * What each step asks before it runs, independent of the view: the Ink UI, --plain prompts and the
 * non-interactive path (which fails with exit 2 naming the flag) all go through these.
 * Steps whose answers come from flags find them already in session.answers and ask nothing.
 */
import type {StepId} from '../core/types.js';
import type {Asker} from './asker.js';
import type {Session} from './session.js';
import {askUrl} from './flows.js';

export type Interview = (session: Session, asker: Asker) => Promise<void>;

export const INTERVIEWS: Partial<Record<StepId, Interview>> = {
	'connection-test': async (session, asker) => {
		if (!session.answers.url && asker.interactive) await askUrl(session, asker);
	},
};
