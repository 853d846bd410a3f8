/** The provider extension point: a factory per provider type, and the blocking provider it creates. */
package io.heimdall.api.provider;
