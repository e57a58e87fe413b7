import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { PROVIDER_SCOPES } from '../helpers/providers';
import { platformRequest, profileOf } from '../transport';
import { unavailableOn } from '../transport/profiles';
import { listBlocks, listIntegrationCredentials } from '../transport/profiles/liveV1';
import type { GrantSummary } from '../transport/schemas';
import { grantList } from '../transport/schemas';

/** A list of one platform asked for on the other: say why it is empty instead of a 404. */
async function assertServed(context: ILoadOptionsFunctions, resource: string): Promise<void> {
	const reason = unavailableOn(await profileOf(context), resource);
	if (reason) throw new NodeOperationError(context.getNode(), reason);
}

function matches(filter: string | undefined, ...texts: Array<string | null | undefined>): boolean {
	const needle = filter?.trim().toLowerCase();
	return !needle || texts.some((text) => (text ?? '').toLowerCase().includes(needle));
}

async function listGrants(this: ILoadOptionsFunctions): Promise<GrantSummary[]> {
	await assertServed(this, 'grant');
	return await platformRequest.call(this, grantList, {
		method: 'GET',
		path: '/grants/',
		action: 'Could not list grants',
	});
}

function grantLabel(grant: { provider: string; id: string; granted_scopes: string[] }): string {
	return `${grant.provider} (${grant.id})`;
}

export const listSearch = {
	async searchGrants(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		const grants = await listGrants.call(this);
		const needle = filter?.toLowerCase();
		return {
			results: grants
				.filter((grant) => !needle || grantLabel(grant).toLowerCase().includes(needle))
				.map((grant) => ({ name: grantLabel(grant), value: grant.id })),
		};
	},

	async searchBlocks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		await assertServed(this, 'block');
		return {
			results: (await listBlocks.call(this))
				.filter((block) => matches(filter, block.name, block.description))
				.map((block) => ({ name: block.name, value: block.id, description: block.description })),
		};
	},

	async searchIntegrationCredentials(
		this: ILoadOptionsFunctions,
		filter?: string,
	): Promise<INodeListSearchResult> {
		await assertServed(this, 'integrationCredential');
		return {
			results: (await listIntegrationCredentials.call(this, undefined))
				.filter((credential) =>
					matches(filter, credential.provider, String(credential.title ?? ''), credential.id),
				)
				.map((credential) => ({
					name: `${credential.provider}: ${String(credential.title ?? credential.id)}`,
					value: credential.id,
				})),
		};
	},
};

export const loadOptions = {
	async getGrants(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const grants = await listGrants.call(this);
		return grants.map((grant) => ({
			name: grantLabel(grant),
			value: grant.id,
			description: grant.granted_scopes.join(', '),
		}));
	},

	async getProviderScopes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const provider = this.getCurrentNodeParameter('provider') as string;
		return (PROVIDER_SCOPES[provider] ?? []).map((scope) => ({ name: scope, value: scope }));
	},
};
