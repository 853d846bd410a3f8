/** A pre/post hook that adds a header: the smallest complete Heimdall plugin. */
package io.heimdall.plugin.exampleheaderhook;
