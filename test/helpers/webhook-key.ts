import { webhookKeyCredential as templateKeyCredential } from '../../scripts/templates/dsl';

/** The webhook key the tests set, as a user sets the templates' "Data migration webhook key" credential (n8n Header Auth). */
export const WEBHOOK_KEY = { header: 'X-Migration-Key', value: 'e2e-webhook-key-7Qm2xV' };

export const webhookKeyCredential = templateKeyCredential(WEBHOOK_KEY.header, WEBHOOK_KEY.value);

/** Request headers of a caller that has the key. */
export const withKey = (headers: Record<string, string> = {}) => ({
	...headers,
	[WEBHOOK_KEY.header]: WEBHOOK_KEY.value,
});

/** Callers without the webhook key: none, a wrong value, the right value in another header. */
export const INTRUDERS: Array<Record<string, string>> = [
	{},
	{ [WEBHOOK_KEY.header]: 'not-the-key' },
	{ authorization: `Bearer ${WEBHOOK_KEY.value}` },
];

/** A POST to a template's Webhook on a local n8n, with the key unless other headers are given; the answer as text and JSON. */
export async function postWebhook(
	port: number,
	slug: string,
	body: object,
	headers = withKey({ 'content-type': 'application/json' }),
) {
	const response = await fetch(`http://127.0.0.1:${port}/webhook/data-migration/${slug}`, {
		method: 'POST',
		headers,
		body: JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
