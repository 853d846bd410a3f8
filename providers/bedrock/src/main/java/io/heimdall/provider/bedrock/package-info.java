/** The Amazon Bedrock provider: Converse translation, the AWS event-stream decoder and SigV4 signing. */
package io.heimdall.provider.bedrock;
