import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../transport/authentication';

import { DEFAULT_TOLERANCE_SECONDS } from './verification/timestampWindow';
import { DELIVERY_EVENTS, type DeliveryEvent } from './verification/payload';

export const ALL_EVENTS = '*';

export type Registration = 'automatic' | 'manual';

export const triggerProperties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{ name: 'All Events', value: ALL_EVENTS, description: 'Every event the platform sends' },
			{
				name: 'Execution Completed',
				value: 'execution.completed',
				description: 'An agent run finished, with its outputs',
			},
			{
				name: 'Execution Failed',
				value: 'execution.failed',
				description: 'An agent run failed, with its error',
			},
			{
				name: 'Execution Started',
				value: 'execution.started',
				description: 'An agent run started',
			},
			{
				name: 'Grant Revoked',
				value: 'grant.revoked',
				description: 'A credential grant was revoked, for example when its credential was deleted',
			},
		],
		default: ['execution.completed'],
		description: 'The events that start the workflow',
	},
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'string',
		default: '',
		placeholder: 'e.g. 7d0f3c5e-…',
		description:
			'Only execution events of this agent start the workflow. Leave empty for every agent. Grant events carry no agent and are not filtered.',
	},
	{
		displayName: 'Registration',
		name: 'registration',
		type: 'options',
		options: [
			{
				name: 'Automatic',
				value: 'automatic',
				description:
					'Subscribe this trigger to the events on activation, and unsubscribe on deactivation',
			},
			{
				name: 'Manual',
				value: 'manual',
				description:
					"Register nothing. Paste this trigger's URL into Execute Agent's Webhook URL; deliveries are verified with the credential's Webhook Secret.",
			},
		],
		default: 'automatic',
	},
	{
		displayName:
			"Copy this trigger's Production URL (above) into the Webhook URL of an AutoGPT node's Execute Agent operation. Deliveries are verified with the Webhook Secret of the AutoGPT OAuth2 credential, which must be set.",
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { registration: ['manual'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Timestamp Tolerance (Seconds)',
				name: 'timestampTolerance',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TOLERANCE_SECONDS,
				description:
					"How far a delivery's timestamps may lie from this server's clock, either way, before it is refused. Copies of a delivery are refused for as long.",
			},
		],
	},
];

/** The events to subscribe to: "All Events" stands for every event of contract §6. */
export function subscribedEvents(selected: string[]): DeliveryEvent[] {
	if (selected.includes(ALL_EVENTS)) return [...DELIVERY_EVENTS];
	return DELIVERY_EVENTS.filter((event) => selected.includes(event));
}
