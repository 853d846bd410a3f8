package io.heimdall.api.provider;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest {
    private static final List<ModelInfo> CONFIGURED = List.of(new ModelInfo("configured", 0, "x"));

    private Instant now = Instant.parse("2026-11-30T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final System.Logger logger = new System.Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            warnings.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            warnings.add(level + " " + java.text.MessageFormat.format(format, params));
        }
    };

    @Test
    void mergesCachesAndRefreshesAfterTheTtl() {
        ModelCatalog catalog = new ModelCatalog("p", clock, Duration.ofMinutes(10), Duration.ofMinutes(1), logger);
        AtomicInteger calls = new AtomicInteger();
        Supplier<List<ModelInfo>> fetch = () -> {
            calls.incrementAndGet();
            return List.of(new ModelInfo("configured", 5, "api"), new ModelInfo("listed", 5, "api"));
        };
        List<ModelInfo> first = catalog.list(fetch, CONFIGURED);
        assertEquals(List.of("configured", "listed"), first.stream().map(ModelInfo::id).toList());
        assertEquals("x", first.getFirst().ownedBy(), "a configured model keeps its entry");
        now = now.plus(Duration.ofMinutes(9));
        assertEquals(first, catalog.list(fetch, CONFIGURED));
        assertEquals(1, calls.get(), "cached for the ttl");
        now = now.plus(Duration.ofMinutes(2));
        catalog.list(fetch, CONFIGURED);
        assertEquals(2, calls.get(), "asked again after the ttl");
        catalog.invalidate();
        catalog.list(fetch, CONFIGURED);
        assertEquals(3, calls.get());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void aFailureFallsBackToTheConfiguredModelsAndWarnsOnce() {
        ModelCatalog catalog = new ModelCatalog("p", clock, Duration.ofMinutes(10), Duration.ofMinutes(1), logger);
        AtomicInteger calls = new AtomicInteger();
        boolean[] fail = {true};
        Supplier<List<ModelInfo>> fetch = () -> {
            calls.incrementAndGet();
            if (fail[0]) {
                throw new GatewayException(GatewayError.of(403, GatewayError.AUTHENTICATION, "Provider 'p' denied"));
            }
            return List.of(new ModelInfo("listed", 0, "api"));
        };
        assertEquals(CONFIGURED, catalog.list(fetch, CONFIGURED));
        assertEquals(CONFIGURED, catalog.list(fetch, CONFIGURED));
        assertEquals(1, calls.get(), "a failure is remembered for the retry time");
        now = now.plus(Duration.ofMinutes(2));
        assertEquals(CONFIGURED, catalog.list(fetch, CONFIGURED));
        assertEquals(2, calls.get());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("403 Provider 'p' denied"), warnings.getFirst());
        assertTrue(warnings.getFirst().startsWith("WARNING"));

        fail[0] = false;
        now = now.plus(Duration.ofMinutes(2));
        assertEquals(List.of("configured", "listed"), catalog.list(fetch, CONFIGURED).stream().map(ModelInfo::id)
                .toList());
        fail[0] = true;
        now = now.plus(Duration.ofMinutes(11));
        catalog.list(fetch, CONFIGURED);
        assertEquals(2, warnings.size(), "warned again after a success in between");
    }

    @Test
    void anotherExceptionIsLoggedByTypeOnly() {
        ModelCatalog catalog = new ModelCatalog("p", clock, logger);
        assertEquals(CONFIGURED, catalog.list(() -> {
            throw new IllegalStateException("token=secret-value");
        }, CONFIGURED));
        assertEquals(1, warnings.size());
        assertFalse(warnings.getFirst().contains("secret-value"), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("IllegalStateException"));
    }
}
