/** The router role: order the candidate targets of a request, and learn from how each attempt ended. */
package io.heimdall.api.route;
