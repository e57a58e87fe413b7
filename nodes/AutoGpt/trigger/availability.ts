// Today's AutoGPT platform (platform.agpt.co) sends no events: a trigger on its credential cannot
// be activated, and says what to do instead.
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { profileOf } from '../transport';
import { unavailableOn } from '../transport/profiles';

export async function assertTriggerServed(context: IHookFunctions): Promise<void> {
	let reason: string | undefined;
	try {
		reason = unavailableOn(await profileOf(context), 'trigger');
	} catch {
		// No usable credential: the registration itself says so, in its own words.
	}
	if (reason) {
		throw new NodeOperationError(
			context.getNode(),
			"Today's AutoGPT platform (platform.agpt.co) cannot start this trigger",
			{ description: reason },
		);
	}
}
