/** A router that learns each target's latency and error rate and plans faster, healthier targets first more often. */
package io.heimdall.plugin.adaptiverouter;
