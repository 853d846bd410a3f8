/** The gateway as a program and as an embeddable object: {@link io.heimdall.core.Gateway} and its launcher. */
package io.heimdall.core;
