// What the trigger takes from n8n's request object to verify a delivery: the body bytes as
// received, and each of the two headers only when it came once.
import type { IWebhookFunctions } from 'n8n-workflow';

import { deliveryRequest } from '../../../nodes/AutoGpt/trigger/delivery';

function contextWith(request: Record<string, unknown>): IWebhookFunctions {
	return { getRequestObject: () => request } as unknown as IWebhookFunctions;
}

const body = Buffer.from('{"event":"execution.completed"}');

test('a body n8n has not read yet is read before it is verified', async () => {
	const request: Record<string, unknown> = {
		headers: { 'x-webhook-signature': 'sha256=ab', 'x-webhook-timestamp': '2026-12-31T23:59:59' },
		readRawBody: async () => {
			request.rawBody = body;
		},
	};

	expect(await deliveryRequest(contextWith(request))).toEqual({
		rawBody: body,
		signatureHeader: 'sha256=ab',
		timestampHeader: '2026-12-31T23:59:59',
	});
});

test('a body n8n has read is taken as it is, not read again', async () => {
	const readRawBody = jest.fn();
	const request = { rawBody: body, headers: {}, readRawBody };

	expect(await deliveryRequest(contextWith(request))).toEqual({
		rawBody: body,
		signatureHeader: undefined,
		timestampHeader: undefined,
	});
	expect(readRawBody).not.toHaveBeenCalled();
});

test('a header given twice is not used (it verifies nothing); given once in a list, it is', async () => {
	const request = {
		rawBody: body,
		headers: {
			'x-webhook-signature': ['sha256=ab', 'sha256=cd'],
			'x-webhook-timestamp': ['2026-12-31T23:59:59'],
		},
	};

	expect(await deliveryRequest(contextWith(request))).toMatchObject({
		signatureHeader: '',
		timestampHeader: '2026-12-31T23:59:59',
	});
});

test('a request with no body and nothing to read it with has no body (verification refuses it)', async () => {
	const request = { headers: { 'x-webhook-signature': 'sha256=ab' } };

	expect(await deliveryRequest(contextWith(request))).toEqual({
		rawBody: undefined,
		signatureHeader: 'sha256=ab',
		timestampHeader: undefined,
	});
});
