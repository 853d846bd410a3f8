/** The hook extension point: code that runs before and after every chat request, and on every streamed chunk. */
package io.heimdall.api.hook;
