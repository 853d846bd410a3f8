/** Keeps the process's memory in check: the serial collector's old generation. */
package io.heimdall.core.internal.memory;
