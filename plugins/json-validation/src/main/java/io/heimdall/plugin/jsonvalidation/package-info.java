/** The json-validation plugin: JSON output checked against response_format or configured schemas. */
package io.heimdall.plugin.jsonvalidation;
