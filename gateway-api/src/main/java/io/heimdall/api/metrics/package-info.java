/**
 * The gateway's metrics registry as plugins see it: {@link io.heimdall.api.plugin.Metrics} records into it, and an
 * exposition plugin (Prometheus, OpenTelemetry) reads {@link io.heimdall.api.metrics.MetricFamily} snapshots of it.
 */
package io.heimdall.api.metrics;
