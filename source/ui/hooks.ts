/** Hooks binding the UI to the session's EventBus and to the asker/driver stores. */
import {useEffect, useReducer, useRef, useSyncExternalStore} from 'react';
import type {EventBus, WizardEvent} from '../core/events.js';
import {initialUiState, reduceEvent, type UiState} from './state.js';

export interface ExternalStore<T> {
	subscribe(listener: () => void): () => void;
	getSnapshot(): T;
}

export function useStore<T>(store: ExternalStore<T>): T {
	return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

type Action = {events: readonly WizardEvent[]};

function reduceMany(state: UiState, action: Action): UiState {
	return action.events.reduce(reduceEvent, state);
}

/**
 * The UI state folded from the bus: the events already emitted (e.g. a journal warning from
 * session.open()) and every later one. Unsubscribes on unmount. Once `signal` is aborted (the user
 * quit) later events are the fallout of cancelling (a check that threw on abort) and are not shown.
 */
export function useWizardEvents(bus: EventBus, signal?: AbortSignal): UiState {
	const seen = useRef(bus.history.length);
	const [state, dispatch] = useReducer(reduceMany, undefined, () => bus.history.reduce(reduceEvent, initialUiState()));
	useEffect(() => {
		// Events emitted between the first render and this effect.
		const missed = bus.history.slice(seen.current);
		if (missed.length) dispatch({events: missed});
		return bus.on((event) => {
			if (!signal?.aborted) dispatch({events: [event]});
		});
	}, [bus, signal]);
	return state;
}
