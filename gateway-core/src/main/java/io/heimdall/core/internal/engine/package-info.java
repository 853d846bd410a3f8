/**
 * The request pipeline: pre-hooks, cache, router, attempts with fallback, post-hooks; and the config generation that
 * holds the live provider, hook and cache instances.
 */
package io.heimdall.core.internal.engine;
