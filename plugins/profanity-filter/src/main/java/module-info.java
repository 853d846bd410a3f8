/**
 * The profanity-filter plugin: a hook that rejects or masks listed words (a built-in list plus word files) in chat
 * requests and masks them in responses, streams included, holding back only the tail of a stream a match still needs.
 */
module io.heimdall.plugin.profanityfilter {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.profanityfilter.ProfanityFilterFactory;
}
