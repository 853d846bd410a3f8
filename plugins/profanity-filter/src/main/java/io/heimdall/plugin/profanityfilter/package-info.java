/** The profanity-filter plugin: rejects or masks listed words in chat requests and masks them in responses. */
package io.heimdall.plugin.profanityfilter;
