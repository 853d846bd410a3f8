/**
 * Provider type {@code bedrock}: Amazon Bedrock's Runtime Converse and ConverseStream API (and InvokeModel for Titan
 * and Cohere embeddings), requests signed with AWS Signature Version 4 by the AWS SDK's signer. The SDK jars are
 * private to this plugin's folder; Jackson comes from the gateway's boot layer.
 */
module io.heimdall.provider.bedrock {
    requires io.heimdall.api;
    requires com.fasterxml.jackson.databind;
    requires software.amazon.awssdk.http.auth.aws;
    requires software.amazon.awssdk.http.auth.spi;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.utils;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.bedrock.BedrockProviderFactory;
}
