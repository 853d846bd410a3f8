/** The gateway's metrics registry: counters, gauges and histograms with labels, shared by the core and plugins. */
package io.heimdall.core.internal.metrics;
