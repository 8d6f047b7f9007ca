/** Main pane: the selected step's screen (state, last result, Fix: text and commands, the plan). */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Command} from '../cli/args.js';
import type {Role, Step} from '../core/types.js';
import {MARK, renderAction, shellQuote} from '../views/format.js';
import type {StepView} from './state.js';
import {statusColor} from './theme.js';

/** Lines shown before "enter: show all" when a block is long. */
export const COLLAPSED_DETAILS = 4;
export const COLLAPSED_PLAN_LINES = 14;

export const NOT_AVAILABLE = 'This step is not available in this version yet: the wizard does not check or change anything for it. Follow the guide by hand for now.';

const PHASE_LABEL = {check: 'Checking…', apply: 'Applying the plan…', verify: 'Verifying the change…'} as const;

export interface StepScreenProps {
	step: Step;
	view: StepView;
	role: Role | undefined;
	command: Command;
	expanded: boolean;
	/** The flow is waiting for a confirmation of this step's plan. */
	confirming: boolean;
	/** False on the final frame: a step still running was cancelled. */
	live: boolean;
}

function More({hidden}: {hidden: number}) {
	return hidden > 0 ? <Text dimColor>  … {hidden} more line(s): press enter to show all</Text> : null;
}

export function StepScreen({step, view, role, command, expanded, confirming, live}: StepScreenProps) {
	const header = (
		<Text bold>
			{step.number ? `Step ${step.number} · ${step.title}` : step.title}
		</Text>
	);
	if (!step.available) {
		return (
			<Box flexDirection="column">
				{header}
				<Text color="gray">
					{MARK.skipped} {NOT_AVAILABLE}
				</Text>
			</Box>
		);
	}
	if (role && !step.roles.includes(role)) {
		return (
			<Box flexDirection="column">
				{header}
				<Text dimColor>This step runs on the other machine ({step.roles.join(' or ')}); this one is the {role}.</Text>
			</Box>
		);
	}

	const r = view.result;
	const details = r ? (expanded ? r.details : r.details.slice(0, COLLAPSED_DETAILS)) : [];
	const planLines = view.plan && !view.applied ? view.plan.actions.flatMap((a) => renderAction(a).split('\n')) : [];
	const shownPlan = expanded || confirming ? planLines : planLines.slice(0, COLLAPSED_PLAN_LINES);

	return (
		<Box flexDirection="column">
			{header}
			{view.phase && live ? <Spinner label={PHASE_LABEL[view.phase]} /> : null}
			{view.phase && !live ? <Text color="gray">{MARK.skipped} Cancelled while {view.phase === 'check' ? 'checking' : view.phase === 'apply' ? 'applying' : 'verifying'}: this step did not finish.</Text> : null}
			{!view.phase && !r ? <Text dimColor>{command === 'test' && step.id !== 'connection-test' ? 'The test command runs only the connection test.' : 'Not run yet.'}</Text> : null}
			{r ? (
				<Box flexDirection="column">
					<Text color={statusColor(r.status)}>
						{MARK[r.status]} {r.summary}
						{view.applied ? ' (changes applied, then checked again)' : ''}
					</Text>
					{details.map((d, i) => (
						<Box key={i} marginLeft={4}>
							<Text>{d}</Text>
						</Box>
					))}
					{expanded ? null : <More hidden={r.details.length - details.length} />}
					{r.status !== 'ok' && r.remediation ? (
						<Box flexDirection="column">
							{r.remediation.text ? <Text color="yellow">Fix: {r.remediation.text}</Text> : null}
							{(r.remediation.commands ?? []).map((c, i) => (
								<Box key={`c${i}`} marginLeft={2}>
									<Text>$ {shellQuote(c)}</Text>
								</Box>
							))}
							{(r.remediation.links ?? []).map((l) => (
								<Box key={l} marginLeft={2}>
									<Text dimColor>{l}</Text>
								</Box>
							))}
						</Box>
					) : null}
				</Box>
			) : null}
			{planLines.length ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Plan{confirming ? ' (not applied yet)' : ''}:</Text>
					{shownPlan.map((l, i) => (
						<Text key={i}>{l}</Text>
					))}
					<More hidden={planLines.length - shownPlan.length} />
					{(view.plan?.notes ?? []).map((n, i) => (
						<Text key={`n${i}`} dimColor>
							{n}
						</Text>
					))}
				</Box>
			) : null}
		</Box>
	);
}
