import * as getCapabilities from './account/getCapabilities.operation';
import * as execute from './agent/execute.operation';
import * as createLink from './connect/createLink.operation';
import * as cancel from './execution/cancel.operation';
import * as get from './execution/get.operation';
import * as wait from './execution/wait.operation';
import * as deleteCredential from './grant/deleteCredential.operation';
import * as getGrant from './grant/get.operation';
import * as getAll from './grant/getAll.operation';
import type { Operation } from './types';

/** resource → operation → its parameters and its code. */
export const operations: Record<string, Record<string, Operation>> = {
	agent: { execute },
	execution: { get, wait, cancel },
	grant: { getAll, get: getGrant, deleteCredential },
	account: { getCapabilities },
	connect: { createLink },
};
