// n8n shows every operation whatever the credential's platform is; an operation that platform does
// not serve fails each item with what is missing and what to do instead (transport/profiles).
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { profileOf } from '../transport';
import { unavailableOn } from '../transport/profiles';
import { resourceProperties } from './resources';

export type Refusal = (itemIndex: number) => NodeOperationError;

function optionName(property: INodeProperties | undefined, value: string): string {
	const option = property?.options?.find(
		(candidate) => 'value' in candidate && candidate.value === value,
	);
	return option?.name ?? value;
}

/** `Execution → Cancel`, in the words of the node's menus. */
function label(resource: string, operation: string): string {
	const resourceMenu = resourceProperties.find((property) => property.name === 'resource');
	const operationMenu = resourceProperties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	);
	return `${optionName(resourceMenu, resource)} → ${optionName(operationMenu, operation)}`;
}

/** The error each item gets when the credential's platform lacks this operation, else undefined. */
export async function refusalFor(
	context: IExecuteFunctions,
	resource: string,
	operation: string,
): Promise<Refusal | undefined> {
	let reason: string | undefined;
	let liveV1 = false;
	try {
		const profile = await profileOf(context);
		liveV1 = profile === 'liveV1';
		reason = unavailableOn(profile, resource, operation);
	} catch {
		// No usable credential: the operation itself says so, in its own words.
		return undefined;
	}
	if (!reason) return undefined;
	const where = liveV1 ? "today's AutoGPT platform (platform.agpt.co)" : 'this AutoGPT platform';
	return (itemIndex) =>
		new NodeOperationError(
			context.getNode(),
			`${label(resource, operation)} is not available on ${where}`,
			{ itemIndex, description: reason },
		);
}
