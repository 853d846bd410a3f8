package io.heimdall.plugin.prometheus;

import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.plugin.Metrics;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One scrape: the gateway registry's snapshot plus the plugin's own client_java registry (JVM metrics), written by
 * the client_java writer the scraper's {@code Accept} header asks for (Prometheus text 0.0.4 by default, OpenMetrics
 * 1.0 on request; protobuf is not shipped, so a protobuf request gets text).
 */
final class Exposition {
    private final Metrics metrics;
    private final PrometheusRegistry own;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private final System.Logger log;

    /** The body and its content type. */
    record Scrape(String contentType, byte[] body) {
    }

    Exposition(Metrics metrics, PrometheusRegistry own, System.Logger log) {
        this.metrics = metrics;
        this.own = own;
        this.log = log;
    }

    /** Writes every metric in the format {@code accept} asks for. */
    Scrape scrape(String accept) {
        List<MetricSnapshot> all = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (MetricFamily f : metrics.snapshot()) {
            var converted = SnapshotConverter.convert(f);
            if (converted.isPresent() && names.add(converted.get().getMetadata().getPrometheusName())) {
                all.add(converted.get());
            } else if (skipped.add(f.name())) {
                log.log(System.Logger.Level.WARNING, "Metric {0} cannot be exposed (invalid name or labels, or a "
                        + "duplicate); skipped", f.name());
            }
        }
        for (MetricSnapshot s : own.scrape()) {
            if (names.add(s.getMetadata().getPrometheusName())) {
                all.add(s);
            }
        }
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (writer instanceof PrometheusProtobufWriter || !writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, new MetricSnapshots(all));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }
}
