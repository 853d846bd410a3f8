/** The router extension point: order the candidate targets of a request. */
package io.heimdall.api.route;
