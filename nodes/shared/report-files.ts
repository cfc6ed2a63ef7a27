import type { IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';

/** A report or document as the binary data of its item: `<fileName>.html` and `<fileName>.md`. */
export async function reportFiles(
	context: Pick<IExecuteFunctions, 'helpers'>,
	fileName: string,
	html: string,
	markdown: string,
): Promise<IBinaryKeyData> {
	return {
		html: await context.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), `${fileName}.html`, 'text/html'),
		markdown: await context.helpers.prepareBinaryData(Buffer.from(markdown, 'utf8'), `${fileName}.md`, 'text/markdown'),
	};
}
