import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';

import { PROVIDER_SCOPES } from '../helpers/providers';
import { platformRequest } from '../transport';
import type { GrantSummary } from '../transport/schemas';
import { grantList } from '../transport/schemas';

async function listGrants(this: ILoadOptionsFunctions): Promise<GrantSummary[]> {
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
