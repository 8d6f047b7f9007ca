/**
 * What each step asks before it runs, independent of the view: the Ink UI, --plain prompts and the
 * non-interactive path (which fails with exit 2 naming the flag) all go through these.
 * Steps whose answers come from flags find them already in session.answers and ask nothing.
 */
import type {StepId} from '../core/types.js';
import type {Asker} from './asker.js';
import type {Session} from './session.js';
import {askUrl} from './flows.js';
import {interviewAiliceConfig, interviewServiceAccount} from './client-flows.js';
import {afterClientAddress, interviewClientAddress, interviewRemoteAccess, interviewTwingateNetwork} from './server-interviews.js';
import type {StepOutcome} from '../core/runner.js';

export type Interview = (session: Session, asker: Asker) => Promise<void>;

export const INTERVIEWS: Partial<Record<StepId, Interview>> = {
	'twingate-network': interviewTwingateNetwork,
	'ollama-remote-access': interviewRemoteAccess,
	'client-address': interviewClientAddress,
	'ailice-config': interviewAiliceConfig,
	'service-account': interviewServiceAccount,
	'connection-test': async (session, asker) => {
		if (!session.answers.url && asker.interactive) await askUrl(session, asker);
	},
};

/** What a step does with its outcome in the flow (e.g. step 3 saves the connection card in the journal). */
export const AFTER_STEP: Partial<Record<StepId, (session: Session, asker: Asker, outcome: StepOutcome) => Promise<void>>> = {
	'client-address': afterClientAddress,
};
