/** The OpenAI and OpenAI-compatible providers: two factories sharing one implementation over the OpenAI wire format. */
package io.heimdall.provider.openai;
