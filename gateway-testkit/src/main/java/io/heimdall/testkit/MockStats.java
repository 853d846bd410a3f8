package io.heimdall.testkit;

import java.util.Map;

/** The JSON of {@code GET /_mock/stats}: the counters of a {@link MockOpenAiServer}, for a checker in another process. */
final class MockStats {
    private MockStats() {
    }

    static String json(MockOpenAiServer server) {
        StringBuilder sb = new StringBuilder(256).append("{\"requests\":").append(server.requestCount())
                .append(",\"requests_by_path\":{");
        String sep = "";
        for (Map.Entry<String, Long> e : server.requestCounts().entrySet()) {
            sb.append(sep).append(MockHandler.quote(e.getKey())).append(':').append(e.getValue());
            sep = ",";
        }
        sb.append("},\"active_requests\":").append(server.activeRequests());
        if (server.tracksConnections()) {
            sb.append(",\"open_connections\":").append(server.openConnections())
                    .append(",\"abandoned_requests\":").append(server.abandonedRequests());
        }
        return sb.append("}\n").toString();
    }
}
