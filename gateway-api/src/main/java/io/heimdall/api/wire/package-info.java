/** The OpenAI wire codec the core lends to plugins, so providers speaking that format need no JSON library. */
package io.heimdall.api.wire;
