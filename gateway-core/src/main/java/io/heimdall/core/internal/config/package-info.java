/** Reading, validating and watching the gateway's YAML or JSON config file. */
package io.heimdall.core.internal.config;
